using System.Diagnostics;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Presentation.Gl;
using Xunit.Abstractions;

namespace ExperimentRunner.Presentation.Tests;

public sealed class PerformanceTests(ITestOutputHelper output)
{
    [Fact]
    public void PreparingFullHdScreensTakesWellUnderASecondEach()
    {
        var s = new Scenes(TestSupport.TempDir());
        using var display = new GlDisplay(TestSupport.Style(1920, 1080), new GlDisplayOptions { Mode = DisplayMode.Offscreen, MeasureRefresh = false });
        var scenes = Enumerable.Range(0, 12).Select(i => s.Selection with { Key = "sel-" + i }).ToArray();
        var watch = Stopwatch.StartNew();
        display.Prepare(scenes);
        double perScene = watch.Elapsed.TotalMilliseconds / scenes.Length;
        output.WriteLine($"prepare: {perScene:F1} ms per 1920×1080 selection screen (software GL, shared CPU)");
        Assert.True(perScene < 1000, $"{perScene:F0} ms per screen");

        display.Show(scenes[0], SceneState.Default with { Highlight = 1 });
        for (int i = 0; i < 5; i++) display.ReadPixels();
        watch.Restart();
        for (int i = 0; i < 20; i++) display.ReadPixels();
        output.WriteLine($"draw + read back: {watch.Elapsed.TotalMilliseconds / 20:F1} ms per frame");
    }
}
