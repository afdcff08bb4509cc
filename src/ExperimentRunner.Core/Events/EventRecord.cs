namespace ExperimentRunner.Core.Events;

/// <summary>What an <see cref="EventRecord"/> records. Stored by name; never renumber or rename a member.</summary>
public enum EventKind
{
    PhaseStarted,
    PhaseEnded,
    /// <summary>A run's t0: <see cref="EventRecord.TimeNs"/> is the first counted pulse, or the operator's start.</summary>
    RunStarted,
    RunEnded,
    BlockStarted,
    BlockEnded,
    TrialStarted,
    /// <summary>A screen appeared: TimeNs is the flip that showed it, IntendedNs the plan's onset.</summary>
    ScreenOnset,
    /// <summary>One flip of the display: TimeNs its completion, IntendedNs the deadline it aimed at, Value the frame index.</summary>
    Flip,
    /// <summary>A flip later than its deadline by more than half a refresh period.</summary>
    MissedFrame,
    /// <summary>A key or button, stamped as it came off the input queue; RtNs from the onset of the screen it fell in.
    /// From a response box (since 0.4): Label the box ("xid", "forp"); a box with its own clock (XID) also Value its timer
    /// at the press (ms) and DurationNs the press's way to us (arrival stamp minus TimeNs), TimeNs then being the box's
    /// time aligned to the run clock. Absent in keyboard responses and older records.</summary>
    Response,
    /// <summary>A choice in the selection phase or a prediction; Stimulus the profile, Response the choice.</summary>
    Choice,
    /// <summary>A scanner pulse; Value the volume index (negative for dummy scans... see Code: 1 dummy, 0 counted).</summary>
    Pulse,
    /// <summary>A pulse that should have come (interval over 1.5 TR) and did not; Value its volume index.</summary>
    MissingPulse,
    /// <summary>A marker sent; Code the byte code, Text the output.</summary>
    Marker,
    /// <summary>A rating's final value; Value the value (NaN when timed out), Text the cursor history.</summary>
    Rating,
    /// <summary>A questionnaire answer (Stimulus the item id) or score (Screen "score").</summary>
    Questionnaire,
    /// <summary>The plan's fallback filled feedback targets beyond the profiles the participant selected.</summary>
    Fallback,
    Warning,
    /// <summary>An operator action: pause, resume, abort, skip, override.</summary>
    Operator,
    /// <summary>A sound started: IntendedNs when it was asked for, TimeNs when the device took it.</summary>
    Audio,
    /// <summary>The session was interrupted and resumed here; Text says what was skipped.</summary>
    Interruption,
    /// <summary>
    /// A scored screen's outcome (a screen with <c>correct:</c>): Screen its name, Response the answer (null when none),
    /// Text the correct response, Value 1 correct, 0 incorrect, NaN unanswered; RtNs from the screen's onset;
    /// IntendedNs the screen's onset (ns of the run clock), which ties it to its screen.
    /// </summary>
    Scored,
    /// <summary>
    /// A trial's expectancy from an earlier answer (a scan's <c>earlier:</c>): Stimulus the profile, Response the answer
    /// it was given, Text the feedback that answer expects ("positive", "negative"; absent when it expects none),
    /// Condition the trial's condition, Value 1 when the condition's valence confirms the expectancy, 0 when it
    /// violates it, NaN when either has no valence.
    /// </summary>
    Expectancy,
    /// <summary>
    /// A throw of a ball-toss game: TimeNs the flip the ball left on (release onset), DurationNs the flight to the flip
    /// it arrived on (arrival onset = TimeNs + DurationNs; None when the screen ended first), IntendedNs a computer
    /// player's planned release, Stimulus the thrower, Response the receiver, RtNs the participant's time from the ball's
    /// arrival to their choice, Value the throw's number in its game, Text the label (ball_to_participant,
    /// ball_to_other, participant_throw), Code 0, 1 when the participant's time limit passed, 2 when cut by the screen's end.
    /// </summary>
    Throw,
    /// <summary>A ball-toss game ended: Code the throws made, Value the throws the participant received, Text the schedule kind.</summary>
    GameEnded,
}

/// <summary>
/// One thing that happened in a session, in its storage form. A value type whose strings come from the plan or from fixed tables, so the
/// frame loop can create one without allocating. Every time is nanoseconds of the run clock (<see cref="Time.IClock"/>);
/// <see cref="None"/> marks a time that does not apply.
/// The generic fields (<see cref="Value"/>, <see cref="Code"/>, <see cref="IntendedNs"/>, <see cref="Text"/>) mean
/// something different for each kind: write an event through its factory in <see cref="SessionEvents"/> and read it
/// through its reader in <see cref="EventReaders"/> (<c>e.AsPulse().Volume</c>), never by decoding those fields by hand.
/// </summary>
public readonly record struct EventRecord
{
    public const long None = long.MinValue;

    public EventKind Kind { get; init; }
    /// <summary>When it happened, ns of the run clock.</summary>
    public long TimeNs { get; init; }
    /// <summary>1-based run index; 0 outside scan runs.</summary>
    public int Run { get; init; }
    /// <summary>1-based block index within the run; 0 outside blocks.</summary>
    public int Block { get; init; }
    /// <summary>1-based trial index within the block; 0 outside trials.</summary>
    public int Trial { get; init; }
    public string? Phase { get; init; }
    public string? Screen { get; init; }
    public string? Condition { get; init; }
    public string? Stimulus { get; init; }
    public string? Response { get; init; }
    /// <summary>The intended time (plan or deadline), ns of the run clock, or <see cref="None"/>.</summary>
    public long IntendedNs { get; init; } = None;
    /// <summary>Planned duration in ns, or <see cref="None"/>.</summary>
    public long DurationNs { get; init; } = None;
    /// <summary>Response time from the screen's actual onset, ns, or <see cref="None"/>.</summary>
    public long RtNs { get; init; } = None;
    public double Value { get; init; } = double.NaN;
    public int Code { get; init; }
    public string? Text { get; init; }
    /// <summary>
    /// The event's time from its run's t0, ns (<see cref="TimeNs"/> minus t0), stamped by the runner as it writes the
    /// event; <see cref="None"/> outside runs, before a run's t0 (the wait screen, dummy pulses) and in records written
    /// before 0.3 (readers then derive it from the run's RunStarted: see Storage's SessionAssembly).
    /// </summary>
    public long SinceT0Ns { get; init; } = None;
    /// <summary>A screen onset's label for analysis (BIDS trial_type, <see cref="Planning.EventLabels"/>), as the plan
    /// named it; null on other events and in sessions written before labels were stored (the export then applies the
    /// same rule to the screen and condition).</summary>
    public string? Label { get; init; }

    public EventRecord() { }
}
