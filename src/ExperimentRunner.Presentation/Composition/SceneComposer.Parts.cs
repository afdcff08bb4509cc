using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Composition;

// Screens composed from declared parts (show: parts): each part drawn in its normalised box, in list order.
public sealed partial class SceneComposer
{
    private SceneLayout PartsScreen(SKCanvas canvas, SceneSpec scene, ImageStore images)
    {
        ScaleGeometry? scale = null;
        var options = new List<PixelRect>();
        PixelRect photo = PixelRect.Empty, image = PixelRect.Empty, body = PixelRect.Empty, symbol = PixelRect.Empty;
        foreach (var part in scene.Parts)
        {
            var box = ToPixels(part.Box);
            switch (part)
            {
                case ImagePart i:
                {
                    var picture = images.Get(i.Source);
                    var drawn = i.Cover ? box : Fit(picture.Width, picture.Height, box);
                    if (i.Cover) DrawPhoto(canvas, box, picture, Math.Min(box.Width, box.Height) * 0.04f);
                    else
                    {
                        using var paint = new SKPaint { IsAntialias = true };
                        canvas.DrawImage(picture, ToSk(drawn), new SKSamplingOptions(SKCubicResampler.Mitchell), paint);
                    }
                    if (scene.Profile is { } p && i.Source == p.PhotoPath && photo.IsEmpty) photo = drawn;
                    else if (image.IsEmpty) image = drawn;
                    break;
                }
                case TextPart t:
                {
                    var rect = DrawTextPart(canvas, t, box);
                    if (body.IsEmpty) body = rect;
                    break;
                }
                case ShapePart s:
                {
                    var rect = DrawShape(canvas, s, box);
                    if (s.Shape is ShapeKind.Check or ShapeKind.Cross && symbol.IsEmpty) symbol = rect;
                    break;
                }
                case RatingPart:
                {
                    var rating = scene.Rating ?? throw new ArgumentException("a screen with a rating part needs its Rating scale");
                    var footer = Block(scene.Footer, _regular, _bodySize * 0.72f, box.Width, 1.3f, maxLines: 2);
                    float y = box.CenterY - (footer.IsEmpty ? 0 : footer.Height / 2);
                    scale = DrawScale(canvas, rating, y, box.X + box.Width * 0.08f, box.Right - box.Width * 0.08f);
                    footer.Draw(canvas, box.CenterX, box.Bottom - footer.Height, Palette.Muted, SKTextAlign.Center);
                    break;
                }
                case ChoicesPart c:
                    DrawChoices(canvas, c, box, options, scene.OptionKeys);
                    break;
                case ProfilePart card:
                {
                    var rect = DrawPartCard(canvas, card, box, scene.Profile ?? throw new ArgumentException("a profile part needs the scene's profile"), images);
                    if (photo.IsEmpty) photo = rect;
                    break;
                }
            }
        }
        return new SceneLayout
        {
            Kind = scene.Kind, Width = Width, Height = Height, Scale = scale, Options = [.. options], OptionRadius = OptionRadius,
            Photo = photo, Image = image, Body = body, Symbol = symbol,
        };
    }

    /// <summary>A normalised box (centre and size as shares of the screen) in pixels.</summary>
    private PixelRect ToPixels(NormBox b)
    {
        float w = (float)(b.W * Width), h = (float)(b.H * Height);
        return new PixelRect((float)(b.X * Width) - w / 2, (float)(b.Y * Height) - h / 2, w, h);
    }

    private SKColor PartColor(string? color, string what) => color is null ? Palette.Foreground : Palette.ParseColor(color, what);

    /// <summary>Text wrapped to the box's width and cut at its height; its top, centre or bottom edge at the part's y.</summary>
    private PixelRect DrawTextPart(SKCanvas canvas, TextPart t, PixelRect box)
    {
        float size = _bodySize * (float)t.Size;
        var block = Block(t.Text, t.Bold ? _bold : _regular, size, box.Width, 1.3f, maxHeight: box.Height, fakeBold: t.Bold && _fakeBold);
        float anchorY = box.CenterY;
        float top = t.Anchor switch { TextAnchor.Top => anchorY, TextAnchor.Bottom => anchorY - block.Height, _ => anchorY - block.Height / 2 };
        if (t.Backdrop is { } backdrop && !block.IsEmpty)
        {
            float pad = size * 0.45f;
            using var fill = Fill(Palette.ParseColor(backdrop, "a text part's backdrop"));
            var rect = new SKRect(box.X - pad, top - pad, box.Right + pad, top + block.Height + pad);
            canvas.DrawRoundRect(rect, pad, pad, fill);
        }
        return block.Draw(canvas, box.CenterX, top, PartColor(t.Color, "a text part's colour"), SKTextAlign.Center);
    }

    /// <summary>A shape filling the largest square (circle, fixation, check, cross) or the whole box (rectangle, arrow).</summary>
    private PixelRect DrawShape(SKCanvas canvas, ShapePart s, PixelRect box)
    {
        var color = PartColor(s.Color, "a shape's colour");
        float side = Math.Min(box.Width, box.Height);
        var square = new PixelRect(box.CenterX - side / 2, box.CenterY - side / 2, side, side);
        float line = Math.Max(2, side * 0.08f);
        using var paint = s.Filled || s.Shape is ShapeKind.Fixation or ShapeKind.Arrow ? Fill(color) : Stroke(color, line);
        switch (s.Shape)
        {
            case ShapeKind.Fixation:
            {
                float arm = side / 2, thick = Math.Max(2, MathF.Round(arm * 0.2f));
                canvas.DrawRect(box.CenterX - arm, box.CenterY - thick / 2, 2 * arm, thick, paint);
                canvas.DrawRect(box.CenterX - thick / 2, box.CenterY - arm, thick, 2 * arm, paint);
                return square;
            }
            case ShapeKind.Rectangle:
            {
                var r = ToSk(box);
                if (!s.Filled) r.Inflate(-line / 2, -line / 2);
                canvas.DrawRect(r, paint);
                return box;
            }
            case ShapeKind.Circle:
                canvas.DrawCircle(square.CenterX, square.CenterY, s.Filled ? side / 2 : side / 2 - line / 2, paint);
                return square;
            case ShapeKind.Arrow:
                DrawArrow(canvas, box, s.Direction, paint);
                return box;
            case ShapeKind.Check:
            case ShapeKind.Cross:
                DrawSymbol(canvas, square, s.Shape == ShapeKind.Check ? FeedbackSymbol.Check : FeedbackSymbol.Cross, color);
                return square;
            default: // Symbol: SceneFactory replaces it with the condition's check or cross, or drops it.
                return PixelRect.Empty;
        }
    }

