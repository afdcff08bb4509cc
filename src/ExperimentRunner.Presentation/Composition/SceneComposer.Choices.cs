using ExperimentRunner.Core.Devices;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Composition;

// Screens with option buttons: the selection and the question, each beside a profile card.
public sealed partial class SceneComposer
{
    /// <summary>Selection and Question: the card on the left, the question (Title, Body) and the option buttons on the right.</summary>
    private SceneLayout ChoiceScreen(SKCanvas canvas, SceneSpec scene, ImageStore images)
    {
        var profile = scene.Profile;
        var footer = Block(scene.Footer, _regular, _bodySize * 0.72f, Width - 2 * Margin, 1.3f, maxLines: 2);
        float areaH = Height - 2 * Margin - (footer.IsEmpty ? 0 : footer.Height + Margin * 0.5f);
        float gap = Margin;
        float cardH = areaH, cardW = profile is null ? 0 : Math.Min(cardH * 0.66f, Width * 0.42f);
        float columnW = Math.Min(_bodySize * 16, Width - 2 * Margin - cardW - (profile is null ? 0 : gap));
        float groupW = cardW + (profile is null ? 0 : gap) + columnW;
        float left = (Width - groupW) / 2;
        var photo = PixelRect.Empty;
        if (profile is not null) photo = DrawProfileCard(canvas, new PixelRect(left, Margin, cardW, cardH), profile, CardCaption(scene, profile), images, onBackground: true);
        float colX = left + cardW + (profile is null ? 0 : gap);

        var title = Block(scene.Title, _bold, _bodySize * 1.1f, columnW, 1.25f, maxLines: 3, fakeBold: _fakeBold);
        float buttonH = OptionHeight, buttonGap = _bodySize * 0.6f;
        int n = scene.Options.Count;
        float buttonsH = n == 0 ? 0 : n * buttonH + (n - 1) * buttonGap;
        var body = Block(scene.Body, _regular, _bodySize, columnW, 1.4f,
            maxHeight: cardH - buttonsH - title.Height - _bodySize * 1.9f);
        float textGap = (title.IsEmpty && body.IsEmpty) || n == 0 ? 0 : _bodySize * 1.3f;
        float innerGap = title.IsEmpty || body.IsEmpty ? 0 : _bodySize * 0.6f;
        float total = title.Height + innerGap + body.Height + textGap + buttonsH;
        float top = Margin + Math.Max(0, (cardH - total) / 2);
        var titleRect = title.Draw(canvas, colX, top, Palette.Foreground, SKTextAlign.Left);
        var bodyRect = body.Draw(canvas, colX, top + title.Height + innerGap, Palette.Foreground, SKTextAlign.Left);
        float y = top + title.Height + innerGap + body.Height + textGap;
        var rects = new PixelRect[n];
        float radius = OptionRadius;
        for (int i = 0; i < n; i++)
        {
            rects[i] = new PixelRect(colX, y, columnW, buttonH);
            DrawButton(canvas, rects[i], radius, i < scene.OptionKeys.Count ? scene.OptionKeys[i] : (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), scene.Options[i]);
            y += buttonH + buttonGap;
        }
        footer.Draw(canvas, Width / 2f, Height - Margin - footer.Height, Palette.Muted, SKTextAlign.Center);
        return new SceneLayout
        {
            Kind = scene.Kind, Width = Width, Height = Height, Photo = photo, Options = rects, OptionRadius = radius,
            Title = titleRect, Body = bodyRect,
        };
    }

    /// <summary>An option button: a key badge ("1") and the label, left-aligned.</summary>
    private void DrawButton(SKCanvas canvas, PixelRect rect, float radius, string key, string label)
    {
        using var fill = Fill(Palette.Button);
        canvas.DrawRoundRect(ToSk(rect), radius, radius, fill);
        using var border = Stroke(Palette.PanelBorder, Math.Max(1, 1.5f * _s));
        canvas.DrawRoundRect(ToSk(rect), radius, radius, border);
        float badge = rect.Height * 0.56f;
        float bx = rect.X + (rect.Height - badge) / 2, by = rect.Y + (rect.Height - badge) / 2;
        using var badgeFill = Fill(Palette.Accent);
        canvas.DrawRoundRect(new SKRect(bx, by, bx + badge, by + badge), badge * 0.22f, badge * 0.22f, badgeFill);
        var keyBlock = Block(key, _bold, badge * 0.6f, badge, 1f, maxLines: 1, fakeBold: _fakeBold);
        keyBlock.DrawCentered(canvas, bx + badge / 2, by + badge / 2, Palette.OnColor(Palette.Accent));
        float textX = bx + badge + rect.Height * 0.3f;
        float textW = rect.Right - textX - rect.Height * 0.2f;
        var text = Block(label, _regular, _bodySize * 0.85f, textW, 1.2f, maxLines: 1, flag: false);
        if (!text.Truncated)
        {
            text.DrawLeftMiddle(canvas, textX, rect.CenterY, Palette.Foreground);
            return;
        }
        // A long label: two smaller lines inside the same button.
        text = Block(label, _regular, _bodySize * 0.7f, textW, 1.18f, maxLines: 2);
        text.Draw(canvas, textX, rect.CenterY - text.Height / 2, Palette.Foreground, SKTextAlign.Left);
    }
}
