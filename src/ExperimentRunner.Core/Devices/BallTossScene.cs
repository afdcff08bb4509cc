namespace ExperimentRunner.Core.Devices;

/// <summary>A player as the ball-toss screen draws it: place in fractions of the screen (0,0 top-left), picture or drawn figure.</summary>
/// <param name="PicturePath">Absolute path of the player's picture, or null for a drawn figure in <see cref="Color"/>.</param>
public sealed record GameFigure(string Name, double X, double Y, string? PicturePath, string Color, bool IsParticipant);

/// <summary>
/// The still part of a ball-toss (Cyberball) screen: the players and the prompt, composed once before the block. The
/// ball is drawn every frame over it from <see cref="SceneState.BallX"/> and <see cref="SceneState.BallY"/>.
/// </summary>
/// <param name="BallSize">Ball diameter, fraction of the screen height.</param>
/// <param name="BallColor">'#RRGGBB'.</param>
/// <param name="Prompt">The line under the participant's figure (which key throws to whom); may be empty.</param>
public sealed record BallTossStyle(IReadOnlyList<GameFigure> Players, double BallSize, string BallColor, string Prompt);

/// <summary>
/// Where things are on a ball-toss screen, in fractions of the screen (x of its width, y of its height), shared by
/// the composer (figures) and the runner (the ball), so the ball lands in a figure's hands on every display.
/// </summary>
public static class BallTossGeometry
{
    /// <summary>A figure's height, fraction of the screen height; its centre is the player's place.</summary>
    public const double FigureHeight = 0.22;

    /// <summary>The held ball's centre, right of the figure's middle at chest height.</summary>
    public static double HeldX(double playerX) => playerX + 0.035;

    public static double HeldY(double playerY) => playerY - 0.01;
}
