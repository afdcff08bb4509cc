using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Files;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Composition;

/// <summary>
/// Composes each <see cref="SceneSpec"/> into an RGBA picture at the display's size with SkiaSharp: the static part
/// of a screen (text, cards, buttons, scales). The dynamic part (rating cursor, highlighted option, counter) is drawn
/// per frame from the returned <see cref="SceneLayout"/>: by the GL display, or by <see cref="DrawOverlays"/> for
/// previews without GL. Sizes scale with the height: the style's pixel sizes are given at 1080 pixels.
/// </summary>
public sealed class SceneComposer : IDisposable
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
        var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        try
        {
            using var canvas = new SKCanvas(bitmap);
            layout = Compose(scene, images, canvas);
            canvas.Flush();
            return bitmap;
        }
        catch
        {
            bitmap.Dispose();
            throw;
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
                _ => throw new NotSupportedException($"scene kind {scene.Kind} has no layout"),
            };
            layout.TextTruncated = _truncated;
            layout.MissingCharacters = _missing.Length > 0 ? _missing : null;
            return layout;
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or FormatException or ArgumentException)
        {
            throw new SceneCompositionException($"Screen '{scene.Key}' ({scene.Kind}) could not be composed: {e.Message}", e);
        }
    }

    // ------------------------------------------------------------------ screens

    private float Margin => 0.065f * Height;

    private SceneLayout Fixation(SKCanvas canvas, SceneSpec scene)
    {
        float arm = Math.Max(4, _style.FixationSize) * _s;
        float thick = Math.Max(2, MathF.Round(arm * 0.2f));
        float cx = Width / 2f, cy = Height / 2f;
        using var paint = Fill(Palette.Foreground);
        canvas.DrawRect(cx - arm, cy - thick / 2, 2 * arm, thick, paint);
        canvas.DrawRect(cx - thick / 2, cy - arm, thick, 2 * arm, paint);
        return new SceneLayout { Kind = scene.Kind, Width = Width, Height = Height, Body = new PixelRect(cx - arm, cy - arm, 2 * arm, 2 * arm) };
    }

    private SceneLayout TextScreen(SKCanvas canvas, SceneSpec scene)
    {
        float maxW = Math.Min(Width - 2 * Margin, _bodySize * 30);
        var title = Block(scene.Title, _bold, _bodySize * 1.35f, maxW, 1.25f, maxLines: 3, fakeBold: _fakeBold);
        var footer = Block(scene.Footer, _regular, _bodySize * 0.72f, maxW, 1.35f, maxLines: 2);
        float gap = title.IsEmpty || string.IsNullOrWhiteSpace(scene.Body) ? 0 : _bodySize * 1.2f;
        float footerSpace = footer.IsEmpty ? 0 : footer.Height + Margin * 0.8f;
        var body = Block(scene.Body, _regular, _bodySize, maxW, 1.45f, maxHeight: Height - 2 * Margin - footerSpace - title.Height - gap);
        float total = title.Height + gap + body.Height;
        float top = Math.Max(Margin, (Height - footerSpace - total) / 2);
        var titleRect = title.Draw(canvas, Width / 2f, top, Palette.Foreground, SKTextAlign.Center);
        var bodyRect = body.Draw(canvas, Width / 2f, top + title.Height + gap, Palette.Foreground, SKTextAlign.Center);
        footer.Draw(canvas, Width / 2f, Height - Margin - footer.Height, Palette.Muted, SKTextAlign.Center);
        return new SceneLayout { Kind = scene.Kind, Width = Width, Height = Height, Title = titleRect, Body = bodyRect };
    }

    private SceneLayout ProfileScreen(SKCanvas canvas, SceneSpec scene, ImageStore images)
    {
        var profile = RequireProfile(scene);
        var footer = Block(scene.Footer, _regular, _bodySize * 0.72f, Width - 2 * Margin, 1.3f, maxLines: 2);
        float cardH = Height - 2 * Margin - (footer.IsEmpty ? 0 : footer.Height + Margin * 0.5f);
        float cardW = Math.Min(cardH * 0.66f, Width - 2 * Margin);
        var card = new PixelRect((Width - cardW) / 2, Margin, cardW, cardH);
        var photo = DrawProfileCard(canvas, card, profile, CardCaption(scene, profile), images);
        footer.Draw(canvas, Width / 2f, Height - Margin - footer.Height, Palette.Muted, SKTextAlign.Center);
        return new SceneLayout { Kind = scene.Kind, Width = Width, Height = Height, Photo = photo };
    }

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
        if (profile is not null) photo = DrawProfileCard(canvas, new PixelRect(left, Margin, cardW, cardH), profile, CardCaption(scene, profile), images);
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
            photo = DrawProfileCard(canvas, new PixelRect(left, Margin, cardW, cardH), profile, CardCaption(scene, profile), images);
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

    private SceneLayout WaitScreen(SKCanvas canvas, SceneSpec scene)
    {
        float maxW = Math.Min(Width - 2 * Margin, _bodySize * 30);
        var title = Block(scene.Title, _bold, _bodySize * 1.2f, maxW, 1.25f, maxLines: 2, fakeBold: _fakeBold);
        var footer = Block(scene.Footer, _regular, _bodySize * 0.72f, maxW, 1.3f, maxLines: 2);
        float counterH = CounterSize * 1.15f;
        float gapTitle = title.IsEmpty || string.IsNullOrWhiteSpace(scene.Body) ? 0 : _bodySize * 0.8f;
        float gapCounter = _bodySize * 1.2f;
        var body = Block(scene.Body, _regular, _bodySize, maxW, 1.45f,
            maxHeight: Height - 2 * Margin - title.Height - gapTitle - gapCounter - counterH - (footer.IsEmpty ? 0 : footer.Height + Margin));
        float total = title.Height + gapTitle + body.Height + gapCounter + counterH;
        float top = Math.Max(Margin, (Height - total) / 2);
        var titleRect = title.Draw(canvas, Width / 2f, top, Palette.Foreground, SKTextAlign.Center);
        var bodyRect = body.Draw(canvas, Width / 2f, top + title.Height + gapTitle, Palette.Foreground, SKTextAlign.Center);
        float counterTop = top + title.Height + gapTitle + body.Height + gapCounter;
        footer.Draw(canvas, Width / 2f, Height - Margin - footer.Height, Palette.Muted, SKTextAlign.Center);
        return new SceneLayout
        {
            Kind = scene.Kind, Width = Width, Height = Height, Title = titleRect, Body = bodyRect,
            Counter = new PixelRect(Margin, counterTop, Width - 2 * Margin, counterH),
        };
    }

    private SceneLayout ImageScreen(SKCanvas canvas, SceneSpec scene, ImageStore images)
    {
        var path = scene.ImagePath ?? throw new ArgumentException("an image screen needs an ImagePath");
        var image = images.Get(path);
        var area = new PixelRect(Margin, Margin, Width - 2 * Margin, Height - 2 * Margin);
        var fit = Fit(image.Width, image.Height, area);
        using var paint = new SKPaint { IsAntialias = true };
        canvas.DrawImage(image, ToSk(fit), new SKSamplingOptions(SKCubicResampler.Mitchell), paint);
        return new SceneLayout { Kind = scene.Kind, Width = Width, Height = Height, Image = fit };
    }

    // ------------------------------------------------------------------ parts

    /// <summary>
    /// A dating-app card: a panel with the photo (rounded corners, cropped to fill), "Name, Age" in bold and the bio
    /// wrapped beneath. Returns the photo's rectangle.
    /// </summary>
    /// <summary>The line under a card's photo: the paradigm's caption, filled for this profile, or "name, age".</summary>
    private static string CardCaption(SceneSpec scene, ProfileInfo profile) => scene.Caption ?? $"{profile.Name}, {profile.Age}";

    private PixelRect DrawProfileCard(SKCanvas canvas, PixelRect card, ProfileInfo profile, string caption, ImageStore images)
    {
        DrawPanel(canvas, card);
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

    /// <summary>Draws an image cropped to fill <paramref name="rect"/> (centred, a little above centre for faces), with rounded corners.</summary>
    private static void DrawPhoto(SKCanvas canvas, PixelRect rect, SKImage image, float radius)
    {
        float scale = Math.Max(rect.Width / image.Width, rect.Height / image.Height);
        float srcW = rect.Width / scale, srcH = rect.Height / scale;
        float srcX = (image.Width - srcW) / 2;
        float srcY = (image.Height - srcH) * 0.4f;
        canvas.Save();
        using var clip = new SKRoundRect(ToSk(rect), radius);
        canvas.ClipRoundRect(clip, SKClipOperation.Intersect, antialias: true);
        using var paint = new SKPaint { IsAntialias = true };
        canvas.DrawImage(image, new SKRect(srcX, srcY, srcX + srcW, srcY + srcH), ToSk(rect), new SKSamplingOptions(SKCubicResampler.Mitchell), paint);
        canvas.Restore();
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

    /// <summary>The static part of a VAS or Likert scale, centred on <paramref name="y"/>.</summary>
    private ScaleGeometry DrawScale(SKCanvas canvas, RatingStyle rating, float y)
    {
        float x0 = Width * 0.2f, x1 = Width * 0.8f;
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

    // ------------------------------------------------------------------ overlays (Skia version, for previews without GL)

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
    }

    // ------------------------------------------------------------------ helpers

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
        var block = TextBlock.Create(text, face, size, maxWidth, lineSpacing, maxLines, fakeBold);
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
        if (!ReferenceEquals(_bold, _regular)) _bold.Dispose();
        _regular.Dispose();
    }
}

/// <summary>A screen could not be composed: a missing image, a bad colour, a scene without what its kind needs.</summary>
public sealed class SceneCompositionException(string message, Exception? inner = null) : Exception(message, inner);

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
