using ExperimentRunner.Core.Devices;
using ExperimentRunner.Presentation.Composition;
using ExperimentRunner.Presentation.Gl;
using SkiaSharp;
using static ExperimentRunner.Presentation.Tests.TestSupport;

namespace ExperimentRunner.Presentation.Tests;

/// <summary>
/// Preloading faster (issue 17) without changing a pixel: a card's panel copied from a tile, and a screen uploaded as
/// the part that differs from the background and drawn at its place, give exactly the screens of before.
/// </summary>
public sealed class PreloadSpeedTests
{
    private static List<SceneSpec> EveryScreen()
    {
        var s = new Scenes(TempDir());
        return
        [
            s.ProfileScreen, s.Selection, s.Question, s.Feedback(Scenes.Accept), s.Feedback(Scenes.Reject, withSelf: true),
            s.Rating(Scenes.Vas), s.Rating(Scenes.Likert), s.Questionnaire, s.Text, s.Wait, s.Fixation, s.Image, s.Blank,
            // A second card of another size and place (a footer shortens it): a tile of its own.
            s.ProfileScreen with { Key = "profile-footer", Footer = "Press a button" },
        ];
    }

    [Theory]
    [InlineData(1280, 720)]
    [InlineData(640, 360)]
    [InlineData(1920, 1080)]
    public void A_panel_copied_from_a_tile_is_the_panel_drawn_byte_for_byte(int width, int height)
    {
        var style = Style(width, height);
        using var tiled = new SceneComposer(style, width, height);
        using var drawn = new SceneComposer(style, width, height) { PanelTiles = false };
        using var images = new ImageStore();
        var screens = EveryScreen();
        // Twice: the second time every card's panel comes from the tile made the first time.
        for (int round = 0; round < 2; round++)
            foreach (var scene in screens)
            {
                using var a = tiled.Compose(scene, images, out var layoutA);
                using var b = drawn.Compose(scene, images, out var layoutB);
                Assert.True(a.GetPixelSpan().SequenceEqual(b.GetPixelSpan()), $"{scene.Key} at {width}x{height} differs");
                Assert.Equal(layoutB.Photo, layoutA.Photo);
            }
    }

    [Fact]
    public void A_bitmap_reused_for_the_next_screen_holds_nothing_of_the_screen_before()
    {
        var style = Style(640, 360);
        using var composer = new SceneComposer(style, 640, 360);
        using var images = new ImageStore();
        var screens = EveryScreen();
        using var reused = composer.NewBitmap();
        // Every screen after every other: what each leaves in the bitmap must not show through the next.
        foreach (var before in screens)
            foreach (var scene in screens)
            {
                composer.ComposeInto(reused, before, images);
                var layout = composer.ComposeInto(reused, scene, images);
                using var fresh = composer.Compose(scene, images, out var freshLayout);
                Assert.True(reused.GetPixelSpan().SequenceEqual(fresh.GetPixelSpan()), $"{scene.Key} after {before.Key} differs");
                Assert.Equal(freshLayout.Photo, layout.Photo);
            }
    }

    [Fact]
    public void Texts_laid_out_once_for_a_card_and_kept_draw_every_card_as_a_fresh_composer_does()
    {
        var style = Style(1280, 720);
        using var kept = new SceneComposer(style, 1280, 720);
        using var images = new ImageStore();
        var s = new Scenes(TempDir());
        // Cards one after the other with other names, bios and captions (and one long enough to be cut, one with a
        // character the font lacks): no card may show another's text or lose its own flags.
        string[] bios = ["Short.", s.Profile.Bio, string.Join(' ', Enumerable.Repeat(s.Profile.Bio, 8)), "Chess \u2654 and tea.", "Short."];
        for (int i = 0; i < bios.Length; i++)
        {
            var scene = s.ProfileScreen with { Key = $"p{i}", Profile = s.Profile with { Name = $"Person {i % 2}", Bio = bios[i] } };
            using var fresh = new SceneComposer(style, 1280, 720);
            using var a = kept.Compose(scene, images, out var layoutA);
            using var b = fresh.Compose(scene, images, out var layoutB);
            Assert.True(a.GetPixelSpan().SequenceEqual(b.GetPixelSpan()), $"card {i} differs");
            Assert.Equal(layoutB.TextTruncated, layoutA.TextTruncated);
            Assert.Equal(layoutB.MissingCharacters, layoutA.MissingCharacters);
        }
    }

    [Fact]
    public void Screens_uploaded_cropped_read_back_as_the_whole_screens_did_with_their_overlays()
    {
        var screens = EveryScreen();
        var states = new Dictionary<string, SceneState>
        {
            ["rating-Vas"] = SceneState.Default with { Cursor = 37 },
            ["rating-Likert"] = SceneState.Default with { Cursor = 4 },
            ["select-p01"] = SceneState.Default with { Highlight = 1 },
            ["wait"] = SceneState.Default with { Counter = 3 },
        };
        (Dictionary<string, byte[]> Pixels, long Bytes) Prepared(bool crop)
        {
            using var display = new GlDisplay(Style(1280, 720), new GlDisplayOptions { Mode = DisplayMode.Offscreen, MeasureRefresh = false });
            display.Textures.Crop = crop;
            display.Prepare(screens);
            var pixels = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var screen in screens)
            {
                display.Show(screen, states.GetValueOrDefault(screen.Key, SceneState.Default));
                pixels[screen.Key] = display.ReadPixels().Pixels;
            }
            return (pixels, display.Textures.TexelBytes);
        }
        var whole = Prepared(crop: false);
        var cropped = Prepared(crop: true);
        foreach (var screen in screens)
            Assert.True(whole.Pixels[screen.Key].AsSpan().SequenceEqual(cropped.Pixels[screen.Key]), $"{screen.Key} differs");
        Assert.NotEqual(whole.Pixels["profile-p01"], whole.Pixels["select-p01"]);
        Assert.True(cropped.Bytes < whole.Bytes / 2, $"cropped {cropped.Bytes} bytes, whole {whole.Bytes}");
    }

    [Fact]
    public void The_crop_is_the_smallest_rectangle_outside_which_all_is_background()
    {
        var bg = new SKColor(0x10, 0x14, 0x18);
        using var bitmap = new SKBitmap(new SKImageInfo(100, 60, SKColorType.Rgba8888, SKAlphaType.Premul));
        bitmap.Erase(bg);
        Assert.Equal((0, 0, 1, 1), TextureCache.ContentBounds(bitmap, bg));
        bitmap.SetPixel(99, 59, SKColors.White);
        Assert.Equal((99, 59, 1, 1), TextureCache.ContentBounds(bitmap, bg));
        bitmap.SetPixel(3, 7, bg.WithAlpha(254)); // one unit of alpha differs: content
        bitmap.SetPixel(50, 2, SKColors.Red);
        Assert.Equal((3, 2, 97, 58), TextureCache.ContentBounds(bitmap, bg));
        // A background that is not opaque: the frame's clear colour cannot stand for it, so nothing is cropped.
        Assert.Equal((0, 0, 100, 60), TextureCache.ContentBounds(bitmap, bg.WithAlpha(128)));
    }
}
