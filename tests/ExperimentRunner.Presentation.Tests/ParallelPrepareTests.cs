using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Presentation.Gl;
using SkiaSharp;
using static ExperimentRunner.Presentation.Tests.TestSupport;

namespace ExperimentRunner.Presentation.Tests;

/// <summary>Preloading on several compose threads (issue 17): the same textures, in the same keys, as one thread.</summary>
public sealed class ParallelPrepareTests
{
    private static List<SceneSpec> Screens()
    {
        string dir = TempDir();
        var colours = new[] { SKColors.Red, SKColors.Green, SKColors.Blue, SKColors.Orange };
        var screens = new List<SceneSpec>();
        for (int i = 0; i < 20; i++)
        {
            // Cards of four photos (decoded images reused within a thread) and text screens, each different.
            if (i % 2 == 0)
            {
                var profile = Profile(Photo(dir, $"p{i % 4}.png", colours[i % 4])) with { Id = $"p{i}", Name = $"Person {i}" };
                screens.Add(new SceneSpec { Key = $"card-{i}", Kind = SceneKind.Profile, Profile = profile, Body = $"{profile.Name}, {20 + i}" });
            }
            else
            {
                screens.Add(new SceneSpec { Key = $"text-{i}", Kind = SceneKind.Text, Title = $"Screen {i}", Body = new string('x', i) + " and some words" });
            }
        }
        return screens;
    }

    private static Dictionary<string, byte[]> Prepared(int composeThreads, List<SceneSpec> screens)
    {
        using var display = new GlDisplay(Style(), new GlDisplayOptions { Mode = DisplayMode.Offscreen, MeasureRefresh = false, ComposeThreads = composeThreads });
        var reported = new List<int>();
        display.Prepare(screens, new Progress<int>(p => { lock (reported) reported.Add(p); }));
        var pixels = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var screen in screens)
        {
            display.Show(screen, SceneState.Default);
            pixels[screen.Key] = display.ReadPixels().Pixels;
        }
        return pixels;
    }

    [Fact]
    public void ScreensComposedOnFourThreadsAreThePixelsOfScreensComposedOnOne()
    {
        var screens = Screens();
        var one = Prepared(1, screens);
        var four = Prepared(4, screens);
        Assert.Equal(screens.Count, one.Count);
        // Different screens look different (so a texture under the wrong key would be seen).
        Assert.NotEqual(one["card-0"], one["card-2"]);
        Assert.NotEqual(one["text-1"], one["text-3"]);
        foreach (var screen in screens) Assert.True(one[screen.Key].AsSpan().SequenceEqual(four[screen.Key]), $"{screen.Key} differs");
    }

    [Fact]
    public void AScreenThatCannotBeComposedOnAWorkerIsNamedAndNothingIsLeftRunning()
    {
        var screens = Screens();
        screens[13] = new SceneSpec { Key = "broken", Kind = SceneKind.Image, ImagePath = Path.Combine(TempDir(), "missing.png") };
        using var display = new GlDisplay(Style(), new GlDisplayOptions { Mode = DisplayMode.Offscreen, MeasureRefresh = false, ComposeThreads = 4 });
        var e = Assert.ThrowsAny<Exception>(() => display.Prepare(screens));
        Assert.Contains("missing.png", e.Message);
        // The display still works: the screens before the broken one are there.
        display.Show(screens[0], SceneState.Default);
        Assert.True(Count(display.ReadPixels(), 0, 0, 640, 360, IsInk) > 0);
    }
}
