using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Simulation;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Core.Vocabulary;
using ExperimentRunner.Presentation.Calibration;
using ExperimentRunner.Presentation.Composition;
using ExperimentRunner.Presentation.Gl;
using SkiaSharp;
using static ExperimentRunner.Presentation.Tests.TestSupport;

namespace ExperimentRunner.Presentation.Tests;

/// <summary>The photodiode patch on the real GL pipeline, read back from the GPU (issue 18).</summary>
public sealed class PhotodiodePatchDisplayTests
{
    private static GlDisplay Offscreen(PhotodiodePatch? patch, double hz = 60) =>
        new(Style(320, 180, hz) with { Photodiode = patch }, new GlDisplayOptions { Mode = DisplayMode.Offscreen, MeasureRefresh = false });

    private static bool IsWhite(SKColor c) => c.Red == 255 && c.Green == 255 && c.Blue == 255;
    private static bool IsBlack(SKColor c) => c.Red == 0 && c.Green == 0 && c.Blue == 0;

    /// <summary>The patch's centre pixel, and a pixel just outside it, after showing <paramref name="scene"/>.</summary>
    private static (SKColor Inside, SKColor Outside) Look(GlDisplay display, SceneSpec scene, SceneState? state = null)
    {
        display.Show(scene, state ?? SceneState.Default);
        var image = display.ReadPixels();
        return (image.GetPixel(320 - 20, 180 - 20), image.GetPixel(320 - 45, 180 - 20));
    }

    [Fact]
    public void ThePatchTurnsOverAtEachMarkedOnsetAndHoldsItsColourOverOtherScreens()
    {
        var scenes = new Scenes(TempDir());
        SceneSpec fixation = scenes.Fixation, text = scenes.Text;
        using var display = Offscreen(new PhotodiodePatch { Corner = PatchCorner.BottomRight, SizePx = 40, Screens = [SceneKind.Fixation] });
        display.Prepare([fixation, text]);
        Assert.Equal(new PixelRect(280, 140, 40, 40), display.PhotodiodeRect);

        var first = Look(display, fixation);
        Assert.True(IsWhite(first.Inside), $"after the first marked onset the patch is white, not {first.Inside}");
        Assert.True(IsBackground(first.Outside), $"outside the patch: {first.Outside}");
        Assert.True(IsWhite(Look(display, text).Inside), "an unmarked screen keeps the patch's colour");
        Assert.True(IsBlack(Look(display, fixation).Inside), "the next marked onset turns it black");
        Assert.True(IsBlack(Look(display, fixation, SceneState.Default with { Counter = 3 }).Inside), "the same screen shown again with a new state is not an onset");
    }

    [Fact]
    public void WithoutAPatchTheCornerIsTheScreensOwn()
    {
        var scenes = new Scenes(TempDir());
        using var display = Offscreen(null);
        display.Prepare([scenes.Fixation]);
        Assert.True(IsBackground(Look(display, scenes.Fixation).Inside));
        Assert.Equal(PixelRect.Empty, display.PhotodiodeRect);
        using var off = Offscreen(new PhotodiodePatch { Enabled = false });
        off.Prepare([scenes.Fixation]);
        Assert.True(IsBackground(Look(off, scenes.Fixation).Inside));
    }

    [Fact]
    public void FlipAndShowAllocateNothingWithThePatchOn()
    {
        using var display = Offscreen(new PhotodiodePatch(), hz: 1000);
        var scenes = new Scenes(TempDir());
        SceneSpec fix = scenes.Fixation, wait = scenes.Wait;
        display.Prepare([fix, wait]);
        void Frame(int i)
        {
            display.Show((i & 1) == 0 ? fix : wait, SceneState.Default);
            if (i % 7 == 0) display.SetPhotodiodeLight(i % 14 == 0);
            display.Flip();
        }
        for (int i = 0; i < 100; i++) Frame(i);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1200; i++) Frame(i);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void TheTimingTestMatchesEachFlashToItsEdgeAndCountsTheMissedOnes()
    {
        var clock = new VirtualClock(0);
        var display = new SimulatedDisplay(clock, 60);
        using var sensor = new SimulatedPhotodiode(PhotodiodeSpec.Parse("sim:lag=7ms,jitter=0,miss=0.3,seed=5"), clock);
        var result = PhotodiodeTimingTest.Run(display, _ => { }, sensor, clock, new FlashSchedule { Flashes = 200, CycleFrames = 6, LeadFrames = 3 });
        Assert.Equal(200, result.Flashes);
        Assert.InRange(result.Missed, 40, 80);
        Assert.Equal(0, result.Extra);
        Assert.All(result.LagsMs, lag => Assert.Equal(7.0, lag, 6));
    }

    [Fact]
    public void ASensorThatNeverAnswersStopsTheTestWithWhatToCheck()
    {
        var clock = new VirtualClock(0);
        var display = new SimulatedDisplay(clock, 60);
        using var sensor = new SimulatedPhotodiode(PhotodiodeSpec.Parse("sim:miss=1"), clock);
        var e = Assert.Throws<PhotodiodeTestException>(() =>
            PhotodiodeTimingTest.Run(display, _ => { }, sensor, clock, new FlashSchedule { Flashes = 1000, CycleFrames = 6 }));
        Assert.Contains("no light edge within 3 s", e.Message);
        Assert.Contains("cable", e.Message);
        Assert.Contains("threshold", e.Message);
        Assert.True(clock.NowNs < 5_000_000_000, "it gives up soon, not after 1000 flashes");
    }
}
