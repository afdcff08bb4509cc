using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Presentation.Composition;
using ExperimentRunner.Presentation.Gl;
using SkiaSharp;
using static ExperimentRunner.Presentation.Tests.TestSupport;

namespace ExperimentRunner.Presentation.Tests;

/// <summary>The real GL pipeline (SDL offscreen driver, EGL, Mesa llvmpipe): pixels read back from the GPU.</summary>
public sealed class GlDisplayTests
{
    private static GlDisplay Offscreen(DisplayStyle? style = null, bool measure = false, long budget = 1L << 30) =>
        new(style ?? Style(), new GlDisplayOptions { Mode = DisplayMode.Offscreen, MeasureRefresh = measure, TextureBudgetBytes = budget });

    private static RgbaImage Render(GlDisplay display, SceneSpec scene, SceneState state)
    {
        display.Prepare([scene]);
        display.Show(scene, state);
        return display.ReadPixels();
    }

    [Fact]
    public void AFixationCrossIsDrawnAtTheCentreOnTheBackground()
    {
        using var display = Offscreen();
        var image = Render(display, new SceneSpec { Key = "fix", Kind = SceneKind.Fixation }, SceneState.Default);
        Assert.Equal((640, 360), (image.Width, image.Height));
        Assert.True(IsInk(image.GetPixel(320, 180)), $"centre {image.GetPixel(320, 180)}");
        Assert.True(IsBackground(image.GetPixel(2, 2)), $"corner {image.GetPixel(2, 2)}");
        Assert.True(IsBackground(image.GetPixel(637, 2)));
        Assert.True(IsBackground(image.GetPixel(2, 357)));
        Assert.True(IsBackground(image.GetPixel(637, 357)));
        // The cross's arms, not a blob: the diagonal next to the centre is background.
        Assert.True(IsBackground(image.GetPixel(320 + 12, 180 + 12)));
    }

    [Fact]
    public void TextAppearsWhereTheLayoutPlacesItAndNowhereElse()
    {
        using var display = Offscreen();
        var scene = new Scenes(TempDir()).Text;
        var image = Render(display, scene, SceneState.Default);
        var layout = display.LayoutOf(scene.Key)!;
        var body = layout.Body;
        Assert.False(body.IsEmpty);
        int ink = Count(image, (int)body.X, (int)body.Y, (int)body.Width, (int)body.Height, IsInk);
        Assert.True(ink > body.Width * body.Height * 0.03, $"only {ink} text pixels in the body block");
        // Left and right of the centred block there is nothing.
        Assert.Equal(0, Count(image, 0, (int)body.Y, (int)body.X - 4, (int)body.Height, IsInk));
        Assert.Equal(0, Count(image, (int)body.Right + 4, (int)body.Y, image.Width, (int)body.Height, IsInk));
        Assert.True(body.CenterX > 300 && body.CenterX < 340, $"body centred at {body.CenterX}");
    }

    [Fact]
    public void AcceptAndRejectScreensShowAGreenCheckAndARedCross()
    {
        using var display = Offscreen();
        var scenes = new Scenes(TempDir());
        var accept = scenes.Feedback(Scenes.Accept);
        var reject = scenes.Feedback(Scenes.Reject);
        display.Prepare([accept, reject]);

        display.Show(accept, SceneState.Default);
        var a = display.ReadPixels();
        var symbolA = display.LayoutOf(accept.Key)!.Symbol;
        display.Show(reject, SceneState.Default);
        var r = display.ReadPixels();
        var symbolR = display.LayoutOf(reject.Key)!.Symbol;

        var discA = a.GetPixel((int)symbolA.CenterX, (int)(symbolA.Y + symbolA.Height * 0.12));
        var discR = r.GetPixel((int)symbolR.CenterX, (int)(symbolR.Y + symbolR.Height * 0.12));
        Assert.True(discA.Green > 140 && discA.Red < 100, $"accept disc {discA}");
        Assert.True(discR.Red > 200 && discR.Green < 100, $"reject disc {discR}");
        // The mark is white: the check passes below the centre, the cross through it.
        Assert.True(IsWhite(r.GetPixel((int)symbolR.CenterX, (int)symbolR.CenterY)), "cross centre");
        Assert.True(IsWhite(a.GetPixel((int)(symbolA.CenterX - symbolA.Width * 0.06), (int)(symbolA.CenterY + symbolA.Height * 0.17))), "check stroke");
        // The message is written in its colour.
        var msgA = display.LayoutOf(accept.Key)!.Message;
        var msgR = display.LayoutOf(reject.Key)!.Message;
        int green = Count(a, (int)msgA.X, (int)msgA.Y, (int)msgA.Width, (int)msgA.Height, c => c.Green > 120 && c.Red < 110);
        int red = Count(r, (int)msgR.X, (int)msgR.Y, (int)msgR.Width, (int)msgR.Height, c => c.Red > 170 && c.Green < 110);
        Assert.Equal(0, Count(a, (int)msgA.X, (int)msgA.Y, (int)msgA.Width, (int)msgA.Height, c => c.Red > 170 && c.Green < 110));
        Assert.True(green > 50, $"green message pixels {green}");
        Assert.True(red > 50, $"red message pixels {red}");
    }

