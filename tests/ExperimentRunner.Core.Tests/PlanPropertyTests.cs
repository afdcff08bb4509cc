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
        // A PET run has no volumes to fit: it starts at the operator's key and ends with its last event (end:
        // after_last_event), so it must be exactly its declared parts, in order, whatever the seed: 10 s lead-in, the
        // mood rating, baseline (12 trials), rejection (20), acceptance (20), each followed by the mood and desire
        // ratings and, but for the last, a 60 s rest, then 30 s lead-out; trials of 4 + 8 + 3 s; ratings of 10 s.
        Assert.Equal(RunEnd.AfterLastEvent, Pet.Scanner.End);
        Assert.Equal(0, Pet.Scanner.Volumes);
        const long S = 1_000_000_000;
        const long Expected = 10 * S + 10 * S + (12 + 20 + 20) * 15 * S + 3 * 20 * S + 2 * 60 * S + 30 * S;
        Gen.ULong.Sample(seed =>
        {
            var plan = Planner.Make(Pet, new SessionFacts("sub-03", "1", seed));
            AssertFits(plan);
            var run = Assert.Single(plan.Runs);
            Assert.Equal(Expected, run.DurationNs);
            var last = run.Events[^1];
            Assert.Equal(run.DurationNs, last.OnsetNs + last.DurationNs);
            Assert.Equal((long)Math.Round(run.DurationNs * 60 / 1e9), last.OnsetFrame + last.DurationFrames);
            Assert.Equal((PlannedRole.LeadIn, 0L, 10 * S), (run.Events[0].Role, run.Events[0].OnsetNs, run.Events[0].DurationNs));
            Assert.Equal((PlannedRole.LeadOut, 30 * S), (last.Role, last.DurationNs));
            Assert.Equal(["baseline", "rejection", "acceptance"], run.Blocks.Select(b => b.Label));
            Assert.Equal([12, 20, 20], run.Blocks.Select(b => run.Events.Where(e => e.Block == b.Index && e.Trial > 0).Select(e => e.Trial).Distinct().Count()));
            Assert.Equal(2, run.Events.Count(e => e.Role == PlannedRole.Rest && e.DurationNs == 60 * S));
        }, iter: 1000);
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
