using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Files;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Composition;

/// <summary>
/// Composes each <see cref="SceneSpec"/> into an RGBA picture at the display's size with SkiaSharp: the static part
/// of a screen (text, cards, buttons, scales). The dynamic part (rating cursor, highlighted option, counter) is drawn
/// per frame from the returned <see cref="SceneLayout"/>: by the GL display, or by <see cref="DrawOverlays"/> for
/// previews without GL. Sizes scale with the height: the style's pixel sizes are given at 1080 pixels.
/// </summary>
public sealed partial class SceneComposer : IDisposable
{
    private readonly DisplayStyle _style;
    private readonly SKTypeface _regular;
    private readonly SKTypeface _bold;
    private readonly bool _fakeBold;
    /// <summary>Pixels per reference pixel (height / 1080).</summary>
    private readonly float _s;
    private readonly float _bodySize;
    /// <summary>Set while composing one screen when some text had to be cut.</summary>
    private bool _truncated;
    /// <summary>Characters without a glyph in the font, gathered while composing one screen.</summary>
    private string _missing = "";

    public SceneComposer(DisplayStyle style, int width, int height)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"display size {width}×{height} must be positive");
        _style = style;
        Width = width;
        Height = height;
        Palette = new Palette(style);
        if (!File.Exists(style.FontPath)) throw new FileNotFoundException($"Font not found: {style.FontPath}", style.FontPath);
        _regular = LoadFont(style.FontPath, RegularFile.ReadAllBytes)
                   ?? throw new InvalidDataException($"Font could not be read (not a TrueType/OpenType file?): {style.FontPath}");
        string boldPath = Path.Combine(Path.GetDirectoryName(style.FontPath) ?? ".",
            Path.GetFileNameWithoutExtension(style.FontPath) + "-Bold" + Path.GetExtension(style.FontPath));
        // The bold face is found by name, not named by the paradigm: it may come only from the regular face's own folder.
        var besideFont = new ConfinedFiles(Path.GetDirectoryName(ConfinedFiles.TryRealPath(style.FontPath) ?? style.FontPath) ?? ".");
        var bold = besideFont.Check(boldPath).Ok ? LoadFont(boldPath, besideFont.ReadAllBytes) : null;
        _fakeBold = bold is null;
        _bold = bold ?? _regular;
        _s = height / 1080f;
        _bodySize = Math.Max(8, style.FontSize) * _s;
    }

    /// <summary>A typeface from a regular file read bounded (a FIFO or a device as the font fails, never hangs), or null when Skia cannot read it.</summary>
    private static SKTypeface? LoadFont(string path, Func<string, long, byte[]> read)
    {
        byte[] bytes;
        try { bytes = read(path, FileLimits.Font); }
        catch (ConfinedFileException e) { throw new InvalidDataException($"Font could not be read: {e.Message}", e); }
        using var data = SKData.CreateCopy(bytes);
        return SKTypeface.FromData(data);
    }

    public int Width { get; }
    public int Height { get; }
    public Palette Palette { get; }

    /// <summary>Body text size in pixels at this display's size.</summary>
    public float BodySize => _bodySize;

    /// <summary>Pixels per reference pixel (display height / 1080).</summary>
    public float Scale => _s;

    /// <summary>The regular typeface (the style's font), for the GL glyph atlas.</summary>
    public SKTypeface Typeface => _regular;

    /// <summary>Height of an option button, pixels.</summary>
    public float OptionHeight => _bodySize * 2.2f;

    /// <summary>Corner radius of an option button, pixels (the same on every screen of a display).</summary>
    public float OptionRadius => OptionHeight * 0.22f;

    /// <summary>Size of the counter digits on a wait screen, pixels.</summary>
    public float CounterSize => _bodySize * 2.4f;

    /// <summary>Composes a screen into a new bitmap (RGBA8888, premultiplied, opaque).</summary>
    public SKBitmap Compose(SceneSpec scene, ImageStore images, out SceneLayout layout)
    {
        var bitmap = NewBitmap();
        try
        {
            layout = ComposeInto(bitmap, scene, images);
            return bitmap;
        }
        catch
        {
            bitmap.Dispose();
            throw;
        }
    }

    /// <summary>A bitmap of the display's size for <see cref="ComposeInto"/> (RGBA8888, premultiplied).</summary>
    internal SKBitmap NewBitmap() => new(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul));

    /// <summary>Composes a screen into a bitmap from <see cref="NewBitmap"/>, every pixel overwritten (preloading reuses
    /// its bitmaps: a fresh 3.5 MiB one per screen costs its page faults again each time).</summary>
    internal SceneLayout ComposeInto(SKBitmap bitmap, SceneSpec scene, ImageStore images)
    {
        if (bitmap.Width != Width || bitmap.Height != Height || bitmap.ColorType != SKColorType.Rgba8888 || bitmap.AlphaType != SKAlphaType.Premul)
            throw new ArgumentException($"the bitmap must be {Width}x{Height} premultiplied RGBA8888", nameof(bitmap));
        using var canvas = new SKCanvas(bitmap);
        _target = bitmap;
        try { return Compose(scene, images, canvas); }
        finally
        {
            _target = null;
            canvas.Flush();
        }
    }

    /// <summary>Composes a screen onto a canvas of <see cref="Width"/> × <see cref="Height"/> pixels.</summary>
    public SceneLayout Compose(SceneSpec scene, ImageStore images, SKCanvas canvas)
    {
        canvas.Clear(Palette.Background);
        _truncated = false;
        _missing = "";
        try
        {
            // Every SceneKind is named and there is no default: a kind without a layout does not compile (CS8509).
#pragma warning disable CS8524 // an unnamed value is a bug and throws SwitchExpressionException
            var layout = scene.Kind switch
            {
                SceneKind.Blank => new SceneLayout { Kind = scene.Kind, Width = Width, Height = Height },
                SceneKind.Fixation => Fixation(canvas, scene),
                SceneKind.Text => TextScreen(canvas, scene),
                SceneKind.Profile => ProfileScreen(canvas, scene, images),
                SceneKind.Selection or SceneKind.Question => ChoiceScreen(canvas, scene, images),
                SceneKind.Feedback => FeedbackScreen(canvas, scene, images),
                SceneKind.Rating or SceneKind.Questionnaire => RatingScreen(canvas, scene),
                SceneKind.Wait => WaitScreen(canvas, scene),
                SceneKind.Image => ImageScreen(canvas, scene, images),
                SceneKind.Parts => PartsScreen(canvas, scene, images),
                SceneKind.BallToss => BallTossScreen(canvas, scene, images),
            };
#pragma warning restore CS8524
            layout.TextTruncated = _truncated;
            layout.MissingCharacters = _missing.Length > 0 ? _missing : null;
            return layout;
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or FormatException or ArgumentException)
        {
            throw new SceneCompositionException($"Screen '{scene.Key}' ({scene.Kind}) could not be composed: {e.Message}", e);
        }
    }

    // ------------------------------------------------------------------ helpers shared by the screens
    // (the screens themselves, by group: SceneComposer.TextScreens, .Cards, .Choices, .Ratings; overlays: .Overlays)

    private float Margin => 0.065f * Height;

    private static ProfileInfo RequireProfile(SceneSpec scene) =>
        scene.Profile ?? throw new ArgumentException("this screen shows a profile but the scene has none");

    /// <summary>
    /// A wrapped text block. <paramref name="maxHeight"/> (pixels) and <paramref name="maxLines"/> cap it (at least
    /// one line); a cut block sets the layout's <see cref="SceneLayout.TextTruncated"/> unless <paramref name="flag"/>
    /// is false (a bio on a card is cut by design).
    /// </summary>
    private TextBlock Block(string? text, SKTypeface face, float size, float maxWidth, float lineSpacing, int maxLines = int.MaxValue,
        bool fakeBold = false, float maxHeight = float.PositiveInfinity, bool flag = true)
    {
        if (!float.IsPositiveInfinity(maxHeight)) maxLines = Math.Min(maxLines, Math.Max(1, (int)(maxHeight / (size * lineSpacing))));
        var block = LaidOut(text, face, size, maxWidth, lineSpacing, maxLines, fakeBold);
        if (flag && block.Truncated) _truncated = true;
        if (block.MissingCharacters is { } m)
            foreach (var rune in m.EnumerateRunes())
                if (_missing.IndexOf(rune.ToString(), StringComparison.Ordinal) < 0) _missing += rune.ToString();
        return block;
    }

    internal static SKRect ToSk(PixelRect r) => new(r.X, r.Y, r.Right, r.Bottom);

    /// <summary>The largest rectangle of the image's aspect that fits in <paramref name="area"/>, centred.</summary>
    internal static PixelRect Fit(int w, int h, PixelRect area)
    {
        float scale = Math.Min(area.Width / w, area.Height / h);
        float fw = w * scale, fh = h * scale;
        return new PixelRect(area.X + (area.Width - fw) / 2, area.Y + (area.Height - fh) / 2, fw, fh);
    }

    private static SKPaint Fill(SKColor c) => new() { IsAntialias = true, Color = c, Style = SKPaintStyle.Fill };

    private static SKPaint Stroke(SKColor c, float width) => new() { IsAntialias = true, Color = c, Style = SKPaintStyle.Stroke, StrokeWidth = width };

    public void Dispose()
    {
        DisposePanelTiles();
        if (!ReferenceEquals(_bold, _regular)) _bold.Dispose();
        _regular.Dispose();
    }
}

/// <summary>A screen could not be composed: a missing image, a bad colour, a scene without what its kind needs.</summary>
public sealed class SceneCompositionException(string message, Exception? inner = null) : Exception(message, inner);
