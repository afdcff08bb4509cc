using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Composition;

// Screens built around a profile card: the profile alone and the feedback (with the participant's own photo); the card's parts.
public sealed partial class SceneComposer
{
    private SceneLayout ProfileScreen(SKCanvas canvas, SceneSpec scene, ImageStore images)
    {
        var profile = RequireProfile(scene);
        var footer = Block(scene.Footer, _regular, _bodySize * 0.72f, Width - 2 * Margin, 1.3f, maxLines: 2);
        float cardH = Height - 2 * Margin - (footer.IsEmpty ? 0 : footer.Height + Margin * 0.5f);
        float cardW = Math.Min(cardH * 0.66f, Width - 2 * Margin);
        var card = new PixelRect((Width - cardW) / 2, Margin, cardW, cardH);
        var photo = DrawProfileCard(canvas, card, profile, CardCaption(scene, profile), images, onBackground: true);
        footer.Draw(canvas, Width / 2f, Height - Margin - footer.Height, Palette.Muted, SKTextAlign.Center);
        return new SceneLayout { Kind = scene.Kind, Width = Width, Height = Height, Photo = photo };
    }

    private SceneLayout FeedbackScreen(SKCanvas canvas, SceneSpec scene, ImageStore images)
    {
        var profile = RequireProfile(scene);
        var feedback = scene.Feedback;
        var color = feedback is null ? Palette.Foreground : Palette.ParseColor(feedback.Color, "feedback colour");
        bool symbol = feedback is not null && feedback.Symbol != FeedbackSymbol.None;
        var photo = PixelRect.Empty;
        var participant = PixelRect.Empty;
        PixelRect symbolRect = PixelRect.Empty, messageRect;
        if (scene.ParticipantPhotoPath is { } youPath)
        {
            // Two cards side by side, the symbol between them, the message underneath: "you" and "them".
            var message = Block(feedback?.Message, _bold, _bodySize * 1.25f, Width - 2 * Margin, 1.25f, maxLines: 2, fakeBold: _fakeBold);
            float cardH = Height - 2 * Margin - message.Height - Margin * 0.7f;
            float cardW = Math.Min(cardH * 0.66f, (Width - 3 * Margin) / 2.6f);
            float mid = symbol ? cardH * 0.2f : Margin;
            float groupW = 2 * cardW + mid + 2 * Margin * 0.3f;
            float left = (Width - groupW) / 2;
            float rightX = left + cardW + 2 * Margin * 0.3f + mid;
            var profileCard = new PixelRect(rightX, Margin, cardW, cardH);
            // Both photos the same size, side by side: the participant's and the other person's.
            participant = DrawPhotoCard(canvas, new PixelRect(left, Margin, cardW, cardH), youPath, "You",
                ProfilePhotoHeight(profileCard, CardCaption(scene, profile), profile), images);
            photo = DrawProfileCard(canvas, profileCard, profile, CardCaption(scene, profile), images);
            if (symbol)
            {
                float d = mid;
                symbolRect = new PixelRect(left + cardW + Margin * 0.3f, photo.CenterY - d / 2, d, d);
                DrawSymbol(canvas, symbolRect, feedback!.Symbol, color);
            }
            messageRect = message.Draw(canvas, Width / 2f, Margin + cardH + Margin * 0.7f, color, SKTextAlign.Center);
        }
        else
        {
            float cardH = Height - 2 * Margin;
            float cardW = Math.Min(cardH * 0.66f, Width * 0.42f);
            float columnW = Math.Min(_bodySize * 14, Width - 3 * Margin - cardW);
            float groupW = cardW + Margin + columnW;
            float left = (Width - groupW) / 2;
            photo = DrawProfileCard(canvas, new PixelRect(left, Margin, cardW, cardH), profile, CardCaption(scene, profile), images, onBackground: true);
            float colX = left + cardW + Margin;
            var message = Block(feedback?.Message, _bold, _bodySize * 1.25f, columnW, 1.25f, maxLines: 5, fakeBold: _fakeBold);
            float d = symbol ? Math.Min(columnW * 0.5f, Height * 0.2f) : 0;
            float symbolGap = symbol ? _bodySize : 0;
            float total = d + symbolGap + message.Height;
            float top = Margin + (cardH - total) / 2;
            if (symbol)
            {
                symbolRect = new PixelRect(colX + (columnW - d) / 2, top, d, d);
                DrawSymbol(canvas, symbolRect, feedback!.Symbol, color);
            }
            messageRect = message.Draw(canvas, colX + columnW / 2, top + d + symbolGap, color, SKTextAlign.Center);
        }
        return new SceneLayout
        {
            Kind = scene.Kind, Width = Width, Height = Height, Photo = photo, ParticipantPhoto = participant,
            Symbol = symbolRect, Message = messageRect,
        };
    }

    /// <summary>The line under a card's photo: the paradigm's caption, filled for this profile, or "name, age".</summary>
    private static string CardCaption(SceneSpec scene, ProfileInfo profile) => scene.Caption ?? $"{profile.Name}, {profile.Age}";

