using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Presentation.Composition;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Tests;

/// <summary>Composition alone (Skia, no GL): layouts and pictures.</summary>
public sealed class ComposerTests
{
    private static SceneLayout Compose(SceneSpec scene, out SKBitmap bitmap, int w = 1280, int h = 720)
    {
        using var composer = new SceneComposer(TestSupport.Style(w, h), w, h);
        using var images = new ImageStore();
        bitmap = composer.Compose(scene, images, out var layout);
        return layout;
    }

    [Fact]
    public void AnImageIsScaledToFitKeepingItsShape()
    {
        var scenes = new Scenes(TestSupport.TempDir()); // image: 800 × 450
        var layout = Compose(scenes.Image, out var bitmap);
        using (bitmap)
        {
            Assert.Equal(800 / 450.0, layout.Image.Width / layout.Image.Height, 2);
            Assert.True(layout.Image.Width > 1000); // scaled up into the margins of a 1280-wide screen
            Assert.Equal(640, layout.Image.CenterX, 0);
            var c = bitmap.GetPixel(640, (int)(layout.Image.Y + 10));
            Assert.Equal(new SKColor(0x5C, 0x6B, 0xC0), c);
        }
    }

    [Fact]
    public void OptionButtonsAreStackedInKeyOrderBesideTheCard()
    {
        var scenes = new Scenes(TestSupport.TempDir());
        var layout = Compose(scenes.Selection, out var bitmap);
        bitmap.Dispose();
        Assert.Equal(3, layout.Options.Length);
        Assert.True(layout.Options[0].Y < layout.Options[1].Y && layout.Options[1].Y < layout.Options[2].Y);
        Assert.True(layout.Options[0].X > layout.Photo.Right, "buttons to the right of the card");
        Assert.True(layout.Photo.Width > 200);
    }

    [Fact]
    public void FeedbackWithTheParticipantsPhotoShowsBothPhotosAtTheSameSize()
    {
        var scenes = new Scenes(TestSupport.TempDir());
        var layout = Compose(scenes.Feedback(Scenes.Accept, withSelf: true), out var bitmap);
        bitmap.Dispose();
        Assert.False(layout.ParticipantPhoto.IsEmpty);
        Assert.Equal(layout.Photo.Height, layout.ParticipantPhoto.Height, 1);
        Assert.True(layout.ParticipantPhoto.Right < layout.Symbol.X && layout.Symbol.Right < layout.Photo.X, "you, symbol, them");
        Assert.True(layout.Message.Y > layout.Photo.Bottom);
    }

    [Fact]
    public void AVasScaleExposesItsGeometryAndMapsPositionsBackToValues()
    {
        var scenes = new Scenes(TestSupport.TempDir());
        var layout = Compose(scenes.Rating(Scenes.Vas), out var bitmap);
        bitmap.Dispose();
        var scale = layout.Scale!;
        Assert.Equal(RatingKind.Vas, scale.Kind);
        Assert.Equal(50, scale.ValueAt(scale.CursorX(50)), 3);
        Assert.Equal(0, scale.ValueAt(0));
        Assert.Equal(100, scale.ValueAt(5000));
    }

    [Fact]
    public void ASceneWithoutWhatItsKindNeedsIsRejectedByName()
    {
        var e = Assert.Throws<SceneCompositionException>(() => Compose(new SceneSpec { Key = "r1", Kind = SceneKind.Rating }, out _));
        Assert.Contains("'r1'", e.Message);
        Assert.Contains("Rating", e.Message);
    }

    [Fact]
    public void CharactersTheFontCannotDrawAreReported()
    {
        var ok = Compose(new SceneSpec { Key = "t1", Kind = SceneKind.Text, Body = "Grüße, Ελλάδα, Москва — “quoted” …" }, out var a);
        a.Dispose();
        Assert.Null(ok.MissingCharacters);
        var bad = Compose(new SceneSpec { Key = "t2", Kind = SceneKind.Text, Body = "你好 Alex 你" }, out var b);
        b.Dispose();
        Assert.Equal("你好", bad.MissingCharacters);
    }

    [Fact]
    public void AMissingFontIsNamed()
    {
        var style = TestSupport.Style() with { FontPath = "/no/font.ttf" };
        var e = Assert.Throws<FileNotFoundException>(() => new SceneComposer(style, 100, 100));
        Assert.Contains("/no/font.ttf", e.Message);
    }
}

public sealed class ImageStoreTests
{
    /// <summary>A JPEG whose EXIF says "rotate 90° clockwise to view" (orientation 6), as phones write portraits.</summary>
    private static string RotatedJpeg(string dir)
    {
        using var bitmap = new SKBitmap(200, 100);
        using (var canvas = new SKCanvas(bitmap))
        {
            using var red = new SKPaint { Color = SKColors.Red };
            using var blue = new SKPaint { Color = SKColors.Blue };
            canvas.DrawRect(0, 0, 100, 100, red);
            canvas.DrawRect(100, 0, 100, 100, blue);
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 95);
        var jpeg = data.ToArray();
        byte[] tiff =
        [
            (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, // little-endian TIFF header, first IFD at 8
            1, 0, // one entry
            0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, // Orientation (0x0112), SHORT, 1 value: 6
            0, 0, 0, 0, // no next IFD
        ];
        var exif = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        int len = exif.Length + 2;
        var app1 = new byte[] { 0xFF, 0xE1, (byte)(len >> 8), (byte)len }.Concat(exif).ToArray();
        string path = Path.Combine(dir, "rotated.jpg");
        File.WriteAllBytes(path, jpeg[..2].Concat(app1).Concat(jpeg[2..]).ToArray());
        return path;
    }

    [Fact]
    public void AJpegIsTurnedUprightByItsExifOrientation()
    {
        using var image = ImageStore.Decode(RotatedJpeg(TestSupport.TempDir()));
        Assert.Equal((100, 200), (image.Width, image.Height));
        using var bitmap = SKBitmap.FromImage(image);
        var top = bitmap.GetPixel(50, 40);
        var bottom = bitmap.GetPixel(50, 160);
        Assert.True(top.Red > 200 && top.Blue < 60, $"top {top}");
        Assert.True(bottom.Blue > 200 && bottom.Red < 60, $"bottom {bottom}");
    }

    [Fact]
    public void ADamagedImageIsNamed()
    {
        string path = Path.Combine(TestSupport.TempDir(), "broken.png");
        File.WriteAllBytes(path, [1, 2, 3, 4]);
        var e = Assert.Throws<InvalidDataException>(() => ImageStore.Decode(path));
        Assert.Contains(path, e.Message);
    }
}
