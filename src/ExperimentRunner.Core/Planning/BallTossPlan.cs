using System.Globalization;
using ExperimentRunner.Core.Paradigm;

namespace ExperimentRunner.Core.Planning;

/// <summary>What a throw is, as analysts model it (BIDS <c>trial_type</c>).</summary>
public enum ThrowLabel
{
    /// <summary>Another player throws the ball to the participant.</summary>
    BallToParticipant,
    /// <summary>Another player throws the ball to another player (not the participant).</summary>
    BallToOther,
    /// <summary>The participant throws the ball (their choice, or the timeout's).</summary>
    ParticipantThrow,
}

/// <summary>One planned throw by a computer player: to the participant or not, after how long a hold.</summary>
/// <param name="Pick">Which other computer player receives it (a draw in [0, 1) over those not holding the ball).</param>
public readonly record struct PlannedThrow(bool ToParticipant, long DelayNs, double Pick);

/// <summary>
/// The seeded plan of one game (one <c>ball_toss</c> screen): who holds the ball first, every computer player's throw
/// in order (to the participant or not, the delay before it, which other player), and the draws that pick a receiver
/// when the participant lets the time limit pass. The participant's own choices are live; they decide only which
/// computer player throws next, never whether a throw reaches the participant, so the declared pattern holds whatever
/// they do: an exclusion game throws to them exactly <see cref="GameSchedule.First"/> times, all at the start, and an
/// inclusion game exactly <see cref="GameSchedule.ParticipantReceives"/> times.
/// </summary>
public sealed class BallTossPlan
{
    public BallTossSpec Game { get; }
    public GameSchedule Schedule { get; }
    /// <summary>Index into the game's players of the computer player holding the ball at the start.</summary>
    public int FirstHolder { get; }
    /// <summary>The computer players' throws, in order.</summary>
    public IReadOnlyList<PlannedThrow> ComputerThrows { get; }
    /// <summary>Per participant turn (in order), a draw in [0, 1) that picks the receiver if the time limit passes.</summary>
    public IReadOnlyList<double> TimeoutPicks { get; }

    private BallTossPlan(BallTossSpec game, GameSchedule schedule, int firstHolder, PlannedThrow[] throws, double[] timeoutPicks)
    {
        Game = game;
        Schedule = schedule;
        FirstHolder = firstHolder;
        ComputerThrows = throws;
        TimeoutPicks = timeoutPicks;
    }

    /// <summary>The seed of the game of run <paramref name="run"/>, block, trial (same session seed, same game).</summary>
    public static ulong SeedFor(ulong sessionSeed, int run, int block, int trial, string screen) =>
        DetRandom.Derive(sessionSeed, "ball_toss", run, block, trial, screen);

    /// <summary>The game a planned screen plays, or null when it is no ball_toss screen (or its condition has no schedule).</summary>
    public static BallTossPlan? For(ParadigmModel paradigm, ulong sessionSeed, PlannedEvent e)
    {
        if (e.Template is not { Show: SceneKind.BallToss } screen) return null;
        var game = ParadigmLoader.GameOf(paradigm.Games, screen);
        if (game == null || !game.Schedules.TryGetValue(e.Condition, out var schedule)) return null;
        return Make(game, schedule, SeedFor(sessionSeed, e.Run, e.Block, e.Trial, e.Screen));
    }

    /// <summary>Plan rows (TSV, <see cref="PlanWriter.Columns"/>) for each throw of the game a planned screen plays; none for other screens.</summary>
    internal static void AppendTsv(System.Text.StringBuilder sb, Plan plan, string phase, PlannedEvent e)
    {
        var game = For(plan.Paradigm, plan.Seed, e);
        if (game == null) return;
        string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        int n = 0;
        foreach (var (label, thrower, receiver, delay) in game.Describe())
        {
            n++;
            string what = $"{LabelText(label)} {thrower}>{receiver}" + (delay >= 0 ? $" after {Seconds(delay)}s" : "");
            sb.AppendJoin('\t', [phase, I(e.Run), I(e.Block), I(e.Trial), e.Condition, "throw" + I(n), "throw", what, "n/a", "n/a", "n/a", "n/a", "0"]).Append('\n');
        }
    }

    public static BallTossPlan Make(BallTossSpec game, GameSchedule schedule, ulong seed)
    {
        var rng = new DetRandom(seed);
        int receives = schedule.ParticipantReceives;
        // Every throw is a computer player's, except the participant's one after each time they receive the ball.
        int computerThrows = Math.Max(0, schedule.Throws - receives);
        var toParticipant = new bool[computerThrows];
        switch (schedule.Kind)
        {
            case GameScheduleKind.Inclusion:
            {
                // Spread over the game: the receptions at random places among the computer throws.
                var places = Enumerable.Range(0, computerThrows).ToList();
                rng.Shuffle(places);
                foreach (int i in places.Take(receives)) toParticipant[i] = true;
                break;
            }
            case GameScheduleKind.Exclusion:
            {
                // At the start: K of the first 2K computer throws (K ≤ half the throws, so 2K ≤ the computer throws + K).
                int window = Math.Min(computerThrows, 2 * receives);
                var places = Enumerable.Range(0, window).ToList();
                rng.Shuffle(places);
                foreach (int i in places.Take(receives)) toParticipant[i] = true;
                break;
            }
            case GameScheduleKind.Watching:
                break;
        }
        var computers = new List<int>();
        for (int i = 0; i < game.Players.Count; i++) if (!game.Players[i].IsParticipant) computers.Add(i);
        int first = computers.Count == 0 ? 0 : computers[rng.Next(computers.Count)];
        var throws = new PlannedThrow[computerThrows];
        for (int i = 0; i < computerThrows; i++)
            throws[i] = new PlannedThrow(toParticipant[i], Planner.Draw(game.Delay, rng, null, null), rng.NextDouble());
        var picks = new double[receives];
        for (int i = 0; i < receives; i++) picks[i] = rng.NextDouble();
        return new BallTossPlan(game, schedule, first, throws, picks);
    }

