using System.Globalization;
using System.Text.Json.Nodes;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Storage.Export;
using ExperimentRunner.Storage.Resume;

namespace ExperimentRunner.Storage.Tests;

/// <summary>A resumed run is a new acquisition: the study written by 0.1.0 (tests/Fixtures/study-2026-11-29, sub-02
/// stopped after 200 s and resumed) reads, checks and exports with every attempt apart; sub-01 exports as it did.</summary>
public sealed class AcquisitionTests
{
    private const string Sub01 = "sub-01_ses-1_20261129T124025_1818fd";
    private const string Sub02 = "sub-02_ses-1_20261129T124028_29a005";

    private static string Fixture => Path.Combine(BidsValidatorTests.RepositoryRoot(), "tests", "Fixtures", "study-2026-11-29");

    /// <summary>A copy of the fixture study (never the file itself: a reader must not change it, and a test must not trust that).</summary>
    private static string CopyFixture(TempFolder temp)
    {
        string db = temp.File("study.db");
        File.Copy(Path.Combine(Fixture, "study.db"), db);
        return db;
    }

    private static List<string[]> ReadTable(string path) =>
        File.ReadAllLines(path).Select(l => l.Split('\t')).ToList();

    /// <summary>The table without <paramref name="column"/>, as lines.</summary>
    private static List<string> Without(List<string[]> table, params string[] columns)
    {
        // Deliberate change 6 (issue 14 item 6): trials and BIDS events carry earlier_answer and expectancy, n/a in a
        // study without answers across sessions; they are left out here once checked to be n/a.
        var at = columns.Select(column => Array.IndexOf(table[0], column)).ToList();
        Assert.True(at.All(i => i >= 0), $"no column {string.Join(" or ", columns)} in [{string.Join(", ", table[0])}]");
        foreach (string added in new[] { "earlier_answer", "expectancy" })
        {
            int addedAt = Array.IndexOf(table[0], added);
            if (addedAt < 0) continue;
            Assert.All(table.Skip(1), row => Assert.Equal("n/a", row[addedAt]));
            at.Add(addedAt);
        }
        return table.Select(row => string.Join('\t', row.Where((_, i) => !at.Contains(i)))).ToList();
    }

    private static List<string> Lines(List<string[]> table) => table.Select(r => string.Join('\t', r)).ToList();

    private static List<string[]> RowsOf(List<string[]> table, string participant) =>
        table.Take(1).Concat(table.Skip(1).Where(r => r[0] == participant)).ToList();

    private static JsonNode Json(string path, params string[] removed)
    {
        JsonObject node = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        foreach (string key in removed) Assert.True(node.Remove(key), $"{path} has no {key}");
        return node;
    }

