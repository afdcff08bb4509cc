using CsCheck;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Simulation;

namespace ExperimentRunner.Core.Tests;

/// <summary>Trial tables, their constraints, scored screens, series and Likert point buttons (issue 14 items 1, 4, 5).</summary>
public class TrialTableTests
{
    private static string FixtureDir => Path.Combine(Repo.Root, "tests", "Fixtures", "paradigms", "trial-table");
    private static string Fixture => Path.Combine(FixtureDir, "trial-table.yaml");

    private static ParadigmModel Load(string path)
    {
        var load = ParadigmLoader.Load(path);
        Assert.True(load.IsValid, string.Join("\n", load.Diagnostics));
        return load.Paradigm!;
    }

    /// <summary>The fixture with one change, in a scratch copy of its folder (so its table and images resolve).</summary>
    private static string Variant(string name, string oldText, string newText)
    {
        var text = File.ReadAllText(Fixture).Replace("../../../../stimuli/", Path.Combine(Repo.Root, "stimuli") + "/");
        Assert.Contains(oldText, text);
        var dir = Path.Combine(AppContext.BaseDirectory, "trial-table-variants", name);
        Directory.CreateDirectory(Path.Combine(dir, "images"));
        File.Copy(Path.Combine(FixtureDir, "flanker.csv"), Path.Combine(dir, "flanker.csv"), overwrite: true);
        foreach (var image in Directory.GetFiles(Path.Combine(FixtureDir, "images")))
            File.Copy(image, Path.Combine(dir, "images", Path.GetFileName(image)), overwrite: true);
        var path = Path.Combine(dir, "trial-table.yaml");
        File.WriteAllText(path, text.Replace(oldText, newText));
        return path;
    }

    private static IReadOnlyList<Diagnostic> Errors(string path) =>
        ParadigmLoader.Load(path).Diagnostics.Where(d => d.Severity == Severity.Error).ToList();

    private static int Longest<T>(IReadOnlyList<T> items)
    {
        int best = items.Count == 0 ? 0 : 1, streak = 1;
        for (int i = 1; i < items.Count; i++)
        {
            streak = Equals(items[i], items[i - 1]) ? streak + 1 : 1;
            best = Math.Max(best, streak);
        }
        return best;
    }

    [Fact]
    public void MaxSameInRowHoldsAcrossBlocksWhoseOrderIsShuffled()
    {
        // Eight blocks of one condition, two trials each, in a shuffled order: two blocks of a kind side by side are
        // already four in a row. The limit was checked inside a block only, so shuffled block orders broke it.
        var path = Variants.Write("shuffled-single-blocks.yaml", Variants.Shipped("social-judgment-fmri.yaml").Replace("""
                    blocks:
                      - label: mixed
                        mix: {positive: 20, negative: 20}
                    max_same_in_row: 3
              """, """
                    block_order: shuffle
                    blocks:
                      - {label: p1, condition: positive, trials: 2}
                      - {label: p2, condition: positive, trials: 2}
                      - {label: p3, condition: positive, trials: 2}
                      - {label: p4, condition: positive, trials: 2}
                      - {label: n1, condition: negative, trials: 2}
                      - {label: n2, condition: negative, trials: 2}
                      - {label: n3, condition: negative, trials: 2}
                      - {label: n4, condition: negative, trials: 2}
                    max_same_in_row: 3
              """));
        var paradigm = Load(path);

        Gen.ULong.Sample(seed =>
        {
            var plan = Planner.Make(paradigm, new SessionFacts("sub-01", "1", seed));
            foreach (var run in plan.Runs)
            {
                var conditions = run.Events.Where(e => e.Screen == "feedback").Select(e => e.Condition).ToList();
                Assert.Equal(16, conditions.Count);
                Assert.True(Longest(conditions) <= 3, $"seed {seed}: {string.Join(",", conditions)}");
            }
        }, iter: 300);
    }

    [Theory]
    [InlineData("fixed")]
    [InlineData("latin_square")]
    public void ABlockOrderThatMustBreakMaxSameInRowIsAValidateError(string order)
    {
        // p, p, n, n in a fixed order puts four positives in a row; a Latin square gives some participant an order
        // with two blocks of a kind side by side. Either way validate says so, at the block that cannot follow.
        var path = Variants.Write($"unmeetable-{order}.yaml", Variants.Shipped("social-judgment-fmri.yaml").Replace("""
                    blocks:
                      - label: mixed
                        mix: {positive: 20, negative: 20}
                    max_same_in_row: 3
              """, $$"""
                    block_order: {{order}}
                    blocks:
                      - {label: p1, condition: positive, trials: 2}
                      - {label: p2, condition: positive, trials: 2}
                      - {label: n1, condition: negative, trials: 2}
                      - {label: n2, condition: negative, trials: 2}
                    max_same_in_row: 3
              """));

        var error = Assert.Single(Errors(path));

        Assert.Contains("cannot be ordered under its constraints (at most 3 of a condition in a row)", error.Message);
        Assert.Contains(error.Pos.Line, new[] { "p1", "p2", "n1", "n2" }.Select(l => Variants.LineOf(path, $"label: {l},")));
    }

