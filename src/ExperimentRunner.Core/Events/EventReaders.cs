namespace ExperimentRunner.Core.Events;

// One reader per event kind: a small readonly struct whose fields each mean one thing, read from the flat record the
// way its factory in SessionEvents wrote it (and the way every earlier version wrote it, so old studies read the same).

/// <summary>A scanner pulse. <see cref="Volume"/>: from t0 (0 the pulse that was t0; dummies -N … -1).</summary>
public readonly record struct PulseEvent(long TimeNs, int Run, int Volume, bool IsDummy)
{
    /// <summary>A pulse counted from t0 (not a dummy).</summary>
    public bool IsCounted => !IsDummy && Volume >= 0;
}

/// <summary>A pulse that should have come at <see cref="ExpectedNs"/> and did not.</summary>
public readonly record struct MissingPulseEvent(long ExpectedNs, int Run, int Volume);

/// <summary>A run's start: <see cref="T0Ns"/> the first counted pulse or the operator's start.</summary>
public readonly record struct RunStartedEvent(long T0Ns, int Run, long DurationNs, int DummyScans, string? Description);

/// <summary>A run's end. <see cref="MeasuredTrS"/>: NaN when unknown; <see cref="EndedEarly"/>: the session ended first.</summary>
public readonly record struct RunEndedEvent(long TimeNs, int Run, double MeasuredTrS, bool EndedEarly, string? Summary)
{
    /// <summary>The summary of a run left while it waited for the scanner (also how 0.1/0.2 recorded that, as not early).</summary>
    public const string BeforeT0Text = "ended before the scanner started";
}

public readonly record struct PhaseStartedEvent(long TimeNs, string? Phase, string? PhaseKind);

/// <summary><see cref="EndedAs"/>: "aborted", "stopped", or null when the phase ran to its end.</summary>
public readonly record struct PhaseEndedEvent(long TimeNs, string? Phase, string? EndedAs);

public readonly record struct BlockStartedEvent(long TimeNs, long IntendedNs, int Run, int Block, string? Conditions, string? Label);

public readonly record struct TrialStartedEvent(long TimeNs, long IntendedNs, int Run, int Block, int Trial, string? Condition, string? StimulusId);

/// <summary>A screen's onset: the flip that showed it, the plan's onset (<see cref="EventRecord.None"/> when
/// self-paced), its planned duration, the photo shown (<see cref="StimFile"/>) and the marker sent (0 none).</summary>
public readonly record struct ScreenOnsetEvent(long OnsetNs, long IntendedNs, long DurationNs, string? Screen, string? Condition,
    string? StimulusId, string? StimFile, int Marker)
{
    public bool IsPlanned => IntendedNs != EventRecord.None;
    /// <summary>The plan's analysis label (BIDS trial_type); null in sessions written before labels were stored.</summary>
    public string? Label { get; init; }
    /// <summary>Actual minus planned onset, ns; <see cref="EventRecord.None"/> for a self-paced screen.</summary>
    public long OnsetErrorNs => IsPlanned ? OnsetNs - IntendedNs : EventRecord.None;
}

/// <summary>One flip: <see cref="DeadlineNs"/> the one it aimed at (<see cref="EventRecord.None"/> without one);
/// <see cref="Frame"/> its index in the session, -1 when not stored.</summary>
public readonly record struct FlipEvent(long FlipNs, long DeadlineNs, long Frame);

/// <summary>A flip more than half a period late: <see cref="LatePeriods"/> how late, in refresh periods.</summary>
public readonly record struct MissedFrameEvent(long FlipNs, long DeadlineNs, string? Screen, double LatePeriods);

/// <summary>A key press: <see cref="Response"/> the paradigm's response it maps to (null: <see cref="Key"/> the raw
/// key); <see cref="InWindow"/> taken by the screen; RT from its screen's onset. From a response box:
/// <see cref="Device"/> names it ("xid", "forp"; null for the keyboard and in older records); a box with its own clock
/// gives <see cref="DeviceTimeMs"/> (its timer at the press, ms; NaN otherwise) and <see cref="ArrivalNs"/> (when its
/// bytes arrived, run clock; <see cref="EventRecord.None"/> otherwise), and then <see cref="TimeNs"/> is the box's time
/// aligned to the run clock.</summary>
public readonly record struct ResponseEvent(long TimeNs, string? Screen, string? Response, string? Key, long RtNs, bool InWindow,
    string? Device = null, double DeviceTimeMs = double.NaN, long ArrivalNs = EventRecord.None)
{
    /// <summary>The response, or the raw key for a key of no response.</summary>
    public string? Answer => Response ?? Key;

    /// <summary>True when the box's own clock timed it (<see cref="DeviceTimeMs"/> is set).</summary>
    public bool HasDeviceTime => !double.IsNaN(DeviceTimeMs);
}