    [Fact]
    public void The_study_of_version_0_1_0_checks_healthy_and_exports_sub_01_as_it_did_apart_from_the_new_acquisition_column()
    {
        using var temp = new TempFolder();
        string db = CopyFixture(temp);
        string expected = Path.Combine(Fixture, "expected");
        using var reader = StudyReader.Open(db);

        // 0.1.0 called the resumed session DAMAGED ("flip chunk 70 starts before the previous chunk of run 1 ended").
        StudyCheckReport check = StudyCheck.Run(reader);
        Assert.True(check.Healthy, string.Join("; ", check.Problems));
        Assert.Equal(new[] { Sub01, Sub02 }, check.SessionList.Select(s => s.SessionId));

        string tsv = temp.File("tsv"), bids = temp.File("bids");
        StudyExporter.Export(reader, new ExportOptions { Format = ExportFormat.Tsv, OutDir = tsv });
        StudyExporter.Export(reader, new ExportOptions { Format = ExportFormat.Bids, OutDir = bids });

        // Deliberate change 1: trials.tsv and events.tsv have an `acquisition` column after `run`; sub-01's (one
        // acquisition) is 1 on every row in a run. Everything else of sub-01 is as 0.1.0 wrote it.
        foreach (string name in new[] { "trials.tsv", "events.tsv" })
        {
            List<string[]> now = RowsOf(ReadTable(Path.Combine(tsv, name)), "sub-01");
            List<string[]> then = RowsOf(ReadTable(Path.Combine(expected, name)), "sub-01");
            // Deliberate change 5 (trials.tsv): the scored-response columns, n/a and 0 for a paradigm that scores nothing.
            Assert.Equal(Lines(then), name == "trials.tsv" ? Without(now, "acquisition", "correct", "scored_screens", "correct_screens") : Without(now, "acquisition"));
            int acquisition = Array.IndexOf(now[0], "acquisition"), run = Array.IndexOf(now[0], "run");
            Assert.All(now.Skip(1), r => Assert.Equal(r[run] == "0" ? "0" : "1", r[acquisition]));
        }
        // sessions.tsv is unchanged for both sessions but for deliberate change 4, the `machine` column (the host name)
        // gone for privacy (issue 12): participant_id was and stays sub-<label> (EXPORTS.md now says so).
        Assert.DoesNotContain("machine", ReadTable(Path.Combine(tsv, "sessions.tsv"))[0]);
        Assert.Equal(Without(ReadTable(Path.Combine(expected, "sessions.tsv")), "machine"), File.ReadAllLines(Path.Combine(tsv, "sessions.tsv")));

        string beh = Path.Combine("sub-01", "ses-1", "beh", "sub-01_ses-1_task-socialjudgment_run-1_events");
        // Deliberate change 2: the BIDS events file has the `acquisition` column too, and its sidecar describes it.
        // Deliberate change 5 (issue 14 item 7): trial_type is one label per modelled event (<condition>_<screen> in a
        // trial, as EventLabels says), the wait screen before t0 (negative onset, duration n/a) and the self-paced end
        // phase after the run are no rows of the run's file, and the sidecar's Levels list only what occurs.
        List<string[]> thenBids = ReadTable(Path.Combine(expected, "bids", beh + ".tsv"));
        int typeAt = Array.IndexOf(thenBids[0], "trial_type"), screenAt = Array.IndexOf(thenBids[0], "screen"), conditionAt = Array.IndexOf(thenBids[0], "condition"), trialAt = Array.IndexOf(thenBids[0], "trial");
        var relabelled = thenBids.Take(1).Concat(thenBids.Skip(1).Where(r => r[screenAt] is not ("wait" or "end")).Select(r => r.Select((v, i) => i != typeAt || v == "response" ? v
            : EventLabels.TrialType(r[trialAt] == "0" ? null : r[conditionAt], r[screenAt], null)).ToArray())).ToList();
        // Deliberate change 5b: the BIDS events file has the `correct` column (n/a: nothing scored), described in its sidecar.
        Assert.Equal(Lines(relabelled), Without(ReadTable(Path.Combine(bids, beh + ".tsv")), "acquisition", "correct"));
        Assert.True(JsonNode.DeepEquals(Json(Path.Combine(expected, "bids", beh + ".json"), "trial_type", "condition", "screen", "prediction", "prediction_outcome"),
            Json(Path.Combine(bids, beh + ".json"), "acquisition", "trial_type", "condition", "screen", "prediction", "prediction_outcome", "earlier_answer", "expectancy", "correct")));
        JsonNode sidecar = JsonNode.Parse(File.ReadAllText(Path.Combine(bids, beh + ".json")))!;
        foreach ((string column, int at) in new[] { ("trial_type", typeAt), ("condition", conditionAt), ("screen", screenAt) })
            Assert.Equal(relabelled.Skip(1).Where(r => column != "screen" || r[typeAt] != "response").Select(r => r[at]).Where(v => v != "n/a").Distinct().Order(StringComparer.Ordinal),
                sidecar[column]!["Levels"]!.AsObject().Select(l => l.Key));
        foreach (string same in new[] { "participants.tsv", "participants.json", "dataset_description.json", "README", Path.Combine("sub-01", "sub-01_sessions.tsv") })
            Assert.Equal(File.ReadAllText(Path.Combine(expected, "bids", same)), File.ReadAllText(Path.Combine(bids, same)));
        // Deliberate change 3: the sessions sidecar lists every status a session can end with.
        string sessionsJson = Path.Combine("sub-01", "sub-01_sessions.json");
        Assert.True(JsonNode.DeepEquals(Json(Path.Combine(expected, "bids", sessionsJson), "status"), Json(Path.Combine(bids, sessionsJson), "status")));
    }