    /// <summary>
    /// The plan as rows an operator can read before the session: one per throw, in order, with what is known in
    /// advance (the label, a computer player's delay; the thrower while no live choice came before).
    /// </summary>
    public IEnumerable<(ThrowLabel Label, string Thrower, string Receiver, long DelayNs)> Describe()
    {
        string Name(int i) => Game.Players[i].Name;
        int holder = FirstHolder;
        bool known = true;
        foreach (var t in ComputerThrows)
        {
            string thrower = known ? Name(holder) : "?";
            if (t.ToParticipant)
            {
                yield return (ThrowLabel.BallToParticipant, thrower, Name(Game.ParticipantIndex), t.DelayNs);
                yield return (ThrowLabel.ParticipantThrow, Name(Game.ParticipantIndex), "live choice", -1);
                known = false;
            }
            else
            {
                string receiver = known ? Name(BallTossGame.OtherComputer(Game, holder, t.Pick)) : "?";
                yield return (ThrowLabel.BallToOther, thrower, receiver, t.DelayNs);
                if (known) holder = BallTossGame.OtherComputer(Game, holder, t.Pick);
            }
        }
    }

    /// <summary>The label as exported (BIDS <c>trial_type</c>).</summary>
    public static string LabelText(ThrowLabel label) => label switch
    {
        ThrowLabel.BallToParticipant => "ball_to_participant",
        ThrowLabel.BallToOther => "ball_to_other",
        ThrowLabel.ParticipantThrow => "participant_throw",
        _ => throw new ArgumentOutOfRangeException(nameof(label)),
    };

    internal static string Seconds(long ns) => (ns / 1e9).ToString("0.000", CultureInfo.InvariantCulture);
}

/// <summary>
/// The state of one game as it is played: who holds the ball, how many throws were made and received. Decides each
/// computer player's receiver from the plan and absorbs the participant's live choices. Allocates nothing.
/// </summary>
public sealed class BallTossGame(BallTossPlan plan)
{
    private int _nextComputer;
    private int _turns;

    public BallTossPlan Plan { get; } = plan;
    public int Holder { get; private set; } = plan.FirstHolder;
    public int ThrowsDone { get; private set; }
    /// <summary>Throws the participant received so far.</summary>
    public int Received { get; private set; }
    public int ParticipantIndex { get; } = plan.Game.ParticipantIndex;

    /// <summary>The game has made all its throws (the ball stays where it is).</summary>
    public bool Over => ThrowsDone >= Plan.Schedule.Throws || (Holder != ParticipantIndex && _nextComputer >= Plan.ComputerThrows.Count);

    public bool ParticipantHolds => Holder == ParticipantIndex;

    /// <summary>The planned delay before the holding computer player throws, ns.</summary>
    public long NextDelayNs => _nextComputer < Plan.ComputerThrows.Count ? Plan.ComputerThrows[_nextComputer].DelayNs : 0;

    /// <summary>Whom the holding computer player throws to, by the plan.</summary>
    public int ComputerReceiver()
    {
        var t = Plan.ComputerThrows[_nextComputer];
        return t.ToParticipant ? ParticipantIndex : OtherComputer(Plan.Game, Holder, t.Pick);
    }

    /// <summary>Whom the ball goes to when the participant lets the time limit pass.</summary>
    public int TimeoutReceiver()
    {
        var picks = Plan.TimeoutPicks;
        double pick = picks.Count == 0 ? 0 : picks[Math.Min(_turns, picks.Count - 1)];
        return OtherComputer(Plan.Game, ParticipantIndex, pick);
    }

    /// <summary>The holder throws to <paramref name="receiver"/>; returns the throw's label.</summary>
    public ThrowLabel Throw(int receiver)
    {
        var label = Holder == ParticipantIndex ? ThrowLabel.ParticipantThrow
            : receiver == ParticipantIndex ? ThrowLabel.BallToParticipant : ThrowLabel.BallToOther;
        if (Holder == ParticipantIndex) _turns++;
        else _nextComputer++;
        if (receiver == ParticipantIndex) Received++;
        Holder = receiver;
        ThrowsDone++;
        return label;
    }

    /// <summary>A computer player other than <paramref name="holder"/> (and not the participant), chosen by a draw in [0, 1).</summary>
    public static int OtherComputer(BallTossSpec game, int holder, double pick)
    {
        var players = game.Players;
        int count = 0;
        for (int i = 0; i < players.Count; i++) if (i != holder && !players[i].IsParticipant) count++;
        if (count == 0) return holder;
        int k = Math.Min(count - 1, (int)(pick * count));
        for (int i = 0; i < players.Count; i++)
        {
            if (i == holder || players[i].IsParticipant) continue;
            if (k-- == 0) return i;
        }
        return holder;
    }
}
