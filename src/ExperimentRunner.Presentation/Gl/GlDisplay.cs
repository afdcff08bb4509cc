using System.Runtime.CompilerServices;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Core.Vocabulary;
using ExperimentRunner.Presentation.Composition;
using ExperimentRunner.Presentation.Native;
using Silk.NET.OpenGL;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Gl;

/// <summary>Where a <see cref="GlDisplay"/> draws.</summary>
public enum DisplayMode
{
    /// <summary>A normal window of the style's size (shrunk to fit the monitor).</summary>
    Window,
    /// <summary>Borderless fullscreen at the desktop resolution of monitor <see cref="GlDisplayOptions.Monitor"/>; cursor hidden.</summary>
    Fullscreen,
    /// <summary>No screen at all: SDL's offscreen driver with EGL (Mesa). For previews and tests; never synchronised.</summary>
    Offscreen,
    /// <summary>A window that is never shown (on the normal video driver, e.g. under Xvfb).</summary>
    Hidden,
}

/// <summary>How to open a <see cref="GlDisplay"/>.</summary>
public sealed record GlDisplayOptions
{
    public DisplayMode Mode { get; init; } = DisplayMode.Window;
    /// <summary>0-based monitor index for fullscreen (and for placing a window).</summary>
    public int Monitor { get; init; }
    /// <summary>Measure the refresh period from timed flips at start-up (off for one-frame previews).</summary>
    public bool MeasureRefresh { get; init; } = true;
    /// <summary>Flips timed by the measurement (at least 10).</summary>
    public int MeasureFlips { get; init; } = 60;
    /// <summary>Most GPU memory for composed screens, bytes (default 1 GiB: about 130 screens at 1920×1080).</summary>
    public long TextureBudgetBytes { get; init; } = 1L << 30;

    /// <summary>Threads that compose screens in <see cref="GlDisplay.Prepare"/> (the GL thread uploads them as they are
    /// ready): 0 (the default) one per core; 1 composes on the calling thread, as before issue 17.</summary>
    public int ComposeThreads { get; init; }

    /// <summary>Draw only what changed since the last flip where the surface keeps its pixels (offscreen; checked at
    /// start-up, see <see cref="GlDisplay.PartialRedraw"/>). False: every flip draws the whole screen.</summary>
    public bool PartialRedraw { get; init; } = true;
    public string Title { get; init; } = "ExperimentRunner";

    /// <summary>
    /// The one reader of a display mode's name (<c>--display</c> of run, resume and demo): window, fullscreen,
    /// offscreen (or hidden); any case. Throws <see cref="DeviceSpecException"/> for another.
    /// </summary>
    public static DisplayMode ParseMode(string text) =>
        !string.IsNullOrWhiteSpace(text) && !char.IsAsciiDigit(text.Trim()[0]) && Enum.TryParse<DisplayMode>(text.Trim(), ignoreCase: true, out var mode) && Enum.IsDefined(mode)
            ? mode
            : throw new DeviceSpecException($"'{text}' is not a display mode: use window, fullscreen or offscreen");
}

/// <summary>The result of the start-up refresh measurement.</summary>
/// <param name="MedianIntervalNs">Interval between timed flips (swap + glFinish), ns: when synchronised, the mean of the
/// intervals within 15 % of the median (the refresh period); otherwise the median.</param>
/// <param name="DrawOnlyNs">Median time to draw a frame and glFinish without swapping, ns.</param>
/// <param name="OsRefreshHz">What the OS reports for the monitor, Hz (0 when unknown).</param>
/// <param name="Synchronised">True when swaps wait for vertical blank.</param>
/// <param name="Reason">Why the verdict, in words, for the session record.</param>
public sealed record RefreshMeasurement(long MedianIntervalNs, long DrawOnlyNs, int OsRefreshHz, bool Synchronised, string Reason);

/// <summary>
/// The participant's screen: an SDL2 window with an OpenGL context (Silk.NET loads the functions through
/// SDL_GL_GetProcAddress). Each screen is composed ahead of time (<see cref="Prepare"/>) into a texture; a flip draws
/// that texture plus the dynamic overlays (rating cursor, highlighted option, counter digits), swaps, waits for the GPU
/// (glFinish) and timestamps the flip with the run clock. <see cref="Show"/> and <see cref="Flip"/> allocate nothing
/// and do no I/O. All calls must come from the thread that created it (GL contexts are per thread).
/// </summary>
public sealed partial class GlDisplay : IDisplay
{
    private static readonly string[] RequiredFunctions =
    [
        "glCreateShader", "glShaderSource", "glCompileShader", "glCreateProgram", "glLinkProgram", "glUseProgram",
        "glGetUniformLocation", "glUniform4f", "glUniform2f", "glGenVertexArrays", "glBindVertexArray", "glGenBuffers",
        "glBufferData", "glVertexAttribPointer", "glGenTextures", "glTexImage2D", "glBindTexture", "glDrawArrays",
        "glViewport", "glClear", "glFinish", "glReadPixels", "glBlendFunc",
    ];

