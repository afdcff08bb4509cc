using System.Text.RegularExpressions;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Storage;
using SkiaSharp;

namespace ExperimentRunner.Cli.Tests;

/// <summary>Sessions simulated once with the real exrun, shared by the report tests: one with dropped frames and
/// lost pulses, one clean.</summary>
public sealed class SimulatedStudies
{
    public const string Paradigm = "paradigms/social-feedback-fmri.yaml";

    public SimulatedStudies()
    {
        (Faulty, FaultyId) = Simulate("faulty", "--drop-frames", "0.01", "--scanner-dropout", "0.05");
        (Clean, CleanId) = Simulate("clean");
    }

    /// <summary>A session with --drop-frames 0.01 --scanner-dropout 0.05.</summary>
    public string Faulty { get; }
    public string FaultyId { get; }
    /// <summary>A session with no dropped frame and no lost pulse.</summary>
    public string Clean { get; }
    public string CleanId { get; }

    private static (string Db, string SessionId) Simulate(string name, params string[] extra)
    {
        string db = Exrun.Temp(name + ".db");
        var r = Exrun.Run(["simulate", Paradigm, "--participant", "sub-01", "--db", db, .. extra]);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        string id = Regex.Match(r.Out, @"^session (\S+):", RegexOptions.Multiline).Groups[1].Value;
        Assert.NotEmpty(id);
        return (db, id);
    }
}

/// <summary>exrun report: plots that decode, an index with counts and verdicts that match the database, same bytes twice.</summary>
public class ReportTests(SimulatedStudies studies) : IClassFixture<SimulatedStudies>
{
    private static string Report(string db, params string[] extra)
    {
        string dir = Path.Combine(Path.GetDirectoryName(Exrun.Temp("x"))!, "report");
        var r = Exrun.Run(["report", "--db", db, "--out", dir, .. extra]);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        return dir;
    }

    /// <summary>The "## Run N" sections of index.md, by run.</summary>
    private static Dictionary<int, string> RunSections(string markdown) =>
        Regex.Matches(markdown, @"^## Run (\d+)\n(.*?)(?=^## |\z)", RegexOptions.Multiline | RegexOptions.Singleline)
            .ToDictionary(m => int.Parse(m.Groups[1].Value), m => m.Groups[2].Value);

    private static int Count(string section, string label) =>
        int.Parse(Regex.Match(section, $@"^- {Regex.Escape(label)}: (\d+)", RegexOptions.Multiline).Groups[1].Value);

    [Fact]
    public void EveryRunGetsFourPlotsThatDecodeAsImagesOfAReadableSize()
    {
        string dir = Report(studies.Faulty);
        string[] pngs = Directory.GetFiles(dir, "*.png");
        Assert.True(pngs.Length >= 4, string.Join(", ", pngs));
        foreach (string png in pngs)
        {
            using SKBitmap? bitmap = SKBitmap.Decode(png);
            Assert.NotNull(bitmap);
            Assert.Equal((1000, 500), (bitmap.Width, bitmap.Height));
        }
        foreach (string kind in new[] { "onset-errors", "flip-intervals", "pulse-intervals", "response-times" })
            Assert.Contains(pngs, p => Path.GetFileName(p) == $"run-1_{kind}.png");
        string html = File.ReadAllText(Path.Combine(dir, "index.html"));
        foreach (string png in pngs) Assert.Contains($"src=\"{Path.GetFileName(png)}\"", html);
        Assert.DoesNotContain("http", html);
    }

