namespace ExperimentRunner.Core.Events;

/// <summary>Where an event happened in the session: run, block and trial (1-based; 0 outside one) and the phase.</summary>
public readonly record struct EventPlace(int Run, int Block, int Trial, string? Phase);

/// <summary>Whether a prediction's feedback confirmed it: derived once, by <see cref="PredictionOutcomes.Of"/>.</summary>
public enum PredictionOutcome
{
    /// <summary>No prediction was made, or its trial's feedback has no symbol to compare with.</summary>
    None,
    /// <summary>The feedback matched the prediction.</summary>
    Consistent,
    /// <summary>The feedback contradicted the prediction.</summary>
    Violated,
}

/// <summary>The one place a prediction's outcome is decided, and its name in the record and the exports.</summary>
public static class PredictionOutcomes
{
    /// <summary>
    /// The outcome of a prediction: none when unanswered or when <paramref name="feedbackMatchesExpectation"/> is null
    /// (the answer expects nothing, or the condition declares no valence); consistent when the feedback's valence is the
    /// one the answer expects (<c>expects:</c> of the option, <c>valence:</c> of the condition).
    /// </summary>
    public static PredictionOutcome Of(bool answered, bool? feedbackMatchesExpectation) =>
        !answered || feedbackMatchesExpectation is not bool matches ? PredictionOutcome.None
        : matches ? PredictionOutcome.Consistent : PredictionOutcome.Violated;

    /// <summary>"consistent", "violated", or null for none (the stored text and the exported level).</summary>
    public static string? Name(this PredictionOutcome outcome) => outcome switch
    {
        PredictionOutcome.Consistent => "consistent",
        PredictionOutcome.Violated => "violated",
        PredictionOutcome.None => null,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    /// <summary>The outcome stored as <paramref name="name"/>; none for anything else.</summary>
    public static PredictionOutcome Parse(string? name) => name switch
    {
        "consistent" => PredictionOutcome.Consistent,
        "violated" => PredictionOutcome.Violated,
        _ => PredictionOutcome.None,
    };
}

/// <summary>
/// One factory per event kind: the only code that knows how each kind's meaning maps onto the flat
/// <see cref="EventRecord"/> (which field holds the volume, the rating, the marker byte). Allocates nothing; every
/// time is ns of the run clock. Read an event back with its reader in <see cref="EventReaders"/>.
/// </summary>
public static class SessionEvents
{
    private const string TimeoutText = "timeout";

    public static EventRecord PhaseStarted(long timeNs, string phase, string phaseKind) =>
        new() { Kind = EventKind.PhaseStarted, TimeNs = timeNs, Phase = phase, Text = phaseKind };

    /// <param name="endedAs">"aborted", "stopped", or null when the phase ran to its end.</param>
    public static EventRecord PhaseEnded(long timeNs, string phase, string? endedAs) =>
        new() { Kind = EventKind.PhaseEnded, TimeNs = timeNs, Phase = phase, Text = endedAs };

    /// <summary>A run's t0 (the first counted pulse or the operator's start): its time from t0 is 0.</summary>
    public static EventRecord RunStarted(long t0Ns, int run, string phase, long durationNs, int dummyScans, string description) => new()
    {
        Kind = EventKind.RunStarted, TimeNs = t0Ns, SinceT0Ns = 0, Run = run, Phase = phase, DurationNs = durationNs,
        Value = run, Code = dummyScans, Text = description,
    };

    /// <param name="measuredTrS">The TR fitted to the run's pulses, seconds; NaN when unknown.</param>
    /// <param name="endedEarly">The session ended (abort, stop) before the run did.</param>
    public static EventRecord RunEnded(long timeNs, int run, string phase, double measuredTrS, bool endedEarly, string summary) => new()
    {
        Kind = EventKind.RunEnded, TimeNs = timeNs, Run = run, Phase = phase, Value = measuredTrS, Code = endedEarly ? 1 : 0, Text = summary,
    };

    /// <summary>A run the session left while it still waited for the scanner: no t0, ended early.</summary>
    public static EventRecord RunEndedBeforeT0(long timeNs, int run, string phase) => new()
    {
        Kind = EventKind.RunEnded, TimeNs = timeNs, Run = run, Phase = phase, Code = 1, Text = RunEndedEvent.BeforeT0Text,
    };

    public static EventRecord BlockStarted(long timeNs, long intendedNs, int run, int block, string phase, string? conditions, string? label) => new()
    {
        Kind = EventKind.BlockStarted, TimeNs = timeNs, IntendedNs = intendedNs, Run = run, Block = block, Phase = phase, Condition = conditions, Text = label,
    };

    public static EventRecord BlockEnded(long timeNs, int run, int block, string phase) =>
        new() { Kind = EventKind.BlockEnded, TimeNs = timeNs, Run = run, Block = block, Phase = phase };

