using ExperimentRunner.Core.Devices;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Composition;

// Screens of text alone: fixation cross, text pages, the wait screen with its counter, a full-screen image.
public sealed partial class SceneComposer
{
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
}
