namespace ExperimentRunner.Core.Paradigm;

/// <summary>
/// One player of a ball-toss game (Cyberball). Position in fractions of the screen: <see cref="X"/> 0 = left edge,
/// 1 = right edge; <see cref="Y"/> 0 = top, 1 = bottom (the figure's centre).
/// </summary>
/// <param name="Picture">Absolute path of the player's picture inside the stimuli tree, or null for a drawn figure.</param>
/// <param name="Color">The drawn figure's colour, '#RRGGBB'.</param>
public sealed record GamePlayer(string Name, double X, double Y, string? Picture, string Color, bool IsParticipant, SourcePos Pos);

/// <summary>Who the computer players throw to in one game (one <c>ball_toss</c> screen).</summary>
public enum GameScheduleKind
{
    /// <summary>The participant receives <see cref="GameSchedule.Share"/> of the throws (rounded), spread over the game.</summary>
    Inclusion,
    /// <summary>The participant receives the ball <see cref="GameSchedule.First"/> times at the start, then never.</summary>
    Exclusion,
    /// <summary>The participant only watches: never receives the ball ("connection problem").</summary>
    Watching,
}

/// <summary>
/// The throw schedule of the games of one condition: how many throws a game has and how many reach the participant.
/// </summary>
/// <param name="Condition">The block condition this schedule belongs to (a name from <c>conditions:</c>).</param>
/// <param name="Throws">Throws per game (every throw, the participant's included).</param>
/// <param name="Share">Inclusion: the share of throws the participant receives (0–0.5).</param>
/// <param name="First">Exclusion: how many throws the participant receives at the start (K).</param>
public sealed record GameSchedule(string Condition, GameScheduleKind Kind, int Throws, double Share, int First, SourcePos Pos)
{
    /// <summary>How many throws the participant receives in a whole game.</summary>
    public int ParticipantReceives => Kind switch
    {
        GameScheduleKind.Inclusion => (int)Math.Round(Share * Throws, MidpointRounding.AwayFromZero),
        GameScheduleKind.Exclusion => First,
        _ => 0,
    };
}

/// <summary>What happens when the participant holds the ball and does not choose within the time limit.</summary>
public enum GameTimeout
{
    /// <summary>The ball goes to a computer player drawn by the seeded plan (logged as a timeout).</summary>
    Random,
}

/// <summary>
/// A ball-toss game (Cyberball; Williams, Cheung &amp; Choi 2000): the players, the ball, the throw animation, the
/// computer players' delay, the participant's choice of receiver and the schedules per condition. Shown by a
/// <c>show: ball_toss</c> screen; each such screen is one game.
/// </summary>
/// <param name="Players">Every player; exactly one is the participant.</param>
/// <param name="FlightNs">How long the ball flies from thrower to receiver, ns.</param>
/// <param name="Arc">Height of the flight's arc, fraction of the screen height (0 = straight).</param>
/// <param name="Delay">A computer player's delay between catching the ball and throwing it.</param>
/// <param name="Choices">The participant's responses, each naming the player it throws to (response name → player index).</param>
/// <param name="TimeLimitNs">How long the participant may hold the ball before <see cref="Timeout"/> applies, ns.</param>
/// <param name="BallSize">Ball diameter, fraction of the screen height.</param>
/// <param name="Prompt">Shown under the participant's figure while the game runs (which key throws to whom).</param>
public sealed record BallTossSpec(
    string Name,
    IReadOnlyList<GamePlayer> Players,
    long FlightNs,
    double Arc,
    DurationSpec Delay,
    IReadOnlyList<KeyValuePair<string, int>> Choices,
    long TimeLimitNs,
    GameTimeout Timeout,
    double BallSize,
    string BallColor,
    string Prompt,
    IReadOnlyDictionary<string, GameSchedule> Schedules,
    SourcePos Pos)
{
    /// <summary>Index of the participant in <see cref="Players"/>.</summary>
    public int ParticipantIndex
    {
        get
        {
            for (int i = 0; i < Players.Count; i++) if (Players[i].IsParticipant) return i;
            return -1;
        }
    }

    /// <summary>
    /// The ball's centre (fractions of the screen) a share <paramref name="t"/> (0–1) of the way through a flight from
    /// player <paramref name="from"/> to <paramref name="to"/>: a straight line from hands to hands, raised by the arc
    /// (a parabola, highest halfway). t = 0 (or from = to) is the ball held by <paramref name="from"/>.
    /// </summary>
    public (double X, double Y) BallAt(int from, int to, double t)
    {
        t = Math.Clamp(t, 0, 1);
        var a = Players[from];
        var b = Players[to];
        double ax = Devices.BallTossGeometry.HeldX(a.X), ay = Devices.BallTossGeometry.HeldY(a.Y);
        double bx = Devices.BallTossGeometry.HeldX(b.X), by = Devices.BallTossGeometry.HeldY(b.Y);
        return (ax + (bx - ax) * t, ay + (by - ay) * t - Arc * 4 * t * (1 - t));
    }

    /// <summary>The marker code sent when a throw of each kind leaves the thrower's hands (<c>markers:</c>, indexed by
    /// <see cref="Planning.ThrowLabel"/>); 0: none.</summary>
    public IReadOnlyList<int> ThrowMarkers { get; init; } = [0, 0, 0];

    /// <summary>The longest time a player can hold the ball before throwing, ns (the computer's delay or the participant's limit).</summary>
    public long LongestHoldNs => Math.Max(Delay.MaxNs, TimeLimitNs);
}