    [Fact]
    public void A_stopped_and_resumed_run_exports_one_events_file_per_acquisition_each_from_its_own_t0()
    {
        using var temp = new TempFolder();
        string db = CopyFixture(temp);
        using var reader = StudyReader.Open(db);
        string bids = temp.File("bids"), tsv = temp.File("tsv");
        ExportResult result = StudyExporter.Export(reader, new ExportOptions { Format = ExportFormat.Bids, OutDir = bids, Participant = "sub-02" });
        StudyExporter.Export(reader, new ExportOptions { Format = ExportFormat.Tsv, OutDir = tsv, Participant = "sub-02" });

        var events = result.Files.Where(f => f.EndsWith("_events.tsv", StringComparison.Ordinal)).ToList();
        Assert.Equal(new[]
        {
            "sub-02/ses-1/beh/sub-02_ses-1_task-socialjudgment_acq-attempt1_run-1_events.tsv",
            "sub-02/ses-1/beh/sub-02_ses-1_task-socialjudgment_acq-attempt2_run-1_events.tsv",
        }, events);
        for (int attempt = 1; attempt <= 2; attempt++)
            EventsFiles.AssertOneScannerSeries(Path.Combine(bids, events[attempt - 1]), attempt.ToString(CultureInfo.InvariantCulture));

        // The first attempt was stopped in block 1 at trial 17; the second showed the whole run again.
        List<string[]> trials = ReadTable(Path.Combine(tsv, "trials.tsv"));
        int acq = Array.IndexOf(trials[0], "acquisition"), block = Array.IndexOf(trials[0], "block"), trial = Array.IndexOf(trials[0], "trial");
        Assert.Equal(17, trials.Skip(1).Count(r => r[acq] == "1"));
        Assert.Equal(trials.Count - 1, trials.Skip(1).Select(r => (r[acq], r[block], r[trial])).Distinct().Count());

        // flips.tsv: time runs forward within each acquisition (0.1.0 jumped from 192 s back to -8 s under one run).
        List<string[]> flips = ReadTable(Path.Combine(tsv, "flips.tsv"));
        int run = Array.IndexOf(flips[0], "run"), fAcq = Array.IndexOf(flips[0], "acquisition"), time = Array.IndexOf(flips[0], "time");
        foreach (var series in flips.Skip(1).Where(r => r[run] == "1").GroupBy(r => r[fAcq]))
        {
            double[] times = series.Select(r => double.Parse(r[time], CultureInfo.InvariantCulture)).ToArray();
            for (int i = 1; i < times.Length; i++) Assert.True(times[i] >= times[i - 1], $"acquisition {series.Key}: flip {i} at {times[i]} s after {times[i - 1]} s");
        }
        Assert.Equal(new[] { "1", "2" }, flips.Skip(1).Where(r => r[run] == "1").Select(r => r[fAcq]).Distinct());
    }

    [BidsValidatorFact]
    public void The_export_of_a_resumed_session_with_a_file_per_acquisition_passes_the_bids_validator()
    {
        string validator = ExternalTools.BidsValidator
            ?? throw new InvalidOperationException("CI=true but bids-validator was not found: set BIDS_VALIDATOR or install it (npm install --no-save bids-validator@1)");
        using var temp = new TempFolder();
        string db = CopyFixture(temp);
        string bids = temp.File("bids");
        using (var reader = StudyReader.Open(db))
            StudyExporter.Export(reader, new ExportOptions
            {
                Format = ExportFormat.Bids, OutDir = bids, StimuliRoot = Path.Combine(BidsValidatorTests.RepositoryRoot(), "stimuli"),
            });
        Assert.True(File.Exists(Path.Combine(bids, "sub-02", "ses-1", "beh", "sub-02_ses-1_task-socialjudgment_acq-attempt2_run-1_events.tsv")));
        (int _, string stdout, string stderr) = ExternalTools.Run(validator, [bids, "--json"], TimeSpan.FromMinutes(5));
        int brace = stdout.IndexOf('{');
        Assert.True(brace >= 0, $"bids-validator printed no JSON: {stdout} {stderr}");
        JsonNode issues = JsonNode.Parse(stdout[brace..])!["issues"]!;
        Assert.Empty(issues["errors"]!.AsArray().Select(e => e!["key"]!.GetValue<string>()));
        Assert.DoesNotContain(issues["warnings"]!.AsArray(), w => w!["code"]!.GetValue<int>() == 82);
    }