    /// <summary>A block arrow along the box's long axis for left/right (short for up/down), its head a third of its length.</summary>
    private static void DrawArrow(SKCanvas canvas, PixelRect box, ArrowDirection direction, SKPaint paint)
    {
        bool horizontal = direction is ArrowDirection.Left or ArrowDirection.Right;
        float length = horizontal ? box.Width : box.Height, breadth = horizontal ? box.Height : box.Width;
        float head = Math.Min(length * 0.4f, breadth * 1.0f), shaft = breadth * 0.36f;
        // Drawn pointing right around the origin, then turned into place.
        using var path = new SKPath();
        path.MoveTo(-length / 2, -shaft / 2);
        path.LineTo(length / 2 - head, -shaft / 2);
        path.LineTo(length / 2 - head, -breadth / 2);
        path.LineTo(length / 2, 0);
        path.LineTo(length / 2 - head, breadth / 2);
        path.LineTo(length / 2 - head, shaft / 2);
        path.LineTo(-length / 2, shaft / 2);
        path.Close();
        canvas.Save();
        canvas.Translate(box.CenterX, box.CenterY);
        canvas.RotateDegrees(direction switch { ArrowDirection.Left => 180, ArrowDirection.Up => -90, ArrowDirection.Down => 90, _ => 0 });
        canvas.DrawPath(path, paint);
        canvas.Restore();
    }

    /// <summary>Choice buttons with key badges, stacked (or side by side) and centred in the box.</summary>
    private void DrawChoices(SKCanvas canvas, ChoicesPart c, PixelRect box, List<PixelRect> rects, IReadOnlyList<string> keys)
    {
        int n = c.Responses.Count;
        if (n == 0) return;
        float gap = _bodySize * 0.6f;
        float w = c.Horizontal ? (box.Width - (n - 1) * gap) / n : box.Width;
        float h = Math.Min(OptionHeight, c.Horizontal ? box.Height : (box.Height - (n - 1) * gap) / n);
        float total = c.Horizontal ? h : n * h + (n - 1) * gap;
        float y = box.CenterY - total / 2;
        for (int i = 0; i < n; i++)
        {
            var rect = c.Horizontal ? new PixelRect(box.X + i * (w + gap), y, w, h) : new PixelRect(box.X, y + i * (h + gap), w, h);
            string key = rects.Count < keys.Count ? keys[rects.Count] : (rects.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            DrawButton(canvas, rect, OptionRadius, key, c.Labels[i]);
            rects.Add(rect);
        }
    }

    /// <summary>
    /// A card with only the declared fields: the photo (cropped to fill what the text leaves), the caption line and the
    /// bio. Returns the photo's rectangle (empty without a photo).
    /// </summary>
    private PixelRect DrawPartCard(SKCanvas canvas, ProfilePart card, PixelRect box, ProfileInfo profile, ImageStore images)
    {
        DrawPanel(canvas, box);
        float pad = box.Width * 0.045f;
        float bioSize = Math.Min(_bodySize * 0.72f, box.Width * 0.058f);
        bool hasPhoto = card.Fields.HasFlag(CardFields.Photo), hasBio = card.Fields.HasFlag(CardFields.Bio) && profile.Bio.Length > 0;
        var caption = string.IsNullOrEmpty(card.Caption) ? null : NameBlock(box, card.Caption);
        float textH = (caption?.Height ?? 0);
        TextBlock? bioProbe = hasBio ? Block(profile.Bio, _regular, bioSize, box.Width - 2 * pad, 1.38f, maxLines: 4, flag: false) : null;
        if (bioProbe is not null) textH += (textH > 0 ? bioSize * 0.55f : 0) + bioProbe.Height;
        var photo = PixelRect.Empty;
        float y = box.Y + pad;
        if (hasPhoto)
        {
            float photoH = textH > 0 ? Math.Clamp(box.Height - 3 * pad - textH, box.Height * 0.55f, box.Height - 2 * pad) : box.Height - 2 * pad;
            photo = new PixelRect(box.X + pad, y, box.Width - 2 * pad, photoH);
            DrawPhoto(canvas, photo, images.Get(profile.PhotoPath), box.Width * 0.035f);
            y = photo.Bottom + pad * 0.9f;
        }
        if (caption is not null)
        {
            caption.Draw(canvas, box.X + pad, y, Palette.Foreground, SKTextAlign.Left);
            y += caption.Height + bioSize * 0.55f;
        }
        int bioLines = Math.Max(0, (int)((box.Bottom - pad - y) / (bioSize * 1.38f)));
        if (hasBio && bioLines > 0)
            Block(profile.Bio, _regular, bioSize, box.Width - 2 * pad, 1.38f, maxLines: bioLines, flag: false).Draw(canvas, box.X + pad, y, Palette.Muted, SKTextAlign.Left);
        return photo;
    }
}