    [Fact]
    public void TheIndexStatesProvenanceThresholdsCountsAndAVerdictPerRun()
    {
        string md = File.ReadAllText(Path.Combine(Report(studies.Faulty), "index.md"));
        using var reader = StudyReader.Open(studies.Faulty);
        var info = reader.Session(studies.FaultyId)!.Info;
        Assert.Contains(info.ParadigmSha256, md);
        Assert.Contains(info.Seed.ToString(), md);
        Assert.Contains("| timing | virtual", md);
        Assert.Contains("| input | virtual (a simulated participant", md); // issue 19: how keys were stamped, per session
        Assert.Contains("within 2 frames of t0", md);
        Assert.Matches(@"^- pass: ", md.Split('\n').First(l => l.StartsWith("- pass: ")));
        var runs = RunSections(md);
        Assert.Equal(reader.Runs(studies.FaultyId).Select(r => r.Run).Distinct().Order(), runs.Keys.Order());
        foreach (var (_, section) in runs)
        {
            Assert.Matches(@"\*\*verdict: (pass|warn|fail)", section);
            Assert.Matches(@"^- flips: \d+$", section.Split('\n').First(l => l.StartsWith("- flips: ")));
            Assert.Matches(@"^- responses: \d+, missed: \d+$", section.Split('\n').First(l => l.StartsWith("- responses: ")));
            Assert.Contains("- missing pulses: ", section);
            Assert.Contains("- measured TR: 2.000000 s", section);
        }
    }

    [Fact]
    public void DroppedFramesGiveWarnOrFailAndTheCountsMatchTheDatabase()
    {
        string md = File.ReadAllText(Path.Combine(Report(studies.Faulty), "index.md"));
        using var reader = StudyReader.Open(studies.Faulty);
        var events = reader.Events(studies.FaultyId).Select(e => e.Event).ToList();
        var flips = reader.Flips(studies.FaultyId).ToList();
        var runs = RunSections(md);
        Assert.Equal(2, runs.Count);
        foreach (var (run, section) in runs)
        {
            Assert.Matches(@"\*\*verdict: (warn|fail)", section);
            Assert.Equal(events.Count(e => e.Kind == EventKind.MissedFrame && e.Run == run), Count(section, "missed frames"));
            Assert.Equal(events.Count(e => e.Kind == EventKind.MissingPulse && e.Run == run), Count(section, "missing pulses"));
            Assert.Equal(events.Count(e => e.Kind == EventKind.Response && e.Run == run), Count(section, "responses"));
            Assert.Equal(flips.Count(f => f.Run == run), Count(section, "flips"));
        }
        Assert.Contains($"outside scan runs: missed frames: {events.Count(e => e.Kind == EventKind.MissedFrame && e.Run == 0)}", md);
        Assert.Contains("session verdict: fail", md);
    }

    [Fact]
    public void EachRunsVerdictFollowsTheThresholdsStatedInTheIndex()
    {
        // Rare dropped frames and no lost pulse: runs land on either side of the warn limit of 3 missed frames.
        string db = Exrun.Temp("rare.db");
        Assert.Equal(0, Exrun.Run("simulate", SimulatedStudies.Paradigm, "--participant", "sub-01", "--db", db, "--drop-frames", "0.0002").ExitCode);
        string md = File.ReadAllText(Path.Combine(Report(db), "index.md"));
        Assert.Contains("- warn: at most 3 missed frames, missing pulses at most 1% of the run's volumes, and |onset error| p99 below 1 refresh period (16.667 ms).", md);
        using var reader = StudyReader.Open(db);
        var events = reader.Events(reader.Sessions().Single().SessionId).Select(e => e.Event).ToList();
        foreach (var (run, section) in RunSections(md))
        {
            int missed = events.Count(e => e.Kind == EventKind.MissedFrame && e.Run == run);
            double p99 = double.Parse(Regex.Match(section, @"^\| actual − intended \|(?:[^|]*\|){7} ([0-9.]+) \|", RegexOptions.Multiline).Groups[1].Value,
                System.Globalization.CultureInfo.InvariantCulture);
            string expected = missed == 0 && p99 < 16.667 / 2 ? "pass" : missed <= 3 && p99 < 16.667 ? "warn" : "fail";
            Assert.Contains($"**verdict: {expected}", section);
        }
    }

