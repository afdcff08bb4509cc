using System.CommandLine;
using ExperimentRunner.Cli.Report;
using ExperimentRunner.Storage;
using ExperimentRunner.Storage.Report;
using Spectre.Console;

namespace ExperimentRunner.Cli.Commands;

/// <summary>report: a session's timing QC as plots and an index with its verdict.</summary>
public static class ReportCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Report();
    }

    private static Command Report()
    {
        var db = new Option<string>("--db") { Description = $"Study database to read (never changed). Encrypted ones need {StudyFiles.PasswordVariable}.", Required = true };
        var session = new Option<string?>("--session") { Description = "Session id (default: the newest session in the database)." };
        var output = new Option<string>("--out") { Description = "Folder to write the plots, index.md and index.html into (created if missing).", Required = true };
        var command = new Command("report", "Timing QC of a session: per run, plots of onset errors, flip intervals, scanner pulses and response times, and an index with a pass/warn/fail verdict.")
        {
            db, session, output,
        };
        command.SetAction(parse =>
        {
            string dbPath = parse.GetValue(db)!;
            string dir = parse.GetValue(output)!;
            using (StudyReader reader = StorageCommands.OpenReader(dbPath, StudyFiles.PasswordFromEnvironment()))
            {
                StoredSession chosen;
                try { chosen = SessionReport.Pick(reader, parse.GetValue(session)); }
                catch (ReportException e) { throw new UserFacingException(e.Message, ExitCodes.Invalid); }
                if (parse.GetValue(session) is null && reader.UnreadableSessions.Count > 0)
                    throw new UserFacingException($"{dbPath} is damaged: {reader.UnreadableSessions[0].Why}; the newest session cannot be known, give one with --session", ExitCodes.Invalid);
                SessionIntegrity integrity = reader.Verify(chosen.SessionId);
                if (!integrity.Intact)
                    throw new UserFacingException($"session {chosen.SessionId} is damaged, so its report would be wrong: {string.Join("; ", integrity.Problems)}", ExitCodes.Invalid);
                ReportResult result;
                try
                {
                    if (!Console.IsOutputRedirected)
                    {
                        ReportResult? written = null;
                        AnsiConsole.Progress()
                            .AutoClear(true)
                            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn())
                            .Start(ctx =>
                            {
                                var task = ctx.AddTask("writing the report", maxValue: 1);
                                written = SessionReport.Write(reader, chosen, dir, (done, total) =>
                                {
                                    task.MaxValue = total;
                                    task.Value = done;
                                });
                            });
                        result = written!;
                    }
                    else
                    {
                        result = SessionReport.Write(reader, chosen, dir);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new UserFacingException($"cannot write the report to {dir}: {e.Message}");
                }
                SessionQc qc = result.Qc;
                // How the session ended comes first: a timing verdict of a crashed or interrupted session covers only part of it.
                Console.Out.WriteLine($"report of session {chosen.SessionId} ({chosen.Status}{(chosen.Reason is { } why && chosen.Status != "completed" ? ": " + why : "")}): {QcIndex.Word(qc.Verdict)}");
                foreach (RunQc r in qc.Runs)
                    Console.Out.WriteLine($"  run {r.Run}: {QcIndex.Word(r.Verdict)}; missed frames {r.MissedFrames}, missing pulses {r.MissingPulses}, |onset error| p99 {r.Onsets.AbsP99Ms:0.000} ms");
                Console.Out.WriteLine(qc.Calibration is { } cal ? $"  display calibration: {cal.Describe()}" : "  display calibration: none for this machine (exrun timing-test --photodiode)");
                Console.Out.WriteLine($"  wrote {result.Files.Count} files; open {Path.Combine(dir, QcIndex.HtmlName)}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
