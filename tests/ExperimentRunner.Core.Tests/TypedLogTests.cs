using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Simulation;

namespace ExperimentRunner.Core.Tests;

/// <summary>The typed session log: each kind written by its factory reads back field by field through its reader,
/// records of earlier versions read as they were meant, and every event of a run carries its time from t0.</summary>
public sealed class TypedLogTests
{
    private static readonly EventPlace At = new(2, 3, 4, "scan");

    [Fact]
    public void Every_factory_is_read_back_by_its_reader_field_by_field()
    {
        Assert.Equal(new PulseEvent(10, 2, -3, true), SessionEvents.Pulse(10, 2, -3, dummy: true).AsPulse());
        Assert.Equal(new PulseEvent(11, 2, 7, false), SessionEvents.Pulse(11, 2, 7, dummy: false).AsPulse());
        Assert.Equal(new MissingPulseEvent(12, 2, 8), SessionEvents.MissingPulse(12, 2, 8).AsMissingPulse());
        Assert.Equal(new RunStartedEvent(13, 2, 900, 4, "t0"), SessionEvents.RunStarted(13, 2, "scan", 900, 4, "t0").AsRunStarted());
        Assert.Equal(0, SessionEvents.RunStarted(13, 2, "scan", 900, 4, "t0").SinceT0Ns);
        Assert.Equal(new RunEndedEvent(14, 2, 2.001, true, "s"), SessionEvents.RunEnded(14, 2, "scan", 2.001, true, "s").AsRunEnded());
        Assert.True(SessionEvents.RunEndedBeforeT0(15, 2, "scan").AsRunEnded().EndedEarly);
        Assert.Equal(new PhaseStartedEvent(16, "scan", "scan"), SessionEvents.PhaseStarted(16, "scan", "scan").AsPhaseStarted());
        Assert.Equal(new PhaseEndedEvent(17, "scan", "stopped"), SessionEvents.PhaseEnded(17, "scan", "stopped").AsPhaseEnded());
        Assert.Equal(new BlockStartedEvent(18, 19, 2, 3, "a+b", "B"), SessionEvents.BlockStarted(18, 19, 2, 3, "scan", "a+b", "B").AsBlockStarted());
        Assert.Equal(new TrialStartedEvent(20, 21, 2, 3, 4, "pos", "p01"), SessionEvents.TrialStarted(20, 21, At, "pos", "p01").AsTrialStarted());
        var onset = SessionEvents.ScreenOnset(22, 20, 500, At, "feedback", "pos", "p01", "images/p01.png", 12).AsScreenOnset();
        Assert.Equal(new ScreenOnsetEvent(22, 20, 500, "feedback", "pos", "p01", "images/p01.png", 12), onset);
        Assert.Equal(2, onset.OnsetErrorNs);
        Assert.Equal(new FlipEvent(23, 22, 99), SessionEvents.Flip(23, 22, 2, 99).AsFlip());
        Assert.Equal(new MissedFrameEvent(24, 20, "isi", 1.5), SessionEvents.MissedFrame(24, 20, 2, 3, 4, "isi", 1.5).AsMissedFrame());
        Assert.Equal(new ResponseEvent(25, "question", "yes", null, 300, true), SessionEvents.Response(25, At, "question", "pos", "p01", "yes", "1", 300, inWindow: true).AsResponse());
        var stray = SessionEvents.Response(26, At, "isi", "pos", "p01", null, "x", 400, inWindow: false).AsResponse();
        Assert.Equal(("x", "x", false), (stray.Key, stray.Answer, stray.InWindow));
        var selection = SessionEvents.Selection(27, "selection", "selection", "p02", "like", 350, selects: true);
        Assert.True(selection.IsSelection());
        Assert.Equal(new SelectionEvent(27, "selection", "selection", "p02", "like", 350, true), selection.AsSelection());
        Assert.False(SessionEvents.Selection(28, "selection", "selection", "p03", null, EventRecord.None, selects: false).AsSelection().Answered);
        var prediction = SessionEvents.Prediction(29, At, "question", "pos", "p01", "yes", 310, predictedYes: true, PredictionOutcome.Consistent);
        Assert.True(prediction.IsPrediction());
        Assert.Equal(new PredictionEvent(29, "question", "pos", "p01", "yes", true, 310, true, PredictionOutcome.Consistent), prediction.AsPrediction());
        var rating = SessionEvents.Rating(30, 2, 3, "scan", "mood", "pos", 55, answered: true, 800, 25, "0:50;800:55").AsRating();
        Assert.Equal(new RatingEvent(30, "mood", "pos", 55, true, 800, 25, "0:50;800:55"), rating);
        Assert.True(double.IsNaN(SessionEvents.Rating(31, 2, 3, "scan", "mood", "pos", 55, answered: false, EventRecord.None, 25, "0:50").AsRating().Value));
        var answer = SessionEvents.QuestionnaireAnswer(32, "q", "panas", "i3", 4, "often", 900, reverse: true, "0:3");
        Assert.False(answer.IsQuestionnaireScore());
        Assert.Equal(new QuestionnaireAnswerEvent(32, "panas", "i3", 4, "often", 900, true, "0:3"), answer.AsQuestionnaireAnswer());
        var score = SessionEvents.QuestionnaireScore(33, "q", "panas", 21, "sum of 7/7 answered items");
        Assert.True(score.IsQuestionnaireScore());
        Assert.Equal(new QuestionnaireScoreEvent(33, "panas", 21, "sum of 7/7 answered items"), score.AsQuestionnaireScore());
        Assert.Equal(new MarkerEvent(35, 34, 20, "feedback", "udp"), SessionEvents.Marker(35, 34, 20, "feedback", "udp").AsMarker());
        Assert.Equal(new FallbackEvent(36, "unrated", 3, "t"), SessionEvents.Fallback(36, "selection", "unrated", 3, "t").AsFallback());
        Assert.Equal(new OperatorEvent(37, "pause_requested", "t"), SessionEvents.Operator(37, At, "pause_requested", "t").AsOperator());
        Assert.Equal(new AudioEvent(39, 38, "feedback", "chime"), SessionEvents.Audio(39, 38, 2, 3, 4, "feedback", "chime").AsAudio());
        Assert.Equal(new InterruptionEvent(40, 2, 3, "why"), SessionEvents.Interruption(40, 2, 3, "scan", "why").AsInterruption());
        var scored = SessionEvents.Scored(41, At, "arrows", "congruent", null, "left", "left", 420, 40).AsScored();
        Assert.Equal(new ScoredEvent(41, "arrows", "congruent", "left", "left", 420, 40, true), scored);
        Assert.True(scored.Answered);
        var missed = SessionEvents.Scored(42, At, "arrows", "congruent", null, null, "left", EventRecord.None, 40).AsScored();
        Assert.Equal((false, false), (missed.Answered, missed.IsCorrect));
        Assert.Equal(new ExpectancyEvent(43, "acceptance", "p01", "interested", "positive", true),
            SessionEvents.Expectancy(43, At, "acceptance", "p01", "interested", "positive", 1).AsExpectancy());
        Assert.Null(SessionEvents.Expectancy(44, At, "acceptance", "p01", "interested", null, double.NaN).AsExpectancy().Confirms);
        var thrown = SessionEvents.Throw(45, 1000, 44, At, "ball_toss", "inclusion", "Anna", "You", EventRecord.None, 3, "ball_to_participant", ThrowEnd.Thrown).AsThrow();
        Assert.Equal(new ThrowEvent(45, 1000, 44, "ball_toss", "inclusion", "Anna", "You", EventRecord.None, 3, "ball_to_participant", ThrowEnd.Thrown), thrown);
        Assert.Equal(1045, thrown.ArrivalNs);
        Assert.Equal(EventRecord.None, SessionEvents.Throw(46, EventRecord.None, EventRecord.None, At, "ball_toss", "inclusion", "You", "Ben", 700, 4,
            "participant_throw", ThrowEnd.CutByScreenEnd).AsThrow().ArrivalNs);
        Assert.Equal(new GameEndedEvent(47, "ball_toss", "exclusion", 30, 2, "exclusion"),
            SessionEvents.GameEnded(47, At, "ball_toss", "exclusion", 30, 2, "exclusion").AsGameEnded());
        Assert.Equal("subscale_a", SessionEvents.QuestionnaireScore(48, "q", "nts", 3.5, "mean", "subscale_a").AsQuestionnaireScore().Subscale);
    }

