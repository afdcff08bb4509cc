using CsCheck;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;

namespace ExperimentRunner.Core.Tests;

/// <summary>Plans for many seeds all keep their constraints and fit the scanner's volumes.</summary>
public class PlanPropertyTests
{
    private static ParadigmModel Load(string name) => ParadigmLoader.Load(Repo.Paradigm(name)).Paradigm!;

    private static readonly ParadigmModel Fmri = Load("social-feedback-fmri.yaml");
    private static readonly ParadigmModel Judgment = Load("social-judgment-fmri.yaml");
    private static readonly ParadigmModel Pet = Load("social-feedback-pet.yaml");

    private static void AssertFits(Plan plan)
    {
        var scanner = plan.Paradigm.Scanner;
        foreach (var run in plan.Runs)
        {
            if (scanner.Volumes > 0) Assert.True(run.DurationNs <= scanner.Volumes * scanner.TrNs, $"run {run.Index} lasts {run.DurationNs} ns");
            // Onsets are contiguous and frame-locked: each event starts where the previous ended.
            for (int i = 1; i < run.Events.Count; i++)
                Assert.Equal(run.Events[i - 1].OnsetFrame + run.Events[i - 1].DurationFrames, run.Events[i].OnsetFrame);
            Assert.All(run.Events, e => Assert.True(e.DurationFrames > 0));
        }
    }

    [Fact]
    public void PlansForAThousandSeedsKeepAtMostThreeOfAConditionInARow()
    {
        Gen.ULong.Sample(seed =>
        {
            var plan = Planner.Make(Judgment, new SessionFacts("sub-01", "1", seed));
            AssertFits(plan);
            foreach (var run in plan.Runs)
            {
                var conditions = run.Events.Where(e => e.Screen == "feedback").Select(e => e.Condition).ToList();
                Assert.Equal(40, conditions.Count);
                Assert.Equal(20, conditions.Count(c => c == "positive"));
                int streak = 1;
                for (int i = 1; i < conditions.Count; i++)
                {
                    streak = conditions[i] == conditions[i - 1] ? streak + 1 : 1;
                    Assert.True(streak <= 3, $"seed {seed}: {streak} in a row");
                }
                // No profile twice in a run.
                var shown = run.Events.Where(e => e.Screen == "feedback").Select(e => e.ProfileId).ToList();
                Assert.Equal(shown.Count, shown.Distinct().Count());
            }
        }, iter: 1000);
    }

    [Fact]
    public void PlansForAThousandSeedsUseEachTargetSlotOncePerRunAndFit()
    {
        Gen.ULong.Sample(seed =>
        {
            var plan = Planner.Make(Fmri, new SessionFacts("sub-02", "1", seed));
            AssertFits(plan);
            foreach (var run in plan.Runs)
            {
                var slots = run.Events.Where(e => e.Screen == "feedback").Select(e => e.TargetSlot).ToList();
                Assert.Equal(22, slots.Count);
                Assert.Equal(slots.Count, slots.Distinct().Count());
                Assert.All(slots, s => Assert.InRange(s, 0, run.TargetSlots - 1));
            }
        }, iter: 1000);
    }

    [Fact]
    public void PetPlansFitForAThousandSeeds()
    {
        Gen.ULong.Sample(seed => AssertFits(Planner.Make(Pet, new SessionFacts("sub-03", "1", seed))), iter: 1000);
    }

    [Fact]
    public void TheSamePlanComesOutForTheSameInputs()
    {
        var a = PlanWriter.ToTsv(Planner.Make(Fmri, new SessionFacts("sub-07")));
        var b = PlanWriter.ToTsv(Planner.Make(Load("social-feedback-fmri.yaml"), new SessionFacts("sub-07")));
        Assert.Equal(a, b);
        Assert.Equal(PlanWriter.ToJson(Planner.Make(Fmri, new SessionFacts("sub-07"))), PlanWriter.ToJson(Planner.Make(Fmri, new SessionFacts("sub-07"))));
    }

    [Fact]
    public void DifferentParticipantsGetDifferentCounterbalancedOrders()
    {
        var orders = Enumerable.Range(1, 6).Select(i => Planner.Make(Fmri, new SessionFacts($"sub-{i:00}")).Runs.First().BlockOrder).ToList();
        // Three blocks in a Latin square: three distinct first-run orders, repeating every three participants.
        Assert.Equal(3, orders.Distinct().Count());
        Assert.Equal(orders[0], orders[3]);
        Assert.NotEqual(PlanWriter.ToTsv(Planner.Make(Fmri, new SessionFacts("sub-01"))), PlanWriter.ToTsv(Planner.Make(Fmri, new SessionFacts("sub-02"))));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(6)]
    public void AnEvenLatinSquareIsBalanced(int n)
    {
        // Williams design: every ordered pair of neighbours occurs exactly once across the n rows.
        var pairs = new HashSet<(int, int)>();
        for (int row = 0; row < n; row++)
        {
            var order = Planner.LatinSquareRow(n, row);
            Assert.Equal(Enumerable.Range(0, n), order.OrderBy(x => x));
            for (int j = 1; j < n; j++) Assert.True(pairs.Add((order[j - 1], order[j])));
        }
        Assert.Equal(n * (n - 1), pairs.Count);
    }

    [Fact]
    public void AbbaAlternatesAcrossParticipants()
    {
        var text = Variants.Shipped("social-feedback-fmri.yaml")
            .Replace("        - {label: neutral, condition: neutral, trials: 6}\n", "")
            .Replace("block_order: latin_square", "block_order: abba")
            .Replace("volumes: 150", "volumes: 250");
        var p = ParadigmLoader.Load(Variants.Write("abba.yaml", text));
        Assert.True(p.IsValid, string.Join("\n", p.Diagnostics));
        Assert.Equal("accept,reject,reject,accept", Planner.Make(p.Paradigm!, new SessionFacts("sub-01")).Runs.First().BlockOrder);
        Assert.Equal("reject,accept,accept,reject", Planner.Make(p.Paradigm!, new SessionFacts("sub-02")).Runs.First().BlockOrder);
    }
}