    private static bool IsWhite(SKColor c) => c.Red > 220 && c.Green > 220 && c.Blue > 220;

    [Fact]
    public void TheVasCursorMovesWithTheSceneStateCursor()
    {
        using var display = Offscreen();
        var scene = new Scenes(TempDir()).Rating(Scenes.Vas);
        display.Prepare([scene]);
        var scale = display.LayoutOf(scene.Key)!.Scale!;

        float Column(double cursor)
        {
            display.Show(scene, SceneState.Default with { Cursor = cursor });
            var image = display.ReadPixels();
            int y = (int)(scale.Y - scale.CursorHeight * 0.35f); // above the line: only the cursor is there
            double sum = 0;
            int n = 0;
            for (int x = 0; x < image.Width; x++)
                if (IsAccent(image.GetPixel(x, y))) { sum += x; n++; }
            Assert.True(n > 0, $"no cursor pixels at cursor {cursor}");
            return (float)(sum / n);
        }

        float at20 = Column(20), at80 = Column(80);
        Assert.InRange(at20, scale.CursorX(20) - 2, scale.CursorX(20) + 2);
        Assert.InRange(at80, scale.CursorX(80) - 2, scale.CursorX(80) + 2);
        Assert.True(at80 - at20 > (scale.X1 - scale.X0) * 0.55f);

        // NaN hides it.
        display.Show(scene, SceneState.Default);
        var hidden = display.ReadPixels();
        Assert.Equal(0, Count(hidden, 0, 0, hidden.Width, hidden.Height, IsAccent));
    }

    [Fact]
    public void TheLikertCursorFillsThePointOfItsValue()
    {
        using var display = Offscreen();
        var scene = new Scenes(TempDir()).Rating(Scenes.Likert);
        display.Prepare([scene]);
        var scale = display.LayoutOf(scene.Key)!.Scale!;
        display.Show(scene, SceneState.Default with { Cursor = 4 }); // 1..5: the fourth point
        var image = display.ReadPixels();
        for (int i = 0; i < 5; i++)
        {
            bool filled = IsAccent(image.GetPixel((int)scale.PointsX[i], (int)scale.Y));
            Assert.Equal(i == 3, filled);
        }
    }

    [Fact]
    public void TheHighlightedOptionIsOutlinedInTheAccentColour()
    {
        using var display = Offscreen();
        var scene = new Scenes(TempDir()).Selection;
        display.Prepare([scene]);
        var options = display.LayoutOf(scene.Key)!.Options;
        Assert.Equal(3, options.Length);
        display.Show(scene, SceneState.Default with { Highlight = 2 });
        var image = display.ReadPixels();
        int Ring(PixelRect r) => Count(image, (int)r.X, (int)r.CenterY - 2, 3, 4, IsAccent);
        Assert.Equal(0, Ring(options[0]));
        Assert.Equal(0, Ring(options[1]));
        Assert.True(Ring(options[2]) > 0);
    }

