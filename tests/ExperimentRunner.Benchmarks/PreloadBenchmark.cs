using System.Diagnostics;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Presentation.Gl;

namespace ExperimentRunner.Benchmarks;

/// <summary>300 profile cards (photo, "name, age", bio) composed with Skia and uploaded as GL textures in one Prepare.</summary>
public static class PreloadBenchmark
{
    private static readonly long DefaultBudget = new GlDisplayOptions().TextureBudgetBytes;

    public static void Run(BenchContext ctx)
    {
        int cards = ctx.Quick ? 100 : Scenario.GeneratedProfiles;
        var profiles = Scenario.ReadProfiles(Scenario.GeneratedProfilesDir).Take(cards).ToList();
        var paradigm = Scenario.Load(Scenario.PetParadigm);
        var style = paradigm.Display;
        long each = 4L * style.Width * style.Height;
        // The default budget (1 GiB) holds 290 screens at 1280x720, and Prepare refuses a larger set: give room for all.
        var options = new GlDisplayOptions { Mode = DisplayMode.Offscreen, MeasureRefresh = false, TextureBudgetBytes = Math.Max(DefaultBudget, each * (cards + 8)) };
        var scenes = profiles.Select(p => new SceneSpec
        {
            Key = "profile:" + p.Id, Kind = SceneKind.Profile, Profile = p, Body = $"{p.Name}, {p.Age}",
        }).ToList();

        Machine.Settle();
        bool reset = Machine.ResetPeakWorkingSet();
        long rssBefore = Machine.WorkingSet();
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        using var display = new GlDisplay(style, options);
        Console.WriteLine($"  GL           {display.Renderer}; SDL driver {display.VideoDriver}; {display.Size.Width}x{display.Size.Height}");
        var watch = Stopwatch.StartNew();
        display.Prepare(scenes);
        watch.Stop();
        long peak = Machine.PeakWorkingSet();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var gc = GC.GetGCMemoryInfo(GCKind.Any);
        Console.WriteLine($"  {cards} cards of {display.Size.Width}x{display.Size.Height}: {Machine.MiB(display.TextureBytes)} of textures; " +
            $"working set before {Machine.MiB(rssBefore)}{(reset ? "" : " (peak not reset: includes earlier benchmarks)")}; " +
            $"managed: {Machine.MiB(allocated)} allocated, heap {Machine.MiB(gc.HeapSizeBytes)} after the last GC, {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} gen0/1/2 GCs so far");

        const string b = "preload";
        double seconds = watch.Elapsed.TotalSeconds;
        ctx.Add(b, $"{cards} profile cards composed + uploaded", $"{BenchContext.F(seconds, "0.00")} s ({BenchContext.F(seconds * 1000 / cards, "0.0")} ms/card)",
            cards == Scenario.GeneratedProfiles ? "< 3 s" : "< 1 s (3 s x 100/300)", cards == Scenario.GeneratedProfiles ? seconds < 3 : seconds < 1);
        ctx.Add(b, "peak working set (process)", $"{Machine.MiB(peak)} (+{Machine.MiB(peak - rssBefore)} over the start)");
        ctx.Add(b, "screens one Prepare takes, default budget", $"{DefaultBudget / each} at {style.Width}x{style.Height}, {DefaultBudget / (4L * 1920 * 1080)} at 1920x1080 ({Machine.MiB(DefaultBudget)})");
    }
}