/// <summary>A trial's expectancy from an earlier answer: <see cref="Expected"/> the feedback that answer expects
/// ("positive", "negative", null none); <see cref="Confirms"/> whether the trial's condition confirms it (null: no valence).</summary>
public readonly record struct ExpectancyEvent(long TimeNs, string? Condition, string? StimulusId, string? Answer, string? Expected, bool? Confirms);

/// <summary>How a throw came about: as planned (or chosen), by the participant's time limit passing, or cut by the screen's end.</summary>
public enum ThrowEnd { Thrown = 0, TimedOut = 1, CutByScreenEnd = 2 }

/// <summary>A throw of a ball-toss game: <see cref="ArrivalNs"/> is None when the screen ended with the ball in the air.</summary>
public readonly record struct ThrowEvent(long ReleaseNs, long FlightNs, long PlannedReleaseNs, string? Screen, string? Condition,
    string? Thrower, string? Receiver, long RtNs, int Number, string? Label, ThrowEnd End)
{
    public long ArrivalNs => FlightNs == EventRecord.None ? EventRecord.None : ReleaseNs + FlightNs;
}

/// <summary>A ball-toss game's end: throws made, throws the participant received, the schedule's kind.</summary>
public readonly record struct GameEndedEvent(long TimeNs, string? Screen, string? Condition, int Made, int Received, string? Schedule);

/// <summary>A scored screen: <see cref="Answer"/> null when unanswered; <see cref="IsCorrect"/> the answer was <see cref="Correct"/>.</summary>
public readonly record struct ScoredEvent(long TimeNs, string? Screen, string? Condition, string? Answer, string? Correct, long RtNs,
    long ScreenOnsetNs, bool IsCorrect)
{
    public bool Answered => Answer != null;
}

/// <summary>A choice in the selection phase: <see cref="Choice"/> null when it timed out; <see cref="Selects"/> the
/// choice makes the profile a feedback target.</summary>
public readonly record struct SelectionEvent(long TimeNs, string? Phase, string? Screen, string? ProfileId, string? Choice, long RtNs, bool Selects)
{
    public bool Answered => Choice != null;
}

/// <summary>A prediction on a trial's question: <see cref="Response"/> null when it timed out; <see cref="PredictedYes"/>
/// the answer was the first option; <see cref="Outcome"/> as <see cref="PredictionOutcomes.Of"/> decided it.</summary>
public readonly record struct PredictionEvent(long TimeNs, string? Screen, string? Condition, string? ProfileId, string? Response,
    bool Answered, long RtNs, bool PredictedYes, PredictionOutcome Outcome);

/// <summary>A rating's outcome: <see cref="Value"/> NaN when it timed out; <see cref="ScreenOnsetNs"/> the onset of the
/// screen it was given on (<see cref="EventRecord.None"/> in some old records); <see cref="History"/> "ms:value;…".</summary>
public readonly record struct RatingEvent(long TimeNs, string? Name, string? Condition, double Value, bool Answered, long RtNs,
    long ScreenOnsetNs, string? History);

/// <summary>One questionnaire item's answer: <see cref="Value"/> scored (reverse where <see cref="Reverse"/>), NaN when
/// unanswered; <see cref="Point"/> the answer's label.</summary>
public readonly record struct QuestionnaireAnswerEvent(long TimeNs, string? Questionnaire, string? Item, double Value, string? Point,
    long RtNs, bool Reverse, string? History)
{
    public bool Answered => !double.IsNaN(Value);
}

/// <summary>A questionnaire's score by its rule (NaN when nothing was answered).</summary>
public readonly record struct QuestionnaireScoreEvent(long TimeNs, string? Questionnaire, double Score, string? Description)
{
    /// <summary>The subscale this score is of; null for the questionnaire's total.</summary>
    public string? Subscale { get; init; }

    /// <summary>The <see cref="EventRecord.Screen"/> that marks a score among questionnaire events.</summary>
    public const string ScreenName = "score";
}