    [Fact]
    public void A_reader_refuses_a_record_of_another_kind()
    {
        var e = Assert.Throws<InvalidOperationException>(() => SessionEvents.Flip(1, 0, 1, 1).AsPulse());
        Assert.Contains("Flip", e.Message);
    }

    [Theory]
    [InlineData(true, true, PredictionOutcome.Consistent)]
    [InlineData(true, false, PredictionOutcome.Violated)]
    [InlineData(false, true, PredictionOutcome.None)]
    [InlineData(false, false, PredictionOutcome.None)]
    public void The_prediction_outcome_is_decided_in_one_place(bool answered, bool feedbackMatchesExpectation, PredictionOutcome expected)
    {
        Assert.Equal(expected, PredictionOutcomes.Of(answered, feedbackMatchesExpectation));
        Assert.Equal(PredictionOutcome.None, PredictionOutcomes.Of(answered, null));
        Assert.Equal(expected, PredictionOutcomes.Parse(expected.Name()));
    }

    /// <summary>The flat form as 0.1 and 0.2 wrote it, by hand: the readers take it as it was meant.</summary>
    [Fact]
    public void Records_of_earlier_versions_read_as_they_were_meant()
    {
        var dummy = new EventRecord { Kind = EventKind.Pulse, TimeNs = 5, Run = 1, Code = 1, Value = -2 };
        Assert.Equal(new PulseEvent(5, 1, -2, true), dummy.AsPulse());
        Assert.False(dummy.AsPulse().IsCounted);
        // 0.2 closed a run left while it waited for the scanner without marking it early: it is not a finished run.
        var leftBeforeT0 = new EventRecord { Kind = EventKind.RunEnded, TimeNs = 6, Run = 1, Text = "ended before the scanner started" };
        Assert.True(leftBeforeT0.AsRunEnded().EndedEarly);
        var timedOut = new EventRecord { Kind = EventKind.Choice, Trial = 2, Code = 1, Screen = "question" };
        Assert.False(timedOut.AsPrediction().Answered);
        Assert.False(timedOut.AsPrediction().PredictedYes);
        Assert.Equal(EventRecord.None, timedOut.SinceT0Ns);
    }

