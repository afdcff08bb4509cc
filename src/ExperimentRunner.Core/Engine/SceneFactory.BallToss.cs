using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;

namespace ExperimentRunner.Core.Engine;

// The scenes of a ball-toss game: the players (composed once), and the descriptor of the participant's turn.
public sealed partial class SceneFactory
{
    /// <summary>The still scene of a ball_toss screen's game: players and prompt; the ball is drawn per frame.</summary>
    public SceneSpec BallToss(ScreenSpec screen)
    {
        var game = ParadigmLoader.GameOf(paradigm.Games, screen)
            ?? throw new InvalidOperationException($"ball_toss screen '{screen.Name}' has no game");
        return BallToss(game);
    }

    /// <summary>The still scene of a game.</summary>
    public SceneSpec BallToss(BallTossSpec game) => Get("ball_toss:" + game.Name, () => new SceneSpec
    {
        Key = "ball_toss:" + game.Name,
        Kind = SceneKind.BallToss,
        Game = new BallTossStyle(game.Players.Select(p => new GameFigure(p.Name, p.X, p.Y, p.Picture, p.Color, p.IsParticipant)).ToList(),
            game.BallSize, game.BallColor, game.Prompt),
    });

    /// <summary>
    /// The participant's turn (they hold the ball): never drawn, it tells the input which responses choose a receiver,
    /// so a simulated participant answers it like a choice screen.
    /// </summary>
    public SceneSpec BallTossTurn(BallTossSpec game) => Get("ball_toss_turn:" + game.Name, () => BallToss(game) with
    {
        Key = "ball_toss_turn:" + game.Name,
        Responses = game.Choices.Select(c => c.Key).ToList(),
    });
}
