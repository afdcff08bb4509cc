namespace ExperimentRunner.Cli.Tests;

/// <summary>
/// A paradigm with a trial table, scored screens, a series and a Likert scale with point buttons, through exrun:
/// validate, plan, simulate, export (tsv and BIDS) and report (issue 14 items 1, 4, 5).
/// </summary>
public class TrialTableCliTests
{
    private const string Paradigm = "tests/Fixtures/paradigms/trial-table/trial-table.yaml";

    private static List<string[]> Table(string path) => File.ReadAllLines(path).Select(l => l.Split('\t')).ToList();

    [Fact]
    public void ATrialTableParadigmValidatesPlansSimulatesAndExportsACorrectColumnAndAccuracyPerCondition()
    {
        var validate = Exrun.Run("validate", Paradigm);
        Assert.True(validate.ExitCode == 0, validate.Out + validate.Err);

        var plan = Exrun.Run("plan", Paradigm, "--participant", "sub-01", "--format", "tsv");
        Assert.Equal(0, plan.ExitCode);
        var rows = plan.Out.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t')).ToList();
        int row = Array.IndexOf(rows[0], "row"), correct = Array.IndexOf(rows[0], "correct"), screen = Array.IndexOf(rows[0], "screen");
        Assert.All(rows.Where(r => r[screen] == "arrows"), r =>
        {
            Assert.StartsWith("flanker.csv:", r[row]);
            Assert.Contains(r[correct], new[] { "left", "right" });
        });

        string db = Exrun.Temp("study.db");
        var simulate = Exrun.Run("simulate", Paradigm, "--participant", "sub-01", "--db", db);
        Assert.True(simulate.ExitCode == 0, simulate.Out + simulate.Err);

        string tsv = Path.Combine(Path.GetDirectoryName(db)!, "tsv"), bids = Path.Combine(Path.GetDirectoryName(db)!, "bids");
        Assert.Equal(0, Exrun.Run("export", "--db", db, "--format", "tsv", "--out", tsv).ExitCode);
        Assert.Equal(0, Exrun.Run("export", "--db", db, "--format", "bids", "--out", bids).ExitCode);

        // trials.tsv: a trial is correct when all its scored screens were; the words trials score four arrows each.
        var trials = Table(Path.Combine(tsv, "trials.tsv"));
        int trialCorrect = Array.IndexOf(trials[0], "correct"), scored = Array.IndexOf(trials[0], "scored_screens"), condition = Array.IndexOf(trials[0], "condition");
        Assert.True(trialCorrect > 0, string.Join(",", trials[0]));
        Assert.Equal(18, trials.Count - 1);
        Assert.All(trials.Skip(1), r => Assert.Contains(r[trialCorrect], new[] { "0", "1" }));
        Assert.All(trials.Skip(1).Where(r => r[condition] is "praise" or "blame"), r => Assert.Equal("4", r[scored]));

        // BIDS events: 1/0 on scored screen rows, n/a elsewhere; the sidecar describes the column.
        var events = Directory.GetFiles(bids, "*_events.tsv", SearchOption.AllDirectories).Single();
        var table = Table(events);
        int eventCorrect = Array.IndexOf(table[0], "correct"), eventScreen = Array.IndexOf(table[0], "screen"), eventType = Array.IndexOf(table[0], "event_type");
        Assert.True(eventCorrect > 0);
        var screens = table.Skip(1).Where(r => r[eventType] == "screen").ToList();
        Assert.Equal(12 + 6 * 4, screens.Count(r => r[eventCorrect] is "0" or "1"));
        Assert.All(screens.Where(r => r[eventScreen] is "arrows" or "arrow"), r => Assert.Contains(r[eventCorrect], new[] { "0", "1" }));
        Assert.All(screens.Where(r => r[eventScreen] is "patch" or "word" or "iti"), r => Assert.Equal("n/a", r[eventCorrect]));
        Assert.Contains("\"correct\"", File.ReadAllText(Path.ChangeExtension(events, ".json")));

        // The report gives accuracy and response time per condition.
        string report = Path.Combine(Path.GetDirectoryName(db)!, "report");
        var r = Exrun.Run("report", "--db", db, "--out", report);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        var index = File.ReadAllText(Path.Combine(report, "index.md"));
        Assert.Contains("## Scored responses", index);
        foreach (var c in new[] { "congruent", "incongruent", "praise", "blame" })
            Assert.Contains($"| {c} |", index);
    }

    [Fact]
    public void AMisspeltColumnIsAValidateErrorWithItsPlaceAndASuggestion()
    {
        string dir = Path.GetDirectoryName(Exrun.Temp("x"))!;
        foreach (var file in Directory.GetFiles(Path.Combine(Exrun.Root, "tests", "Fixtures", "paradigms", "trial-table"), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(dir, Path.GetRelativePath(Path.Combine(Exrun.Root, "tests", "Fixtures", "paradigms", "trial-table"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var path = Path.Combine(dir, "trial-table.yaml");
        var lines = File.ReadAllLines(path).Select(l => l.Replace("../../../../stimuli/", Path.Combine(Exrun.Root, "stimuli") + "/").Replace("text: \"{stimulus}\"", "text: \"{stimulos}\"")).ToArray();
        File.WriteAllLines(path, lines);
        int line = Array.FindIndex(lines, l => l.Contains("{stimulos}")) + 1;

        var r = Exrun.RunWith(new Dictionary<string, string> { ["EXRUN_STIMULI"] = Path.Combine(Exrun.Root, "stimuli") }, "validate", path);

        Assert.Equal(2, r.ExitCode);
        Assert.Single((r.Out + r.Err).Split('\n'), l => l.Contains(": error: "));
        Assert.Contains($"trial-table.yaml:{line}:", r.Out + r.Err);
        Assert.Contains("(did you mean 'stimulus'?)", r.Out + r.Err);
    }
}
