using System.Runtime;
using ExperimentRunner.Presentation.Composition;
using SkiaSharp;
using ExperimentRunner.Core.Paradigm;

namespace ExperimentRunner.Presentation.Tests;

public sealed class MiscTests
{
    [Theory]
    [InlineData("#E91E63", 0xE9, 0x1E, 0x63)]
    [InlineData("#fff", 0xFF, 0xFF, 0xFF)]
    [InlineData("green", 0x43, 0xA0, 0x47)]
    public void ColoursAreReadFromHex(string text, byte r, byte g, byte b) =>
        Assert.Equal(new SKColor(r, g, b), Palette.ParseColor(text, "accent"));

    [Fact]
    public void ABadColourNamesWhatItWasFor()
    {
        var e = Assert.Throws<FormatException>(() => Palette.ParseColor("#12345", "display.accent"));
        Assert.Contains("display.accent", e.Message);
        Assert.Contains("#RRGGBB", e.Message);
    }

    [Fact]
    public void TheLowLatencyScopeRestoresTheGcMode()
    {
        var before = GCSettings.LatencyMode;
        using (LowLatencyScope.Enter())
            Assert.Equal(GCLatencyMode.SustainedLowLatency, GCSettings.LatencyMode);
        Assert.Equal(before, GCSettings.LatencyMode);
    }

    [Fact]
    public void LongWordsAndExplicitLinesWrapInsideTheWidth()
    {
        using var face = SKTypeface.FromFile(TestSupport.FontPath);
        var block = TextBlock.Create("first line\nsecond " + new string('x', 80), face, 20, 200, 1.3f, int.MaxValue, false);
        Assert.Equal("first line", block.Lines[0]);
        Assert.True(block.Lines.Count >= 4);
        using var font = new SKFont(face, 20);
        Assert.All(block.Lines, l => Assert.True(font.MeasureText(l) <= 200, l));
        var capped = TextBlock.Create(string.Join(' ', Enumerable.Repeat("word", 100)), face, 20, 200, 1.3f, 2, false);
        Assert.Equal(2, capped.Lines.Count);
        Assert.EndsWith("…", capped.Lines[1]);
    }

    [Fact]
    public void ScaleGeometryPlacesCursorValuesOnTheScale()
    {
        var vas = new ScaleGeometry { Kind = RatingKind.Vas, Min = 0, Max = 100, X0 = 100, X1 = 300, Y = 50 };
        Assert.Equal(150, vas.CursorX(25));
        Assert.Equal(300, vas.CursorX(250));
        Assert.True(float.IsNaN(vas.CursorX(double.NaN)));
        var likert = new ScaleGeometry { Kind = RatingKind.Likert, Min = 1, Max = 5, PointsX = [10, 20, 30, 40, 50] };
        Assert.Equal(10, likert.CursorX(1));
        Assert.Equal(40, likert.CursorX(4));
        Assert.Equal(50, likert.CursorX(9));
    }
}

public sealed class DisplayOptionTests
{
    [Theory]
    [InlineData("window", Gl.DisplayMode.Window)]
    [InlineData("Fullscreen", Gl.DisplayMode.Fullscreen)]
    [InlineData(" offscreen ", Gl.DisplayMode.Offscreen)]
    public void DisplayModesAreReadFromTheCommandLine(string text, Gl.DisplayMode mode) =>
        Assert.Equal(mode, Gl.GlDisplayOptions.ParseMode(text));

    [Theory]
    [InlineData("tv")]
    [InlineData("7")]
    [InlineData("1")]
    [InlineData("")]
    public void AnUnknownDisplayModeListsTheChoices(string text)
    {
        var e = Assert.Throws<Core.Vocabulary.DeviceSpecException>(() => Gl.GlDisplayOptions.ParseMode(text));
        Assert.Contains("window, fullscreen or offscreen", e.Message);
    }
}
