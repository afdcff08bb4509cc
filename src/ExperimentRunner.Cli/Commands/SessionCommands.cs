using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Simulation;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Core.Vocabulary;
using ExperimentRunner.Hardware;
using ExperimentRunner.Hardware.Markers;
using ExperimentRunner.Storage;

namespace ExperimentRunner.Cli.Commands;

/// <summary>simulate (and the shared pieces of run and resume): sessions stored in the study database.</summary>
public static partial class SessionCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Simulate();
    }

    public static Option<string> DbOption() => new("--db")
    {
        Description = $"Study database (one file per study). Encrypted when {StudyFiles.PasswordVariable} is set.",
        DefaultValueFactory = _ => StudyFiles.DefaultPath,
    };

    public static string NewSessionId(string participant, string label) =>
        $"{participant}_ses-{label}_{DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture)}_{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..6]}";

    public static string? CheckArm(ParadigmModel paradigm, string? arm)
    {
        if (arm == null) return null;
        if (paradigm.ArmCodes.Count > 0 && !paradigm.ArmCodes.Contains(arm))
            throw new UserFacingException($"arm code '{arm}' is not one of the paradigm's arms ({string.Join(", ", paradigm.ArmCodes)})", ExitCodes.Invalid);
        return arm;
    }

    public static LiteDbStore OpenStore(string path) => StorageCommands.OpenStore(path, StudyFiles.PasswordFromEnvironment());

    /// <summary>Pilots: phases to leave out (the skip is recorded).</summary>
    public static Option<string[]> SkipOption() => new("--skip")
    {
        Description = "Phases to skip (pilots only; recorded), by name as in the paradigm.", AllowMultipleArgumentsPerToken = true,
    };

    public static IReadOnlyList<string> CheckSkip(ParadigmModel paradigm, string[]? names)
    {
        var list = (names ?? []).SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        var known = paradigm.Phases.Select(p => p.Name).ToList();
        foreach (var n in list)
            if (!known.Contains(n)) throw new UserFacingException($"--skip: no phase '{n}'{Suggest.DidYouMean(n, known)}; phases: {string.Join(", ", known)}", ExitCodes.Invalid);
        return list;
    }

    public static string SoftwareVersion => typeof(SessionCommands).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>The commit the program was built from (from the informational version "0.1.0+commit"), or null.</summary>
    public static string? SoftwareCommit
    {
        get
        {
            var info = typeof(SessionCommands).Assembly
                .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
                .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion;
            int plus = info?.IndexOf('+') ?? -1;
            return plus >= 0 ? info![(plus + 1)..] : null;
        }
    }

    /// <summary>
    /// The participant's earlier selection, for a session whose own selection phase does not run (skipped, --run, a
    /// resume) but whose scan shows selected profiles; empty when none is needed. A session that needs one and has none
    /// is refused before it starts (exit 2), the same way in simulate and run.
    /// </summary>
    public static IReadOnlyList<(string ProfileId, string? Choice)> EarlierSelection(Plan plan, IReadOnlyCollection<string> skipPhases, ResumePoint? resume, string dbPath)
    {
        if (SelectionSource.NeededFromEarlier(plan, skipPhases, resume) is not { } selection) return [];
        if (resume is { Selections.Count: > 0 }) return resume.Selections;
        IReadOnlyList<(string ProfileId, string? Choice)> earlier;
        try { earlier = SelectionRecord.Earlier(dbPath, plan.Facts.ParticipantId, plan.Facts.SessionLabel, selection.Name, StudyFiles.PasswordFromEnvironment()); }
        catch (StudyOpenException e) { throw new UserFacingException($"cannot read the earlier selection: {e.Message}", ExitCodes.Invalid); }
        if (earlier.Count == 0) throw new UserFacingException(SelectionSource.Missing(plan, selection, skipPhases, resume, dbPath), ExitCodes.Invalid);
        return earlier;
    }

    /// <summary>
    /// Runs a session; a crash (already stored as crashed, with everything before it) becomes one line for the operator
    /// with the way to continue, and exit code 1.
    /// </summary>
    public static SessionResult Crashes(string dbPath, Func<SessionResult> session)
    {
        try
        {
            return session();
        }
        catch (SessionCrashedException e)
        {
            if (Environment.GetEnvironmentVariable("EXRUN_DEBUG") == "1") Console.Error.WriteLine(e.InnerException);
            throw new UserFacingException($"{e.Message}. Everything recorded up to the crash is kept; continue with: exrun resume --db {dbPath} --session {e.SessionId}", ExitCodes.Failure);
        }
    }

    private static Command Simulate()
    {
        var file = new Argument<string>("FILE") { Description = "Paradigm file." };
        var participant = ParadigmCommands.ParticipantOption(required: false);
        var participants = ParticipantsOption();
        var session = ParadigmCommands.SessionOption();
        var db = DbOption();
        var refresh = new Option<double?>("--refresh") { Description = "Refresh rate of the simulated display, Hz (default: the paradigm's)." };
        var responder = new Option<string>("--responder")
        {
            Description = "Simulated participant: key=value pairs, e.g. select=0.4,rt=700ms,rt_sd=200ms,miss=0.05,mood=0.6,stray=0.01,yes=0.5.",
            DefaultValueFactory = _ => "default",
        };
        var dropout = new Option<double>("--scanner-dropout") { Description = "Chance each scanner pulse is lost (0–1).", DefaultValueFactory = _ => 0 };
        var dropFrames = new Option<double>("--drop-frames") { Description = "Chance any flip misses its deadline (0–1).", DefaultValueFactory = _ => 0 };
        var realtime = new Option<bool>("--realtime") { Description = "Run in real time on the monotonic clock (default: virtual clock, seconds for an hour)." };
        var seed = new Option<ulong?>("--seed") { Description = "Plan seed (default: derived from paradigm, participant and session)." };
        var arm = new Option<string?>("--arm") { Description = "Blinded arm code, stored and exported as is." };
        var maxSeconds = new Option<double?>("--max-seconds") { Description = "Stop cleanly after this many seconds of session time." };
        var markers = new Option<string[]>("--markers")
        {
            Description = $"Marker outputs the simulated session sends to, any number: {MarkerSpec.Grammar}.", AllowMultipleArgumentsPerToken = true,
        };
        var skip = SkipOption();
        var stimulus = SessionStimulusArguments.Option();
        var responseBox = ResponseBoxArguments.Option();
        responseBox.Description = "The simulated participant presses a response box: xid-sim[:drift=PPM][,offset=MS][,keys=B:KEY,...] (an XID box emulated on a pseudo-terminal, its own clock drifting) or forp[:keys=B:KEY,...][,trigger=KEY].";
        // For tests of crash records and resume: the simulated display fails at this flip (0-based). Not in --help.
        var faultAtFlip = new Option<long?>("--fault-at-flip") { Description = "Tests only: the simulated display fails at this flip.", Hidden = true };
        var command = new Command("simulate", "Runs the whole session with a simulated participant, scanner and display, stored like a real session.")
        {
            file, participant, session, db, refresh, responder, dropout, dropFrames, realtime, seed, arm, maxSeconds, markers, skip, faultAtFlip, stimulus,
            participants, responseBox,
        };
        command.SetAction(parse =>
        {
            var boxSpec = ResponseBoxArguments.Parse(parse.GetValue(responseBox));
            if (boxSpec is { Kind: ResponseBoxKind.Xid })
                throw new UserFacingException("--response-box: simulate presses a simulated box (xid-sim or forp); a real XID box is read by run", ExitCodes.Invalid);
            if (CohortOrNull(parse, participant, participants, realtime, markers, faultAtFlip) is { } cohort)
            {
                if (boxSpec != null) throw new UserFacingException("--response-box is for one participant: leave it out with --participants", ExitCodes.Invalid);
                return SimulateCohort(parse, new CohortOptions(file, session, db, refresh, responder, dropout, dropFrames, seed, arm, maxSeconds, skip), cohort);
            }
            var paradigm = ParadigmCommands.LoadOrThrow(parse.GetValue(file)!);
            // Per-session stimuli: every slot filled, every file decoded, before the plan (no prompt in a simulation).
            var sessionStimuli = SessionStimulusArguments.Resolve(paradigm, parse.GetValue(stimulus), ask: null);
            paradigm = SessionStimuli.Fill(paradigm, sessionStimuli);
            string id = ParadigmCommands.CheckParticipant(parse.GetValue(participant)!);
            string label = ParadigmCommands.CheckSessionLabel(parse.GetValue(session)!);
            ResponderPolicy policy;
            try { policy = ResponderPolicy.Parse(parse.GetValue(responder)); }
            catch (FormatException e) { throw new UserFacingException(e.Message, ExitCodes.Invalid); }
            double p = parse.GetValue(dropout);
            if (p is < 0 or > 1) throw new UserFacingException("--scanner-dropout must be between 0 and 1", ExitCodes.Invalid);
            double hz = parse.GetValue(refresh) ?? paradigm.Display.ExpectedRefreshHz;
            if (hz is < 20 or > 500) throw new UserFacingException("--refresh must be between 20 and 500 Hz", ExitCodes.Invalid);
            List<MarkerSpec> markerSpecs;
            try { markerSpecs = (parse.GetValue(markers) ?? []).Select(MarkerSpec.Parse).ToList(); }
            catch (DeviceSpecException e) { throw new UserFacingException($"--markers: {e.Message}", ExitCodes.Invalid); }
            Plan plan;
            try { plan = Planner.Make(paradigm, new SessionFacts(id, label, parse.GetValue(seed))); }
            catch (PlanException e) { throw new UserFacingException($"{e.Pos}: error: {e.Message}", ExitCodes.Invalid); }
            var settings = new SimulationSettings
            {
                RefreshHz = hz, Responder = policy, ScannerDropout = p, DropProbability = parse.GetValue(dropFrames), RealTime = parse.GetValue(realtime),
                FaultAtFlip = parse.GetValue(faultAtFlip) ?? -1,
            };
            string dbPath = parse.GetValue(db)!;
            string sessionId = NewSessionId(id, label);
            var options = new SessionOptions
            {
                SessionId = sessionId, Mode = "simulate", ArmCode = CheckArm(paradigm, parse.GetValue(arm)), SoftwareVersion = SoftwareVersion, SoftwareCommit = SoftwareCommit,
                MaxDurationNs = parse.GetValue(maxSeconds) is double s ? Ns.FromSeconds(s) : 0,
                SkipPhases = CheckSkip(paradigm, parse.GetValue(skip)),
                SessionStimuli = sessionStimuli,
            };
            options = options with { EarlierSelections = EarlierSelection(plan, options.SkipPhases, null, dbPath) };
            var cpu = Stopwatch.StartNew();
            IClock clock = settings.RealTime ? new MonotonicClock() : new VirtualClock();
            using var recorder = OpenMarkers(markerSpecs, clock);
            using var box = boxSpec is null ? null : ResponseBoxArguments.Open(boxSpec, clock);
            using var store = OpenStore(dbPath);
            recorder.RecordInto(store);
            SessionStimulusArguments.Store(store, sessionStimuli);
            options = options with { MarkersDescription = recorder.Description, ResponseBoxDescription = box?.Description };
            SessionResult result;
            try { result = Crashes(dbPath, () => Simulator.Run(plan, store, settings, options, clock: clock, markers: recorder.Outputs,
                participantInput: box is null ? null : box.ForParticipant).Result); }
            finally
            {
                // The virtual clock outruns the outputs: wait until every queued marker went out (and was recorded).
                if (!recorder.Finish(TimeSpan.FromSeconds(30))) Console.Error.WriteLine("exrun: warning: some markers were still queued after 30 s and were not sent");
            }
            store.Flush(TimeSpan.FromSeconds(30));
            var simulated = result.Flips / hz;
            Console.Out.WriteLine($"session {sessionId}: {result.Status.ToString().ToLowerInvariant()}; {simulated / 60:0.0} simulated minutes in {cpu.Elapsed.TotalSeconds:0.0} s");
            Console.Out.WriteLine($"  responses {result.Responses}, missed responses {result.MissedResponses}, missed frames {result.MissedFrames}, missing pulses {result.MissingPulses}, flips {result.Flips}");
            ResponseBoxArguments.PrintSummary(box, Console.Out);
            Console.Out.WriteLine($"  stored in {dbPath}");
            return result.Status == SessionStatus.Aborted ? ExitCodes.Aborted : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Opens simulate's marker outputs; a device that cannot open is a device failure (exit 1).</summary>
    private static MarkerRecorder OpenMarkers(IReadOnlyList<MarkerSpec> specs, IClock clock)
    {
        try { return MarkerRecorder.Open(specs, clock, clock.IsRealTime ? 256 : MarkerRecorder.VirtualClockQueueCapacity); }
        catch (Exception e) when (e is HardwareException or IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException)
        {
            throw new UserFacingException($"--markers: {e.Message}", ExitCodes.Failure);
        }
    }
}
