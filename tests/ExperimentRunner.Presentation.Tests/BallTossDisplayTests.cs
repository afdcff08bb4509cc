using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Presentation.Gl;
using ExperimentRunner.Presentation.Preview;
using SkiaSharp;
using static ExperimentRunner.Presentation.Tests.TestSupport;

namespace ExperimentRunner.Presentation.Tests;

/// <summary>A ball-toss screen through the real GL pipeline: players composed once, the ball drawn where the state puts it.</summary>
public sealed class BallTossDisplayTests
{
    private static readonly SceneSpec Game = new()
    {
        Key = "ball_toss:test",
        Kind = SceneKind.BallToss,
        Game = new BallTossStyle(
        [
            new GameFigure("Anna", 0.2, 0.3, null, "#4FC3F7", false),
            new GameFigure("Ben", 0.8, 0.3, null, "#FFB74D", false),
            new GameFigure("You", 0.5, 0.72, null, "#FFFFFF", true),
        ], 0.06, "#FF0000", "1: Anna  2: Ben"),
    };

    private static bool IsBall(SKColor c) => c.Red > 200 && c.Green < 60 && c.Blue < 60;

    [Fact]
    public void TheBallIsDrawnEachFrameWhereTheStatePutsItOverThePlayers()
    {
        using var display = new GlDisplay(Style(), new GlDisplayOptions { Mode = DisplayMode.Offscreen, MeasureRefresh = false });
        display.Prepare([Game]);
        // Mid-air between the players: the ball's colour at its centre, none where it will be next.
        display.Show(Game, SceneState.Default with { BallX = 0.5, BallY = 0.2 });
        var first = display.ReadPixels();
        Assert.True(IsBall(first.GetPixel(320, 72)), $"ball {first.GetPixel(320, 72)}");
        Assert.False(IsBall(first.GetPixel(448, 108)));
        // The next frame moves only the ball: same prepared scene, a new state.
        display.Show(Game, SceneState.Default with { BallX = 0.7, BallY = 0.3 });
        var second = display.ReadPixels();
        Assert.True(IsBall(second.GetPixel(448, 108)), $"ball {second.GetPixel(448, 108)}");
        Assert.False(IsBall(second.GetPixel(320, 72)));
        // The players are in the scene's texture: Anna's head (light blue) above her place.
        var head = second.GetPixel(128, (int)(360 * (0.3 - 0.22 / 2 + 0.22 * 0.13)));
        Assert.True(head.Blue > 200 && head.Red < 150, $"Anna's head {head}");
        // No ball at all when the state hides it.
        display.Show(Game, SceneState.Default);
        Assert.Equal(0, Count(display.ReadPixels(), 0, 0, 640, 360, IsBall));
    }

    [Fact]
    public void ThePreviewWithoutGlDrawsTheSameBall()
    {
        string path = Path.Combine(TempDir(), "ball.png");
        var result = PreviewRenderer.RenderToPng(Style(), Game, SceneState.Default with { BallX = 0.5, BallY = 0.2 }, path, useGl: false);
        Assert.False(result.UsedGl);
        Assert.Equal(0.06f * 360, result.Layout.BallDiameter, 3);
        using var bitmap = SKBitmap.Decode(path);
        Assert.True(IsBall(bitmap.GetPixel(320, 72)), $"ball {bitmap.GetPixel(320, 72)}");
    }
}