    [Fact]
    public void Into_an_existing_dataset_a_resumed_run_is_skipped_with_a_note_and_a_run_done_in_one_go_is_written()
    {
        using var temp = new TempFolder();
        string db = CopyFixture(temp);
        string root = temp.File("dataset");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "dataset_description.json"), "{\"Name\": \"scanner\", \"BIDSVersion\": \"1.8.0\"}\n");
        foreach (string sub in new[] { "01", "02" })
        {
            string func = Path.Combine(root, $"sub-{sub}", "ses-1", "func");
            Directory.CreateDirectory(func);
            File.WriteAllBytes(Path.Combine(func, $"sub-{sub}_ses-1_task-socialjudgment_run-1_bold.nii.gz"), [0x1f, 0x8b]);
            File.WriteAllText(Path.Combine(func, $"sub-{sub}_ses-1_task-socialjudgment_run-1_bold.json"), "{\"RepetitionTime\": 2}\n");
        }
        using var reader = StudyReader.Open(db);
        ExportResult result = StudyExporter.Export(reader, new ExportOptions { Format = ExportFormat.Bids, IntoBidsRoot = root });
        Assert.Contains("sub-01/ses-1/func/sub-01_ses-1_task-socialjudgment_run-1_events.tsv", result.Files);
        Assert.DoesNotContain(result.Files, f => f.StartsWith("sub-02/ses-1/func/", StringComparison.Ordinal));
        Assert.Contains(result.Notes, n => n.Contains("sub-02 ses-1 run 1 was resumed", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_table_names_the_participant_as_bids_does()
    {
        using var temp = new TempFolder();
        string db = ExportTests.CreateStudy(temp, flips: false); // participants entered as p01 and p02, without sub-
        ExportTests.Export(db, ExportFormat.Tsv, temp.File("tsv"));
        ExportTests.Export(db, ExportFormat.Bids, temp.File("bids"));
        var bids = File.ReadAllLines(Path.Combine(temp.File("bids"), "participants.tsv")).Skip(1).ToHashSet();
        Assert.Equal(new HashSet<string> { "sub-p01", "sub-p02" }, bids);
        foreach (string table in new[] { "sessions.tsv", "trials.tsv", "events.tsv" })
            Assert.Equal(bids, File.ReadAllLines(Path.Combine(temp.File("tsv"), table)).Skip(1).Select(l => l.Split('\t')[0]).ToHashSet());
    }

    [Fact]
    public void An_attempt_cut_off_before_its_t0_has_no_events_file_and_the_export_says_so()
    {
        using var temp = new TempFolder();
        GeneratedSession session = GeneratedSession.Create("p09", runs: 1, flips: false);
        // The first attempt waited for the scanner (a dummy pulse) and was killed; the resume then ran the whole run.
        var events = session.Events.ToList();
        int firstOfRun = events.FindIndex(e => e.Run == 1);
        events.InsertRange(firstOfRun,
        [
            new EventRecord { Kind = EventKind.Pulse, TimeNs = events[firstOfRun].TimeNs - 2, Run = 1, Value = -4, Code = 1 },
            new EventRecord { Kind = EventKind.Interruption, TimeNs = events[firstOfRun].TimeNs - 1, Run = 1, Block = 1, Text = "starts at run 1, block 1" },
        ]);
        string db = temp.File("study.db");
        using (var store = LiteDbStore.Open(db)) (session with { Events = events }).WriteTo(store);

        ExportResult result = ExportTests.Export(db, ExportFormat.Bids, temp.File("bids"));
        string file = Assert.Single(result.Files, f => f.EndsWith("_events.tsv", StringComparison.Ordinal));
        Assert.EndsWith("_task-socialfeedback_run-1_events.tsv", file); // one scanner series: the plain name
        EventsFiles.AssertOneScannerSeries(Path.Combine(temp.File("bids"), file), acquisition: "2", leadIn: false); // generated sessions have none
        Assert.Contains(result.Notes, n => n.Contains("run 1, acquisition 1: interrupted before its t0", StringComparison.Ordinal));
        using var reader = StudyReader.Open(db);
        Assert.Equal(new[] { (1, false), (2, true) }, reader.Assemble(session.Info.SessionId).AcquisitionsOf(1).Select(a => (a.Number, a.HasT0)));
    }

    [Fact]
    public void Db_check_compares_flip_times_only_within_one_start_of_the_session()
    {
        using var temp = new TempFolder();
        string db = temp.File("study.db");
        var info = GeneratedSession.Create().Info;
        // Two starts of a simulated session (each clock and frame count from 0) that both waited for the scanner in
        // run 1; the second, started over without an Interruption (as a session restarted from its beginning is), then
        // reaches t0. Then a normal resume into the run. Nothing here is damage.
        void Start(bool interruption, bool reachT0)
        {
            using var store = LiteDbStore.Open(db);
            store.SessionStarted(info);
            if (interruption)
            {
                var note = new EventRecord { Kind = EventKind.Interruption, TimeNs = 0, Run = 1, Block = 1 };
                store.Write(in note);
            }
            // The wait-for-scanner screen of run 1, as every start of a run shows before its t0.
            var wait = new EventRecord { Kind = EventKind.ScreenOnset, TimeNs = 1_000, Run = 1, Screen = "wait" };
            store.Write(in wait);
            for (int i = 0; i < 50; i++)
            {
                var flip = new EventRecord { Kind = EventKind.Flip, TimeNs = 1_000 + i, Run = 1, Value = i, IntendedNs = EventRecord.None };
                store.Write(in flip);
            }
            if (!reachT0) return;
            var t0 = new EventRecord { Kind = EventKind.RunStarted, TimeNs = 2_000, Run = 1 };
            store.Write(in t0);
            for (int i = 0; i < 50; i++)
            {
                var flip = new EventRecord { Kind = EventKind.Flip, TimeNs = 2_000 + i, Run = 1, Value = 50 + i, IntendedNs = EventRecord.None };
                store.Write(in flip);
            }
        }
        Start(interruption: false, reachT0: false);
        Start(interruption: false, reachT0: true);
        Start(interruption: true, reachT0: true);
        StudyCheckReport report = StudyCheck.Run(db);
        Assert.True(report.Healthy, string.Join("; ", report.Problems));
        Assert.Equal(3, report.FlipChunks); // one per start: each was compared with the one before
    }

    [Fact]
    public void Db_check_still_finds_flips_that_go_back_in_time_between_chunks_of_one_acquisition()
    {
        using var temp = new TempFolder();
        string db = temp.File("study.db");
        using (var store = LiteDbStore.Open(db))
        {
            // In real time, so flip chunks of 600 (the virtual clock's are 6,000).
            store.SessionStarted(GeneratedSession.Create().Info with { Timing = "unsynchronised" });
            var t0 = new EventRecord { Kind = EventKind.RunStarted, TimeNs = 0, Run = 1 };
            store.Write(in t0);
            for (int i = 0; i < StudyLayout.FlipChunkSize + 10; i++)
            {
                // The second chunk's flips are earlier than the first chunk's last one.
                long time = i < StudyLayout.FlipChunkSize ? 10_000 + i : i;
                var flip = new EventRecord { Kind = EventKind.Flip, TimeNs = time, Run = 1, Value = i, IntendedNs = EventRecord.None };
                store.Write(in flip);
            }
        }
        StudyCheckReport report = StudyCheck.Run(db);
        Assert.Contains(report.Problems, p => p.Contains("starts before the previous chunk of run 1 (acquisition 1) ended", StringComparison.Ordinal));
    }

    [Fact]
    public void The_wait_before_a_resumed_runs_t0_belongs_to_the_new_acquisition_and_an_attempt_cut_off_before_t0_has_none()
    {
        long seq = 0;
        StoredEvent E(EventKind kind, int run, long timeNs, int block = 0) => new(++seq, new EventRecord { Kind = kind, Run = run, Block = block, TimeNs = timeNs });
        var events = new List<StoredEvent>
        {
            E(EventKind.ScreenOnset, 1, 100),          // attempt 1 waits for the scanner, and is killed
            E(EventKind.Pulse, 1, 200),
            E(EventKind.Interruption, 1, 10),         // the resume starts (a new process: its clock may start again)
            E(EventKind.ScreenOnset, 1, 20),          // attempt 2 waits
            E(EventKind.RunStarted, 1, 50),           // t0
            E(EventKind.BlockEnded, 1, 90, block: 1),
            E(EventKind.Interruption, 2, 5, block: 2), // a resume into run 2 at block 2 writes two notes before its wait
            E(EventKind.Interruption, 2, 6, block: 2),
            E(EventKind.RunStarted, 2, 30),
        };
        SessionAssembly a = SessionAssembly.Of(events, sessionStartNs: 0);
        Assert.Equal(new[] { (1, 1, false), (1, 2, true), (2, 1, true) }, a.Acquisitions.Select(x => (x.Run, x.Number, x.HasT0)));
        Assert.Equal(new[] { 1, 1, 2, 2, 2, 2, 1, 1, 1 }, Enumerable.Range(0, events.Count).Select(i => a.AcquisitionOf(i)!.Number));
        Assert.Equal(50, a.T0Or(a.AcquisitionOf(3)));
        Assert.Equal(0, a.T0Or(a.AcquisitionOf(0))); // no t0: the session's start
        Assert.Same(a.AcquisitionsOf(1)[1], a.AcquisitionAt(1, seq: 4)); // a flip chunk begun after the interruption
        Assert.Same(a.AcquisitionsOf(1)[0], a.AcquisitionAt(1, seq: 2));
    }

    [Fact]
    public void Resume_continues_a_stopped_session_at_its_unfinished_run_and_refuses_a_complete_one()
    {
        using var temp = new TempFolder();
        string db = CopyFixture(temp);
        using var reader = StudyReader.Open(db);
        StoredSession session = reader.Session(Sub02)!;
        // The shipped paradigm (with its tables and images): its runs and blocks as the session ran them.
        string paradigm = Path.Combine(BidsValidatorTests.RepositoryRoot(), "paradigms", "social-judgment-fmri.yaml");
        var e = Assert.Throws<ResumeException>(() => SessionResume.Find(reader, Sub02, paradigm, temp.Path, Load));
        Assert.Contains("is complete; there is nothing to resume", e.Message);
        Assert.Contains("no session 'nope'", Assert.Throws<ResumeException>(() => SessionResume.Find(reader, "nope", null, temp.Path, Load)).Message);

        // What the record held when the session was stopped, before the resume wrote anything.
        var events = reader.Events(Sub02);
        long resumed = events.First(x => x.Event.Kind == EventKind.Interruption).Seq;
        SessionAssembly stopped = SessionAssembly.Of(events.Where(x => x.Seq < resumed).ToList(), session.Info.StartedNs);
        Plan plan = Planner.Make(Load(paradigm), new SessionFacts(session.Info.ParticipantId, session.Info.SessionLabel, session.Info.Seed));
        var (point, explanation) = SessionResume.Continuation(plan, stopped);
        Assert.NotNull(point);
        Assert.Equal((1, 1), (point.Run, point.Block));
        Assert.Equal("continues with run 1 from its start", explanation);
        // And what it holds now: every block complete.
        Assert.Equal("every block is complete: continues with the phases after the last run", SessionResume.Continuation(plan, reader.Assemble(Sub02)).Explanation);
    }

    private static ParadigmModel Load(string path) => ParadigmLoader.Load(path).Paradigm ?? throw new InvalidOperationException(path);
}

/// <summary>What every BIDS events file must be: the rows of exactly one scanner series.</summary>
public static class EventsFiles
{
    /// <summary>One acquisition (its column constant), one lead-in at t0, planned screens at or after t0 in order, and
    /// no (run, block, trial, screen) twice.</summary>
    public static void AssertOneScannerSeries(string path, string? acquisition = null, bool leadIn = true)
    {
        string[][] rows = File.ReadAllLines(path).Select(l => l.Split('\t')).ToArray();
        string[] h = rows[0];
        int At(string c) => Array.IndexOf(h, c);
        int onset = At("onset"), intended = At("intended_onset"), type = At("event_type"), screen = At("screen"), acq = At("acquisition");
        string name = Path.GetFileName(path);
        Assert.True(acq >= 0, $"{name} has no acquisition column");
        Assert.Single(rows.Skip(1).Select(r => r[acq]).Distinct());
        if (acquisition is not null) Assert.Equal(acquisition, rows[1][acq]);
        var leadIns = rows.Skip(1).Where(r => r[screen] == "lead_in").ToList();
        if (leadIn)
        {
            Assert.True(leadIns.Count == 1, $"{name}: {leadIns.Count} lead_in rows");
            Assert.Equal("0.000000", leadIns[0][intended]);
        }
        double last = double.NegativeInfinity, lastIntended = double.NegativeInfinity;
        var seen = new HashSet<string>();
        foreach (string[] r in rows.Skip(1))
        {
            double t = double.Parse(r[onset], CultureInfo.InvariantCulture);
            Assert.True(t >= last, $"{name}: onset {t} after {last}");
            last = t;
            if (r[type] != "screen" || r[intended] == "n/a") continue;
            double planned = double.Parse(r[intended], CultureInfo.InvariantCulture);
            Assert.True(t >= 0 && planned >= lastIntended, $"{name}: planned screen {r[screen]} at {t} s (intended {planned} s) after {lastIntended} s");
            lastIntended = planned;
            string key = string.Join('/', r[At("run")], r[At("block")], r[At("trial")], r[screen]);
            Assert.True(seen.Add(key), $"{name}: (run, block, trial, screen) {key} twice");
        }
    }
}