    public static EventRecord TrialStarted(long timeNs, long intendedNs, in EventPlace at, string? condition, string? stimulus) => new()
    {
        Kind = EventKind.TrialStarted, TimeNs = timeNs, IntendedNs = intendedNs, Run = at.Run, Block = at.Block, Trial = at.Trial, Phase = at.Phase,
        Condition = condition, Stimulus = stimulus,
    };

    /// <param name="onsetNs">The flip that showed the screen.</param>
    /// <param name="intendedNs">The plan's onset; <see cref="EventRecord.None"/> for a self-paced screen.</param>
    /// <param name="durationNs">Planned duration (a self-paced screen: its time limit); <see cref="EventRecord.None"/> without one.</param>
    /// <param name="stimFile">The shown photo, relative to the stimuli root (BIDS stim_file); null without one.</param>
    /// <param name="marker">The marker code sent at the onset; 0 none.</param>
    public static EventRecord ScreenOnset(long onsetNs, long intendedNs, long durationNs, in EventPlace at, string screen, string? condition,
        string? stimulus, string? stimFile, int marker, string? label = null) => new()
    {
        Kind = EventKind.ScreenOnset, TimeNs = onsetNs, IntendedNs = intendedNs, DurationNs = durationNs, Run = at.Run, Block = at.Block,
        Trial = at.Trial, Phase = at.Phase, Screen = screen, Condition = condition, Stimulus = stimulus, Text = stimFile, Code = marker, Label = label,
    };

    /// <summary>A trial's expectancy from an earlier answer (a scan's <c>earlier:</c>).</summary>
    /// <param name="answer">The answer the profile was given in the earlier selection.</param>
    /// <param name="expected">The feedback that answer expects ("positive", "negative"); null when it expects none.</param>
    /// <param name="confirms">1 when the condition's valence confirms the expectancy, 0 when it violates it, NaN when either has none.</param>
    public static EventRecord Expectancy(long timeNs, in EventPlace at, string condition, string? profile, string answer, string? expected, double confirms) => new()
    {
        Kind = EventKind.Expectancy, TimeNs = timeNs, Run = at.Run, Block = at.Block, Trial = at.Trial, Phase = at.Phase,
        Condition = condition, Stimulus = profile, Response = answer, Text = expected, Value = confirms,
    };

    /// <param name="deadlineNs">The flip it aimed at (the previous one plus a period); <see cref="EventRecord.None"/> without one.</param>
    /// <param name="frame">The flip's index in the session (the first is 1).</param>
    public static EventRecord Flip(long flipNs, long deadlineNs, int run, long frame) =>
        new() { Kind = EventKind.Flip, TimeNs = flipNs, IntendedNs = deadlineNs, Run = run, Value = frame };

    /// <param name="latePeriods">How late the flip was, in refresh periods.</param>
    public static EventRecord MissedFrame(long flipNs, long deadlineNs, int run, int block, int trial, string screen, double latePeriods) => new()
    {
        Kind = EventKind.MissedFrame, TimeNs = flipNs, IntendedNs = deadlineNs, Run = run, Block = block, Trial = trial, Screen = screen, Value = latePeriods,
    };

    /// <summary>A key or button as it came off the input queue.</summary>
    /// <param name="response">The paradigm's response it maps to; null for a key of no response (then <paramref name="key"/> is kept).</param>
    /// <param name="rtNs">From the onset of the screen it belongs to; <see cref="EventRecord.None"/> when there was none.</param>
    /// <param name="inWindow">Taken by the screen (its window was open and it accepts the response).</param>
    /// <param name="device">A response box's name ("xid", "forp"; stored in <see cref="EventRecord.Label"/>); null for the keyboard.</param>
    /// <param name="deviceTimeMs">A box with its own clock: its timer at the press, ms (stored in <see cref="EventRecord.Value"/>); NaN otherwise.</param>
    /// <param name="arrivalNs">A box with its own clock: when its bytes arrived, run clock (stored as <see cref="EventRecord.DurationNs"/> =
    /// arrival minus <paramref name="timeNs"/>, the press's way to us); <see cref="EventRecord.None"/> otherwise.</param>
    public static EventRecord Response(long timeNs, in EventPlace at, string screen, string? condition, string? stimulus, string? response,
        string key, long rtNs, bool inWindow, string? device = null, double deviceTimeMs = double.NaN, long arrivalNs = EventRecord.None) => new()
    {
        Kind = EventKind.Response, TimeNs = timeNs, Run = at.Run, Block = at.Block, Trial = at.Trial, Phase = at.Phase, Screen = screen,
        Condition = condition, Stimulus = stimulus, Response = response, Text = response == null ? key : null, RtNs = rtNs, Code = inWindow ? 0 : 1,
        Label = device, Value = deviceTimeMs, DurationNs = arrivalNs == EventRecord.None ? EventRecord.None : arrivalNs - timeNs,
    };

