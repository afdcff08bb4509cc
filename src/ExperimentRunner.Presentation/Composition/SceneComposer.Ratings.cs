using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Composition;

// Screens with a scale: ratings (VAS or Likert) and questionnaire items.
public sealed partial class SceneComposer
{
    private SceneLayout RatingScreen(SKCanvas canvas, SceneSpec scene)
    {
        var rating = scene.Rating ?? throw new ArgumentException("a rating screen needs a Rating scale");
        float maxW = Math.Min(Width - 2 * Margin, _bodySize * 30);
        bool questionnaire = scene.Kind == SceneKind.Questionnaire;
        // A questionnaire's title is a quiet header ("Item 3 of 10"); a rating's title is a heading.
        var title = questionnaire
            ? Block(scene.Title, _regular, _bodySize * 0.72f, maxW, 1.3f, maxLines: 1)
            : Block(scene.Title, _bold, _bodySize * 1.15f, maxW, 1.25f, maxLines: 2, fakeBold: _fakeBold);
        var footer = Block(scene.Footer, _regular, _bodySize * 0.72f, Width - 2 * Margin, 1.3f, maxLines: 2);
        float scaleY = Height * 0.58f;
        float textBottom = scaleY - Height * 0.14f;
        float innerGap = title.IsEmpty || string.IsNullOrWhiteSpace(scene.Body) ? 0 : _bodySize * (questionnaire ? 1.4f : 0.8f);
        var body = Block(scene.Body, _regular, _bodySize * 1.05f, maxW, 1.4f, maxHeight: textBottom - Margin - title.Height - innerGap);
        float total = title.Height + innerGap + body.Height;
        float top = Math.Max(Margin, textBottom - total);
        if (questionnaire) top = Math.Max(Margin, Math.Min(top, Height * 0.22f));
        var titleRect = title.Draw(canvas, Width / 2f, questionnaire ? Margin : top, questionnaire ? Palette.Muted : Palette.Foreground, SKTextAlign.Center);
        float bodyTop = questionnaire ? Math.Max(Margin + title.Height + innerGap, textBottom - body.Height) : top + title.Height + innerGap;
        var bodyRect = body.Draw(canvas, Width / 2f, bodyTop, Palette.Foreground, SKTextAlign.Center);
        var scale = DrawScale(canvas, rating, scaleY);
        footer.Draw(canvas, Width / 2f, Height - Margin - footer.Height, Palette.Muted, SKTextAlign.Center);
        return new SceneLayout { Kind = scene.Kind, Width = Width, Height = Height, Scale = scale, Title = titleRect, Body = bodyRect };
    }

    /// <summary>The static part of a VAS or Likert scale, centred on <paramref name="y"/>, from <paramref name="left"/> to <paramref name="right"/> (default: 20 % to 80 % of the width).</summary>
    private ScaleGeometry DrawScale(SKCanvas canvas, RatingStyle rating, float y, float? left = null, float? right = null)
    {
        float x0 = left ?? Width * 0.2f, x1 = right ?? Width * 0.8f;
        float labelSize = _bodySize * 0.75f;
        using var track = Stroke(Palette.Track, Math.Max(2, 5 * _s));
        track.StrokeCap = SKStrokeCap.Round;
        if (rating.Kind == RatingKind.Vas)
        {
            canvas.DrawLine(x0, y, x1, y, track);
            float tick = 22 * _s;
            canvas.DrawLine(x0, y - tick, x0, y + tick, track);
            canvas.DrawLine(x1, y - tick, x1, y + tick, track);
            float labelW = Width * 0.26f;
            float anchorsTop = y + tick + labelSize * 0.9f;
            Block(rating.LeftLabel, _regular, labelSize, labelW, 1.3f).Draw(canvas, x0, anchorsTop, Palette.Foreground, SKTextAlign.Center);
            Block(rating.RightLabel, _regular, labelSize, labelW, 1.3f).Draw(canvas, x1, anchorsTop, Palette.Foreground, SKTextAlign.Center);
            return new ScaleGeometry
            {
                Kind = RatingKind.Vas, Min = rating.Min, Max = rating.Max, X0 = x0, X1 = x1, Y = y,
                CursorWidth = Math.Max(4, 12 * _s), CursorHeight = 70 * _s,
            };
        }

        int n = rating.PointLabels.Count > 0 ? rating.PointLabels.Count : (int)Math.Max(2, Math.Round(rating.Max - rating.Min) + 1);
        n = Math.Clamp(n, 2, 21);
        var xs = new float[n];
        for (int i = 0; i < n; i++) xs[i] = x0 + (x1 - x0) * i / (n - 1);
        float radius = Math.Min(26 * _s, (x1 - x0) / (n - 1) * 0.3f);
        canvas.DrawLine(x0, y, x1, y, track);
        using var pointFill = Fill(Palette.Background);
        using var pointRing = Stroke(Palette.Track, Math.Max(2, 4 * _s));
        float spacing = (x1 - x0) / (n - 1);
        float labelTop = y + radius + labelSize * 0.9f;
        bool perPoint = rating.PointLabels.Count == n;
        for (int i = 0; i < n; i++)
        {
            canvas.DrawCircle(xs[i], y, radius, pointFill);
            canvas.DrawCircle(xs[i], y, radius, pointRing);
            string label = perPoint ? rating.PointLabels[i]
                : (rating.Min + i).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
            Block(label, _regular, labelSize, Math.Max(spacing * 0.95f, labelSize * 3), 1.25f, maxLines: 3)
                .Draw(canvas, xs[i], labelTop, Palette.Foreground, SKTextAlign.Center);
        }
        if (!perPoint)
        {
            float anchorTop = labelTop + labelSize * 1.8f;
            float labelW = Width * 0.22f;
            Block(rating.LeftLabel, _regular, labelSize, labelW, 1.3f).Draw(canvas, x0, anchorTop, Palette.Muted, SKTextAlign.Center);
            Block(rating.RightLabel, _regular, labelSize, labelW, 1.3f).Draw(canvas, x1, anchorTop, Palette.Muted, SKTextAlign.Center);
        }
        return new ScaleGeometry
        {
            Kind = RatingKind.Likert, Min = rating.Min, Max = rating.Max, X0 = x0, X1 = x1, Y = y,
            PointsX = xs, PointRadius = radius, CursorWidth = radius * 2, CursorHeight = radius * 2,
        };
    }
}
