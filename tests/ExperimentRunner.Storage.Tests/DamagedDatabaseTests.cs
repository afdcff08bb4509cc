using System.Security.Cryptography;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Storage.Export;

namespace ExperimentRunner.Storage.Tests;

/// <summary>
/// A damaged study (cut short, a flipped byte, a killed writer's log gone, not a study at all) never reaches an analyst
/// as an export that exits 0 with data missing or changed, unless asked for with --salvage (and then with its list);
/// and no writer changes a file it cannot read as a healthy study.
/// </summary>
public sealed class DamagedDatabaseTests
{
    private const int Page = StudyFiles.PageSize;

    /// <summary>Two ended sessions with flips, written by this version (checksummed).</summary>
    private static string SmallStudy(TempFolder temp, string name = "study.db")
    {
        string db = temp.File(name);
        using var store = LiteDbStore.Open(db);
        GeneratedSession.Create("p01", "1", runs: 1, blocksPerRun: 1, seed: 1).WriteTo(store);
        GeneratedSession.Create("p02", "1", runs: 1, blocksPerRun: 1, seed: 2).WriteTo(store);
        return db;
    }

    private static string Sha(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private static Dictionary<string, string> ExportAll(string db, string outDir)
    {
        using var reader = StudyReader.Open(db);
        StudyExporter.Export(reader, new ExportOptions { Format = ExportFormat.Tsv, OutDir = outDir });
        return Directory.EnumerateFiles(outDir).ToDictionary(f => Path.GetFileName(f), f => Sha(f));
    }

    /// <summary>What every reader and writer must do with <paramref name="db"/>: either it checks healthy, verifies
    /// and exports exactly the reference; or check, the export gate or the open says so, and a writer refuses it
    /// leaving it byte for byte as it was.</summary>
    private static void AssertNothingWrongGetsOut(TempFolder temp, string db, Dictionary<string, string> reference, string what)
    {
        bool healthy;
        try
        {
            healthy = StudyCheck.Run(db).Healthy;
        }
        catch (StudyOpenException)
        {
            healthy = false;
        }
        bool exported = false;
        try
        {
            using var reader = StudyReader.Open(db);
            if (reader.DamagedSessions().Count == 0)
            {
                string outDir = temp.File("out-" + Guid.NewGuid().ToString("N")[..8]);
                StudyExporter.Export(reader, new ExportOptions { Format = ExportFormat.Tsv, OutDir = outDir });
                var got = Directory.EnumerateFiles(outDir).ToDictionary(f => Path.GetFileName(f), f => Sha(f));
                Assert.True(reference.Count == got.Count && reference.All(r => got.TryGetValue(r.Key, out string? h) && h == r.Value),
                    $"{what}: the export passed verification but differs from the study's");
                exported = true;
            }
        }
        catch (Exception e) when (e is StudyOpenException or StudyDamageException or ExportException)
        {
            // Refused with a message: fine.
        }
        if (healthy) return; // damage in free space: nothing stored changed, writing on is fine
        _ = exported;
        string before = Sha(db);
        Assert.Throws<StudyOpenException>(() => LiteDbStore.Open(db).Dispose());
        Assert.True(before == Sha(db), $"{what}: a writer changed a damaged study");
        Assert.False(File.Exists(StudyFiles.LockPathFor(db)), $"{what}: a refused writer left a lock file");
    }

    [Fact]
    public void Cut_short_at_any_length_a_study_is_refused_or_exports_whole_and_no_writer_changes_it()
    {
        using var temp = new TempFolder();
        string db = SmallStudy(temp);
        var reference = ExportAll(db, temp.File("reference"));
        byte[] bytes = File.ReadAllBytes(db);
        int pages = bytes.Length / Page;
        var lengths = new List<long> { 0, 100, Page - 1, Page, bytes.Length - 1, bytes.Length - 100, bytes.Length - Page };
        for (int p = 2; p < pages; p += Math.Max(1, pages / 6)) lengths.Add((long)p * Page);
        foreach (long length in lengths.Distinct())
        {
            string cut = temp.File($"cut{length}.db");
            File.WriteAllBytes(cut, bytes.AsSpan(0, (int)length).ToArray());
            AssertNothingWrongGetsOut(temp, cut, reference, $"cut to {length} of {bytes.Length} bytes");
        }
    }

    [Fact]
    public void A_flipped_byte_anywhere_is_refused_or_changes_nothing_exported_and_no_writer_changes_it()
    {
        using var temp = new TempFolder();
        string db = SmallStudy(temp);
        var reference = ExportAll(db, temp.File("reference"));
        byte[] bytes = File.ReadAllBytes(db);
        var rng = new Random(12);
        int detected = 0;
        for (int i = 0; i < 60; i++)
        {
            int offset = rng.Next(Page, bytes.Length); // the header page is checked as a whole at open
            byte[] flipped = (byte[])bytes.Clone();
            flipped[offset] ^= (byte)(1 << rng.Next(8));
            string path = temp.File($"flip{offset}.db");
            File.WriteAllBytes(path, flipped);
            AssertNothingWrongGetsOut(temp, path, reference, $"bit flipped at byte {offset}");
            try { if (!StudyCheck.Run(path).Healthy) detected++; }
            catch (StudyOpenException) { detected++; }
        }
        Assert.True(detected > 0, "no flip was detected at all: the flips missed every record");
    }

    [Fact]
    public void A_one_byte_change_in_a_stored_value_fails_its_checksum_in_check_and_in_every_reader()
    {
        using var temp = new TempFolder();
        string db = SmallStudy(temp);
        // A flip time as stored: change one byte of one flip's time in place (the value LiteDB reads is then wrong).
        byte[] bytes = File.ReadAllBytes(db);
        long firstFlip;
        using (var reader = StudyReader.Open(db)) firstFlip = reader.FlipChunks("p02-ses1-2")[0].TimeNs[3];
        byte[] pattern = BitConverter.GetBytes(firstFlip);
        int at = bytes.AsSpan().IndexOf(pattern);
        Assert.True(at > 0, "the flip time is not stored as packed little-endian bytes");
        bytes[at] ^= 0x01;
        File.WriteAllBytes(db, bytes);

        StudyCheckReport report = StudyCheck.Run(db);
        Assert.False(report.Healthy);
        Assert.Contains(report.Problems, p => p.Contains("p02-ses1-2") && p.Contains("checksum"));
        using (var reader = StudyReader.Open(db))
        {
            var e = Assert.Throws<StudyDamageException>(() => reader.FlipChunks("p02-ses1-2"));
            Assert.Equal("p02-ses1-2", e.SessionId);
            Assert.NotEmpty(reader.FlipChunks("p01-ses1-1")); // the other session reads on
            Assert.Equal(["p02-ses1-2"], reader.DamagedSessions().Select(d => d.SessionId));
        }
    }

    [Fact]
    public void A_study_from_0_1_0_reads_as_unchecksummed_not_damaged()
    {
        using var temp = new TempFolder();
        string fixture = Path.Combine(BidsValidatorTests.RepositoryRoot(), "tests", "Fixtures", "study-2026-11-29", "study.db");
        string db = temp.File("old.db");
        File.Copy(fixture, db);
        string before = Sha(db);
        StudyCheckReport report = StudyCheck.Run(db);
        Assert.True(report.Healthy, string.Join("; ", report.Problems));
        Assert.Contains(report.Notes, n => n.Contains("unchecksummed (written by 0.1.0"));
        using (var reader = StudyReader.Open(db)) Assert.Empty(reader.DamagedSessions());
        Assert.Equal(before, Sha(db));
    }

    [Fact]
    public void A_writer_after_a_kill_whose_log_was_lost_is_reported_and_a_backup_keeps_everything()
    {
        using var temp = new TempFolder();
        string db = temp.File("study.db");
        var session = GeneratedSession.Create("p01", "1", runs: 1, blocksPerRun: 1, seed: 1);
        using (var store = LiteDbStore.Open(db, options: new StoreOptions { CheckpointAtBlockEnd = false, CheckpointPages = 0 }))
        {
            store.SessionStarted(session.Info);
            foreach (EventRecord e in session.Events) store.Write(in e);
            Assert.True(store.Flush(TimeSpan.FromSeconds(30)));
            // As a kill leaves them: the data file and the log, with no clean close. Copy the study file alone
            // (the log deleted or not copied), and both.
            File.Copy(db, temp.File("alone.db"));
            File.Copy(db, temp.File("both.db"));
            File.Copy(StudyFiles.LogPathFor(db), StudyFiles.LogPathFor(temp.File("both.db")));
        }
        string bothBefore = Sha(temp.File("both.db"));
        StudyBackup.Copy(temp.File("both.db"), temp.File("backup.db"), null);
        Assert.Equal(bothBefore, Sha(temp.File("both.db")));

        StudyCheckReport both = StudyCheck.Run(temp.File("both.db"));
        Assert.True(both.Healthy, string.Join("; ", both.Problems));
        Assert.Contains(both.Notes, n => n.Contains("did not close") && n.Contains("db backup"));

        StudyCheckReport alone = StudyCheck.Run(temp.File("alone.db"));
        Assert.False(alone.Healthy);
        Assert.Contains(alone.Problems, p => p.Contains(session.Info.SessionId) && p.Contains("log") && p.Contains("missing"));
        using (var reader = StudyReader.Open(temp.File("alone.db"))) Assert.NotEmpty(reader.DamagedSessions());

        // The backup is one self-contained file holding every event.
        Assert.False(File.Exists(StudyFiles.LogPathFor(temp.File("backup.db"))));
        StudyCheckReport backup = StudyCheck.Run(temp.File("backup.db"));
        Assert.True(backup.Healthy, string.Join("; ", backup.Problems));
        Assert.Equal(both.Events, backup.Events);
        Assert.Equal(both.Flips, backup.Flips);
        Assert.DoesNotContain(backup.Notes, n => n.Contains("did not close"));
    }

    [Fact]
    public void A_clean_close_leaves_no_log_and_no_lock_beside_the_study()
    {
        using var temp = new TempFolder();
        string db = SmallStudy(temp);
        Assert.True(File.Exists(db));
        Assert.False(File.Exists(StudyFiles.LogPathFor(db)), "the log stayed after a clean close");
        Assert.False(File.Exists(StudyFiles.LockPathFor(db)), "the lock file stayed after a clean close");
    }

    [Fact]
    public void A_new_study_is_not_made_over_a_log_left_by_a_study_whose_file_is_gone()
    {
        using var temp = new TempFolder();
        string db = SmallStudy(temp);
        using (var store = LiteDbStore.Open(db, options: new StoreOptions { CheckpointAtBlockEnd = false, CheckpointPages = 0 }))
        {
            var session = GeneratedSession.Create("p03", "1", runs: 1, blocksPerRun: 1, seed: 3);
            store.SessionStarted(session.Info);
            foreach (EventRecord e in session.Events) store.Write(in e);
            Assert.True(store.Flush(TimeSpan.FromSeconds(30)));
            File.Copy(StudyFiles.LogPathFor(db), temp.File("orphan-log.db"));
        }
        string log = temp.File("orphan-log.db");
        string before = Sha(log);
        var e2 = Assert.Throws<StudyOpenException>(() => LiteDbStore.Open(temp.File("orphan.db")).Dispose());
        Assert.Contains("log", e2.Message);
        Assert.False(File.Exists(temp.File("orphan.db")));
        Assert.Equal(before, Sha(log));
    }

    [Fact]
    public void A_study_another_writer_holds_is_a_failure_of_the_environment_exit_1_not_invalid_input()
    {
        using var temp = new TempFolder();
        string db = SmallStudy(temp);
        string repo = BidsValidatorTests.RepositoryRoot();
        using var holder = LiteDbStore.Open(db);
        (int code, string stdout, string stderr) = Exrun.Run(repo, null, "simulate", Path.Combine(repo, "paradigms", "social-judgment-fmri.yaml"),
            "--participant", "sub-09", "--db", db, "--max-seconds", "2");
        Assert.True(code == 1, $"simulate exited {code}: {stdout}{stderr}");
        Assert.Contains("open for writing by another", stderr);
    }

    [NotRootFact]
    public void A_readable_study_that_cannot_be_written_says_so_and_exits_1()
    {
        using var temp = new TempFolder();
        string db = SmallStudy(temp);
        string repo = BidsValidatorTests.RepositoryRoot();
        if (OperatingSystem.IsWindows()) return; // skipped by the attribute
        File.SetUnixFileMode(db, UnixFileMode.UserRead);
        try
        {
            (int check, _, _) = Exrun.Run(temp.Path, null, "db", "check", "--db", db);
            Assert.Equal(0, check); // reading needs no write permission
            (int code, string stdout, string stderr) = Exrun.Run(repo, null, "simulate", Path.Combine(repo, "paradigms", "social-judgment-fmri.yaml"),
                "--participant", "sub-09", "--db", db, "--max-seconds", "2");
            Assert.True(code == 1, $"simulate exited {code}: {stdout}{stderr}");
            Assert.Contains("cannot be written", stderr);
            Assert.DoesNotContain("cannot be read", stderr);
        }
        finally
        {
            File.SetUnixFileMode(db, StudyFiles.OwnerFile);
        }
    }

    // ---- the command line: each verb on each kind of damage -------------------------------------------------

    public static TheoryData<string> Damages() => new() { "cut-1", "cut-last-page", "flip-record", "empty", "100-bytes", "8191-bytes", "directory", "dev-null", "log-lost-after-kill" };

    /// <summary>Makes the damaged file; returns its path.</summary>
    private static string Damage(TempFolder temp, string kind)
    {
        string db = SmallStudy(temp);
        byte[] bytes = File.ReadAllBytes(db);
        string path = temp.File("damaged.db");
        switch (kind)
        {
            case "cut-1": File.WriteAllBytes(path, bytes[..^1]); break;
            case "cut-last-page": File.WriteAllBytes(path, bytes[..^Page]); break;
            case "flip-record":
            {
                long time;
                using (var reader = StudyReader.Open(db)) time = reader.FlipChunks("p02-ses1-2")[0].TimeNs[5];
                int at = bytes.AsSpan().IndexOf(BitConverter.GetBytes(time));
                bytes[at + 1] ^= 0x10;
                File.WriteAllBytes(path, bytes);
                break;
            }
            case "empty": File.WriteAllBytes(path, []); break;
            case "100-bytes": File.WriteAllBytes(path, bytes[..100]); break;
            case "8191-bytes": File.WriteAllBytes(path, bytes[..(Page - 1)]); break;
            case "directory": Directory.CreateDirectory(path); break;
            case "dev-null": return "/dev/null";
            case "log-lost-after-kill":
            {
                using var store = LiteDbStore.Open(db, options: new StoreOptions { CheckpointAtBlockEnd = false, CheckpointPages = 0 });
                var session = GeneratedSession.Create("p03", "1", runs: 1, blocksPerRun: 1, seed: 3);
                store.SessionStarted(session.Info);
                foreach (EventRecord e in session.Events) store.Write(in e);
                Assert.True(store.Flush(TimeSpan.FromSeconds(30)));
                File.Copy(db, path); // the study file without its log
                break;
            }
            default: throw new ArgumentOutOfRangeException(nameof(kind));
        }
        return path;
    }

    private static string Hash(string path) => File.Exists(path) && !path.StartsWith("/dev/", StringComparison.Ordinal) ? Sha(path) : Directory.Exists(path) ? "dir" : "none";

    [Theory]
    [MemberData(nameof(Damages))]
    public void No_verb_exits_0_with_missing_data_and_no_writer_changes_a_damaged_study(string kind)
    {
        using var temp = new TempFolder();
        string db = Damage(temp, kind);
        string before = Hash(db);
        string repo = BidsValidatorTests.RepositoryRoot();

        (int check, string checkOut, string checkErr) = Exrun.Run(temp.Path, null, "db", "check", "--db", db);
        Assert.True(check == 2, $"{kind}: db check exited {check}: {checkOut}{checkErr}");
        Assert.DoesNotContain("   at ", checkOut + checkErr);
        Assert.DoesNotContain("Exception", checkErr);

        // Exit 0 only with every file the undamaged study exports, byte for byte; otherwise 2 and nothing written.
        var reference = ExportAll(temp.File("study.db"), temp.File("reference"));
        (int tsv, string tsvOut, string tsvErr) = Exrun.Run(temp.Path, null, "export", "--db", db, "--format", "tsv", "--out", temp.File("tsv"));
        Assert.DoesNotContain("Exception", tsvErr);
        if (tsv == 0)
        {
            var got = Directory.EnumerateFiles(temp.File("tsv")).ToDictionary(f => Path.GetFileName(f), f => Sha(f));
            Assert.True(reference.Count == got.Count && reference.All(r => got.GetValueOrDefault(r.Key) == r.Value), $"{kind}: export exited 0 with data that differs from the study's");
        }
        else
        {
            Assert.True(tsv == 2, $"{kind}: export tsv exited {tsv}: {tsvOut}{tsvErr}");
            Assert.False(Directory.Exists(temp.File("tsv")) && Directory.EnumerateFiles(temp.File("tsv")).Any(), $"{kind}: a refused export wrote files");
        }

        if (kind is "flip-record" or "log-lost-after-kill")
        {
            (int bids, _, string bidsErr) = Exrun.Run(temp.Path, null, "export", "--db", db, "--format", "bids", "--out", temp.File("bids"));
            Assert.True(bids == 2, $"{kind}: export bids exited {bids}: {bidsErr}");
            Assert.Contains("--salvage", bidsErr);

            // Salvage: the intact sessions, and the list of what was left out, beside them.
            (int salvage, _, string salvageErr) = Exrun.Run(temp.Path, null, "export", "--db", db, "--format", "tsv", "--out", temp.File("salvaged"), "--salvage");
            Assert.True(salvage == 0, $"{kind}: export --salvage exited {salvage}: {salvageErr}");
            string[] list = File.ReadAllLines(Path.Combine(temp.File("salvaged"), "SALVAGE.txt"));
            Assert.Contains(list, l => l.StartsWith(kind == "flip-record" ? "p02-ses1-2\t" : "p03-ses1-3\t", StringComparison.Ordinal));
            Assert.Contains("SALVAGE.txt", salvageErr);
            string sessions = File.ReadAllText(Path.Combine(temp.File("salvaged"), "sessions.tsv"));
            Assert.Contains("p01", sessions);
            Assert.DoesNotContain(kind == "flip-record" ? "p02" : "p03", sessions);
        }
        if (kind == "flip-record")
        {
            (int report, string reportOut, string reportErr) = Exrun.Run(temp.Path, null, "report", "--db", db, "--session", "p02-ses1-2", "--out", temp.File("report"));
            Assert.True(report == 2, $"{kind}: report exited {report}: {reportOut}{reportErr}");
            Assert.Contains("p02-ses1-2", reportErr);
        }

        (int sim, string simOut, string simErr) = Exrun.Run(repo, null, "simulate", Path.Combine(repo, "paradigms", "social-judgment-fmri.yaml"),
            "--participant", "sub-09", "--db", db, "--max-seconds", "2");
        Assert.True(sim == 2, $"{kind}: simulate exited {sim}: {simOut}{simErr}");
        Assert.DoesNotContain("Exception", simErr);
        Assert.Equal(before, Hash(db));
        Assert.False(File.Exists(db + ".lock") && kind != "log-lost-after-kill", $"{kind}: a refused writer left a lock file");
        if (kind == "directory") Assert.Contains("is a directory", checkErr + simErr);
    }
}

/// <summary>A test of file permissions: skipped as root (or on Windows), whom permissions do not bind.</summary>
public sealed class NotRootFactAttribute : FactAttribute
{
    public NotRootFactAttribute()
    {
        if (OperatingSystem.IsWindows()) Skip = "Unix file modes only";
        else if (Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root")
            Skip = "running as root, whom file permissions do not stop";
    }
}
