using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Storage;
using ExperimentRunner.Storage.Export;
using Spectre.Console;

namespace ExperimentRunner.Cli.Commands;

/// <summary>db check, db soak (hidden), export: the study database from the outside.</summary>
public static class StorageCommands
{
    public static IEnumerable<Command> Create()
    {
        var db = new Command("db", "The study database: check its integrity, copy it safely.");
        db.Subcommands.Add(Check());
        db.Subcommands.Add(Backup());
        db.Subcommands.Add(Soak());
        yield return db;
        yield return Export();
    }

    private static Option<string> DbOption() => new("--db")
    {
        Description = $"Study database (one file per study). Encrypted studies need {StudyFiles.PasswordVariable}.",
        DefaultValueFactory = _ => StudyFiles.DefaultPath,
    };

    private static Option<bool> EncryptOption() => new("--encrypt")
    {
        Description = $"The study is encrypted: the password comes from {StudyFiles.PasswordVariable}, or is asked for when standard input is a terminal. Never give it as an argument.",
    };

    /// <summary>The study password: <see cref="StudyFiles.PasswordVariable"/>, else (with --encrypt, at a terminal) a
    /// prompt that does not echo; null when the study is not encrypted.</summary>
    public static string? Password(bool encrypt)
    {
        string? fromEnv = StudyFiles.PasswordFromEnvironment();
        if (fromEnv is not null || !encrypt) return fromEnv;
        if (Console.IsInputRedirected)
            throw new UserFacingException($"--encrypt needs the password: set {StudyFiles.PasswordVariable} (standard input is not a terminal to ask on)", ExitCodes.Invalid);
        string password = AnsiConsole.Prompt(new TextPrompt<string>("Study database password:").Secret());
        if (password.Length == 0) throw new UserFacingException("an empty password cannot encrypt a study", ExitCodes.Invalid);
        return password;
    }

    /// <summary>The one way every verb opens a study for reading: a <see cref="UserFacingException"/> says why not
    /// (see <see cref="Explain"/>).</summary>
    public static StudyReader OpenReader(string path, string? password)
    {
        try
        {
            return StudyReader.Open(path, password);
        }
        catch (StudyOpenException e)
        {
            throw Explain(e);
        }
    }

    /// <summary>The one way every verb opens a study for writing. A writer first checks the file is a healthy study
    /// (or that nothing is there yet) and otherwise refuses, leaving it byte for byte as it was.</summary>
    public static LiteDbStore OpenStore(string path, string? password, StoreOptions? options = null)
    {
        try
        {
            return LiteDbStore.Open(path, password, options);
        }
        catch (StudyOpenException e)
        {
            throw Explain(e);
        }
    }

    /// <summary>The exit code of a study that cannot be opened: 1 when the environment failed (permissions, the disk,
    /// another writer), 2 when the input is at fault (no such study, a folder, damaged, a wrong password).</summary>
    public static UserFacingException Explain(StudyOpenException e) =>
        new(e.Message, e.IsEnvironmentFailure ? ExitCodes.Failure : ExitCodes.Invalid);