    private readonly IClock _clock;
    private readonly nint _window;
    private readonly nint _context;
    private readonly GL _gl;
    private readonly GlRenderer _renderer;

    /// <summary>The renderer, for the benchmarks' same-work figure (plain images uploaded as textures).</summary>
    internal GlRenderer GlRenderer => _renderer;
    /// <summary>The composed screens' textures, for the tests (cropped or whole).</summary>
    internal TextureCache Textures => _cache;
    private readonly SceneComposer _composer;
    private readonly OverlayAtlas _atlas;
    private readonly TextureCache _cache;
    private readonly bool _paced;
    private readonly int _drawableW, _drawableH;
    private readonly int _windowW, _windowH;
    private readonly float _bgR, _bgG, _bgB;
    private readonly float _fgR, _fgG, _fgB, _acR, _acG, _acB;

    private TextureCache.Entry? _current;
    private SceneState _state = SceneState.Default;
    private long _gridNs;
    private bool _disposed;

    /// <summary>
    /// Opens the display. Throws <see cref="GlUnavailableException"/> with SDL's or GL's own reason when no window or
    /// context can be had ("SDL could not open a display: …").
    /// </summary>
    public GlDisplay(DisplayStyle style, GlDisplayOptions? options = null, IClock? clock = null)
    {
        options ??= new GlDisplayOptions();
        Style = style;
        _clock = clock ?? new MonotonicClock();
        Mode = options.Mode;
        if (!Sdl.IsAvailable(out string? why)) throw new GlUnavailableException($"SDL could not open a display: {why}");
        Sdl.CheckLayouts();

        SdlVideo.Acquire(options.Mode == DisplayMode.Offscreen);
        bool ok = false;
        try
        {
            VideoDriver = Sdl.GetCurrentVideoDriver() ?? "?";
            (int w, int h, int x, int y, uint flags) = WindowGeometry(style, options);
            flags |= Sdl.WindowOpenGl | Sdl.WindowAllowHighDpi;

            // A fullscreen stimulus window must stay up when the operator clicks on the console on another monitor.
            Sdl.SetHint("SDL_VIDEO_MINIMIZE_ON_FOCUS_LOSS", "0");
            bool es = false;
            _window = nint.Zero;
            _context = nint.Zero;
            // Desktop GL 3.3 core first; GLES 3.0 where only that exists (some EGL stacks).
            foreach (bool tryEs in new[] { false, true })
            {
                Sdl.GlResetAttributes();
                Sdl.GlSetAttribute(Sdl.GlAttr.RedSize, 8);
                Sdl.GlSetAttribute(Sdl.GlAttr.GreenSize, 8);
                Sdl.GlSetAttribute(Sdl.GlAttr.BlueSize, 8);
                Sdl.GlSetAttribute(Sdl.GlAttr.DoubleBuffer, 1);
                Sdl.GlSetAttribute(Sdl.GlAttr.DepthSize, 0);
                Sdl.GlSetAttribute(Sdl.GlAttr.ContextMajorVersion, 3);
                Sdl.GlSetAttribute(Sdl.GlAttr.ContextMinorVersion, tryEs ? 0 : 3);
                Sdl.GlSetAttribute(Sdl.GlAttr.ContextProfileMask, tryEs ? Sdl.GlProfileEs : Sdl.GlProfileCore);
                _window = Sdl.CreateWindow(options.Title, x, y, w, h, flags);
                if (_window == nint.Zero)
                {
                    if (tryEs) throw new GlUnavailableException($"SDL could not open a display: {Sdl.GetError()}");
                    continue;
                }
                _context = Sdl.GlCreateContext(_window);
                if (_context != nint.Zero) { es = tryEs; break; }
                string err = Sdl.GetError();
                Sdl.DestroyWindow(_window);
                _window = nint.Zero;
                if (tryEs) throw new GlUnavailableException($"SDL could not create an OpenGL 3.3 or OpenGL ES 3.0 context: {err}");
            }
            if (Sdl.GlMakeCurrent(_window, _context) != 0)
                throw new GlUnavailableException($"SDL could not make the OpenGL context current: {Sdl.GetError()}");

            var missing = RequiredFunctions.Where(f => Sdl.GlGetProcAddress(f) == nint.Zero).ToArray();
            if (missing.Length > 0)
                throw new GlUnavailableException($"the OpenGL driver lacks {string.Join(", ", missing)}; OpenGL 3.3 (or ES 3.0) is needed");
            _gl = GL.GetApi(name => Sdl.GlGetProcAddress(name));
            Renderer = $"{_gl.GetStringS(StringName.Renderer)}; {_gl.GetStringS(StringName.Version)}";

            string? swapIntervalRefusal = Sdl.GlSetSwapInterval(1) == 0 ? null : Sdl.GetError();
            Sdl.GlGetDrawableSize(_window, out _drawableW, out _drawableH);
            Sdl.GetWindowSize(_window, out int ww, out int wh);
            (_windowW, _windowH) = (ww, wh);
            if (options.Mode == DisplayMode.Fullscreen)
            {
                Sdl.ShowCursor(0);
                Sdl.RaiseWindow(_window);
            }
            Sdl.DisableScreenSaver();

            // Compose at the window's real pixel size: in fullscreen that is the monitor, not the style.
            Size = (_drawableW > 0 ? _drawableW : ww, _drawableH > 0 ? _drawableH : wh);
            _composer = new SceneComposer(style, Size.Width, Size.Height);
            (_bgR, _bgG, _bgB) = Unit(_composer.Palette.Background);
            (_fgR, _fgG, _fgB) = Unit(_composer.Palette.Foreground);
            (_acR, _acG, _acB) = Unit(_composer.Palette.Accent);
            _renderer = new GlRenderer(_gl, es);
            _atlas = new OverlayAtlas(_renderer, _composer);
            (int composeW, int composeH) = Size;
            _cache = new TextureCache(_renderer, _composer, options.TextureBudgetBytes,
                options.ComposeThreads == 1 ? null : () => new SceneComposer(style, composeW, composeH), options.ComposeThreads);

            Sdl.GetCurrentDisplayMode(Math.Max(0, Sdl.GetWindowDisplayIndex(_window)), out var mode);
            long expectedPeriod = (long)Math.Round(1e9 / (style.ExpectedRefreshHz > 0 ? style.ExpectedRefreshHz : 60));
            Measurement = Measure(options, swapIntervalRefusal, mode.RefreshRate, expectedPeriod);
            _paced = !Measurement.Synchronised;
            PeriodNs = Measurement.Synchronised ? Measurement.MedianIntervalNs : expectedPeriod;
            RefreshHz = 1e9 / PeriodNs;
            Timing = Measurement.Synchronised ? "vsync" : "unsynchronised";
            X11Window = Sdl.X11WindowOf(_window);
            // The thread that draws (this one: the context is current here) and the driver's render threads ask for a
            // short time slice, so a busy program elsewhere on the machine does not hold them off for its slice (issue 17).
            ShortSliceFrameThread = ShortSlice.MarkCurrent();
            ShortSliceRenderThreads = ShortSlice.MarkRenderThreads();
            StartPartialRedraw(options);
            long warmStart = _clock.NowNs;
            _renderer.WarmUp(_drawableW > 0 ? _drawableW : Size.Width, _drawableH > 0 ? _drawableH : Size.Height);
            WarmUpNs = _clock.NowNs - warmStart;
            ok = true;
        }
        finally
        {
            if (!ok) DisposeNative();
        }
    }

