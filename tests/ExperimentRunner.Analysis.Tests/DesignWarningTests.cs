using ExperimentRunner.Analysis.Design;
using ExperimentRunner.Core.Paradigm;

namespace ExperimentRunner.Analysis.Tests;

/// <summary>Designs whose regressors cannot be told apart are flagged; a longer jitter helps where theory says so.</summary>
public class DesignWarningTests
{
    [Fact]
    public void TwoPerfectlyCollinearConditionsAreFlagged()
    {
        // a and b happen at exactly the same times: no data can tell them apart.
        var events = new List<DesignEvent>();
        for (int k = 0; k < 12; k++)
        {
            double onset = 6 + k * 9.5 + (k % 3) * 1.5;
            events.Add(new DesignEvent("a", onset, 2));
            events.Add(new DesignEvent("b", onset, 2));
        }
        var matrix = DesignMatrix.Build(events, ["a", "b"], 80, new MatrixSettings { TrS = 2 });
        var stats = DesignStats.Compute(matrix.X, [("a - b", [1, -1, 0]), ("a + b", [1, 1, 0])]);

        Assert.Equal(1.0, stats.Correlation[0, 1], 9);
        Assert.True(double.IsPositiveInfinity(stats.Vif[0]) && double.IsPositiveInfinity(stats.Vif[1]), $"VIF {stats.Vif[0]}, {stats.Vif[1]}");
        Assert.False(stats.Contrasts[0].Estimable);
        Assert.Equal(0, stats.Contrasts[0].Efficiency);
        // Their sum is still estimable: the design sees "a or b", only not which.
        Assert.True(stats.Contrasts[1].Estimable);
        Assert.True(stats.Contrasts[1].Efficiency > 0);
        Assert.Equal(2, stats.Rank);
    }

    [Fact]
    public void BackToBackBlocksWithoutBaselineAreFlaggedWithTheirNames()
    {
        // Block a, then block b at once, and nothing else: after the constant, a is nearly minus b.
        var paradigm = TestParadigms.Load(TestParadigms.EventRelated("2s", stimulus: "3s", extra: "").Replace(
            "              blocks:\n                - label: mixed\n                  mix: {a: 12, b: 12}",
            "              blocks:\n                - {label: first, condition: a, trials: 10}\n                - {label: second, condition: b, trials: 10}\n              block_order: fixed"));
        var report = DesignCheck.Run(paradigm, new DesignOptions { ParticipantId = "sub-01" });
        var run = Assert.Single(report.First.Runs);

        Assert.True(run.Stats.Correlation[0, 1] < -0.7, $"r = {run.Stats.Correlation[0, 1]}");
        Assert.Contains(run.Warnings, w => w.Contains("'a_stim' and 'b_stim' correlate") && w.Contains("above 0.7"));
        // A laxer declared threshold silences the same design: the thresholds are the paradigm's to set.
        var lax = DesignCheck.Run(paradigm, new DesignOptions { ParticipantId = "sub-01", MaxCorrelation = 0.99, MaxVif = 1000 });
        Assert.Empty(lax.First.Warnings);
    }

    [Fact]
    public void ALongerJitterMakesAnEventAgainstBaselineMoreEfficient()
    {
        // Theory (Dale 1999, Hum Brain Mapp 8:109): at the same mean time between events, a fixed interval makes the
        // responses sum to a nearly constant signal, which the constant takes away; jitter puts that variance back at
        // the low frequencies the HRF passes, and a longer jitter puts back more. The same number of events, the
        // same mean interval (3 s): the expected efficiency (here the median over 15 participants' draws) must grow
        // with the jitter's length. A single draw may be unlucky, so the claim is about the middle of the spread.
        var options = new DesignOptions { ParticipantId = "sub-01", Participants = 15, Contrasts = ["a_stim"] };
        Spread Efficiency(string iti) => Assert.Single(DesignCheck.Run(TestParadigms.Load(TestParadigms.EventRelated(iti, "{a: 40}")), options).Distribution!.Contrasts).Efficiency;

        var none = Efficiency("3s");
        var shorter = Efficiency("{uniform: [2s, 4s]}");
        var longer = Efficiency("{uniform: [0.5s, 5.5s]}");

        Assert.Equal(none.Min, none.Max, 9); // without jitter every participant's run is the same
        Assert.True(shorter.Median > none.Median * 1.1, $"jitter 2–4 s {shorter}, none {none}");
        Assert.True(longer.Median > shorter.Median * 1.3, $"jitter 0.5–5.5 s {longer}, jitter 2–4 s {shorter}");
    }

    [Fact]
    public void AContrastIsNotEstimatedInARunThatLacksOneOfItsLabels()
    {
        // Run 1 (its own scan phase) has only 'a'; run 2 has both. "a - b" in run 1 must not report the efficiency of "a".
        string text = TestParadigms.EventRelated("{uniform: [2s, 6s]}", "{a: 12}", extra: """
            design:
              contrasts: ["a_stim - b_stim"]
            """);
        text = text.Replace("      lead_out: 12s\n", "      lead_out: 12s\n  - scan:\n      name: task2\n      runs: 1\n      trial: t\n      blocks:\n        - label: both\n          mix: {a: 12, b: 12}\n      lead_in: 4s\n      lead_out: 12s\n");
        var report = DesignCheck.Run(TestParadigms.Load(text), new DesignOptions { ParticipantId = "sub-01" });

        Assert.Equal(2, report.First.Runs.Count);
        var first = report.First.Runs[0].Stats.Contrasts.Single();
        Assert.False(first.Estimable);
        Assert.Equal(0, first.Efficiency);
        Assert.Contains(report.First.Runs[0].Warnings, w => w.Contains("no event of 'b_stim' in it"));
        Assert.True(report.First.Runs[1].Stats.Contrasts.Single().Estimable);
        Assert.True(report.First.Session.Single().Estimable);
        Assert.True(report.First.Session.Single().Efficiency > report.First.Runs[1].Stats.Contrasts.Single().Efficiency);
    }

    [Fact]
    public void ACheckThatDoesNotApplySaysSo()
    {
        var pet = ParadigmLoader.Load(TestParadigms.Shipped("social-feedback-pet.yaml")).Paradigm!;
        var e = Assert.Throws<DesignException>(() => DesignCheck.Run(pet, new DesignOptions { ParticipantId = "sub-01" }));
        Assert.True(e.NotApplicable);
        Assert.Contains("PET", e.Message);
        Assert.Contains("does not apply", e.Message);

        var selfPaced = TestParadigms.Load(TestParadigms.EventRelated("2s").Replace("""
              - scan:
                  name: task
                  runs: 1
                  trial: t
                  blocks:
                    - label: mixed
                      mix: {a: 12, b: 12}
                  lead_in: 4s
                  lead_out: 12s
            """.Replace("\r", ""), "  - end:\n      text: Thank you\n      duration: 2s\n"));
        var none = Assert.Throws<DesignException>(() => DesignCheck.Run(selfPaced, new DesignOptions { ParticipantId = "sub-01" }));
        Assert.True(none.NotApplicable);
        Assert.Contains("no scan phase", none.Message);
    }
}