    [Fact]
    public void TheProfileCardShowsThePhotoInItsPhotoRegion()
    {
        using var display = Offscreen();
        var scenes = new Scenes(TempDir());
        var image = Render(display, scenes.ProfileScreen, SceneState.Default);
        var photo = display.LayoutOf(scenes.ProfileScreen.Key)!.Photo;
        Assert.False(photo.IsEmpty);
        // The test photo is teal (#26A69A) around the face, with a skin-coloured disc at 42 % of its height.
        var corner = image.GetPixel((int)(photo.X + photo.Width * 0.1), (int)(photo.Y + photo.Height * 0.1));
        Assert.True(Math.Abs(corner.Red - 0x26) < 12 && Math.Abs(corner.Green - 0xA6) < 12 && Math.Abs(corner.Blue - 0x9A) < 12, $"photo corner {corner}");
        var face = image.GetPixel((int)photo.CenterX, (int)(photo.Y + photo.Height * 0.4));
        Assert.True(face.Red > 220 && face.Green > 170, $"face {face}");
        // Outside the card: background.
        Assert.True(IsBackground(image.GetPixel(3, (int)photo.CenterY)));
    }

    [Fact]
    public void TheWaitScreenDrawsTheCounterDigitsFromTheAtlas()
    {
        using var display = Offscreen();
        var scene = new Scenes(TempDir()).Wait;
        display.Prepare([scene]);
        var box = display.LayoutOf(scene.Key)!.Counter;
        display.Show(scene, SceneState.Default);
        var none = display.ReadPixels();
        display.Show(scene, SceneState.Default with { Counter = 7 });
        var seven = display.ReadPixels();
        display.Show(scene, SceneState.Default with { Counter = 1234 });
        var many = display.ReadPixels();
        int Ink(RgbaImage i) => Count(i, (int)box.X, (int)box.Y, (int)box.Width, (int)box.Height, IsInk);
        Assert.Equal(0, Ink(none));
        Assert.True(Ink(seven) > 50);
        Assert.True(Ink(many) > 2 * Ink(seven));
    }

    private static bool IsAccent(SKColor c) => c.Red > 180 && c.Green < 90 && c.Blue > 60 && c.Blue < 140;

    [Fact]
    public void FlipAndShowAllocateNothingOverThousandsOfFrames()
    {
        // 1000 Hz expected: the clock-paced flips of an unsynchronised display are 1 ms apart.
        using var display = Offscreen(Style(320, 180, hz: 1000));
        var scenes = new Scenes(TempDir());
        SceneSpec vas = scenes.Rating(Scenes.Vas), selection = scenes.Selection, wait = scenes.Wait, fix = scenes.Fixation;
        display.Prepare([vas, selection, wait, fix]);
        var states = new SceneState[4];
        void Frame(int i)
        {
            var scene = (i & 3) switch { 0 => vas, 1 => selection, 2 => wait, _ => fix };
            states[i & 3] = SceneState.Default with { Cursor = i % 101, Highlight = i % 3, Counter = i };
            display.Show(scene, states[i & 3]);
            display.Flip();
        }
        for (int i = 0; i < 100; i++) Frame(i); // warm-up: lazy GL entry points, JIT
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1200; i++) Frame(i);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void AnOffscreenDisplayReportsUnsynchronisedAndPacesFlipsAtTheExpectedRate()
    {
        var clock = new MonotonicClock();
        using var display = new GlDisplay(Style(320, 180, hz: 100),
            new GlDisplayOptions { Mode = DisplayMode.Offscreen, MeasureRefresh = true }, clock);
        Assert.Equal("unsynchronised", display.Timing);
        Assert.False(display.Measurement.Synchronised);
        Assert.Contains("offscreen", display.Measurement.Reason);
        Assert.Equal(10_000_000, display.PeriodNs);
        Assert.Equal(100, display.RefreshHz, 6);

        var scene = new SceneSpec { Key = "fix", Kind = SceneKind.Fixation };
        display.Prepare([scene]);
        display.Show(scene, SceneState.Default);
        var stamps = new long[31];
        for (int i = 0; i < stamps.Length; i++) stamps[i] = display.Flip();
        var intervals = new long[30];
        for (int i = 0; i < 30; i++) intervals[i] = stamps[i + 1] - stamps[i];
        Array.Sort(intervals);
        Assert.InRange(intervals[15], 8_000_000, 12_500_000);
        Assert.InRange(stamps[^1] - stamps[0], 29 * 10_000_000L, 34 * 10_000_000L);
    }

