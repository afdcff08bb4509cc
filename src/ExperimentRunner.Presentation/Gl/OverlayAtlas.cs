using System.Globalization;
using ExperimentRunner.Presentation.Composition;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Gl;

/// <summary>
/// One texture holding everything the dynamic overlays draw, white on transparent (premultiplied), tinted at draw
/// time: the digits 0–9 of the counter, a disc (cursor caps and Likert cursor), a solid white block, and a
/// nine-slice rounded-rectangle (the option highlight: translucent fill and an opaque ring). Built once per display.
/// </summary>
internal sealed class OverlayAtlas : IDisposable
{
    private const int AtlasWidth = 1024;

    /// <summary>A region of the atlas: its pixel rectangle and its texture coordinates (0–1).</summary>
    public readonly record struct Sprite(float X, float Y, float W, float H, float U, float V, float DU, float DV);

    public uint Texture { get; }
    public Sprite[] Digits { get; } = new Sprite[10];
    /// <summary>Horizontal advance of each digit at counter size, pixels.</summary>
    public float[] DigitAdvance { get; } = new float[10];
    /// <summary>Height of a digit cell (ascent + descent), pixels.</summary>
    public float DigitHeight { get; }
    public Sprite Disc { get; }
    public Sprite White { get; }
    /// <summary>The nine-slice highlight: size 2R+2 squared; corners R × R.</summary>
    public Sprite Highlight { get; }
    /// <summary>Corner size of the highlight nine-slice, pixels.</summary>
    public float HighlightCorner { get; }

    private readonly GlRenderer _renderer;

    public OverlayAtlas(GlRenderer renderer, SceneComposer composer)
    {
        _renderer = renderer;
        using var font = new SKFont(composer.Typeface, composer.CounterSize) { Edging = SKFontEdging.Antialias, Subpixel = true };
        font.GetFontMetrics(out var m);
        DigitHeight = MathF.Ceiling(m.Descent - m.Ascent);
        float r = MathF.Max(4, MathF.Ceiling(composer.OptionRadius));
        HighlightCorner = r;
        int discSize = 128;
        int nine = (int)(2 * r + 2);

        // Shelf packing: digits on the first shelf, then disc / white / nine-slice.
        for (int d = 0; d < 10; d++) DigitAdvance[d] = font.MeasureText(d.ToString(CultureInfo.InvariantCulture));
        int pad = 2;
        float x = pad, y = pad, shelf = 0;
        var placed = new SKRect[13];
        for (int i = 0; i < 13; i++)
        {
            float w = i < 10 ? MathF.Ceiling(DigitAdvance[i]) + 2 : i == 10 ? discSize : i == 11 ? 4 : nine;
            float h = i < 10 ? DigitHeight : w;
            if (x + w + pad > AtlasWidth) { x = pad; y += shelf + pad; shelf = 0; }
            placed[i] = new SKRect(x, y, x + w, y + h);
            x += w + pad;
            shelf = MathF.Max(shelf, h);
        }
        int height = (int)MathF.Ceiling(y + shelf + pad);

        using var bitmap = new SKBitmap(new SKImageInfo(AtlasWidth, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Transparent);
            using var white = new SKPaint { IsAntialias = true, Color = SKColors.White };
            for (int d = 0; d < 10; d++)
                canvas.DrawText(d.ToString(CultureInfo.InvariantCulture), placed[d].Left + 1, placed[d].Top - m.Ascent, SKTextAlign.Left, font, white);
            var disc = placed[10];
            canvas.DrawCircle(disc.MidX, disc.MidY, disc.Width / 2 - 1, white);
            canvas.DrawRect(placed[11], white);
            var n = placed[12];
            float t = OverlayGeometry.HighlightThickness(composer.Height);
            using var fill = new SKPaint { IsAntialias = true, Color = SKColors.White.WithAlpha(OverlayGeometry.HighlightFillAlpha) };
            canvas.DrawRoundRect(n, r, r, fill);
            using var ring = new SKPaint { IsAntialias = true, Color = SKColors.White, Style = SKPaintStyle.Stroke, StrokeWidth = t };
            var inner = n;
            inner.Inflate(-t / 2, -t / 2);
            canvas.DrawRoundRect(inner, r - t / 2, r - t / 2, ring);
        }

        Texture = renderer.Upload(AtlasWidth, height, bitmap.GetPixels());
        Sprite Make(SKRect p) => new(p.Left, p.Top, p.Width, p.Height, p.Left / AtlasWidth, p.Top / height, p.Width / AtlasWidth, p.Height / height);
        for (int d = 0; d < 10; d++) Digits[d] = Make(placed[d]);
        // Sample the disc and the white block a little inside their edges so linear filtering never reaches the gutter.
        Disc = Make(placed[10]);
        var wb = placed[11];
        wb.Inflate(-1.5f, -1.5f);
        White = Make(wb);
        Highlight = Make(placed[12]);
    }

    public void Dispose() => _renderer.DeleteTexture(Texture);
}