    [Fact]
    public void ATableBlockDrawsBalancedRowsThatKeepEveryConstraintForManySeeds()
    {
        var paradigm = Load(Fixture);
        Gen.ULong.Sample(seed =>
        {
            var run = Planner.Make(paradigm, new SessionFacts("sub-01", "1", seed)).Runs.Single();
            var arrows = run.Events.Where(e => e.Screen == "arrows").ToList();
            var once = arrows.Where(e => e.Block == 1).ToList();
            var flanker = arrows.Where(e => e.Block == 2).ToList();
            // no_row_twice + balance: the four rows once each, two of each congruence.
            Assert.Equal(4, once.Select(e => e.Row).Distinct().Count());
            Assert.Equal(2, once.Count(e => e.Condition == "congruent"));
            // balance over 8 trials; at most 2 equal answers in a row; a stimulus never twice in a row.
            Assert.Equal(8, flanker.Count);
            Assert.Equal(4, flanker.Count(e => e.Condition == "incongruent"));
            Assert.True(Longest(flanker.Select(e => e.Correct).ToList()) <= 2, $"seed {seed}");
            Assert.True(Longest(flanker.Select(e => e.Template!.Text).ToList()) <= 1, $"seed {seed}");
            // The mixed block: at most 2 of a condition in a row; the scan's max_same_in_row over the whole run.
            var words = run.Events.Where(e => e.Screen == "word").Select(e => e.Condition).ToList();
            Assert.True(Longest(words) <= 2);
            var all = run.Events.Where(e => e.Trial > 0).GroupBy(e => (e.Block, e.Trial)).Select(g => g.First().Condition).ToList();
            Assert.True(Longest(all) <= 3);
            // The series: four arrows a trial, balanced, never three of a key in a row.
            foreach (var trial in run.Events.Where(e => e.Screen == "arrow").GroupBy(e => (e.Block, e.Trial)))
            {
                var keys = trial.Select(e => e.Correct).ToList();
                Assert.Equal(4, keys.Count);
                Assert.Equal(2, keys.Count(k => k == "left"));
                Assert.True(Longest(keys) <= 2);
            }
        }, iter: 300);
    }