    public DisplayMode Mode { get; }
    /// <summary>Whether the thread that opened the display (and draws) took the short time slice of
    /// <see cref="ShortSlice"/>, and how many of the GL driver's render threads did.</summary>
    public bool ShortSliceFrameThread { get; }
    /// <inheritdoc cref="ShortSliceFrameThread"/>
    public int ShortSliceRenderThreads { get; }
    /// <summary>How long drawing every GL state once took at start-up (the driver's shader variants compiled), ns.</summary>
    public long WarmUpNs { get; }
    /// <summary>The style the screens are composed with.</summary>
    public DisplayStyle Style { get; }
    /// <summary>SDL's video driver ("x11", "wayland", "offscreen"…), for the session record.</summary>
    public string VideoDriver { get; }
    /// <summary>GL_RENDERER and GL_VERSION, for the session record.</summary>
    public string Renderer { get; } = "";
    public RefreshMeasurement Measurement { get; }
    /// <summary>The participant's window on the X server (for the key reader's focus rule), or 0 (offscreen, not X11).</summary>
    public nuint X11Window { get; }
    public double RefreshHz { get; }
    public long PeriodNs { get; }
    public string Timing { get; }
    public (int Width, int Height) Size { get; }
    /// <summary>
    /// Converts a mouse position (window coordinates, as <see cref="Input.SdlInput"/> reports it) to screen pixels of
    /// the composed screens and their <see cref="SceneLayout"/> (they differ on high-DPI displays). Allocation-free.
    /// </summary>
    public (float X, float Y) ToScreenPixels(double windowX, double windowY) =>
        ((float)(windowX * Size.Width / Math.Max(1, _windowW)), (float)(windowY * Size.Height / Math.Max(1, _windowH)));

