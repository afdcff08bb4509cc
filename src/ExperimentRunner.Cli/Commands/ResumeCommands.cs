using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Files;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Simulation;
using ExperimentRunner.Storage;
using Spectre.Console;

namespace ExperimentRunner.Cli.Commands;

/// <summary>resume: continue an interrupted session at its next unfinished block, never overwriting what was recorded.</summary>
public static class ResumeCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Resume();
    }

    /// <summary>Where an interrupted session continues, from what its record holds.</summary>
    public sealed record ResumePlan(StoredSession Session, string ParadigmPath, ResumePoint? Point, string Explanation);

    /// <summary>
    /// Reads the session's record: the paradigm (by its SHA-256, so a changed file is refused), the selections, and the
    /// first (run, block) without a BlockEnded event. Null point: interrupted before any scan run started with the
    /// selection unfinished, so the session starts again from its beginning under the same ID.
    /// </summary>
    public static ResumePlan Find(string db, string sessionId, string? paradigmPath)
    {
        using (StudyReader reader = StorageCommands.OpenReader(db, StudyFiles.PasswordFromEnvironment()))
        {
            var session = reader.Session(sessionId) ?? throw new UserFacingException(
                $"no session '{sessionId}' in {db}; sessions: {string.Join(", ", reader.Sessions().Select(s => s.SessionId).Take(10))}", ExitCodes.Invalid);
            if (session.Status == "completed")
                throw new UserFacingException($"session {sessionId} is complete; there is nothing to resume", ExitCodes.Invalid);
            string path = paradigmPath ?? FindParadigm(session.Info.ParadigmSha256)
                ?? throw new UserFacingException($"the paradigm of session {sessionId} ({session.Info.ParadigmName}, sha256 {session.Info.ParadigmSha256[..12]}…) was not found in paradigms/; give it with --paradigm FILE", ExitCodes.Invalid);
            string sha = Sha256OfParadigm(path) ?? throw new UserFacingException($"{path} cannot be read as a paradigm file (not a regular file of at most {RegularFile.Size(YamlTree.MaxBytes)})", ExitCodes.Invalid);
            if (sha != session.Info.ParadigmSha256)
                throw new UserFacingException($"{path} has changed since session {sessionId} started (sha256 {sha[..12]}… ≠ {session.Info.ParadigmSha256[..12]}…); resume with the file as it was", ExitCodes.Invalid);
            var paradigm = ParadigmCommands.LoadOrThrow(path);
            var plan = Planner.Make(paradigm, new SessionFacts(session.Info.ParticipantId, session.Info.SessionLabel, session.Info.Seed));
            var events = reader.Events(sessionId).Select(e => e.Event).ToList();
            var done = reader.CompletedBlocks(sessionId);
            var selectionPhase = plan.Phases.FirstOrDefault(p => p.Spec is SelectionPhase);
            var selections = selectionPhase == null ? [] : events
                .Where(e => e.Kind == EventKind.Choice && e.Phase == selectionPhase.Spec.Name && e.Stimulus != null)
                .Select(e => (e.Stimulus!, e.Response)).ToList();
            bool selectionDone = selectionPhase == null || selections.Count >= selectionPhase.ProfileOrder.Count;
            foreach (var run in plan.Runs)
            {
                int block = run.Blocks.Select(b => b.Index).FirstOrDefault(b => !done.Contains((run.Index, b)));
                bool runFinished = events.Any(e => e.Kind == EventKind.RunEnded && e.Run == run.Index && e.Code == 0);
                if (block == 0 || runFinished) continue;
                if (!selectionDone && !events.Any(e => e.Kind == EventKind.RunStarted))
                    return new ResumePlan(session, path, null, "interrupted before the selection was finished: the session starts again from its beginning (the first attempt stays recorded)");
                return new ResumePlan(session, path, new ResumePoint(run.Index, block, selections),
                    block == 1 ? $"continues with run {run.Index} from its start" : $"continues run {run.Index} at block {block} (blocks before it are complete)");
            }
            // Every block is done: what remains are the phases after the last run (ratings, end).
            var last = plan.Runs.LastOrDefault();
            if (last == null) return new ResumePlan(session, path, null, "the paradigm has no scan run: the session starts again from its beginning");
            return new ResumePlan(session, path, new ResumePoint(last.Index, last.Blocks.Count + 1, selections), "every block is complete: continues with the phases after the last run");
        }
    }

    private static string? FindParadigm(string sha)
    {
        var folder = Path.Combine(Environment.CurrentDirectory, "paradigms");
        if (!Directory.Exists(folder)) return null;
        return Directory.GetFiles(folder, "*.yaml").FirstOrDefault(f => Sha256OfParadigm(f) == sha);
    }

    /// <summary>The file's sha256, or null when it is no regular file of a paradigm's size (a FIFO here must not hang the search).</summary>
    private static string? Sha256OfParadigm(string path)
    {
        try { return Convert.ToHexStringLower(SHA256.HashData(RegularFile.ReadAllBytes(path, YamlTree.MaxBytes))); }
        catch (IOException) { return null; }
    }

    private static Command Resume()
    {
        var db = SessionCommands.DbOption();
        var session = new Option<string>("--session") { Description = "The session ID to continue (as printed when it started; `exrun db check` lists them).", Required = true };
        var paradigm = new Option<string?>("--paradigm") { Description = "The paradigm file (default: the file in paradigms/ with the session's SHA-256)." };
        var display = new Option<string>("--display") { Description = "window, fullscreen or offscreen (real sessions).", DefaultValueFactory = _ => "window" };
        display.AcceptOnlyFromAmong("window", "fullscreen", "offscreen");
        var scanner = new Option<string?>("--scanner") { Description = "Trigger source (real sessions; default: the paradigm's)." };
        var markers = new Option<string[]>("--markers") { Description = "Marker outputs (real sessions).", AllowMultipleArgumentsPerToken = true };
        var maxSeconds = new Option<double?>("--max-seconds") { Description = "Stop cleanly after S seconds." };
        var responder = new Option<string?>("--responder") { Description = "Simulated participant policy (simulated sessions, or dry runs)." };
        var realtime = new Option<bool>("--realtime") { Description = "Simulated sessions: in real time." };
        var overrides = new Option<string[]>("--override") { Description = "Start despite these failed preflight checks.", AllowMultipleArgumentsPerToken = true };
        var command = new Command("resume", "Continues an interrupted session at its next unfinished block (or run); records the interruption and keeps everything recorded.")
        {
            db, session, paradigm, display, scanner, markers, maxSeconds, responder, realtime, overrides,
        };
        command.SetAction(parse =>
        {
            string dbPath = parse.GetValue(db)!;
            var found = Find(dbPath, parse.GetValue(session)!, parse.GetValue(paradigm));
            var info = found.Session.Info;
            Console.Out.WriteLine($"session {info.SessionId} ({info.ParticipantId}, ses-{info.SessionLabel}, {found.Session.Status}): {found.Explanation}");
            if (info.Mode == "simulate")
            {
                var model = ParadigmCommands.LoadOrThrow(found.ParadigmPath);
                var plan = Planner.Make(model, new SessionFacts(info.ParticipantId, info.SessionLabel, info.Seed));
                ResponderPolicy policy;
                try { policy = ResponderPolicy.Parse(parse.GetValue(responder)); }
                catch (FormatException e) { throw new UserFacingException(e.Message, ExitCodes.Invalid); }
                using var store = SessionCommands.OpenStore(dbPath);
                var options = new SessionOptions
                {
                    SessionId = info.SessionId, Mode = "simulate", ArmCode = info.ArmCode, Resume = found.Point, SoftwareVersion = SessionCommands.SoftwareVersion, SoftwareCommit = SessionCommands.SoftwareCommit,
                    MaxDurationNs = parse.GetValue(maxSeconds) is double s ? Core.Time.Ns.FromSeconds(s) : 0,
                };
                // A session that took its selection from an earlier record (--skip, --run) resumes with it again (run: in RunCommands).
                if (found.Point is { Selections.Count: 0 } point)
                    options = options with { Resume = point with { Selections = SessionCommands.EarlierSelection(plan, [], point, dbPath) } };
                var (result, _) = Simulator.Run(plan, store, new SimulationSettings { Responder = policy, RealTime = parse.GetValue(realtime) }, options);
                store.Flush(TimeSpan.FromSeconds(30));
                Console.Out.WriteLine($"session {info.SessionId}: {result.Status.ToString().ToLowerInvariant()} after resuming; stored in {dbPath}");
                return result.Status == SessionStatus.Aborted ? ExitCodes.Aborted : ExitCodes.Ok;
            }
            return RunCommands.Execute(new RunCommands.RunRequest
            {
                File = found.ParadigmPath, Participant = info.ParticipantId, Session = info.SessionLabel, Db = dbPath,
                Display = parse.GetValue(display)!, Scanner = parse.GetValue(scanner), Markers = parse.GetValue(markers) ?? [],
                MaxSeconds = parse.GetValue(maxSeconds), Responder = parse.GetValue(responder), Arm = info.ArmCode,
                Overrides = parse.GetValue(overrides) ?? [], Resume = found.Point, SessionId = info.SessionId, Seed = info.Seed,
            }, AnsiConsole.Console);
        });
        return command;
    }
}