    [Fact]
    public void EveryScreenShowsTheColumnsOfItsRow()
    {
        var paradigm = Load(Fixture);
        var table = File.ReadAllLines(Path.Combine(FixtureDir, "flanker.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        var run = Planner.Make(paradigm, new SessionFacts("sub-03")).Runs.Single();

        foreach (var trial in run.Events.Where(e => e.Block <= 2 && e.Trial > 0).GroupBy(e => (e.Block, e.Trial)))
        {
            var row = table[int.Parse(trial.First().Row!.Split(':')[1]) - 1];
            var arrows = trial.Single(e => e.Screen == "arrows");
            Assert.Equal(row[0], arrows.Template!.Text);
            Assert.Equal(row[1], arrows.Condition);
            Assert.Equal(row[2], arrows.Correct);
            Assert.Equal(int.Parse(row[3]), arrows.Marker);
            Assert.Equal(Path.Combine(FixtureDir, "images", row[4]), trial.Single(e => e.Screen == "patch").Template!.Image);
        }
        // A condition of a mixed block brings its own content.
        var praise = run.Events.First(e => e.Condition == "praise" && e.Screen == "tint");
        Assert.Equal("Well done", run.Events.First(e => e.Condition == "praise" && e.Screen == "word").Template!.Text);
        Assert.EndsWith("green.png", praise.Template!.Image);
        // Every image a row names is a stimulus file the preflight decodes.
        Assert.Contains(paradigm.StimulusFiles, f => f.Path.EndsWith("blue.png", StringComparison.Ordinal));
    }

    [Fact]
    public void ThePlanTableShowsTheDrawnRowAndTheCorrectAnswer()
    {
        var tsv = PlanWriter.ToTsv(Planner.Make(Load(Fixture), new SessionFacts("sub-01")));
        var lines = tsv.Split('\n');
        Assert.EndsWith("marker\trow\tcorrect", lines[2]);
        Assert.Contains(lines, l => l.Contains("\tarrows\t") && l.Contains("\tflanker.csv:") && (l.EndsWith("\tleft") || l.EndsWith("\tright")));
    }

    [Theory]
    [InlineData("misspelt", "text: \"{stimulus}\"", "text: \"{stimulos}\"", "text: \"{stimulos}\"", "'{stimulos}', which is no column of the trial table flanker.csv (block 'flanker_once') (did you mean 'stimulus'?)")]
    [InlineData("absent-condition", "condition: \"{congruence}\"\n          constraints:\n            no_row_twice", "condition: \"{congruency}\"\n          constraints:\n            no_row_twice", "condition: \"{congruency}\"", "has no column 'congruency' (did you mean 'congruence'?)")]
    [InlineData("correct", "correct: \"{answer}\"", "correct: \"{patch}\"", "correct: \"{patch}\"", "the correct answer 'red.png' is not one of its responses")]
    [InlineData("constraint-column", "max_in_row: {answer: 2}", "max_in_row: {anser: 2}", "max_in_row: {anser: 2}", "has no column 'anser' (did you mean 'answer'?)")]
    [InlineData("rows-twice", "trials: 4\n", "trials: 5\n", "trials: 5", "unsatisfiable: block 'flanker_once' draws 5 trials from 4 rows")]
    [InlineData("distance", "min_distance: {stimulus: 2}", "min_distance: {stimulus: 9}", "max_in_row: {answer: 2}", "cannot be 9 apart")]
    [InlineData("order", "min_distance: {stimulus: 2}", "min_distance: {stimulus: 5}", "max_in_row: {answer: 2}", "the trials of block 'flanker' cannot be ordered under its constraints")]
    [InlineData("balance", "trials: 8", "trials: 7", "max_in_row: {answer: 2}", "must be a multiple of 2")]
    [InlineData("series", "count: 4", "count: 3", "count: 3", "must be a multiple of 2")]
    [InlineData("points", "point_responses: [p1, p2, p3]", "point_responses: [p1, p2]", "point_responses", "has 3 points but 2 point_responses")]
    [InlineData("image", "images/{patch}", "pictures/{patch}", "image: \"pictures/{patch}\"", "image 'pictures/red.png' does not exist")]
    [InlineData("marker", "marker: \"{code}\"", "marker: \"{answer}\"", "marker: \"{answer}\"", "marker 'left' must be a whole number from 0 to 255")]
    public void AProblemWithATableOrItsColumnsIsAValidateErrorAtItsKey(string name, string oldText, string newText, string at, string message)
    {
        var path = Variant(name, oldText, newText);
        var errors = Errors(path);

        var error = Assert.Single(errors, e => e.Message.Contains(message, StringComparison.Ordinal));
        string line = at.Split('\n')[0];
        Assert.Equal(Variants.LineOf(path, line), error.Pos.Line);
        Assert.True(error.Pos.Column > 1 || line.StartsWith(' ') == false);
    }

    [Fact]
    public void ASimulatedSessionScoresEveryScoredScreenAgainstItsRow()
    {
        var plan = Planner.Make(Load(Fixture), new SessionFacts("sub-01"));
        var sink = new MemoryEventSink();

        var (result, _) = Simulator.Run(plan, sink, new SimulationSettings(), new SessionOptions { SessionId = "s1", Mode = "simulate" });

        Assert.Equal(SessionStatus.Completed, result.Status);
        var scored = sink.Events.Where(e => e.Kind == EventKind.Scored).ToList();
        var planned = plan.Runs.Single().Events.Where(e => e.Correct != null).ToList();
        Assert.Equal(planned.Count, scored.Count);
        Assert.All(scored.Zip(planned), p =>
        {
            Assert.Equal(p.Second.Correct, p.First.Text);
            Assert.Equal(p.First.Response == null ? double.NaN : p.First.Response == p.Second.Correct ? 1 : 0, p.First.Value);
        });
        Assert.Contains(scored, e => e.Value == 1);
        Assert.Contains(scored, e => e.Value == 0);
        // The Likert scale answered by the point's own button: a whole point 1–3 at once, no cursor moves before it.
        var ratings = sink.Events.Where(e => e.Kind == EventKind.Rating && e.Screen == "confidence").ToList();
        Assert.Equal(12, ratings.Count);
        Assert.All(ratings.Where(r => !double.IsNaN(r.Value)), r =>
        {
            Assert.Contains(r.Value, new[] { 1.0, 2.0, 3.0 });
            Assert.Equal(2, r.Text!.Split(';').Length);
        });
        // The screen after the rating is shown in every trial.
        Assert.Equal(12, sink.Events.Count(e => e.Kind == EventKind.ScreenOnset && e.Screen == "iti"));
    }
}