    /// <summary>A scored screen's answer against the plan's correct response (<c>correct:</c>).</summary>
    /// <param name="answer">The response taken; null when none came in the window.</param>
    /// <param name="screenOnsetNs">The onset of the screen it scores (joins it to that screen's row).</param>
    public static EventRecord Scored(long timeNs, in EventPlace at, string screen, string? condition, string? stimulus, string? answer,
        string? correct, long rtNs, long screenOnsetNs) => new()
    {
        Kind = EventKind.Scored, TimeNs = timeNs, Run = at.Run, Block = at.Block, Trial = at.Trial, Phase = at.Phase, Screen = screen,
        Condition = condition, Stimulus = stimulus, Response = answer, Text = correct, RtNs = rtNs, IntendedNs = screenOnsetNs,
        Value = answer == null ? double.NaN : answer == correct ? 1 : 0,
    };

    /// <summary>A throw of a ball-toss game.</summary>
    /// <param name="releaseNs">The flip the ball left on.</param>
    /// <param name="flightNs">From release to the flip it arrived on; <see cref="EventRecord.None"/> when the screen ended first.</param>
    /// <param name="plannedReleaseNs">A computer player's planned release; <see cref="EventRecord.None"/> for the participant's throws.</param>
    /// <param name="rtNs">The participant's time from the ball's arrival to their choice; <see cref="EventRecord.None"/> otherwise.</param>
    /// <param name="number">The throw's number in its game (1 the first).</param>
    /// <param name="label">ball_to_participant, ball_to_other or participant_throw (the BIDS trial_type).</param>
    public static EventRecord Throw(long releaseNs, long flightNs, long plannedReleaseNs, in EventPlace at, string screen, string? condition,
        string thrower, string receiver, long rtNs, int number, string label, ThrowEnd end) => new()
    {
        Kind = EventKind.Throw, TimeNs = releaseNs, DurationNs = flightNs, IntendedNs = plannedReleaseNs, Run = at.Run, Block = at.Block,
        Trial = at.Trial, Phase = at.Phase, Screen = screen, Condition = condition, Stimulus = thrower, Response = receiver, RtNs = rtNs,
        Value = number, Code = (int)end, Text = label,
    };

    /// <summary>A ball-toss game ended: <paramref name="made"/> throws, <paramref name="received"/> of them to the participant.</summary>
    public static EventRecord GameEnded(long timeNs, in EventPlace at, string screen, string? condition, int made, int received, string schedule) => new()
    {
        Kind = EventKind.GameEnded, TimeNs = timeNs, Run = at.Run, Block = at.Block, Trial = at.Trial, Phase = at.Phase,
        Screen = screen, Condition = condition, Code = made, Value = received, Text = schedule,
    };

    /// <summary>A choice about a profile in the selection phase.</summary>
    /// <param name="choice">The choice's name; null when the screen timed out.</param>
    /// <param name="selects">The choice makes the profile a feedback target.</param>
    public static EventRecord Selection(long timeNs, string phase, string screen, string profileId, string? choice, long rtNs, bool selects) => new()
    {
        Kind = EventKind.Choice, TimeNs = timeNs, Phase = phase, Screen = screen, Stimulus = profileId, Response = choice, RtNs = rtNs,
        Value = selects ? 1 : 0, Code = choice != null ? 0 : 1, Text = choice != null ? null : TimeoutText,
    };

    /// <summary>A prediction on a trial's question screen.</summary>
    /// <param name="response">The answer; null when the screen timed out.</param>
    /// <param name="predictedYes">The answer was the question's first option.</param>
    public static EventRecord Prediction(long timeNs, in EventPlace at, string screen, string condition, string? profile, string? response,
        long rtNs, bool predictedYes, PredictionOutcome outcome) => new()
    {
        Kind = EventKind.Choice, TimeNs = timeNs, Run = at.Run, Block = at.Block, Trial = at.Trial, Phase = at.Phase, Screen = screen,
        Condition = condition, Stimulus = profile, Response = response, RtNs = rtNs,
        Value = response != null ? (predictedYes ? 1 : 0) : double.NaN, Code = response != null ? 0 : 1, Text = outcome.Name(),
    };

    /// <summary>A scanner pulse.</summary>
    /// <param name="volume">Its volume from t0: 0 is the pulse that was t0; dummy pulses count up to it, -N … -1.</param>
    public static EventRecord Pulse(long timeNs, int run, int volume, bool dummy) =>
        new() { Kind = EventKind.Pulse, TimeNs = timeNs, Run = run, Value = volume, Code = dummy ? 1 : 0 };

