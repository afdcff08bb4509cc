using ExperimentRunner.Storage;

namespace ExperimentRunner.Cli.Tests;

/// <summary>A crashed session says so, keeps what it recorded, and resumes into the trials an uninterrupted one has.</summary>
public class CrashAndResumeTests
{
    private const string Paradigm = "paradigms/social-feedback-fmri.yaml";

    /// <summary>
    /// trials.tsv's identity columns (run, block, trial, condition, stimulus_id), one line per trial as the session
    /// finally holds it: a resumed run is a new acquisition (issue 12) and both attempts stay in the table, so each
    /// (run, block, trial) is taken from the latest acquisition that has it. No (run, acquisition, block, trial) may
    /// appear twice.
    /// </summary>
    private static List<string> TrialKeys(string db)
    {
        var dir = Path.Combine(Path.GetDirectoryName(db)!, "tables-" + Path.GetFileNameWithoutExtension(db));
        var r = Exrun.Run("export", "--db", db, "--format", "tsv", "--out", dir);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        var lines = File.ReadAllLines(Path.Combine(dir, "trials.tsv"));
        var header = lines[0].Split('\t').ToList();
        int[] columns = new[] { "run", "block", "trial", "condition", "stimulus_id" }.Select(c => header.IndexOf(c)).ToArray();
        int acquisition = header.IndexOf("acquisition");
        Assert.DoesNotContain(-1, columns);
        Assert.NotEqual(-1, acquisition);
        var rows = lines.Skip(1).Select(l => l.Split('\t')).ToList();
        var attempts = rows.Select(f => $"{f[columns[0]]}/{f[acquisition]}/{f[columns[1]]}/{f[columns[2]]}").ToList();
        Assert.Equal(attempts.Count, attempts.Distinct().Count());
        return rows
            .GroupBy(f => (Run: int.Parse(f[columns[0]]), Block: int.Parse(f[columns[1]]), Trial: int.Parse(f[columns[2]])))
            .OrderBy(g => g.Key.Run).ThenBy(g => g.Key.Block).ThenBy(g => g.Key.Trial)
            .Select(g => g.MaxBy(f => int.Parse(f[acquisition]))!)
            .Select(f => string.Join(' ', columns.Select(c => f[c]))).ToList();
    }

    [Fact]
    public void AFaultAtARandomFrameIsStoredAsCrashedAndTheResumeEndsWithTheTrialsOfAnUninterruptedSession()
    {
        long fault = new Random(20261129).NextInt64(1_000, 33_000);
        var crashedDb = Exrun.Temp("crashed.db");
        var r = Exrun.Run("simulate", Paradigm, "--participant", "sub-60", "--seed", "7", "--db", crashedDb, "--fault-at-flip", fault.ToString());

        Assert.Equal(1, r.ExitCode);
        var message = Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("crashed in phase ", message);
        Assert.Contains($"flip {fault}", message);
        Assert.Contains("exrun resume", message);
        Assert.DoesNotContain("   at ", r.Out + r.Err);
        string id;
        using (var reader = StudyReader.Open(crashedDb))
        {
            var session = Assert.Single(reader.Sessions());
            id = session.SessionId;
            Assert.Equal("crashed", session.Status);
            Assert.Contains("in phase ", session.Reason);
            Assert.Equal(fault, reader.Flips(id).Count());
        }
        var check = Exrun.Run("db", "check", "--db", crashedDb);
        Assert.Contains($"{id}: sub-60, ses-1, crashed", check.Out);
        var report = Exrun.Run("report", "--db", crashedDb, "--out", Path.Combine(Path.GetDirectoryName(crashedDb)!, "report"));
        Assert.True(report.ExitCode == 0, report.Out + report.Err);
        Assert.Contains($"report of session {id} (crashed: ", report.Out);
        Assert.Contains("crashed (", File.ReadAllText(Directory.GetFiles(Path.Combine(Path.GetDirectoryName(crashedDb)!, "report"), "*.md", SearchOption.AllDirectories).First()));

        var resume = Exrun.Run("resume", "--db", crashedDb, "--session", id);
        Assert.True(resume.ExitCode == 0, resume.Out + resume.Err);
        using (var reader = StudyReader.Open(crashedDb)) Assert.Equal("completed", reader.Session(id)!.Status);

        var cleanDb = Exrun.Temp("clean.db");
        r = Exrun.Run("simulate", Paradigm, "--participant", "sub-60", "--seed", "7", "--db", cleanDb);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        var expected = TrialKeys(cleanDb);
        var resumed = TrialKeys(crashedDb);
        Assert.Equal(44, expected.Count);
        Assert.Equal(expected, resumed); // nothing missing, nothing twice, the same trials in the same order
    }

    [Fact]
    public void SimulateAndRunRefuseAScanOfSelectedProfilesWithoutAnySelectionTheSameWayBeforeStarting()
    {
        var db = Exrun.Temp("study.db");
        var simulate = Exrun.Run("simulate", Paradigm, "--participant", "sub-61", "--db", db, "--skip", "selection");
        var run = Exrun.Run("run", Paradigm, "--participant", "sub-61", "--session", "1", "--db", db, "--display", "offscreen",
            "--scanner", "emulate", "--responder", "default", "--max-seconds", "5", "--skip", "selection");

        foreach (var r in new[] { simulate, run })
        {
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("shows the profiles sub-61 selected (targets: selected), but its selection phase 'selection' is skipped", r.Err);
            Assert.DoesNotContain("   at ", r.Out + r.Err);
        }
        Assert.DoesNotContain("Preflight", run.Out); // refused before any device opened
        if (File.Exists(db))
            using (var reader = StudyReader.Open(db)) Assert.Empty(reader.Sessions());

        // With the participant's selection stored earlier (here by a session of the selection alone), both start.
        var selection = Exrun.Run("simulate", Paradigm, "--participant", "sub-61", "--db", db, "--skip", "welcome,resilience_pre,baseline,scanner_intro,feedback,after");
        Assert.True(selection.ExitCode == 0, selection.Out + selection.Err);
        simulate = Exrun.Run("simulate", Paradigm, "--participant", "sub-61", "--session", "2", "--db", db, "--skip", "selection");
        Assert.True(simulate.ExitCode == 0, simulate.Out + simulate.Err);

        // A session that took the earlier selection and crashed in its scan resumes with that selection again.
        simulate = Exrun.Run("simulate", Paradigm, "--participant", "sub-61", "--session", "3", "--db", db, "--skip", "selection", "--fault-at-flip", "9000");
        Assert.Equal(1, simulate.ExitCode);
        string crashed;
        using (var reader = StudyReader.Open(db)) crashed = reader.Sessions("sub-61", "3").Single().SessionId;
        var resume = Exrun.Run("resume", "--db", db, "--session", crashed);
        Assert.True(resume.ExitCode == 0, resume.Out + resume.Err);
        using (var reader = StudyReader.Open(db)) Assert.Equal("completed", reader.Session(crashed)!.Status);
    }
}