    [Fact]
    public void Every_event_of_a_run_carries_its_time_from_that_runs_t0()
    {
        var paradigm = ParadigmLoader.Load(Repo.Paradigm("social-feedback-fmri.yaml")).Paradigm!;
        var plan = Planner.Make(paradigm, new SessionFacts("sub-01", "1", 3));
        var sink = new MemoryEventSink();
        Simulator.Run(plan, sink, new SimulationSettings(), new SessionOptions { SessionId = "s", Mode = "simulate" });
        var t0 = new Dictionary<int, long>();
        int stamped = 0;
        foreach (EventRecord e in sink.Events)
        {
            // t0 is the first counted pulse (written just before the RunStarted that names it).
            if (e.Kind == EventKind.Pulse && e.AsPulse() is { IsDummy: false, Volume: 0 }) t0[e.Run] = e.TimeNs;
            if (e.Kind == EventKind.RunStarted) Assert.Equal(t0[e.Run], e.AsRunStarted().T0Ns);
            if (e.Run > 0 && t0.TryGetValue(e.Run, out long runT0))
            {
                Assert.Equal(e.TimeNs - runT0, e.SinceT0Ns);
                stamped++;
            }
            else Assert.Equal(EventRecord.None, e.SinceT0Ns); // outside runs, and the wait and dummy pulses before a t0
        }
        Assert.True(stamped > 1000, $"only {stamped} events carried a time from t0");
        Assert.Contains(sink.Events, e => e.Kind == EventKind.Pulse && e.AsPulse().IsDummy && e.SinceT0Ns == EventRecord.None);
    }
}
