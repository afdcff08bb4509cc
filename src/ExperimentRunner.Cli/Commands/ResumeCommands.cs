using System.CommandLine;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Paradigm;
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
    public static ResumePlan Find(string db, string sessionId, string? paradigmPath, out IReadOnlyList<SessionStimulus> restored)
    {
        restored = [];
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
                // A paradigm with per-session stimuli resumes with the very files the session started with: the copies
                // the study keeps (by their SHA-256), written to a private folder, so nobody has to find them again.
                IReadOnlyList<SessionStimulus> filled = [];
                ParadigmModel Load(string path)
                {
                    var paradigm = ParadigmCommands.LoadOrThrow(path);
                    if (paradigm.SessionStimulusSlots.Count == 0) return paradigm;
                    filled = RestoreSessionStimuli(reader, sessionId);
                    return SessionStimuli.Fill(paradigm, filled);
                }
                var plan = SessionResume.Find(reader, sessionId, paradigmPath, Path.Combine(Environment.CurrentDirectory, "paradigms"), Load);
                restored = filled;
                return plan;
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
        var responseBox = ResponseBoxArguments.Option(); // real sessions: the box the session started with
        var command = new Command("resume", "Continues an interrupted session at its next unfinished block (or run); records the interruption and keeps everything recorded.")
        {
            db, session, paradigm, display, scanner, markers, maxSeconds, responder, realtime, overrides, responseBox,
        };
        command.SetAction(parse =>
        {
            string dbPath = parse.GetValue(db)!;
            var found = Find(dbPath, parse.GetValue(session)!, parse.GetValue(paradigm), out var restored);
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
                    SessionStimuli = restored,
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
                Stimuli = restored.Select(r => $"{r.Slot}={r.Path}").ToList(), ResponseBox = parse.GetValue(responseBox),
            }, AnsiConsole.Console);
        });
        return command;
    }

    /// <summary>
    /// The per-session stimuli session <paramref name="sessionId"/> started with (its provenance: slot=sha256), each
    /// written from the study's copy to a private folder and checked against its hash.
    /// </summary>
    private static IReadOnlyList<SessionStimulus> RestoreSessionStimuli(StudyReader reader, string sessionId)
    {
        string? recorded = reader.Session(sessionId)?.Info.SessionStimuli;
        if (string.IsNullOrWhiteSpace(recorded))
            throw new UserFacingException($"session {sessionId} recorded no per-session stimuli, but its paradigm declares some; it cannot be resumed as it was", ExitCodes.Invalid);
        string folder = Path.Combine(Path.GetTempPath(), $"exrun-resume-{Environment.UserName}", sessionId);
        Directory.CreateDirectory(folder);
        var result = new List<SessionStimulus>();
        foreach (string entry in recorded.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = entry.IndexOf('=');
            if (eq <= 0) throw new UserFacingException($"session {sessionId}: its record of per-session stimuli is damaged ('{entry}')", ExitCodes.Invalid);
            string slot = entry[..eq], sha = entry[(eq + 1)..];
            (string StimFile, byte[] Data)? stored = null;
            foreach (string ext in StoredExtensions)
                if (reader.StoredStimulus($"session/{sha}{ext}") is { } data) { stored = ($"session/{sha}{ext}", data); break; }
            if (stored is not { } found)
                throw new UserFacingException($"session {sessionId}: the study has no copy of its per-session stimulus '{slot}' (sha256 {sha[..Math.Min(12, sha.Length)]}…)", ExitCodes.Invalid);
            if (Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(found.Data)) != sha)
                throw new UserFacingException($"session {sessionId}: the study's copy of per-session stimulus '{slot}' does not match its hash; the study is damaged (exrun db check)", ExitCodes.Invalid);
            string path = Path.Combine(folder, slot + Path.GetExtension(found.StimFile));
            PrivateFiles.WriteAllBytes(path, found.Data);
            result.Add(new SessionStimulus(slot, path, sha, found.StimFile));
        }
        return result;
    }

    /// <summary>The extensions a stored per-session stimulus may have (<see cref="SessionStimuli.StimFileOf"/> keeps the file's, lower case).</summary>
    private static readonly string[] StoredExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ""];
}