    [Fact]
    public void ShowingAScreenThatWasNotPreparedSaysSo()
    {
        using var display = Offscreen();
        var e = Assert.Throws<InvalidOperationException>(() => display.Show(new SceneSpec { Key = "nope", Kind = SceneKind.Blank }, SceneState.Default));
        Assert.Contains("'nope'", e.Message);
        Assert.Contains("Prepare", e.Message);
    }

    [Fact]
    public void PrepareReportsProgressInPercentAndComposesEachKeyOnce()
    {
        using var display = Offscreen();
        var scenes = new Scenes(TempDir());
        var reports = new List<int>();
        var progress = new SyncProgress(reports.Add);
        display.Prepare([scenes.Fixation, scenes.Text, scenes.Text, scenes.Wait], progress);
        Assert.Equal(0, reports[0]);
        Assert.Equal(100, reports[^1]);
        Assert.True(reports.SequenceEqual(reports.Order()));
        Assert.Equal(3L * 640 * 360 * 4, display.TextureBytes);
    }

    [Fact]
    public void TheTextureBudgetEvictsScreensOfEarlierPhasesFirst()
    {
        long one = 640L * 360 * 4;
        using var display = Offscreen(budget: 3 * one);
        var s = new Scenes(TempDir());
        display.Prepare([s.Fixation, s.Text, s.Wait]);
        display.Show(s.Text, SceneState.Default);
        display.Prepare([s.Blank, s.Text]); // needs one slot: evicts the least recently used outside this set
        Assert.Equal(3 * one, display.TextureBytes);
        Assert.NotNull(display.LayoutOf(s.Text.Key));
        Assert.NotNull(display.LayoutOf(s.Blank.Key));
        Assert.Equal(1, new[] { s.Fixation.Key, s.Wait.Key }.Count(k => display.LayoutOf(k) is not null));

        var e = Assert.Throws<InvalidOperationException>(() => display.Prepare([s.Fixation, s.Text, s.Wait, s.Blank]));
        Assert.Contains("budget", e.Message);
    }

    [Fact]
    public void AMissingPhotoIsReportedWithTheScreenAndThePath()
    {
        using var display = Offscreen();
        var scene = new SceneSpec { Key = "profile-x", Kind = SceneKind.Profile, Profile = Profile("/no/such/photo.jpg") };
        var e = Assert.Throws<SceneCompositionException>(() => display.Prepare([scene]));
        Assert.Contains("profile-x", e.Message);
        Assert.Contains("/no/such/photo.jpg", e.Message);
    }

    [Fact]
    public void GlAndSkiaOnlyPreviewsDrawTheSamePicture()
    {
        var scenes = new Scenes(TempDir());
        var dir = TempDir();
        var style = Style();
        var state = SceneState.Default with { Highlight = 0 };
        var gl = Preview.PreviewRenderer.RenderToPng(style, scenes.Selection, state, Path.Combine(dir, "gl.png"));
        var skia = Preview.PreviewRenderer.RenderToPng(style, scenes.Selection, state, Path.Combine(dir, "skia.png"), useGl: false);
        Assert.True(gl.UsedGl);
        Assert.False(skia.UsedGl);
        using var a = SKBitmap.Decode(gl.Path);
        using var b = SKBitmap.Decode(skia.Path);
        long diff = 0;
        for (int y = 0; y < a.Height; y++)
        for (int x = 0; x < a.Width; x++)
        {
            SKColor p = a.GetPixel(x, y), q = b.GetPixel(x, y);
            diff += Math.Abs(p.Red - q.Red) + Math.Abs(p.Green - q.Green) + Math.Abs(p.Blue - q.Blue);
        }
        double mean = diff / (3.0 * a.Width * a.Height);
        Assert.True(mean < 1.5, $"mean difference {mean:F2} per channel");
    }

    /// <summary>IProgress that reports synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