    /// <summary>The composer used for this display's screens (its size is <see cref="Size"/>).</summary>
    public SceneComposer Composer => _composer;
    /// <summary>Bytes of composed screens held on the GPU now.</summary>
    public long TextureBytes => _cache.UsedBytes;

    /// <summary>
    /// Composes and uploads every screen; progress in percent (0–100). See <see cref="IDisplay.Prepare"/>. The
    /// window's events are pumped between screens (keys pressed meanwhile stay queued for the input: discard them
    /// with <see cref="Input.SdlInput.Discard"/> before a timed screen).
    /// </summary>
    public void Prepare(IReadOnlyCollection<SceneSpec> scenes, IProgress<int>? progress = null)
    {
        ThrowIfDisposed();
        MakeCurrent();
        _cache.Prepare(scenes, progress, Sdl.PumpEvents);
        // A screen evicted to make room cannot stay current: show the background until the next Show.
        if (_current is not null && !_cache.TryUse(CurrentKey!, out _)) { _current = null; CurrentKey = null; }
    }

    private string? CurrentKey { get; set; }

    /// <summary>The layout of a prepared screen (for tests, previews and the operator view), or null.</summary>
    public SceneLayout? LayoutOf(string key) => _cache.TryUse(key, out var e) ? e.Layout : null;