    private static Command Backup()
    {
        var db = DbOption();
        var output = new Option<string>("--out") { Description = "The copy: a new file (it must not exist).", Required = true };
        var encrypt = EncryptOption();
        var command = new Command("backup", "Writes a self-contained copy of the study: what a killed session committed to the log file is copied in, so the copy is complete on its own. The study is not changed. Copy a study with this (or copy both study.db and study-log.db together), never study.db alone.")
        {
            db, output, encrypt,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(db)!, target = parse.GetValue(output)!;
            StudyCheckReport report;
            try
            {
                report = StudyBackup.Copy(path, target, Password(parse.GetValue(encrypt)));
            }
            catch (StudyOpenException e)
            {
                throw Explain(e);
            }
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{target}: {(report.Healthy ? "healthy" : "DAMAGED")} copy of {path}: {report.Sessions} session(s), {report.Events:N0} events, {report.Flips:N0} flips"));
            foreach (string problem in report.Problems) Console.Out.WriteLine($"  problem: {problem}");
            return report.Healthy ? ExitCodes.Ok : ExitCodes.Invalid;
        });
        return command;
    }

    private static Command Check()
    {
        var db = DbOption();
        var encrypt = EncryptOption();
        var command = new Command("check", "Opens the study database read-only (it is not changed) and checks every session: every record's checksum, no record missing, events readable, flip chunks in time order, every run with its start, a killed writer's log present. Exit 0 healthy, 2 damaged or unreadable.")
        {
            db, encrypt,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(db)!;
            using StudyReader reader = OpenReader(path, Password(parse.GetValue(encrypt)));
            StudyCheckReport report = StudyCheck.Run(reader);
            var inv = CultureInfo.InvariantCulture;
            Console.Out.WriteLine(string.Create(inv,
                $"{path}: {(report.Healthy ? "healthy" : "DAMAGED")}: {report.Sessions} session(s), {report.Events:N0} events, {report.Flips:N0} flips in {report.FlipChunks:N0} chunk(s)"));
            foreach (CheckedSession s in report.SessionList)
                Console.Out.WriteLine(string.Create(inv, $"  session {s.SessionId}: {s.ParticipantId}, ses-{s.SessionLabel}, {s.Status}; {s.RunsStarted} run(s) started, {s.Events:N0} events, {s.Flips:N0} flips"));
            foreach (string problem in report.Problems) Console.Out.WriteLine($"  problem: {problem}");
            foreach (string note in report.Notes) Console.Out.WriteLine($"  note: {note}");
            return report.Healthy ? ExitCodes.Ok : ExitCodes.Invalid;
        });
        return command;
    }

    private static Command Export()
    {
        var db = DbOption();
        var format = new Option<string>("--format") { Description = "bids, tsv, csv or json.", Required = true };
        format.AcceptOnlyFromAmong("bids", "tsv", "csv", "json");
        var outDir = new Option<string?>("--out") { Description = "Output folder (created owner-only)." };
        var participant = new Option<string?>("--participant") { Description = "Only this participant." };
        var session = new Option<string?>("--session") { Description = "Only this session (label or session id)." };
        var into = new Option<string?>("--into") { Description = "BIDS: write events into this existing dataset's func/ folders, beside the BOLD runs (their RepetitionTime must agree)." };
        var stimuli = new Option<string?>("--stimuli") { Description = "BIDS: the stimuli folder the events' stim_file paths are relative to; those files are copied into the dataset's stimuli/ (default: EXRUN_STIMULI, else ./stimuli)." };
        var salvage = new Option<bool>("--salvage") { Description = $"Export the intact sessions of a damaged study and list the damaged ones in {SalvageList} beside the export (exit 0). Without it a damaged session stops the export (exit 2) before anything is written." };
        var encrypt = EncryptOption();
        var command = new Command("export", "Writes analysts' files from the study database: a BIDS dataset, wide and long TSV/CSV tables, or JSON for archiving. Same database, same bytes. Every record is verified first: the export is complete or it is not written.")
        {
            db, format, outDir, participant, session, into, stimuli, salvage, encrypt,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(db)!;
            ExportFormat fmt = StudyExporter.ParseFormat(parse.GetValue(format))
                ?? throw new UserFacingException("--format must be bids, tsv, csv or json", ExitCodes.Invalid);
            string? target = parse.GetValue(outDir), intoRoot = parse.GetValue(into);
            if (target is null && intoRoot is null) throw new UserFacingException("give the output folder with --out (or, for BIDS, --into DATASET)", ExitCodes.Invalid);
            if (intoRoot is not null && fmt != ExportFormat.Bids) throw new UserFacingException("--into works with --format bids only", ExitCodes.Invalid);
            if (intoRoot is not null && !Directory.Exists(intoRoot)) throw new UserFacingException($"{intoRoot} does not exist (--into takes an existing BIDS dataset)", ExitCodes.Invalid);
            string? stimuliRoot = parse.GetValue(stimuli) ?? Environment.GetEnvironmentVariable("EXRUN_STIMULI");
            if (string.IsNullOrEmpty(stimuliRoot)) stimuliRoot = Directory.Exists("stimuli") ? "stimuli" : null;
            else if (!Directory.Exists(stimuliRoot)) throw new UserFacingException($"the stimuli folder {stimuliRoot} does not exist", ExitCodes.Invalid);

            using StudyReader reader = OpenReader(path, Password(parse.GetValue(encrypt)));
            IReadOnlyList<SessionIntegrity> damaged = reader.DamagedSessions(parse.GetValue(participant), parse.GetValue(session));
            bool salvaging = parse.GetValue(salvage);
            if (damaged.Count > 0 && !salvaging)
            {
                throw new UserFacingException(
                    $"{path}: {damaged.Count} session(s) to export are damaged, so the export would be incomplete; nothing was written:\n" +
                    string.Join("\n", damaged.Select(d => $"  session {d.SessionId}: {string.Join("; ", d.Problems)}")) +
                    $"\nexport the intact sessions with --salvage (the damaged ones are listed in {SalvageList}), or choose sessions with --participant/--session",
                    ExitCodes.Invalid);
            }
            reader.Exclude(damaged.Select(d => d.SessionId));
            var options = new ExportOptions
            {
                Format = fmt, OutDir = target, Participant = parse.GetValue(participant), Session = parse.GetValue(session),
                IntoBidsRoot = intoRoot, StimuliRoot = stimuliRoot,
            };
            ExportResult result = RunWithProgress(reader, options);
            Console.Out.WriteLine($"{result.Files.Count} file(s) written under {result.Root}");
            foreach (string note in result.Notes) Console.Out.WriteLine($"  note: {note}");
            if (salvaging && damaged.Count > 0)
            {
                string list = Path.Combine(result.Root, SalvageList);
                using (var stream = StudyFiles.CreateExportFile(list))
                using (var writer = new StreamWriter(stream))
                {
                    writer.WriteLine($"# Salvaged export of {path}: these sessions are damaged and were NOT exported.");
                    foreach (SessionIntegrity d in damaged)
                        foreach (string problem in d.Problems) writer.WriteLine($"{d.SessionId}\t{problem}");
                }
                Console.Error.WriteLine($"exrun: warning: {damaged.Count} damaged session(s) left out of the export; listed in {list}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The list of what a salvaged export left out, written beside the export.</summary>
    public const string SalvageList = "SALVAGE.txt";

    private static ExportResult RunWithProgress(StudyReader reader, ExportOptions options)
    {
        try
        {
            if (Console.IsOutputRedirected) return StudyExporter.Export(reader, options);
            ExportResult? result = null;
            AnsiConsole.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn())
                .Start(ctx =>
                {
                    ProgressTask task = ctx.AddTask("export");
                    result = StudyExporter.Export(reader, options with
                    {
                        Progress = (what, done, total) =>
                        {
                            task.MaxValue = Math.Max(1, total);
                            task.Value = done;
                            task.Description = Markup.Escape(what);
                        },
                    });
                    task.Value = task.MaxValue;
                });
            return result!;
        }
        catch (ExportException e)
        {
            throw new UserFacingException(e.Message, ExitCodes.Invalid);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserFacingException($"the export could not write its files: {e.Message}", ExitCodes.Failure);
        }
    }

    /// <summary>Hidden: writes numbered events at a steady rate, for the kill-durability test. Every 100 ms it prints
    /// "written COUNT" after COUNT events (numbered 0..COUNT-1 in Value; odd numbers are markers, even ones flips)
    /// have been handed to the store.</summary>
    private static Command Soak()
    {
        var db = DbOption();
        var rate = new Option<int>("--rate") { Description = "Events per second.", DefaultValueFactory = _ => 1000 };
        var seconds = new Option<double>("--seconds") { Description = "How long to write, seconds.", DefaultValueFactory = _ => 10 };
        var encrypt = EncryptOption();
        var command = new Command("soak", "Writes numbered events at a steady rate (durability tests).") { db, rate, seconds, encrypt };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            int perSecond = parse.GetValue(rate);
            double duration = parse.GetValue(seconds);
            if (perSecond <= 0 || duration <= 0) throw new UserFacingException("--rate and --seconds must be positive", ExitCodes.Invalid);
            var clock = new MonotonicClock();
            using LiteDbStore store = OpenStore(parse.GetValue(db)!, Password(parse.GetValue(encrypt)));
            string id = "soak-" + clock.NowNs.ToString(CultureInfo.InvariantCulture);
            store.SessionStarted(new SessionInfo
            {
                SessionId = id, ParticipantId = "soak", SessionLabel = "1", ParadigmName = "soak", TaskLabel = "soak",
                ParadigmText = "", ParadigmSha256 = "", SoftwareVersion = typeof(StorageCommands).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
                Seed = 0, Machine = ExperimentRunner.Core.Privacy.MachineLabel.Current, Mode = "simulate", Timing = "virtual",
                StartedUtc = DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture), StartedNs = clock.NowNs,
            });
            var run = new EventRecord { Kind = EventKind.RunStarted, TimeNs = clock.NowNs, Run = 1 };
            store.Write(in run);
            var watch = Stopwatch.StartNew();
            long written = 0;
            long nextReportMs = 100;
            while (watch.Elapsed.TotalSeconds < duration)
            {
                long due = (long)(watch.Elapsed.TotalSeconds * perSecond);
                for (; written < due; written++)
                {
                    var e = new EventRecord
                    {
                        Kind = written % 2 == 0 ? EventKind.Flip : EventKind.Marker, TimeNs = clock.NowNs, Run = 1,
                        Value = written, IntendedNs = clock.NowNs,
                    };
                    store.Write(in e);
                }
                if (watch.ElapsedMilliseconds >= nextReportMs)
                {
                    Console.Out.WriteLine($"written {written}");
                    Console.Out.Flush();
                    nextReportMs += 100;
                }
                Thread.Sleep(1);
            }
            store.SessionEnded(new SessionEnd(id, "completed", clock.NowNs, null));
            StoreStats stats = store.Stats;
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"done {written}: {stats.Commits} commits, mean {stats.CommitNsTotal / 1e6 / Math.Max(1, stats.Commits):F2} ms, max {stats.CommitNsMax / 1e6:F2} ms; {stats.Fsyncs} fsyncs of the log, mean {stats.FsyncNsTotal / 1e6 / Math.Max(1, stats.Fsyncs):F2} ms, max {stats.FsyncNsMax / 1e6:F2} ms"));
            return ExitCodes.Ok;
        });
        return command;
    }
}