    /// <summary>A pulse that should have come (at <paramref name="expectedNs"/>, t0 plus its volume's TRs) and did not.</summary>
    public static EventRecord MissingPulse(long expectedNs, int run, int volume) =>
        new() { Kind = EventKind.MissingPulse, TimeNs = expectedNs, IntendedNs = expectedNs, Run = run, Value = volume };

    /// <summary>A marker that went out.</summary>
    /// <param name="sentNs">When the output sent it.</param>
    /// <param name="onsetNs">The onset of the screen it marks.</param>
    /// <param name="code">The byte code.</param>
    /// <param name="output">The output that sent it (its description).</param>
    public static EventRecord Marker(long sentNs, long onsetNs, int code, string label, string output) => new()
    {
        Kind = EventKind.Marker, TimeNs = sentNs, IntendedNs = onsetNs, Code = code, Screen = label, Text = output,
    };

    /// <summary>A rating's outcome, at its screen's end.</summary>
    /// <param name="value">The final value; NaN when it timed out.</param>
    /// <param name="screenOnsetNs">The onset of the screen it was given on (joins it to its trial).</param>
    /// <param name="history">The cursor's moves as "ms:value;…", ms from the onset.</param>
    public static EventRecord Rating(long timeNs, int run, int block, string phase, string name, string? condition, double value, bool answered,
        long rtNs, long screenOnsetNs, string history) => new()
    {
        Kind = EventKind.Rating, TimeNs = timeNs, Run = run, Block = block, Phase = phase, Screen = name, Condition = condition,
        Value = answered ? value : double.NaN, RtNs = rtNs, Code = answered ? 0 : 1, Text = history, IntendedNs = screenOnsetNs,
    };

    /// <summary>One questionnaire item's answer.</summary>
    /// <param name="value">The scored value (reverse-scored where marked); NaN when unanswered.</param>
    /// <param name="point">The answer's label on the scale; null when unanswered.</param>
    public static EventRecord QuestionnaireAnswer(long timeNs, string phase, string questionnaire, string item, double value, string? point,
        long rtNs, bool reverse, string history) => new()
    {
        Kind = EventKind.Questionnaire, TimeNs = timeNs, Phase = phase, Screen = questionnaire, Stimulus = item, Value = value,
        RtNs = rtNs, Response = point, Code = reverse ? 1 : 0, Text = history,
    };

    /// <summary>A questionnaire's score by its rule; NaN when no item was answered.</summary>
    /// <param name="subscale">The subscale scored; null for the questionnaire's total.</param>
    public static EventRecord QuestionnaireScore(long timeNs, string phase, string questionnaire, double score, string description, string? subscale = null) => new()
    {
        Kind = EventKind.Questionnaire, TimeNs = timeNs, Phase = phase, Screen = QuestionnaireScoreEvent.ScreenName, Stimulus = questionnaire,
        Response = subscale, Value = score, Text = description,
    };

    /// <summary>Feedback targets filled by the selection's fallback: <paramref name="filled"/> from <paramref name="source"/>.</summary>
    public static EventRecord Fallback(long timeNs, string phase, string source, int filled, string text) =>
        new() { Kind = EventKind.Fallback, TimeNs = timeNs, Phase = phase, Response = source, Value = filled, Text = text };

    public static EventRecord Warning(long timeNs, in EventPlace at, string text) =>
        new() { Kind = EventKind.Warning, TimeNs = timeNs, Run = at.Run, Block = at.Block, Trial = at.Trial, Phase = at.Phase, Text = text };

    /// <param name="action">What the operator did ("pause_requested", "abort_confirmed", a machine trigger …).</param>
    public static EventRecord Operator(long timeNs, in EventPlace at, string action, string? text) => new()
    {
        Kind = EventKind.Operator, TimeNs = timeNs, Run = at.Run, Block = at.Block, Trial = at.Trial, Phase = at.Phase, Response = action, Text = text,
    };

    /// <param name="startedNs">When the device took the sound.</param>
    /// <param name="askedNs">When it was asked for.</param>
    public static EventRecord Audio(long startedNs, long askedNs, int run, int block, int trial, string screen, string sound) => new()
    {
        Kind = EventKind.Audio, TimeNs = startedNs, IntendedNs = askedNs, Run = run, Block = block, Trial = trial, Screen = screen, Stimulus = sound,
    };

    /// <summary>Where a session continues after an interruption (or where `run --run` starts): run, block, and why.</summary>
    public static EventRecord Interruption(long timeNs, int run, int block, string? phase, string text) =>
        new() { Kind = EventKind.Interruption, TimeNs = timeNs, Run = run, Block = block, Phase = phase, Text = text };
}
