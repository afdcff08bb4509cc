using ExperimentRunner.Core.Devices;
using ExperimentRunner.Presentation.Gl;
using static ExperimentRunner.Presentation.Tests.TestSupport;

namespace ExperimentRunner.Presentation.Tests;

public sealed class GlDisplayTests
{
    private static GlDisplay Offscreen(DisplayStyle? style = null, bool measure = false) =>
        new(style ?? Style(), new GlDisplayOptions { Mode = DisplayMode.Offscreen, MeasureRefresh = measure });

    [Fact]
    public void AFixationCrossIsDrawnAtTheCentreOnTheBackground()
    {
        using var display = Offscreen();
        var scene = new SceneSpec { Key = "fix", Kind = SceneKind.Fixation };
        display.Prepare([scene]);
        display.Show(scene, SceneState.Default);
        var image = display.ReadPixels();
        Assert.Equal(640, image.Width);
        Assert.True(IsInk(image.GetPixel(320, 180)), $"centre {image.GetPixel(320, 180)}");
        Assert.True(IsBackground(image.GetPixel(2, 2)), $"corner {image.GetPixel(2, 2)}");
        Assert.True(IsBackground(image.GetPixel(637, 357)));
    }
}