/// <summary>A marker that went out: sent at <see cref="SentNs"/> for the screen whose onset is <see cref="OnsetNs"/>.</summary>
public readonly record struct MarkerEvent(long SentNs, long OnsetNs, int Code, string? Label, string? Output);

/// <summary>Feedback targets the selection's fallback filled: <see cref="Filled"/> of them from <see cref="Source"/>.</summary>
public readonly record struct FallbackEvent(long TimeNs, string? Source, int Filled, string? Text);

/// <summary>An operator action (<see cref="Action"/>: "pause_requested", "abort_confirmed", a machine trigger …).</summary>
public readonly record struct OperatorEvent(long TimeNs, string? Action, string? Text);

/// <summary>A sound: asked for at <see cref="AskedNs"/>, taken by the device at <see cref="StartedNs"/>.</summary>
public readonly record struct AudioEvent(long StartedNs, long AskedNs, string? Screen, string? Sound);

/// <summary>Where a session continued after an interruption: <see cref="Run"/>, <see cref="Block"/>, and why.</summary>
public readonly record struct InterruptionEvent(long TimeNs, int Run, int Block, string? Text);

/// <summary>The readers: <c>record.AsPulse()</c> and its siblings. Each throws for a record of another kind.</summary>
public static class EventReaders
{
    public static PulseEvent AsPulse(this in EventRecord e) =>
        new(Expect(e, EventKind.Pulse).TimeNs, e.Run, double.IsNaN(e.Value) ? 0 : (int)e.Value, e.Code == 1);

    public static MissingPulseEvent AsMissingPulse(this in EventRecord e) =>
        new(Expect(e, EventKind.MissingPulse).TimeNs, e.Run, double.IsNaN(e.Value) ? -1 : (int)e.Value);

    public static RunStartedEvent AsRunStarted(this in EventRecord e) =>
        new(Expect(e, EventKind.RunStarted).TimeNs, e.Run, e.DurationNs, e.Code, e.Text);

    public static RunEndedEvent AsRunEnded(this in EventRecord e) =>
        new(Expect(e, EventKind.RunEnded).TimeNs, e.Run, e.Value, e.Code != 0 || e.Text == RunEndedEvent.BeforeT0Text, e.Text);

    public static PhaseStartedEvent AsPhaseStarted(this in EventRecord e) => new(Expect(e, EventKind.PhaseStarted).TimeNs, e.Phase, e.Text);

    public static PhaseEndedEvent AsPhaseEnded(this in EventRecord e) => new(Expect(e, EventKind.PhaseEnded).TimeNs, e.Phase, e.Text);

    public static BlockStartedEvent AsBlockStarted(this in EventRecord e) =>
        new(Expect(e, EventKind.BlockStarted).TimeNs, e.IntendedNs, e.Run, e.Block, e.Condition, e.Text);

    public static TrialStartedEvent AsTrialStarted(this in EventRecord e) =>
        new(Expect(e, EventKind.TrialStarted).TimeNs, e.IntendedNs, e.Run, e.Block, e.Trial, e.Condition, e.Stimulus);

    public static ScreenOnsetEvent AsScreenOnset(this in EventRecord e) =>
        new(Expect(e, EventKind.ScreenOnset).TimeNs, e.IntendedNs, e.DurationNs, e.Screen, e.Condition, e.Stimulus, e.Text, e.Code) { Label = e.Label };

    public static ExpectancyEvent AsExpectancy(this in EventRecord e) =>
        new(Expect(e, EventKind.Expectancy).TimeNs, e.Condition, e.Stimulus, e.Response, e.Text, double.IsNaN(e.Value) ? null : e.Value == 1);

    public static FlipEvent AsFlip(this in EventRecord e) =>
        new(Expect(e, EventKind.Flip).TimeNs, e.IntendedNs, double.IsNaN(e.Value) ? -1 : (long)e.Value);

    public static MissedFrameEvent AsMissedFrame(this in EventRecord e) =>
        new(Expect(e, EventKind.MissedFrame).TimeNs, e.IntendedNs, e.Screen, e.Value);

