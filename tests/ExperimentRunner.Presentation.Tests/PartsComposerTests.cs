using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Presentation.Composition;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Tests;

/// <summary>Screens from parts, composed with Skia: each part in its normalised box, overlays found in the layout.</summary>
public sealed class PartsComposerTests
{
    private static readonly SourcePos Here = new("test.yaml", 1, 1);

    private static SceneLayout Compose(SceneSpec scene, out SKBitmap bitmap)
    {
        using var composer = new SceneComposer(TestSupport.Style(1280, 720), 1280, 720);
        using var images = new ImageStore();
        bitmap = composer.Compose(scene, images, out var layout);
        return layout;
    }

    [Fact]
    public void EachPartIsDrawnInItsBoxAndItsOverlaysAreInTheLayout()
    {
        string dir = TestSupport.TempDir();
        string photo = TestSupport.Photo(dir, "face.png", new SKColor(0x20, 0xC0, 0x40));
        var profile = TestSupport.Profile(photo);
        var scene = new SceneSpec
        {
            Key = "parts:test", Kind = SceneKind.Parts, Profile = profile, PartsShowPhoto = true,
            Rating = new RatingStyle(RatingKind.Likert, 1, 5, "low", "high", ["1", "2", "3", "4", "5"]),
            Options = ["Yes", "No"], OptionKeys = ["1", "2"],
            Parts =
            [
                new ImagePart(new NormBox(0.25, 0.3, 0.2, 0.4), photo, Cover: true, Here),
                new ShapePart(new NormBox(0.75, 0.3, 0.1, 0.1), ShapeKind.Rectangle, "#FF0000", Filled: true, ArrowDirection.Right, Here),
                new ChoicesPart(new NormBox(0.75, 0.6, 0.3, 0.2), ["yes", "no"], ["Yes", "No"], Horizontal: true, Here),
                new RatingPart(new NormBox(0.5, 0.85, 0.8, 0.2), "r", Here),
            ],
        };
        var layout = Compose(scene, out var bitmap);
        using (bitmap)
        {
            Assert.Equal(SceneKind.Parts, layout.Kind);
            // The photo fills its box (cover): 0.2 × 1280 wide, 0.4 × 720 high, centred on (320, 216).
            Assert.Equal(new PixelRect(192, 72, 256, 288), layout.Photo);
            Assert.Equal(new SKColor(0x20, 0xC0, 0x40), bitmap.GetPixel(210, 90));
            Assert.Equal(new SKColor(0xFF, 0, 0), bitmap.GetPixel(960, 216));
            // Two buttons side by side in the choices box, in key order, for the highlight overlay.
            Assert.Equal(2, layout.Options.Length);
            Assert.True(layout.Options[0].Right < layout.Options[1].X);
            Assert.InRange(layout.Options[0].X, 0.6f * 1280 - 1, 0.6f * 1280 + 1);
            // The rating's scale lies inside its box, for the cursor overlay.
            Assert.NotNull(layout.Scale);
            Assert.InRange(layout.Scale!.Y, 0.75f * 720, 0.95f * 720);
            Assert.Equal(5, layout.Scale.PointsX.Length);
            Assert.True(layout.Scale.X0 >= 0.1f * 1280 && layout.Scale.X1 <= 0.9f * 1280);
        }
    }

    [Fact]
    public void AnImageThatIsMissingIsACompositionErrorNamingTheScreen()
    {
        var scene = new SceneSpec
        {
            Key = "parts:missing", Kind = SceneKind.Parts,
            Parts = [new ImagePart(new NormBox(0.5, 0.5, 0.5, 0.5), "/nonexistent/face.png", Cover: false, Here)],
        };
        var e = Assert.Throws<SceneCompositionException>(() => Compose(scene, out _));
        Assert.Contains("parts:missing", e.Message);
    }
}
