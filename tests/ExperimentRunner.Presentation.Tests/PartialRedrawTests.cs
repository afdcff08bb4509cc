using System.Runtime.InteropServices;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Presentation.Gl;
using SkiaSharp;
using static ExperimentRunner.Presentation.Tests.TestSupport;

namespace ExperimentRunner.Presentation.Tests;

/// <summary>
/// Offscreen flips draw only what changed since the previous flip (issue 17): what they leave on the surface is what a
/// full redraw of the same screen and state gives, pixel for pixel.
/// </summary>
public sealed partial class PartialRedrawTests
{
    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);

    private static readonly SceneSpec Game = new()
    {
        Key = "ball_toss:partial",
        Kind = SceneKind.BallToss,
        Game = new BallTossStyle(
        [
            new GameFigure("Anna", 0.2, 0.3, null, "#4FC3F7", false),
            new GameFigure("Ben", 0.8, 0.3, null, "#FFB74D", false),
            new GameFigure("You", 0.5, 0.72, null, "#FFFFFF", true),
        ], 0.06, "#FF0000", "1: Anna  2: Ben"),
    };

    // 1000 Hz: the clock-paced flips of an unsynchronised display are 1 ms apart.
    private static GlDisplay Offscreen(bool partial = true, int width = 640, int height = 360) =>
        new(Style(width, height, hz: 1000), new GlDisplayOptions { Mode = DisplayMode.Offscreen, MeasureRefresh = false, PartialRedraw = partial });

    /// <summary>What the flips left on the surface, then the same screen drawn in full: equal, byte for byte.</summary>
    private static void AssertShownIsFullRedraw(GlDisplay display, string when)
    {
        var shown = display.ReadShownPixels();
        var full = display.ReadPixels();
        int differ = 0, first = -1;
        for (int i = 0; i < full.Pixels.Length; i += 4)
        {
            if (shown.Pixels.AsSpan(i, 4).SequenceEqual(full.Pixels.AsSpan(i, 4))) continue;
            if (differ++ == 0) first = i / 4;
        }
        Assert.True(differ == 0,
            $"{when}: {differ} pixels differ from a full redraw, the first at ({first % full.Width}, {first / full.Width}): shown {(first < 0 ? default : shown.GetPixel(first % full.Width, first / full.Width))}, full {(first < 0 ? default : full.GetPixel(first % full.Width, first / full.Width))}");
    }

    [Fact]
    public void FlipsThatDrawOnlyWhatMovedLeaveWhatAFullRedrawWouldShow()
    {
        using var display = Offscreen();
        Assert.True(display.PartialRedraw, "the offscreen surface (an EGL pbuffer) keeps its pixels across swaps");
        var scenes = new Scenes(TempDir());
        SceneSpec vas = scenes.Rating(Scenes.Vas), likert = scenes.Questionnaire, selection = scenes.Selection, wait = scenes.Wait, text = scenes.Text;
        display.Prepare([vas, likert, selection, wait, text, Game]);

        // A VAS cursor sliding right and back, over the scale's labels and ticks, then hidden.
        for (int i = 0; i <= 100; i += 7) { display.Show(vas, SceneState.Default with { Cursor = i }); display.Flip(); }
        for (int i = 100; i >= 30; i -= 11) { display.Show(vas, SceneState.Default with { Cursor = i }); display.Flip(); }
        AssertShownIsFullRedraw(display, "VAS cursor moved");
        display.Show(vas, SceneState.Default with { Cursor = 30 });
        display.Flip();
        display.Show(vas, SceneState.Default);
        display.Flip();
        AssertShownIsFullRedraw(display, "VAS cursor hidden");

        // A Likert cursor stepping over the points.
        foreach (double p in new[] { 3.0, 4, 5, 4, 2, 1 }) { display.Show(likert, SceneState.Default with { Cursor = p }); display.Flip(); }
        AssertShownIsFullRedraw(display, "Likert cursor moved");

        // The highlighted option moving, then none.
        foreach (int h in new[] { 0, 1, 2, 1, -1, 2 }) { display.Show(selection, SceneState.Default with { Highlight = h }); display.Flip(); }
        AssertShownIsFullRedraw(display, "highlight moved");

        // The counter counting down from three digits to one (the digits' width shrinks), then hidden.
        foreach (int n in new[] { 120, 119, 100, 99, 10, 9, 1 }) { display.Show(wait, SceneState.Default with { Counter = n }); display.Flip(); }
        AssertShownIsFullRedraw(display, "counter counted down");
        display.Show(wait, SceneState.Default);
        display.Flip();
        AssertShownIsFullRedraw(display, "counter hidden");

        // The ball flying from Anna to Ben and on to the participant, frame by frame, over the players.
        for (int f = 0; f <= 40; f++)
        {
            double t = f / 40.0;
            var state = t < 0.5
                ? SceneState.Default with { BallX = 0.2 + 1.2 * t, BallY = 0.3 - 0.3 * Math.Sin(t * 2 * Math.PI) }
                : SceneState.Default with { BallX = 0.8 - 0.6 * (t - 0.5), BallY = 0.3 + 0.84 * (t - 0.5) };
            display.Show(Game, state);
            display.Flip();
        }
        AssertShownIsFullRedraw(display, "ball thrown");
        display.Show(Game, SceneState.Default);
        display.Flip();
        AssertShownIsFullRedraw(display, "ball hidden");

        // A screen change, flips that change nothing, then back to a screen with a cursor.
        display.Show(text, SceneState.Default);
        for (int i = 0; i < 5; i++) display.Flip();
        AssertShownIsFullRedraw(display, "text screen held");
        display.Show(vas, SceneState.Default with { Cursor = 55 });
        display.Flip();
        display.Show(vas, SceneState.Default with { Cursor = 56 });
        display.Flip();
        AssertShownIsFullRedraw(display, "back to the VAS");

        var counts = display.Redraws;
        Assert.True(counts.Partial > 50, $"flips drawn in part: {counts}");
        Assert.True(counts.Skipped >= 4, $"flips that drew nothing: {counts}");
    }

    [Fact]
    public void AScreenCopiedWithABlitIsPixelForPixelTheScreenDrawnAsAQuad()
    {
        using var display = Offscreen();
        var scenes = new Scenes(TempDir());
        var shown = new (SceneSpec Scene, SceneState State)[]
        {
            (scenes.Text, SceneState.Default), (scenes.ProfileScreen, SceneState.Default), (scenes.Feedback(Scenes.Accept, withSelf: true), SceneState.Default),
            (scenes.Image, SceneState.Default), (scenes.Rating(Scenes.Vas), SceneState.Default with { Cursor = 37 }),
            (Game, SceneState.Default with { BallX = 0.4, BallY = 0.5 }),
        };
        display.Prepare(shown.Select(s => s.Scene).ToArray());
        foreach (var (scene, state) in shown)
        {
            display.Show(scene, state);
            display.GlRenderer.CopyScreens = true;
            var copied = display.ReadPixels();
            Assert.True(display.GlRenderer.CopyScreens, "the driver took the blit");
            display.GlRenderer.CopyScreens = false;
            var drawn = display.ReadPixels();
            int differ = 0;
            for (int i = 0; i < drawn.Pixels.Length; i++) if (copied.Pixels[i] != drawn.Pixels[i]) differ++;
            Assert.True(differ == 0, $"{scene.Key}: {differ} bytes differ between the copied and the drawn screen");
        }
    }

    [Fact]
    public void ANewScreenClearedOnlyAroundItsCopyLeavesWhatAClearOfTheWholeSurfaceWould()
    {
        using var display = Offscreen();
        Assert.True(display.GlRenderer.ClearAroundScreens, "on by default");
        var scenes = new Scenes(TempDir());
        // Screens whose copied rectangles differ in size and place, each after the one before it: what the one before
        // left outside the new rectangle must be cleared, and what is inside overwritten.
        var shown = new (SceneSpec Scene, SceneState State)[]
        {
            (scenes.ProfileScreen, SceneState.Default), (scenes.Text, SceneState.Default), (scenes.Image, SceneState.Default),
            (scenes.Feedback(Scenes.Accept, withSelf: true), SceneState.Default), (scenes.Selection, SceneState.Default with { Highlight = 1 }),
            (scenes.Rating(Scenes.Vas), SceneState.Default with { Cursor = 37 }), (scenes.ProfileScreen, SceneState.Default), (scenes.Wait, SceneState.Default with { Counter = 12 }),
        };
        display.Prepare(shown.Select(s => s.Scene).ToArray());
        long fullBefore = display.Redraws.Full;
        foreach (var (scene, state) in shown)
        {
            display.Show(scene, state);
            display.Flip();
            var shownPixels = display.ReadShownPixels();
            display.GlRenderer.ClearAroundScreens = false;
            var cleared = display.ReadPixels();
            display.GlRenderer.ClearAroundScreens = true;
            int differ = 0;
            for (int i = 0; i < cleared.Pixels.Length; i++) if (shownPixels.Pixels[i] != cleared.Pixels[i]) differ++;
            Assert.True(differ == 0, $"{scene.Key}: {differ} bytes differ from the screen drawn over a whole clear");
            display.Flip(); // the surface was drawn in full by ReadPixels: the next screen follows a known surface again
        }
        Assert.True(display.Redraws.Full - fullBefore >= 4, $"new screens drawn in full: {display.Redraws}");
    }

    [Fact]
    public void ANewScreenDrawnOnlyInTheBlocksWhereItDiffersFromTheOneBeforeLeavesWhatAFullRedrawWould()
    {
        using var display = Offscreen(width: 1280, height: 720); // the size of the shipped paradigms' screens
        var scenes = new Scenes(TempDir());
        string dir = TempDir();
        // Selection cards of three people: the same layout, another photo, name and text; then screens of other layouts.
        SceneSpec Card(string id, string name, int age, string bio, SKColor photo) => scenes.Selection with
        {
            Key = $"select-{id}",
            Profile = new ProfileInfo(id, name, age, bio, Photo(dir, $"{id}.png", photo)),
        };
        SceneSpec a = Card("p01", "April", 43, "Happiest when dancing salsa.", new SKColor(0x26, 0xA6, 0x9A)),
            b = Card("p02", "Tricia", 25, "Originally from Braedenburgh, I love gardening and a long brunch.", new SKColor(0xAB, 0x47, 0xBC)),
            c = Card("p03", "Sam", 31, "Happiest when dancing salsa.", new SKColor(0x26, 0xA6, 0x9B)); // a's text, a photo one step off
        var shown = new (SceneSpec Scene, SceneState State)[]
        {
            (a, SceneState.Default), (a, SceneState.Default with { Highlight = 1 }), (b, SceneState.Default), (b, SceneState.Default with { Highlight = 0 }),
            (c, SceneState.Default with { Highlight = 2 }), (a, SceneState.Default), (scenes.Text, SceneState.Default), (c, SceneState.Default),
            (scenes.Rating(Scenes.Vas), SceneState.Default with { Cursor = 20 }), (b, SceneState.Default with { Highlight = 2 }), (a, SceneState.Default),
        };
        display.Prepare(shown.Select(s => s.Scene).DistinctBy(s => s.Key).ToArray());
        display.Show(shown[0].Scene, shown[0].State);
        display.Flip();
        int cardChanges = 0;
        for (int i = 1; i < shown.Length; i++)
        {
            var (scene, state) = shown[i];
            var before = display.Redraws;
            display.Show(scene, state);
            display.Flip();
            var after = display.Redraws;
            AssertShownIsFullRedraw(display, $"{shown[i - 1].Scene.Key} then {scene.Key}, {state}");
            display.Flip(); // the surface was drawn in full by ReadPixels: the next screen follows a known surface again
            if (scene.Key == shown[i - 1].Scene.Key || !scene.Key.StartsWith("select-") || !shown[i - 1].Scene.Key.StartsWith("select-")) continue;
            // From one card to another only the photo, the text and the name in the question are drawn.
            Assert.True(after.Partial == before.Partial + 1, $"{shown[i - 1].Scene.Key} then {scene.Key}: {before} → {after}");
            cardChanges++;
        }
        Assert.Equal(4, cardChanges);

        // With the blocks turned off, every new screen is drawn in full.
        using var whole = Offscreen(width: 1280, height: 720);
        whole.Textures.Blocks = false;
        whole.Prepare([a, b]);
        whole.Show(a, SceneState.Default);
        whole.Flip();
        whole.Show(b, SceneState.Default);
        whole.Flip();
        Assert.Equal(new RedrawCounts(2, 0, 0), whole.Redraws);
    }

    [Fact]
    public void BlocksOfAScreenAgreeWhereItsPixelsDoAndDifferWhereOnePixelDoes()
    {
        const int w = 100, h = 70; // not whole blocks: the last column and row are cut
        var pixels = new uint[w * h];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = 0xFF000000u | (uint)(i * 2654435761u >> 8);
        var before = ScreenBlocks.Of(pixels, w, h);
        Assert.Equal((4, 3), (before.Columns, before.Rows));
        foreach (var (x, y) in new[] { (0, 0), (31, 31), (32, 0), (99, 69), (64, 40), (97, 10) })
        {
            var changed = (uint[])pixels.Clone();
            changed[y * w + x] ^= 0x00000100u; // one bit of one colour channel
            var after = ScreenBlocks.Of(changed, w, h);
            for (int row = 0; row < before.Rows; row++)
                for (int col = 0; col < before.Columns; col++)
                {
                    bool inBlock = x / ScreenBlocks.BlockPx == col && y / ScreenBlocks.BlockPx == row;
                    Assert.True(inBlock == (before[col, row] != after[col, row]), $"pixel ({x}, {y}) changed; block ({col}, {row}) {(inBlock ? "kept its hash" : "changed its hash")}");
                }
        }
        // Two pixels swapped inside a block, and a uniform block against another uniform one, differ too.
        var swapped = (uint[])pixels.Clone();
        (swapped[0], swapped[1]) = (swapped[1], swapped[0]);
        Assert.NotEqual(before[0, 0], ScreenBlocks.Of(swapped, w, h)[0, 0]);
        var grey = ScreenBlocks.Of(Enumerable.Repeat(0xFF202020u, w * h).ToArray(), w, h);
        var darker = ScreenBlocks.Of(Enumerable.Repeat(0xFF1F2020u, w * h).ToArray(), w, h);
        Assert.NotEqual(grey[1, 1], darker[1, 1]);
        Assert.Equal(grey[0, 0], grey[1, 1]);

        // Blocks wholly outside the content rectangle, not read but taken as background, hash as if they had been read.
        const uint bg = 0xFF201E1Cu;
        var framed = Enumerable.Repeat(bg, w * h).ToArray();
        for (int y = 40; y < 52; y++) for (int x = 35; x < 61; x++) framed[y * w + x] = pixels[y * w + x];
        var read = ScreenBlocks.Of(framed, w, h);
        var skipped = ScreenBlocks.Of(framed, w, h, (35, 40, 26, 12), bg);
        for (int row = 0; row < read.Rows; row++)
            for (int col = 0; col < read.Columns; col++)
                Assert.True(read[col, row] == skipped[col, row], $"block ({col}, {row})");
    }

    [Fact]
    public void AScreenEvictedAndAnotherUploadedInItsPlaceIsDrawnAfresh()
    {
        // Room for one 640×360 screen: preparing the second evicts the first, and GL may give the freed texture name to
        // the new one, so "the same texture as last flip" must not be taken to mean "the same picture". Mesa gives
        // freed names again only when told to (driconf force_gl_names_reuse, read from the environment when a display
        // opens; .NET's own Environment does not reach native getenv, hence setenv).
        SetEnv("force_gl_names_reuse", "true", 1);
        using var display = new GlDisplay(Style(640, 360, hz: 1000),
            new GlDisplayOptions { Mode = DisplayMode.Offscreen, MeasureRefresh = false, TextureBudgetBytes = 640 * 360 * 4 });
        var scenes = new Scenes(TempDir());
        display.Prepare([scenes.Text]);
        display.Show(scenes.Text, SceneState.Default);
        display.Flip();
        display.Flip();
        display.Prepare([scenes.Wait]);
        display.Show(scenes.Wait, SceneState.Default);
        display.Flip();
        AssertShownIsFullRedraw(display, "after the eviction");
    }

    [Fact]
    public unsafe void AnOverlayDrawnOverTheFinishedFrameStaysRightOnLaterFlips()
    {
        // The flip's own overlay (a photodiode patch) is drawn after the frame, before the swap. Here: a translucent
        // square over the VAS scale, drawn after each flip, changing colour every third flip while the cursor moves under
        // it, against a display that draws every flip in full. (After the swap: the same on a pbuffer, where a swap
        // does nothing.)
        using var partial = Offscreen();
        using var full = Offscreen(partial: false);
        var scenes = new Scenes(TempDir());
        var vas = scenes.Rating(Scenes.Vas);
        var white = Enumerable.Repeat((byte)255, 4 * 4 * 4).ToArray();
        var square = new Dictionary<GlDisplay, uint>();
        foreach (var d in new[] { partial, full })
        {
            d.Prepare([vas]); // makes its GL context current
            fixed (byte* p = white) square[d] = d.GlRenderer.Upload(4, 4, (nint)p);
        }
        var scale = partial.LayoutOf(vas.Key)!.Scale!;
        float x = scale.CursorX(50), y = scale.Y - 30;
        for (int i = 0; i < 24; i++)
        {
            var state = SceneState.Default with { Cursor = 40 + i };
            float c = i / 3 % 2 == 0 ? 0.5f : 0.25f;
            foreach (var d in new[] { partial, full })
            {
                d.Show(vas, state);
                d.Flip();
                d.GlRenderer.Draw(square[d], x - 40, y, 80, 60, 0, 0, 1, 1, c, c, c, 0.5f);
            }
            if (i % 6 != 5) continue;
            var shown = partial.ReadShownPixels().Pixels;
            var expected = full.ReadShownPixels().Pixels;
            int differ = 0;
            for (int b = 0; b < expected.Length; b++) if (shown[b] != expected[b]) differ++;
            Assert.True(differ == 0, $"flip {i}: {differ} bytes differ from the display drawing every flip in full");
        }
        Assert.True(partial.Redraws.Partial > 10, $"{partial.Redraws}");
    }

    [Fact]
    public void PartialRedrawCanBeTurnedOffAndThenEveryFlipDrawsInFull()
    {
        using var display = Offscreen(partial: false);
        Assert.False(display.PartialRedraw);
        var scenes = new Scenes(TempDir());
        display.Prepare([scenes.Wait]);
        display.Show(scenes.Wait, SceneState.Default with { Counter = 5 });
        display.Flip();
        display.Flip();
        Assert.Equal(new RedrawCounts(0, 0, 0), display.Redraws);
    }

    [Fact]
    public void FlipsThatMoveOnlyACursorOrTheBallAllocateNothing()
    {
        using var display = Offscreen();
        var scenes = new Scenes(TempDir());
        SceneSpec vas = scenes.Rating(Scenes.Vas), wait = scenes.Wait;
        display.Prepare([vas, wait, Game]);
        void Frames(int from, int count)
        {
            for (int i = from; i < from + count; i++)
            {
                // 200 frames per screen: a cursor moving, a counter counting, a ball flying, with steady frames between.
                switch (i / 200 % 3)
                {
                    case 0: display.Show(vas, SceneState.Default with { Cursor = i / 2 % 101 }); break;
                    case 1: display.Show(wait, SceneState.Default with { Counter = i / 20 }); break;
                    default: display.Show(Game, SceneState.Default with { BallX = 0.2 + i % 200 * 0.003, BallY = 0.3 }); break;
                }
                display.Flip();
            }
        }
        Frames(0, 600); // warm-up: lazy GL entry points, JIT
        var before = display.Redraws;
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        Frames(600, 1200);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var counts = display.Redraws;
        Assert.True(counts.Partial - before.Partial > 500 && counts.Skipped - before.Skipped > 200, $"{before} → {counts}");
        Assert.Equal(0, allocated);
    }
}
