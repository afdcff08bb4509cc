using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Simulation;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Storage;

namespace ExperimentRunner.Cli.Commands;

/// <summary>What simulate's action reads for a cohort: its options, passed on from <see cref="SessionCommands"/>.</summary>
internal sealed record CohortOptions(
    Argument<string> File, Option<string> Session, Option<string> Db, Option<double?> Refresh, Option<string> Responder,
    Option<double> Dropout, Option<double> DropFrames, Option<ulong?> Seed, Option<string?> Arm, Option<double?> MaxSeconds,
    Option<string[]> Skip);

// simulate --participants: a cohort simulated in parallel into one study database.
public static partial class SessionCommands
{
    /// <summary>Most participants one cohort takes.</summary>
    public const int MaxCohort = 10_000;

    private static Option<string?> ParticipantsOption() => new("--participants")
    {
        Description = "Simulate a cohort into the one database, in parallel: a range (sub-01..sub-100) or a list (sub-01,sub-07), or both (sub-01..sub-20,sub-31). Instead of --participant.",
    };

    /// <summary>--participants' text, or null for one participant; exit 2 for neither, both, or options a cohort cannot
    /// take (a cohort runs on the virtual clock only, and sends no markers).</summary>
    private static string? CohortOrNull(ParseResult parse, Option<string> participant, Option<string?> participants,
        Option<bool> realtime, Option<string[]> markers, Option<long?> faultAtFlip)
    {
        string? one = parse.GetValue(participant), many = parse.GetValue(participants);
        if (one is null && many is null) throw new UserFacingException("simulate needs --participant (one) or --participants (a cohort, e.g. sub-01..sub-100)", ExitCodes.Invalid);
        if (many is null) return null;
        if (one is not null) throw new UserFacingException("give --participant or --participants, not both", ExitCodes.Invalid);
        if (parse.GetValue(realtime)) throw new UserFacingException("--participants runs on the virtual clock only: leave out --realtime", ExitCodes.Invalid);
        if (parse.GetValue(markers) is { Length: > 0 }) throw new UserFacingException("--participants sends no markers: leave out --markers (simulate one participant to test markers)", ExitCodes.Invalid);
        if (parse.GetValue(faultAtFlip) is not null) throw new UserFacingException("--fault-at-flip is for one participant", ExitCodes.Invalid);
        return many;
    }