    /// <inheritdoc />
    public void Show(SceneSpec scene, in SceneState state)
    {
        if (!_cache.TryUse(scene.Key, out var entry)) ThrowNotPrepared(scene.Key);
        _current = entry;
        CurrentKey = scene.Key;
        _state = state;
        NotePhotodiodeOnset(scene);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNotPrepared(string key) =>
        throw new InvalidOperationException($"Screen '{key}' was shown before it was prepared (or was evicted): call Prepare with it first.");

    /// <inheritdoc />
    public long Flip()
    {
        long start = _clock.NowNs;
        MakeCurrent();
        Draw();
        DrawPhotodiodePatch();
        Sdl.GlSwapWindow(_window);
        _gl.Finish();
        LastRenderNs = _clock.NowNs - start;
        if (!_paced) return _clock.NowNs;
        // No vertical blank to wait for: a fixed grid of the expected period stands in for one. The frame, rendered
        // completely above, "appears" at the next grid line, as it would at a real display's next vertical blank; a
        // frame that finished rendering after its line waits for the following one (a missed frame), and the grid
        // keeps its phase, as a monitor's refresh does.
        long now = _clock.NowNs;
        long target;
        if (_gridNs == 0) target = now;
        else
        {
            target = _gridNs + PeriodNs;
            if (target < now) target += (now - target + PeriodNs - 1) / PeriodNs * PeriodNs;
        }
        _clock.SleepUntil(target);
        _gridNs = target;
        return target;
    }

    /// <summary>How long the last <see cref="Flip"/> took to draw, swap and finish (before any wait for the grid), ns:
    /// for benchmarks, to see how close a frame's work came to its period.</summary>
    public long LastRenderNs { get; private set; }

    private void Draw()
    {
        DrawScene();
        _renderer.End();
    }

    private void DrawScene()
    {
        _renderer.Begin(_drawableW, _drawableH, Size.Width, Size.Height, _bgR, _bgG, _bgB);
        var entry = _current;
        if (entry is null) return;
        _renderer.DrawScreen(entry.Texture, entry.X, entry.Y, entry.Width, entry.Height, _composer.Palette.Background.Alpha == 255, entry.Blocks);
        var layout = entry.Layout;
        uint atlas = _atlas.Texture;

        if (layout.Scale is { } scale && !double.IsNaN(_state.Cursor))
        {
            float x = scale.CursorX(_state.Cursor);
            if (scale.Kind == RatingKind.Vas)
            {
                var r = OverlayGeometry.VasCursor(scale, x);
                float cap = r.Width / 2;
                var d = _atlas.Disc;
                // A pill: the disc's top half, a solid body, the disc's bottom half.
                _renderer.Draw(atlas, r.X, r.Y, r.Width, cap, d.U, d.V, d.DU, d.DV / 2, _acR, _acG, _acB, 1);
                Sprite(_atlas.White, r.X, r.Y + cap, r.Width, r.Height - 2 * cap, _acR, _acG, _acB, 1);
                _renderer.Draw(atlas, r.X, r.Bottom - cap, r.Width, cap, d.U, d.V + d.DV / 2, d.DU, d.DV / 2, _acR, _acG, _acB, 1);
            }
            else if (!float.IsNaN(x))
            {
                var r = OverlayGeometry.LikertCursor(scale, x);
                Sprite(_atlas.Disc, r.X, r.Y, r.Width, r.Height, _acR, _acG, _acB, 1);
            }
        }

        if (_state.Highlight >= 0 && _state.Highlight < layout.Options.Length)
            NineSlice(layout.Options[_state.Highlight]);

        if (_state.Counter >= 0 && !layout.Counter.IsEmpty) DrawCounter(layout.Counter, _state.Counter);

        // A ball-toss screen's ball, moved per frame by the runner (SceneState.BallX/BallY, fractions of the screen).
        if (layout.BallDiameter > 0 && !double.IsNaN(_state.BallX) && !double.IsNaN(_state.BallY))
        {
            float d = layout.BallDiameter, c = 1 / 255f;
            var color = layout.BallColor;
            Sprite(_atlas.Disc, (float)(_state.BallX * Size.Width) - d / 2, (float)(_state.BallY * Size.Height) - d / 2, d, d, color.Red * c, color.Green * c, color.Blue * c, 1);
        }
    }

    private void Sprite(in OverlayAtlas.Sprite s, float x, float y, float w, float h, float r, float g, float b, float a) =>
        _renderer.Draw(_atlas.Texture, x, y, w, h, s.U, s.V, s.DU, s.DV, r * a, g * a, b * a, a);

    /// <summary>The highlight ring and fill, stretched over a rectangle without distorting its corners.</summary>
    private void NineSlice(in PixelRect rect)
    {
        var s = _atlas.Highlight;
        float c = Math.Min(_atlas.HighlightCorner, Math.Min(rect.Width, rect.Height) / 2);
        float cu = _atlas.HighlightCorner / s.W * s.DU, cv = _atlas.HighlightCorner / s.H * s.DV;
        float midU = s.DU - 2 * cu, midV = s.DV - 2 * cv;
        float midW = rect.Width - 2 * c, midH = rect.Height - 2 * c;
        for (int row = 0; row < 3; row++)
        {
            float y = row == 0 ? rect.Y : row == 1 ? rect.Y + c : rect.Bottom - c;
            float h = row == 1 ? midH : c;
            float v = row == 0 ? s.V : row == 1 ? s.V + cv : s.V + cv + midV;
            float dv = row == 1 ? midV : cv;
            for (int col = 0; col < 3; col++)
            {
                float x = col == 0 ? rect.X : col == 1 ? rect.X + c : rect.Right - c;
                float w = col == 1 ? midW : c;
                float u = col == 0 ? s.U : col == 1 ? s.U + cu : s.U + cu + midU;
                float du = col == 1 ? midU : cu;
                _renderer.Draw(_atlas.Texture, x, y, w, h, u, v, du, dv, _acR, _acG, _acB, 1);
            }
        }
    }

    /// <summary>The counter's digits, centred in its box; no string is made.</summary>
    private void DrawCounter(in PixelRect box, int value)
    {
        Span<int> digits = stackalloc int[10];
        int n = 0;
        do { digits[n++] = value % 10; value /= 10; } while (value > 0 && n < digits.Length);
        float total = 0;
        for (int i = 0; i < n; i++) total += _atlas.DigitAdvance[digits[i]];
        float x = box.CenterX - total / 2;
        float y = box.Y + (box.Height - _atlas.DigitHeight) / 2;
        for (int i = n - 1; i >= 0; i--)
        {
            var s = _atlas.Digits[digits[i]];
            Sprite(s, x - 1, y, s.W, s.H, _fgR, _fgG, _fgB, 1);
            x += _atlas.DigitAdvance[digits[i]];
        }
    }

    /// <summary>
    /// Draws the current screen and reads it back (not in a frame loop: it allocates and stalls the GPU). Rows top
    /// first, RGBA, at the drawable's size. Nothing is swapped, so nothing appears on the screen.
    /// </summary>
    public RgbaImage ReadPixels()
    {
        ThrowIfDisposed();
        MakeCurrent();
        _renderer.Invalidate();
        Draw();
        DrawPhotodiodePatch();
        return ReadBack();
    }

    /// <summary>Draws the current screen and saves it as a PNG (see <see cref="ReadPixels"/>).</summary>
    public void SavePng(string path) => ReadPixels().SavePng(path);

    private RefreshMeasurement Measure(GlDisplayOptions options, string? swapIntervalRefusal, int osHz, long expectedPeriod)
    {
        if (!options.MeasureRefresh)
            return new RefreshMeasurement(0, 0, osHz, false, "not measured");
        int flips = Math.Max(10, options.MeasureFlips);
        // Warm up: first frames pay for shader compilation, lazy GL loading and the compositor's start.
        for (int i = 0; i < 5; i++) { Draw(); Sdl.GlSwapWindow(_window); _gl.Finish(); }
        var swap = new long[flips];
        long last = _clock.NowNs;
        for (int i = 0; i < flips; i++)
        {
            Draw();
            Sdl.GlSwapWindow(_window);
            _gl.Finish();
            long now = _clock.NowNs;
            swap[i] = now - last;
            last = now;
        }
        var draw = new long[Math.Max(10, flips / 3)];
        for (int i = 0; i < draw.Length; i++)
        {
            long t0 = _clock.NowNs;
            Draw();
            _gl.Finish();
            draw[i] = _clock.NowNs - t0;
        }
        return RefreshJudge.Judge(VideoDriver, swapIntervalRefusal, swap, draw, osHz, expectedPeriod);
    }

    private static (int w, int h, int x, int y, uint flags) WindowGeometry(DisplayStyle style, GlDisplayOptions options)
    {
        int displays = Math.Max(1, Sdl.GetNumVideoDisplays());
        int monitor = options.Monitor;
        if (options.Mode is DisplayMode.Fullscreen or DisplayMode.Window && (monitor < 0 || monitor >= displays))
            throw new GlUnavailableException($"monitor {monitor} does not exist: this machine has {displays} (numbered 0 to {displays - 1})");
        int pos = Sdl.WindowPosCenteredOn(Math.Clamp(monitor, 0, displays - 1));
        switch (options.Mode)
        {
            case DisplayMode.Fullscreen:
                if (Sdl.GetDesktopDisplayMode(monitor, out var desk) != 0)
                    throw new GlUnavailableException($"SDL could not read the mode of monitor {monitor}: {Sdl.GetError()}");
                return (desk.W, desk.H, pos, pos, Sdl.WindowFullscreenDesktop | Sdl.WindowBorderless | Sdl.WindowShown);
            case DisplayMode.Window:
                int w = style.Width, h = style.Height;
                if (Sdl.GetDisplayBounds(monitor, out var bounds) == 0 && bounds.W > 0 && bounds.H > 0)
                {
                    double shrink = Math.Min(1, Math.Min(bounds.W * 0.95 / w, bounds.H * 0.9 / h));
                    w = (int)(w * shrink);
                    h = (int)(h * shrink);
                }
                return (w, h, pos, pos, Sdl.WindowShown);
            default:
                return (style.Width, style.Height, 0, 0, Sdl.WindowHidden);
        }
    }

    private static (float, float, float) Unit(SKColor c) => (c.Red / 255f, c.Green / 255f, c.Blue / 255f);

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>SDL returns at once when the context is already current, so this costs nothing in the frame loop.</summary>
    private void MakeCurrent() => Sdl.GlMakeCurrent(_window, _context);

    private void DisposeNative()
    {
        if (_context != nint.Zero)
        {
            Sdl.GlMakeCurrent(_window, _context);
            _atlas?.Dispose();
            _cache?.Dispose();
            _renderer?.Dispose();
            Sdl.GlMakeCurrent(_window, nint.Zero);
            Sdl.GlDeleteContext(_context);
        }
        if (_window != nint.Zero) Sdl.DestroyWindow(_window);
        _composer?.Dispose();
        SdlVideo.Release();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        DisposeNative();
    }
}