    [Fact]
    public void AScannerThatLosesPulsesShowsMissingPulses()
    {
        string md = File.ReadAllText(Path.Combine(Report(studies.Faulty), "index.md"));
        var missing = RunSections(md).Values.Select(s => Count(s, "missing pulses")).ToList();
        Assert.True(missing.Sum() > 0, md);
    }

    [Fact]
    public void ACleanSessionPassesWithNothingMissing()
    {
        string md = File.ReadAllText(Path.Combine(Report(studies.Clean), "index.md"));
        var runs = RunSections(md);
        Assert.NotEmpty(runs);
        foreach (var section in runs.Values)
        {
            Assert.Contains("**verdict: pass**", section);
            Assert.Equal(0, Count(section, "missed frames"));
            Assert.Equal(0, Count(section, "missing pulses"));
        }
        Assert.Contains("session verdict: pass", md);
    }

    [Fact]
    public void TheSameDatabaseGivesTheSameBytesTwice()
    {
        string first = Report(studies.Faulty), second = Report(studies.Faulty);
        string[] names = Directory.GetFiles(first).Select(Path.GetFileName).Order().ToArray()!;
        Assert.Equal(names, Directory.GetFiles(second).Select(Path.GetFileName).Order().ToArray());
        foreach (string name in names)
            Assert.True(File.ReadAllBytes(Path.Combine(first, name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(second, name))), name + " differs");
    }

    [Fact]
    public void TheSessionOptionPicksThatSessionAndTheNewestIsTheDefault()
    {
        // Both sessions in one database: the faulty one first, then the clean one.
        string db = Exrun.Temp("both.db");
        foreach (string[] extra in new[] { new[] { "--drop-frames", "0.01" }, Array.Empty<string>() })
            Assert.Equal(0, Exrun.Run(["simulate", SimulatedStudies.Paradigm, "--participant", "sub-02", "--db", db, .. extra]).ExitCode);
        using (var reader = StudyReader.Open(db))
        {
            var sessions = reader.Sessions().OrderBy(s => s.Info.StartedNs).ThenBy(s => s.Info.StartedUtc).ToList();
            Assert.Equal(2, sessions.Count);
        }
        string newest = File.ReadAllText(Path.Combine(Report(db), "index.md"));
        Assert.Contains("session verdict: pass", newest);
        string faultyId;
        using (var reader = StudyReader.Open(db))
            faultyId = reader.Sessions().Single(s => reader.Events(s.SessionId).Any(e => e.Event.Kind == EventKind.MissedFrame)).SessionId;
        string chosen = File.ReadAllText(Path.Combine(Report(db, "--session", faultyId), "index.md"));
        Assert.Contains(faultyId, chosen);
        Assert.DoesNotContain("session verdict: pass", chosen);
    }

    [Fact]
    public void AnUnknownSessionOrAnUnreadableDatabaseExitsTwoWithoutAStackTrace()
    {
        string dir = Path.Combine(Path.GetDirectoryName(Exrun.Temp("x"))!, "report");
        var unknown = Exrun.Run("report", "--db", studies.Clean, "--session", "sub-99_nope", "--out", dir);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no session 'sub-99_nope'", unknown.Err);
        Assert.Contains(studies.CleanId, unknown.Err);
        Assert.DoesNotContain("   at ", unknown.Out + unknown.Err);
        Assert.False(Directory.Exists(dir));

        string junk = Exrun.Temp("junk.db");
        File.WriteAllText(junk, "not a database at all");
        foreach (string db in new[] { junk, Exrun.Temp("missing.db") })
        {
            var r = Exrun.Run("report", "--db", db, "--out", dir);
            Assert.Equal(2, r.ExitCode);
            Assert.StartsWith("exrun: error: ", r.Err);
            Assert.DoesNotContain("   at ", r.Out + r.Err);
        }
    }
}