    /// <summary>
    /// A dating-app card: a panel with the photo (rounded corners, cropped to fill), "Name, Age" in bold and the bio
    /// wrapped beneath. Returns the photo's rectangle.
    /// </summary>
    /// <param name="onBackground">Nothing is drawn yet where the card goes (it is the screen's first drawing): its panel
    /// may be copied from a tile (<see cref="DrawPanelOnBackground"/>).</param>
    private PixelRect DrawProfileCard(SKCanvas canvas, PixelRect card, ProfileInfo profile, string caption, ImageStore images, bool onBackground = false)
    {
        if (onBackground) DrawPanelOnBackground(canvas, card);
        else DrawPanel(canvas, card);
        float pad = card.Width * 0.045f;
        float bioSize = Math.Min(_bodySize * 0.72f, card.Width * 0.058f);
        float textW = card.Width - 2 * pad;
        var name = NameBlock(card, caption);
        float photoH = ProfilePhotoHeight(card, caption, profile);
        var photo = new PixelRect(card.X + pad, card.Y + pad, card.Width - 2 * pad, photoH);
        DrawPhoto(canvas, photo, images.Get(profile.PhotoPath), card.Width * 0.035f);
        float y = photo.Bottom + pad * 0.9f;
        name.Draw(canvas, card.X + pad, y, Palette.Foreground, SKTextAlign.Left);
        y += name.Height + bioSize * 0.55f;
        int bioLines = Math.Max(0, (int)((card.Bottom - pad - y) / (bioSize * 1.38f)));
        if (bioLines > 0)
            Block(profile.Bio, _regular, bioSize, textW, 1.38f, maxLines: bioLines, flag: false).Draw(canvas, card.X + pad, y, Palette.Muted, SKTextAlign.Left);
        return photo;
    }

    private TextBlock NameBlock(PixelRect card, string text)
    {
        float pad = card.Width * 0.045f;
        float nameSize = Math.Min(_bodySize * 1.05f, card.Width * 0.085f);
        return Block(text, _bold, nameSize, card.Width - 2 * pad, 1.2f, maxLines: 2, fakeBold: _fakeBold);
    }

    /// <summary>The photo takes what the name and bio leave, between 55 % and 78 % of the card's height.</summary>
    private float ProfilePhotoHeight(PixelRect card, string caption, ProfileInfo profile)
    {
        float pad = card.Width * 0.045f;
        float bioSize = Math.Min(_bodySize * 0.72f, card.Width * 0.058f);
        var name = NameBlock(card, caption);
        var bioProbe = Block(profile.Bio, _regular, bioSize, card.Width - 2 * pad, 1.38f, maxLines: 4, flag: false);
        float textH = name.Height + (bioProbe.IsEmpty ? 0 : bioSize * 0.55f + bioProbe.Height);
        return Math.Clamp(card.Height - 3 * pad - textH, card.Height * 0.55f, card.Height * 0.78f);
    }

    /// <summary>
    /// A card with only a photo (as tall as <paramref name="photoH"/>) and a caption under it: the participant's own
    /// photo beside a profile card. Returns the photo's rectangle.
    /// </summary>
    private PixelRect DrawPhotoCard(SKCanvas canvas, PixelRect card, string path, string caption, float photoH, ImageStore images)
    {
        float pad = card.Width * 0.045f;
        var name = NameBlock(card, caption);
        card = card with { Height = Math.Min(card.Height, photoH + 3.2f * pad + name.Height) };
        DrawPanel(canvas, card);
        var photo = new PixelRect(card.X + pad, card.Y + pad, card.Width - 2 * pad, photoH);
        DrawPhoto(canvas, photo, images.Get(path), card.Width * 0.035f);
        name.Draw(canvas, card.CenterX, photo.Bottom + pad, Palette.Foreground, SKTextAlign.Center);
        return photo;
    }

    private void DrawPanel(SKCanvas canvas, PixelRect card)
    {
        float r = card.Width * 0.05f;
        using var shadow = new SKPaint
        {
            IsAntialias = true, Color = Palette.Shadow,
            MaskFilter = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, Math.Max(1, 10 * _s)),
        };
        var shadowRect = ToSk(card);
        shadowRect.Offset(0, 6 * _s);
        canvas.DrawRoundRect(shadowRect, r, r, shadow);
        using var fill = Fill(Palette.Panel);
        canvas.DrawRoundRect(ToSk(card), r, r, fill);
        using var border = Stroke(Palette.PanelBorder, Math.Max(1, 1.5f * _s));
        canvas.DrawRoundRect(ToSk(card), r, r, border);
    }

    /// <summary>A disc in the feedback colour with a white check or cross.</summary>
    private static void DrawSymbol(SKCanvas canvas, PixelRect r, FeedbackSymbol symbol, SKColor color)
    {
        using var disc = Fill(color);
        canvas.DrawCircle(r.CenterX, r.CenterY, r.Width / 2, disc);
        using var mark = Stroke(Palette.OnColor(color), r.Width * 0.1f);
        mark.StrokeCap = SKStrokeCap.Round;
        mark.StrokeJoin = SKStrokeJoin.Round;
        float cx = r.CenterX, cy = r.CenterY, u = r.Width / 2;
        using var path = new SKPath();
        if (symbol == FeedbackSymbol.Check)
        {
            path.MoveTo(cx - 0.45f * u, cy + 0.02f * u);
            path.LineTo(cx - 0.12f * u, cy + 0.34f * u);
            path.LineTo(cx + 0.48f * u, cy - 0.32f * u);
        }
        else
        {
            path.MoveTo(cx - 0.36f * u, cy - 0.36f * u);
            path.LineTo(cx + 0.36f * u, cy + 0.36f * u);
            path.MoveTo(cx + 0.36f * u, cy - 0.36f * u);
            path.LineTo(cx - 0.36f * u, cy + 0.36f * u);
        }
        canvas.DrawPath(path, mark);
    }
}