    /// <summary>
    /// The participants a cohort names: ranges PREFIX-A..PREFIX-B (numbers padded as A is written) and single IDs,
    /// separated by commas, in the order given. Throws <see cref="UserFacingException"/> (exit 2) for anything else.
    /// </summary>
    public static IReadOnlyList<string> ParseCohort(string text)
    {
        var ids = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.Length == 0) throw new UserFacingException($"--participants '{text}': an empty item (two commas, or a comma at an end)", ExitCodes.Invalid);
            IEnumerable<string> items = [part];
            if (part.Contains("..", StringComparison.Ordinal))
            {
                Match m = Regex.Match(part, @"^(?<p>[A-Za-z0-9_-]*?)(?<a>\d+)\.\.(?<q>[A-Za-z0-9_-]*?)(?<b>\d+)$");
                if (!m.Success || m.Groups["p"].Value != m.Groups["q"].Value)
                    throw new UserFacingException($"--participants: '{part}' is no range: write it as sub-01..sub-100 (one prefix, numbers at the end)", ExitCodes.Invalid);
                string prefix = m.Groups["p"].Value, a = m.Groups["a"].Value;
                if (a.Length > 9 || m.Groups["b"].Value.Length > 9) throw new UserFacingException($"--participants: '{part}': numbers of at most 9 digits", ExitCodes.Invalid);
                int from = int.Parse(a, CultureInfo.InvariantCulture), to = int.Parse(m.Groups["b"].Value, CultureInfo.InvariantCulture);
                if (to < from) throw new UserFacingException($"--participants: '{part}' runs backwards ({to} < {from})", ExitCodes.Invalid);
                if (to - from + 1 > MaxCohort) throw new UserFacingException($"--participants: '{part}' names {to - from + 1} participants; at most {MaxCohort} in one cohort", ExitCodes.Invalid);
                items = Enumerable.Range(from, to - from + 1).Select(n => prefix + n.ToString(CultureInfo.InvariantCulture).PadLeft(a.Length, '0'));
            }
            foreach (string id in items)
            {
                ParadigmCommands.CheckParticipant(id);
                if (!seen.Add(id)) throw new UserFacingException($"--participants: {id} is named twice", ExitCodes.Invalid);
                ids.Add(id);
                if (ids.Count > MaxCohort) throw new UserFacingException($"--participants: more than {MaxCohort} participants in one cohort", ExitCodes.Invalid);
            }
        }
        return ids;
    }

    /// <summary>
    /// Simulates every participant's session on the virtual clock, on all cores at once, each into memory; the sessions
    /// then go into the study database one after the other, in the order the participants were named (the store takes
    /// one session at a time), while later ones are still being simulated. The database is opened (and checked) once.
    /// </summary>
    private static int SimulateCohort(ParseResult parse, CohortOptions o, string cohortText)
    {
        IReadOnlyList<string> ids = ParseCohort(cohortText);
        var paradigm = ParadigmCommands.LoadOrThrow(parse.GetValue(o.File)!);
        string label = ParadigmCommands.CheckSessionLabel(parse.GetValue(o.Session)!);
        ResponderPolicy policy;
        try { policy = ResponderPolicy.Parse(parse.GetValue(o.Responder)); }
        catch (FormatException e) { throw new UserFacingException(e.Message, ExitCodes.Invalid); }
        double p = parse.GetValue(o.Dropout);
        if (p is < 0 or > 1) throw new UserFacingException("--scanner-dropout must be between 0 and 1", ExitCodes.Invalid);
        double hz = parse.GetValue(o.Refresh) ?? paradigm.Display.ExpectedRefreshHz;
        if (hz is < 20 or > 500) throw new UserFacingException("--refresh must be between 20 and 500 Hz", ExitCodes.Invalid);
        var settings = new SimulationSettings { RefreshHz = hz, Responder = policy, ScannerDropout = p, DropProbability = parse.GetValue(o.DropFrames) };
        string dbPath = parse.GetValue(o.Db)!;
        string? arm = CheckArm(paradigm, parse.GetValue(o.Arm));
        var skip = CheckSkip(paradigm, parse.GetValue(o.Skip));
        long maxNs = parse.GetValue(o.MaxSeconds) is double s ? Ns.FromSeconds(s) : 0;

        // Every plan and earlier selection before anything runs: a participant the paradigm cannot take stops the cohort
        // before a session of it is stored.
        var jobs = new List<(Plan Plan, SessionOptions Options)>(ids.Count);
        foreach (string id in ids)
        {
            Plan plan;
            try { plan = Planner.Make(paradigm, new SessionFacts(id, label, parse.GetValue(o.Seed))); }
            catch (PlanException e) { throw new UserFacingException($"{id}: {e.Pos}: error: {e.Message}", ExitCodes.Invalid); }
            var options = new SessionOptions
            {
                SessionId = NewSessionId(id, label), Mode = "simulate", ArmCode = arm, SoftwareVersion = SoftwareVersion, SoftwareCommit = SoftwareCommit,
                MaxDurationNs = maxNs, SkipPhases = skip,
            };
            jobs.Add((plan, options with { EarlierSelections = EarlierSelection(plan, skip, null, dbPath) }));
        }

        var wall = Stopwatch.StartNew();
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        using LiteDbStore store = OpenStore(dbPath);
        var done = new TaskCompletionSource<(MemoryEventSink Sink, SessionResult? Result, Exception? Error)>[jobs.Count];
        for (int i = 0; i < done.Length; i++) done[i] = new(TaskCreationOptions.RunContinuationsAsynchronously);
        // At most two sessions per core wait in memory for the store; slots are taken in order, so the one the store
        // waits for always has one.
        using var slots = new SemaphoreSlim(2 * Environment.ProcessorCount);
        var producer = new Thread(() =>
        {
            for (int i = 0; i < jobs.Count; i++)
            {
                while (!slots.Wait(TimeSpan.FromSeconds(1))) { }
                int n = i;
                ThreadPool.UnsafeQueueUserWorkItem(_ => done[n].SetResult(SimulateOne(jobs[n].Plan, settings, jobs[n].Options)), null);
            }
        }) { IsBackground = true, Name = "exrun-cohort" };
        producer.Start();

        int failed = 0;
        long flips = 0;
        for (int i = 0; i < jobs.Count; i++)
        {
            while (!done[i].Task.Wait(TimeSpan.FromSeconds(1))) { /* a session of the cohort is still being simulated */ }
            (MemoryEventSink sink, SessionResult? result, Exception? error) = done[i].Task.GetAwaiter().GetResult();
            Replay(sink, store);
            slots.Release();
            string id = jobs[i].Plan.Facts.ParticipantId;
            if (error is not null || result is null)
            {
                failed++;
                Console.Error.WriteLine($"exrun: {id}: session {jobs[i].Options.SessionId} failed: {error?.Message}; what it recorded is stored (exrun resume --db {dbPath} --session {jobs[i].Options.SessionId})");
                continue;
            }
            flips += result.Flips;
            Console.Out.WriteLine($"{id}: session {result.SessionId}: {result.Status.ToString().ToLowerInvariant()}; {result.Flips / hz / 60:0.0} simulated min; responses {result.Responses}, missed {result.MissedResponses}");
        }
        producer.Join();
        bool flushed = store.Flush(TimeSpan.FromSeconds(60));
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        Console.Out.WriteLine($"{jobs.Count - failed} of {jobs.Count} sessions: {flips / hz / 60:0} simulated minutes in {wall.Elapsed.TotalSeconds:0.0} s wall, {cpu:0.0} CPU s on {Environment.ProcessorCount} cores");
        Console.Out.WriteLine($"  stored in {dbPath}{(flushed ? "" : " (not all on the disk yet: the store did not confirm within 60 s)")}");
        return failed > 0 || !flushed ? ExitCodes.Failure : ExitCodes.Ok;
    }

    private static (MemoryEventSink, SessionResult?, Exception?) SimulateOne(Plan plan, SimulationSettings settings, SessionOptions options)
    {
        var sink = new MemoryEventSink();
        try
        {
            (SessionResult result, _) = Simulator.Run(plan, sink, settings, options, clock: new VirtualClock());
            return (sink, result, null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return (sink, null, e);
        }
    }

    /// <summary>One simulated session into the store as the engine wrote it, never more than half the store's queue
    /// ahead of its writer (so no event goes to the overflow list).</summary>
    private static void Replay(MemoryEventSink sink, LiteDbStore store)
    {
        if (sink.Info is null) return; // failed before the session began: nothing was recorded
        store.SessionStarted(sink.Info);
        int half = store.QueueCapacity / 2;
        List<EventRecord> events = sink.Events;
        for (int i = 0; i < events.Count; i++)
        {
            if (i % half == half - 1) store.WaitForBacklog(half, TimeSpan.FromSeconds(60));
            store.Write(events[i]);
        }
        if (sink.End is not null) store.SessionEnded(sink.End);
    }
}
