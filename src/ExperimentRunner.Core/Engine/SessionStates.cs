namespace ExperimentRunner.Core.Engine;

/// <summary>What a state of the session machine is.</summary>
public enum SessionStateKind
{
    Idle, Session, Phase,
    /// <summary>A self-paced phase's screen (page, profile, item, rating, screen).</summary>
    Step,
    Paused, WaitingForScanner, Run, Block, Trial,
    /// <summary>A trial's screen, by name.</summary>
    Screen,
    Lead, Rating, Rest, Completed, Aborted, Stopped,
    /// <summary>At a trial boundary in a block: the one state of a scan run a pause may begin in.</summary>
    BetweenTrials,
}

/// <summary>
/// A state of the session machine: its kind, the phase (and screen) it belongs to, and its label (the graph's name).
/// Every state is built once, when the machine is configured, and compared by reference: firing builds nothing.
/// </summary>
public sealed class SessionState
{
    private readonly string _label;

    internal SessionState(SessionStateKind kind, string label, string? phase = null, string? screen = null)
    {
        Kind = kind;
        _label = label;
        Phase = phase;
        Screen = screen;
    }

    public SessionStateKind Kind { get; }
    /// <summary>The phase's name; null for the session's own states.</summary>
    public string? Phase { get; }
    /// <summary>The trial screen's name, for <see cref="SessionStateKind.Screen"/>.</summary>
    public string? Screen { get; }

    public static readonly SessionState Idle = new(SessionStateKind.Idle, "Idle");
    public static readonly SessionState Completed = new(SessionStateKind.Completed, "Completed");
    public static readonly SessionState Aborted = new(SessionStateKind.Aborted, "Aborted");
    public static readonly SessionState Stopped = new(SessionStateKind.Stopped, "Stopped");
    internal static readonly SessionState Session = new(SessionStateKind.Session, "Session");

    public override string ToString() => _label;
}

/// <summary>What moves the session machine.</summary>
public enum SessionTriggerKind
{
    Start, Next, Skip,
    /// <summary>The next screen of a self-paced phase (page, profile, item, rating, screen).</summary>
    Page, Profile, Item, Rating, Screen,
    AwaitScanner, T0, Block, Trial, Lead, Rest,
    /// <summary>Shows a trial's screen, by name.</summary>
    Show,
    Pause, Resume, Abort, Stop,
    /// <summary>A trial ended or the next is due: the block is between trials.</summary>
    Boundary,
}

/// <summary>
/// A trigger of the session machine: its kind, and for <see cref="SessionTriggerKind.Show"/> the screen it shows. The
/// fixed ones are static; one per trial screen is built when the machine is configured, so firing builds nothing.
/// </summary>
public sealed class SessionTrigger
{
    private readonly string _label;

    private SessionTrigger(SessionTriggerKind kind, string label, string? screen = null)
    {
        Kind = kind;
        _label = label;
        Screen = screen;
    }

    public SessionTriggerKind Kind { get; }
    /// <summary>The screen a <see cref="SessionTriggerKind.Show"/> trigger shows; null otherwise.</summary>
    public string? Screen { get; }

    /// <summary>The trigger that shows trial screen <paramref name="screen"/> (the machine keeps one per screen).</summary>
    internal static SessionTrigger Show(string screen) => new(SessionTriggerKind.Show, "show " + screen, screen);

    public static readonly SessionTrigger Start = new(SessionTriggerKind.Start, "start");
    public static readonly SessionTrigger Next = new(SessionTriggerKind.Next, "next");
    public static readonly SessionTrigger Skip = new(SessionTriggerKind.Skip, "skip");
    public static readonly SessionTrigger Page = new(SessionTriggerKind.Page, "page");
    public static readonly SessionTrigger Profile = new(SessionTriggerKind.Profile, "profile");
    public static readonly SessionTrigger Item = new(SessionTriggerKind.Item, "item");
    public static readonly SessionTrigger Rating = new(SessionTriggerKind.Rating, "rating");
    /// <summary>The one screen of a break or end phase.</summary>
    public static readonly SessionTrigger ScreenStep = new(SessionTriggerKind.Screen, "screen");
    public static readonly SessionTrigger AwaitScanner = new(SessionTriggerKind.AwaitScanner, "await_scanner");
    public static readonly SessionTrigger T0 = new(SessionTriggerKind.T0, "t0");
    public static readonly SessionTrigger Block = new(SessionTriggerKind.Block, "block");
    public static readonly SessionTrigger Trial = new(SessionTriggerKind.Trial, "trial");
    public static readonly SessionTrigger Lead = new(SessionTriggerKind.Lead, "lead");
    public static readonly SessionTrigger Rest = new(SessionTriggerKind.Rest, "rest");
    public static readonly SessionTrigger Pause = new(SessionTriggerKind.Pause, "pause");
    public static readonly SessionTrigger Resume = new(SessionTriggerKind.Resume, "resume");
    public static readonly SessionTrigger Abort = new(SessionTriggerKind.Abort, "abort");
    public static readonly SessionTrigger Stop = new(SessionTriggerKind.Stop, "stop");
    public static readonly SessionTrigger Boundary = new(SessionTriggerKind.Boundary, "trial_boundary");

    public override string ToString() => _label;
}
