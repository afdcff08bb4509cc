using SkiaSharp;

namespace ExperimentRunner.Presentation.Stimuli;

/// <summary>Draws stylised head-and-shoulders avatars with SkiaSharp (flat shapes: small, losslessly compressible PNGs).</summary>
public static class AvatarPainter
{
    public const int Width = 400;
    public const int Height = 500;

    /// <summary>The participant's placeholder: grey shapes on a light background, no hair colour, no features.</summary>
    public static AvatarLook Silhouette() => new(
        new SKColor(0xEE, 0xEE, 0xEE), new SKColor(0xCC, 0xCC, 0xCC), new SKColor(0x9A, 0x9A, 0x9A), new SKColor(0x9A, 0x9A, 0x9A),
        new SKColor(0x88, 0x88, 0x88), HairStyle.None, 165, 205, 340, Features: false);

    /// <summary>Draws <paramref name="look"/> into a 400×500 opaque PNG and returns its bytes.</summary>
    public static byte[] Portrait(AvatarLook look)
    {
        var info = new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var surface = SKSurface.Create(info) ?? throw new InvalidOperationException("SkiaSharp could not create a raster surface");
        Draw(surface.Canvas, look);
        surface.Canvas.Flush();
        using var image = surface.Snapshot();
        using var pixmap = image.PeekPixels();
        // All PNG filters + zlib 9: flat drawings compress to a few kB. Skia writes no time chunk, so bytes are stable.
        using var data = pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, 9))
            ?? throw new InvalidOperationException("SkiaSharp could not encode the PNG");
        return data.ToArray();
    }

    public static void WriteFile(string path, byte[] png) => File.WriteAllBytes(path, png);

    private static void Draw(SKCanvas canvas, AvatarLook look)
    {
        // Without features (the silhouette) skin is one flat tone: no shading of neck and ears.
        float neckShade = look.Features ? 0.9f : 1f, earShade = look.Features ? 0.95f : 1f;
        using var paint = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill };
        using (var shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, Height),
                   [look.BackgroundTop, look.BackgroundBottom], null, SKShaderTileMode.Clamp))
        {
            paint.Shader = shader;
            canvas.DrawRect(0, 0, Width, Height, paint);
            paint.Shader = null;
        }

        const float cx = Width / 2f;
        float headCy = 215;
        float rx = look.HeadWidth / 2, ry = look.HeadHeight / 2;
        float headBottom = headCy + ry;
        float shoulderTop = headBottom + 30;

        // Long hair and bobs fall behind the head and neck.
        if (look.Style is HairStyle.Long or HairStyle.Bob)
        {
            paint.Color = look.Hair;
            float bottom = look.Style == HairStyle.Long ? shoulderTop + 70 : headCy + ry * 0.75f;
            canvas.DrawRoundRect(new SKRect(cx - rx - 22, headCy - ry - 14, cx + rx + 22, bottom), 70, 70, paint);
        }

        // Neck under the shirt, then the shirt, then a V of skin into the collar.
        paint.Color = Shade(look.Skin, neckShade);
        canvas.DrawRect(cx - 30, headBottom - 30, 60, shoulderTop - headBottom + 40, paint);
        paint.Color = look.Shirt;
        float sw = look.ShoulderWidth / 2;
        canvas.DrawRoundRect(new SKRect(cx - sw, shoulderTop, cx + sw, Height + 120), 110, 110, paint);
        paint.Color = Shade(look.Skin, neckShade);
        using (var collar = new SKPath())
        {
            collar.MoveTo(cx - 30, shoulderTop - 1);
            collar.LineTo(cx + 30, shoulderTop - 1);
            collar.LineTo(cx, shoulderTop + 44);
            collar.Close();
            canvas.DrawPath(collar, paint);
        }

        // Ears, then the head.
        paint.Color = Shade(look.Skin, earShade);
        canvas.DrawOval(cx - rx, headCy + 8, 14, 24, paint);
        canvas.DrawOval(cx + rx, headCy + 8, 14, 24, paint);
        paint.Color = look.Skin;
        canvas.DrawOval(cx, headCy, rx, ry, paint);

        DrawHairTop(canvas, paint, look, cx, headCy, rx, ry);

        if (look.Features)
        {
            // Stylised features only: dots for eyes, a line for a smile. Nobody's face.
            paint.Color = new SKColor(0x2A, 0x22, 0x20);
            canvas.DrawOval(cx - rx * 0.38f, headCy + 6, 7, 8, paint);
            canvas.DrawOval(cx + rx * 0.38f, headCy + 6, 7, 8, paint);
            using var stroke = new SKPaint
            {
                IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 5, StrokeCap = SKStrokeCap.Round,
                Color = Shade(look.Skin, 0.6f),
            };
            using var smile = new SKPath();
            smile.MoveTo(cx - 26, headCy + ry * 0.48f);
            smile.QuadTo(cx, headCy + ry * 0.48f + 18, cx + 26, headCy + ry * 0.48f);
            canvas.DrawPath(smile, stroke);
        }
    }

    private static void DrawHairTop(SKCanvas canvas, SKPaint paint, AvatarLook look, float cx, float cy, float rx, float ry)
    {
        paint.Color = look.Hair;
        switch (look.Style)
        {
            case HairStyle.None:
                break;
            case HairStyle.Buzz:
            {
                // A thin cap over the crown with a gently curved hairline.
                using var cap = new SKPath();
                cap.ArcTo(new SKRect(cx - rx - 2, cy - ry - 4, cx + rx + 2, cy + ry), 180 + 25, 130, forceMoveTo: true);
                cap.QuadTo(cx, cy - ry * 0.62f, cx - rx * 0.83f, cy - ry * 0.55f);
                cap.Close();
                canvas.DrawPath(cap, paint);
                break;
            }
            case HairStyle.Curly:
            {
                for (int i = 0; i <= 8; i++)
                {
                    double a = Math.PI * (1.05 + 0.9 * i / 8.0);
                    float x = cx + (float)Math.Cos(a) * (rx + 4);
                    float y = cy - 12 + (float)Math.Sin(a) * (ry + 2);
                    canvas.DrawCircle(x, y, 30, paint);
                }
                using var cap = new SKPath();
                cap.ArcTo(new SKRect(cx - rx - 6, cy - ry - 10, cx + rx + 6, cy + ry), 180, 180, forceMoveTo: true);
                cap.QuadTo(cx, cy - ry * 0.25f, cx - rx - 6, cy);
                cap.Close();
                canvas.DrawPath(cap, paint);
                break;
            }
            default:
            {
                // Short, long, bob and bun share a cap with a side-swept fringe; the bun adds a knot on top.
                using var cap = new SKPath();
                cap.ArcTo(new SKRect(cx - rx - 8, cy - ry - 14, cx + rx + 8, cy + ry + 8), 180, 180, forceMoveTo: true);
                cap.LineTo(cx + rx + 8, cy + ry * 0.05f);
                cap.LineTo(cx + rx * 0.88f, cy + ry * 0.05f);
                cap.QuadTo(cx + rx * 0.8f, cy - ry * 0.4f, cx + rx * 0.35f, cy - ry * 0.5f);
                cap.QuadTo(cx - rx * 0.3f, cy - ry * 0.55f, cx - rx * 0.75f, cy - ry * 0.2f);
                cap.QuadTo(cx - rx * 0.85f, cy - ry * 0.05f, cx - rx * 0.88f, cy + ry * 0.05f);
                cap.LineTo(cx - rx - 8, cy + ry * 0.05f);
                cap.Close();
                canvas.DrawPath(cap, paint);
                if (look.Style == HairStyle.Bun) canvas.DrawCircle(cx, cy - ry - 20, 36, paint);
                break;
            }
        }
    }

    private static SKColor Shade(SKColor c, float factor) =>
        new((byte)(c.Red * factor), (byte)(c.Green * factor), (byte)(c.Blue * factor), c.Alpha);
}
