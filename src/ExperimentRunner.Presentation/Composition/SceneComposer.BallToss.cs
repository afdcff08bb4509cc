using ExperimentRunner.Core.Devices;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Composition;

// The ball-toss (Cyberball) screen: players drawn once into the scene's texture; the ball is a per-frame overlay.
public sealed partial class SceneComposer
{
    private SceneLayout BallTossScreen(SKCanvas canvas, SceneSpec scene, ImageStore images)
    {
        var game = scene.Game ?? throw new ArgumentException("a ball-toss screen needs its game");
        float figureH = (float)(BallTossGeometry.FigureHeight * Height);
        float nameSize = _bodySize * 0.8f;
        foreach (var p in game.Players)
        {
            float cx = (float)(p.X * Width), cy = (float)(p.Y * Height);
            var color = Palette.ParseColor(p.Color, $"the colour of player '{p.Name}'");
            if (p.PicturePath is { } path)
            {
                var image = images.Get(path);
                float side = figureH;
                DrawPhoto(canvas, new PixelRect(cx - side / 2, cy - side / 2, side, side), image, side * 0.12f);
            }
            else DrawFigure(canvas, cx, cy, figureH, color);
            var name = Block(p.Name, _bold, nameSize, Width * 0.3f, 1.2f, maxLines: 1, fakeBold: _fakeBold);
            name.Draw(canvas, cx, cy + figureH / 2 + nameSize * 0.3f, Palette.Foreground, SKTextAlign.Center);
        }
        if (!string.IsNullOrWhiteSpace(game.Prompt))
        {
            var prompt = Block(game.Prompt, _regular, _bodySize * 0.7f, Width - 2 * Margin, 1.3f, maxLines: 2);
            prompt.Draw(canvas, Width / 2f, Height - Margin - prompt.Height, Palette.Muted, SKTextAlign.Center);
        }
        var ball = Palette.ParseColor(game.BallColor, "the ball's colour");
        return new SceneLayout
        {
            Kind = scene.Kind, Width = Width, Height = Height,
            BallDiameter = (float)(game.BallSize * Height), BallColor = ball,
        };
    }

    /// <summary>A simple standing figure (head, body, arms, legs) centred on (cx, cy), <paramref name="h"/> pixels tall.</summary>
    private static void DrawFigure(SKCanvas canvas, float cx, float cy, float h, SKColor color)
    {
        float top = cy - h / 2;
        float head = h * 0.13f;
        float line = Math.Max(2, h * 0.06f);
        using var fill = Fill(color);
        using var stroke = Stroke(color, line);
        stroke.StrokeCap = SKStrokeCap.Round;
        canvas.DrawCircle(cx, top + head, head, fill);
        float neck = top + 2 * head + line * 0.6f, hip = top + h * 0.62f;
        canvas.DrawLine(cx, neck, cx, hip, stroke);
        float shoulder = neck + h * 0.08f;
        canvas.DrawLine(cx - h * 0.2f, shoulder + h * 0.12f, cx, shoulder, stroke);
        canvas.DrawLine(cx, shoulder, cx + h * 0.2f, shoulder - h * 0.02f, stroke);
        canvas.DrawLine(cx, hip, cx - h * 0.14f, top + h - line / 2, stroke);
        canvas.DrawLine(cx, hip, cx + h * 0.14f, top + h - line / 2, stroke);
    }

    /// <summary>The ball over a ball-toss screen (Skia previews; the GL display draws the same disc).</summary>
    private static void DrawBall(SKCanvas canvas, SceneLayout layout, in SceneState state)
    {
        if (layout.BallDiameter <= 0 || double.IsNaN(state.BallX) || double.IsNaN(state.BallY)) return;
        using var paint = Fill(layout.BallColor);
        canvas.DrawCircle((float)(state.BallX * layout.Width), (float)(state.BallY * layout.Height), layout.BallDiameter / 2, paint);
    }
}
