using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Presentation.Gl;

namespace ExperimentRunner.Benchmarks;

/// <summary>
/// A new screen's first flip against the same screen's later flips (issue 17): every missed frame of the `session`
/// runs was the first flip of a new selection card, and in the selection phase each card is shown once. 60 selection
/// cards of the shipped profiles are prepared (composed and uploaded, as the selection phase prepares them), then each
/// is shown for 10 flips, in order, twice over (a card after a card is drawn only in the blocks where the two differ,
/// ScreenBlocks.cs; EXRUN_BLOCK_DIFF=0: in full): the render time (draw + swap + finish) of each card's first flip in the
/// first pass (the texture's first use) and in the second (used before) are compared, with the idle flips between.
/// </summary>
public static class CardsBenchmark
{
    private const int Cards = 60, FlipsPerCard = 10;

    public static void Run(BenchContext ctx)
    {
        var paradigm = Scenario.Load(Scenario.PetParadigm);
        var clock = new MonotonicClock();
        using var display = new GlDisplay(paradigm.Display, new GlDisplayOptions { Mode = DisplayMode.Offscreen, MeasureRefresh = true }, clock);
        Console.WriteLine($"  GL           {display.Renderer}; {display.Size.Width}x{display.Size.Height}; period {display.PeriodNs / 1e6:0.000} ms; time slice {(ShortSlice.Enabled ? $"{ShortSlice.SliceNs / 1000} µs" : "default")}; clear around screens {display.GlRenderer.ClearAroundScreens}; new screens drawn only where they differ (blocks) {display.Textures.Blocks}");
        var profiles = Scenario.ReadProfiles(Path.Combine(Scenario.RepoRoot, "stimuli", "profiles"));
        var scenes = Enumerable.Range(0, Cards).Select(i => profiles[i % profiles.Count]).Select((p, i) => new SceneSpec
        {
            Key = $"select-{i}", Kind = SceneKind.Selection, Profile = p, Body = $"{p.Name}, {p.Age}",
            Title = "Would you like to meet this person?", Options = ["Yes", "No"],
        }).ToArray();
        display.Prepare(scenes);
        using var steal = new StealSampler();
        long stealBefore = steal.ReadStealMs();
        var first = new long[Cards];
        var second = new long[Cards];
        var idle = new List<long>(Cards * FlipsPerCard * 2);
        for (int pass = 0; pass < 2; pass++)
        {
            for (int c = 0; c < Cards; c++)
            {
                display.Show(scenes[c], SceneState.Default);
                for (int f = 0; f < FlipsPerCard; f++)
                {
                    display.Flip();
                    if (f == 0) (pass == 0 ? first : second)[c] = display.LastRenderNs;
                    else idle.Add(display.LastRenderNs);
                }
            }
        }
        long stolen = steal.ReadStealMs() - stealBefore;
        var redraws = display.Redraws;
        var s1 = new Sample(first);
        var s2 = new Sample(second);
        var si = new Sample(idle.ToArray());
        Console.WriteLine($"  first flip of each card, first use of its texture: {s1.Ms()}");
        Console.WriteLine($"  first flip of each card, used before:             {s2.Ms()}");
        Console.WriteLine($"  the other flips (nothing changed):                 {si.Ms()}");
        int slowFirst = first.Count(t => t > display.PeriodNs), slowSecond = second.Count(t => t > display.PeriodNs);
        Console.WriteLine($"  flips drawn in full {redraws.Full}, in part {redraws.Partial}, not at all {redraws.Skipped} (EXRUN_BLOCK_DIFF=0: every new card in full)");
        Console.WriteLine($"  renders longer than a period: first use {slowFirst} of {Cards}, used before {slowSecond} of {Cards}; steal during the run {stolen} ms");
        const string b = "cards";
        ctx.Add(b, "render of a card's first flip, first use (p50 / max)", $"{BenchContext.F(s1.Percentile(50) / 1e6)} / {BenchContext.F(s1.Max / 1e6)} ms");
        ctx.Add(b, "render of a card's first flip, used before (p50 / max)", $"{BenchContext.F(s2.Percentile(50) / 1e6)} / {BenchContext.F(s2.Max / 1e6)} ms");
    }
}
