using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Composition;

// The dynamic part of a screen drawn with Skia, for previews without GL; the GL display draws the same from OverlayGeometry.
public sealed partial class SceneComposer
{
    /// <summary>
    /// Draws the dynamic part of a screen with Skia: the same picture the GL display draws per frame (rating cursor,
    /// highlighted option, counter). For previews where GL is unavailable; never used in a frame loop.
    /// </summary>
    public void DrawOverlays(SKCanvas canvas, SceneLayout layout, in SceneState state)
    {
        if (layout.Scale is { } scale && !double.IsNaN(state.Cursor))
        {
            using var accent = Fill(Palette.Accent);
            float x = scale.CursorX(state.Cursor);
            if (scale.Kind == RatingKind.Vas)
            {
                var r = OverlayGeometry.VasCursor(scale, x);
                canvas.DrawRoundRect(ToSk(r), r.Width / 2, r.Width / 2, accent);
            }
            else
            {
                var r = OverlayGeometry.LikertCursor(scale, x);
                canvas.DrawCircle(r.CenterX, r.CenterY, r.Width / 2, accent);
            }
        }
        if (state.Highlight >= 0 && state.Highlight < layout.Options.Length)
        {
            var r = layout.Options[state.Highlight];
            using var fill = Fill(Palette.Accent.WithAlpha(OverlayGeometry.HighlightFillAlpha));
            canvas.DrawRoundRect(ToSk(r), layout.OptionRadius, layout.OptionRadius, fill);
            // The ring lies inside the button's edge, as the GL nine-slice draws it.
            float t = OverlayGeometry.HighlightThickness(layout.Height);
            using var ring = Stroke(Palette.Accent, t);
            var inner = ToSk(r);
            inner.Inflate(-t / 2, -t / 2);
            canvas.DrawRoundRect(inner, layout.OptionRadius - t / 2, layout.OptionRadius - t / 2, ring);
        }
        if (state.Counter >= 0 && !layout.Counter.IsEmpty)
        {
            using var font = new SKFont(_regular, CounterSize) { Edging = SKFontEdging.Antialias, Subpixel = true };
            using var paint = Fill(Palette.Foreground);
            string digits = state.Counter.ToString(System.Globalization.CultureInfo.InvariantCulture);
            font.GetFontMetrics(out var m);
            float baseline = layout.Counter.Y + (layout.Counter.Height - (m.Descent - m.Ascent)) / 2 - m.Ascent;
            canvas.DrawText(digits, layout.Counter.CenterX, baseline, SKTextAlign.Center, font, paint);
        }
        DrawBall(canvas, layout, state);
    }
}

/// <summary>Shared sizes of the dynamic overlays, so the GL display and the Skia preview draw the same picture.</summary>
public static class OverlayGeometry
{
    /// <summary>Alpha (0–255) of the accent fill over a highlighted option.</summary>
    public const byte HighlightFillAlpha = 70;

    /// <summary>Width of the highlight ring, pixels, for a display <paramref name="height"/> pixels high.</summary>
    public static float HighlightThickness(int height) => Math.Max(2, MathF.Round(5f * height / 1080f));

    /// <summary>The VAS cursor bar centred on x.</summary>
    public static PixelRect VasCursor(ScaleGeometry s, float x) =>
        new(x - s.CursorWidth / 2, s.Y - s.CursorHeight / 2, s.CursorWidth, s.CursorHeight);

    /// <summary>The Likert cursor disc (a little smaller than the point's ring) centred on x.</summary>
    public static PixelRect LikertCursor(ScaleGeometry s, float x)
    {
        float d = s.PointRadius * 2 * 0.78f;
        return new PixelRect(x - d / 2, s.Y - d / 2, d, d);
    }
}
