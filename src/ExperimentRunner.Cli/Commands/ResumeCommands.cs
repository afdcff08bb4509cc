using System.CommandLine;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Simulation;
using ExperimentRunner.Storage;
using ExperimentRunner.Storage.Resume;
using Spectre.Console;

namespace ExperimentRunner.Cli.Commands;

/// <summary>resume: continue an interrupted session at its next unfinished block, never overwriting what was recorded.</summary>
public static class ResumeCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Resume();
    }

    /// <summary>Plans the resume (<see cref="SessionResume.Find"/>), mapping its refusals to exit 2.</summary>
    public static ResumePlan Find(string db, string sessionId, string? paradigmPath)
    {
        StudyReader reader;
        try { reader = StudyReader.Open(db, StudyFiles.PasswordFromEnvironment()); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or LiteDB.LiteException)
        {
            throw new UserFacingException($"cannot open the study database {db}: {e.Message}", ExitCodes.Invalid);
        }
        using (reader)
        {
            try
            {
                return SessionResume.Find(reader, sessionId, paradigmPath, Path.Combine(Environment.CurrentDirectory, "paradigms"), ParadigmCommands.LoadOrThrow);
            }
            catch (ResumeException e)
            {
                throw new UserFacingException(e.Message, ExitCodes.Invalid);
            }
        }
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
                var plan = found.Plan;
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