    public static ResponseEvent AsResponse(this in EventRecord e) =>
        new(Expect(e, EventKind.Response).TimeNs, e.Screen, e.Response, e.Response == null ? e.Text : null, e.RtNs, e.Code == 0,
            e.Label, e.Value, e.DurationNs == EventRecord.None ? EventRecord.None : e.TimeNs + e.DurationNs);

    /// <summary>A choice made in the selection phase (outside any trial), not a trial's prediction.</summary>
    public static bool IsSelection(this in EventRecord e) => e.Kind == EventKind.Choice && e.Trial == 0;

    /// <summary>A prediction made on a trial's screen.</summary>
    public static bool IsPrediction(this in EventRecord e) => e.Kind == EventKind.Choice && e.Trial > 0;

    public static SelectionEvent AsSelection(this in EventRecord e) =>
        new(Expect(e, EventKind.Choice).TimeNs, e.Phase, e.Screen, e.Stimulus, e.Code == 0 ? e.Response : null, e.RtNs, e.Value == 1);

    public static PredictionEvent AsPrediction(this in EventRecord e) =>
        new(Expect(e, EventKind.Choice).TimeNs, e.Screen, e.Condition, e.Stimulus, e.Response, e.Code == 0, e.RtNs, e.Code == 0 && e.Value == 1,
            PredictionOutcomes.Parse(e.Text));

    public static RatingEvent AsRating(this in EventRecord e) =>
        new(Expect(e, EventKind.Rating).TimeNs, e.Screen, e.Condition, e.Value, e.Code == 0, e.RtNs, e.IntendedNs, e.Text);

    /// <summary>A questionnaire's score (not one item's answer).</summary>
    public static bool IsQuestionnaireScore(this in EventRecord e) => e.Kind == EventKind.Questionnaire && e.Screen == QuestionnaireScoreEvent.ScreenName;

    public static QuestionnaireAnswerEvent AsQuestionnaireAnswer(this in EventRecord e) =>
        new(Expect(e, EventKind.Questionnaire).TimeNs, e.Screen, e.Stimulus, e.Value, e.Response, e.RtNs, e.Code == 1, e.Text);

    public static QuestionnaireScoreEvent AsQuestionnaireScore(this in EventRecord e) =>
        new(Expect(e, EventKind.Questionnaire).TimeNs, e.Stimulus, e.Value, e.Text) { Subscale = e.Response };

    public static ThrowEvent AsThrow(this in EventRecord e) =>
        new(Expect(e, EventKind.Throw).TimeNs, e.DurationNs, e.IntendedNs, e.Screen, e.Condition, e.Stimulus, e.Response, e.RtNs, (int)e.Value, e.Text, (ThrowEnd)e.Code);

    public static GameEndedEvent AsGameEnded(this in EventRecord e) =>
        new(Expect(e, EventKind.GameEnded).TimeNs, e.Screen, e.Condition, e.Code, (int)e.Value, e.Text);

    public static ScoredEvent AsScored(this in EventRecord e) =>
        new(Expect(e, EventKind.Scored).TimeNs, e.Screen, e.Condition, e.Response, e.Text, e.RtNs, e.IntendedNs, e.Value == 1);

    public static MarkerEvent AsMarker(this in EventRecord e) => new(Expect(e, EventKind.Marker).TimeNs, e.IntendedNs, e.Code, e.Screen, e.Text);

    public static FallbackEvent AsFallback(this in EventRecord e) =>
        new(Expect(e, EventKind.Fallback).TimeNs, e.Response, double.IsNaN(e.Value) ? 0 : (int)e.Value, e.Text);

    public static OperatorEvent AsOperator(this in EventRecord e) => new(Expect(e, EventKind.Operator).TimeNs, e.Response, e.Text);

    public static AudioEvent AsAudio(this in EventRecord e) => new(Expect(e, EventKind.Audio).TimeNs, e.IntendedNs, e.Screen, e.Stimulus);

    public static InterruptionEvent AsInterruption(this in EventRecord e) => new(Expect(e, EventKind.Interruption).TimeNs, e.Run, e.Block, e.Text);

    private static ref readonly EventRecord Expect(in EventRecord e, EventKind kind)
    {
        if (e.Kind != kind) throw new InvalidOperationException($"a {e.Kind} event read as {kind}");
        return ref e;
    }
}
