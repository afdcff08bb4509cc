using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Presentation.Composition;
using SkiaSharp;
using static ExperimentRunner.Presentation.Tests.TestSupport;

namespace ExperimentRunner.Presentation.Tests;

/// <summary>
/// Photos resampled in two passes and blended straight into the screen (issue 17) look as Skia's Mitchell cubic drew
/// them: a study's cards keep their look between versions. Measured on the project's real stimuli photos, every
/// screen that shows a photo, at three display sizes: at most one level apart in any channel, only inside the photos.
/// </summary>
public sealed class PhotoResamplingTests
{
    /// <summary>Most levels (0–255) a channel may differ by; the sums are the same, in another order.</summary>
    private const int MaxLevels = 1;

    private static IEnumerable<string> RealPhotos()
    {
        string stimuli = Path.Combine(RepoRoot, "stimuli");
        return Directory.GetFiles(Path.Combine(stimuli, "profiles", "images"), "*.png").Order(StringComparer.Ordinal).Take(8)
            .Concat(Directory.GetFiles(Path.Combine(stimuli, "faces", "images"), "*.png").Order(StringComparer.Ordinal).Take(4))
            .Append(Path.Combine(stimuli, "participant", "self.png"));
    }

    private static IEnumerable<SceneSpec> ScreensWith(string photo, string self)
    {
        var profile = Profile(photo);
        yield return new SceneSpec { Key = "profile", Kind = SceneKind.Profile, Profile = profile };
        yield return new SceneSpec { Key = "profile-footer", Kind = SceneKind.Profile, Profile = profile, Footer = "Press a button" };
        yield return new SceneSpec { Key = "select", Kind = SceneKind.Selection, Profile = profile, Title = "Would you like to meet this person?", Options = ["Yes", "No"] };
        yield return new SceneSpec { Key = "feedback", Kind = SceneKind.Feedback, Profile = profile, Feedback = Scenes.Accept, ParticipantPhotoPath = self };
    }

    [Theory]
    [InlineData(1280, 720)]
    [InlineData(640, 360)]
    [InlineData(1920, 1080)]
    public void Photos_resampled_in_two_passes_are_skias_mitchell_within_a_level_and_only_inside_the_photos(int width, int height)
    {
        var style = Style(width, height);
        using var fast = new SceneComposer(style, width, height);
        using var skia = new SceneComposer(style, width, height) { FastPhotos = false };
        using var images = new ImageStore();
        string self = Path.Combine(RepoRoot, "stimuli", "participant", "self.png");
        long bytes = 0, differing = 0, sum = 0;
        foreach (string photo in RealPhotos())
            foreach (var scene in ScreensWith(photo, self))
            {
                using var a = fast.Compose(scene, images, out var layout);
                using var b = skia.Compose(scene, images, out _);
                var (max, count, total, outside) = Compare(a, b, layout.Photo, layout.ParticipantPhoto);
                Assert.True(max <= MaxLevels, $"{scene.Key} with {Path.GetFileName(photo)} at {width}x{height}: a channel differs by {max} levels");
                Assert.True(outside == 0, $"{scene.Key} with {Path.GetFileName(photo)}: {outside} bytes differ outside the photos");
                bytes += a.ByteCount;
                differing += count;
                sum += total;
            }
        Assert.Equal(13 * 5, fast.PhotosResampled);
        Assert.Equal(0, skia.PhotosResampled);
        // Almost every pixel is the very same: the few that differ are sums that fell within a rounding of .5.
        Assert.True(differing * 1000 < bytes, $"{differing} of {bytes} bytes differ");
        Assert.True(sum > 0 || differing == 0);
    }

    [Fact]
    public void A_photo_with_transparency_is_blended_over_the_card_as_skia_blends_it()
    {
        string dir = TempDir();
        string path = Path.Combine(dir, "cutout.png");
        using (var bitmap = new SKBitmap(new SKImageInfo(300, 420, SKColorType.Rgba8888, SKAlphaType.Unpremul)))
        {
            for (int y = 0; y < bitmap.Height; y++)
                for (int x = 0; x < bitmap.Width; x++)
                    bitmap.SetPixel(x, y, new SKColor((byte)(x * 255 / 300), (byte)(y * 255 / 420), (byte)((x ^ y) & 0xFF), (byte)((x + y) % 256)));
            using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(path, data.ToArray());
        }
        var style = Style(1280, 720);
        using var fast = new SceneComposer(style, 1280, 720);
        using var skia = new SceneComposer(style, 1280, 720) { FastPhotos = false };
        using var images = new ImageStore();
        foreach (var scene in ScreensWith(path, path))
        {
            using var a = fast.Compose(scene, images, out var layout);
            using var b = skia.Compose(scene, images, out _);
            var (max, _, _, outside) = Compare(a, b, layout.Photo, layout.ParticipantPhoto);
            Assert.True(max <= MaxLevels, $"{scene.Key}: a channel differs by {max} levels");
            Assert.Equal(0, outside);
        }
    }

    [Fact]
    public void A_screen_composed_onto_a_callers_canvas_draws_its_photo_with_skia()
    {
        var style = Style(640, 360);
        using var composer = new SceneComposer(style, 640, 360);
        using var skia = new SceneComposer(style, 640, 360) { FastPhotos = false };
        using var images = new ImageStore();
        var scene = ScreensWith(RealPhotos().First(), RealPhotos().Last()).First();
        using var onCanvas = new SKBitmap(new SKImageInfo(640, 360, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(onCanvas)) composer.Compose(scene, images, canvas);
        Assert.Equal(0, composer.PhotosResampled);
        using var reference = skia.Compose(scene, images, out _);
        Assert.True(onCanvas.GetPixelSpan().SequenceEqual(reference.GetPixelSpan()));
    }

    /// <summary>Largest difference of a channel, bytes that differ, their sum, and bytes that differ outside the photos' pixels.</summary>
    private static (int Max, long Count, long Sum, long Outside) Compare(SKBitmap a, SKBitmap b, PixelRect photo, PixelRect participant)
    {
        ReadOnlySpan<byte> pa = a.GetPixelSpan(), pb = b.GetPixelSpan();
        int max = 0;
        long count = 0, sum = 0, outside = 0;
        for (int i = 0; i < pa.Length; i++)
        {
            int d = Math.Abs(pa[i] - pb[i]);
            if (d == 0) continue;
            max = Math.Max(max, d);
            count++;
            sum += d;
            int x = i / 4 % a.Width, y = i / 4 / a.Width;
            if (!Covers(photo, x, y) && !Covers(participant, x, y)) outside++;
        }
        return (max, count, sum, outside);
    }

    private static bool Covers(PixelRect r, int x, int y) =>
        r.Width > 0 && x + 1 > r.X && x < r.Right && y + 1 > r.Y && y < r.Bottom;
}
