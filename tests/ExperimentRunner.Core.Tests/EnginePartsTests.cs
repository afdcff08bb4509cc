using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Events;

namespace ExperimentRunner.Core.Tests;

/// <summary>The runner's parts, each alone: the frame clock's missed-frame rule and the response window's rules.</summary>
public class EnginePartsTests
{
    private const long Period = 16_666_667;

    [Fact]
    public void AFlipMoreThanHalfAPeriodAfterItsDeadlineIsAMissedFrame()
    {
        long deadline = 1_000_000_000;
        Assert.False(FrameClock.IsMissed(deadline, deadline, Period));
        Assert.False(FrameClock.IsMissed(deadline + Period / 2, deadline, Period));
        Assert.True(FrameClock.IsMissed(deadline + Period / 2 + 1, deadline, Period));
        Assert.True(FrameClock.IsMissed(deadline + Period, deadline, Period));
    }

    [Fact]
    public void TheFirstFlipHasNoDeadlineAndCannotBeMissed() =>
        Assert.False(FrameClock.IsMissed(5_000_000_000, EventRecord.None, Period));

    private static SceneSpec Scene(string key) => new() { Key = key, Kind = SceneKind.Text };

    [Fact]
    public void AChoiceScreenTakesItsFirstAcceptedResponseAndLogsLaterOnesOutOfWindow()
    {
        var w = new ResponseWindow(Scene("blank"));
        w.Begin(Scene("q"), ScreenMode.Choice, "question", ["yes", "no"]);
        w.Flipped(1_000);
        w.Shown(1_000);

        Assert.False(w.Judge("maybe", 1_500).InWindow);
        Assert.False(w.Take("maybe", 1_500));
        Assert.False(w.Responded);

        var first = w.Judge("yes", 2_000);
        Assert.True(first.InWindow);
        Assert.False(first.ToPrevious);
        Assert.Equal(1_000, first.OnsetNs);
        w.Take("yes", 2_000);
        Assert.True(w.Responded);
        Assert.Equal("yes", w.Response);
        Assert.Equal(1_000, w.RtNs);

        Assert.False(w.Judge("no", 3_000).InWindow);
        w.Take("no", 3_000);
        Assert.Equal("yes", w.Response);
    }

    [Fact]
    public void AKeyPressedBeforeAScreensOnsetBelongsToTheScreenBefore()
    {
        var w = new ResponseWindow(Scene("blank"));
        w.Begin(Scene("a"), ScreenMode.Choice, "first", ["yes"]);
        w.Flipped(1_000);
        w.Begin(Scene("b"), ScreenMode.Choice, "second", ["yes"]);
        w.Flipped(2_000);

        var early = w.Judge("yes", 1_900);
        Assert.True(early.ToPrevious);
        Assert.False(early.InWindow);
        Assert.Equal(1_000, early.OnsetNs);
        Assert.Equal("first", w.PreviousScreenName);
        Assert.True(w.Judge("yes", 2_100).InWindow);
    }

    [Fact]
    public void ARatingsKeysMoveItsCursorWithinTheScaleAndConfirmEndsIt()
    {
        var r = new Paradigm.RatingSpec("mood", "How?", RatingKind.Likert, 1, 3, "low", "high", [], 2, 1, 0, "left", "right", "ok", 0, default);
        var w = new ResponseWindow(Scene("blank"));
        w.Begin(Scene("r"), ScreenMode.Rating, "mood", ["left", "right", "ok"], r, 2);
        w.Flipped(1_000_000);
        w.Shown(1_000_000);
        Assert.True(w.Take("right", 2_000_000));
        Assert.True(w.Take("right", 3_000_000));
        Assert.Equal(3, w.State.Cursor);
        Assert.True(w.Judge("ok", 4_000_000).InWindow);
        Assert.False(w.Take("ok", 4_000_000));
        Assert.True(w.Responded);
        Assert.Equal("0:2;1:3;2:3", w.History());
    }
}

/// <summary>The scan schedule alone: a resume mid-run keeps the lead-in and moves the rest to follow it.</summary>
public class ScanScheduleTests
{
    private static Planning.PlannedEvent Event(int block, Planning.PlannedRole role, long onsetNs, long durationNs) => new()
    {
        Run = 1, Block = block, Trial = 0, Condition = "", Screen = role.ToString(), Role = role,
        OnsetNs = onsetNs, DurationNs = durationNs, OnsetFrame = onsetNs / 1_000_000, DurationFrames = durationNs / 1_000_000,
    };

    [Fact]
    public void AResumeAtABlockFollowsTheLeadInWithTheRestShiftedEarlier()
    {
        var planned = new List<Planning.PlannedEvent>
        {
            Event(0, Planning.PlannedRole.LeadIn, 0, 10_000_000),
            Event(1, Planning.PlannedRole.Screen, 10_000_000, 20_000_000),
            Event(2, Planning.PlannedRole.Screen, 30_000_000, 20_000_000),
            Event(0, Planning.PlannedRole.LeadOut, 50_000_000, 10_000_000),
        };
        var events = Engine.ScanSchedule.FromBlock(planned, 2, out long shift);
        Assert.Equal(20_000_000, shift);
        Assert.Equal([0L, 10_000_000L, 30_000_000L], events.Select(e => e.OnsetNs));
        Assert.Equal([0L, 10L, 30L], events.Select(e => e.OnsetFrame));
        Assert.Equal(planned, Engine.ScanSchedule.FromBlock(planned, 1, out long none));
        Assert.Equal(0, none);
    }
}

/// <summary>The scanner clock alone: dummies, t0, volumes, a lost pulse.</summary>
public class ScannerClockTests
{
    [Fact]
    public void DummiesAreCountedDownThenT0ThenALostPulseIsLoggedAsMissing()
    {
        var p = Paradigm.ParadigmLoader.Load(Repo.Paradigm("social-feedback-fmri.yaml")).Paradigm!;
        var plan = Planning.Planner.Make(p, new Planning.SessionFacts("sub-01"));
        var clock = new Time.VirtualClock();
        var sink = new MemoryEventSink();
        var devices = new SessionDevices
        {
            Clock = clock, Display = new Simulation.SimulatedDisplay(clock, 60), Trigger = new ImmediateStart(clock), Sink = sink,
            Input = new Simulation.SimulatedParticipant(clock, p, new Simulation.ResponderPolicy(), 1),
        };
        var scanner = new ScannerClock(new SessionContext(plan, devices, new SessionOptions { SessionId = "s", Mode = "simulate" }, () => false));
        long tr = p.Scanner.TrNs;

        scanner.Arm(2);
        Assert.True(scanner.Pulse(0));
        Assert.True(scanner.Pulse(tr));
        Assert.Equal(0, scanner.DummiesLeft);
        Assert.False(scanner.Pulse(2 * tr));
        Assert.False(scanner.WaitingForT0);
        Assert.Equal(2 * tr, scanner.T0Ns);

        scanner.Pulse(3 * tr);
        scanner.Pulse(5 * tr); // volume 2 never came
        Assert.Equal([0, 1, 3], scanner.RunPulses.Select(x => x.Volume));
        Assert.Equal(1, scanner.MissingPulses);
        Assert.Equal(2, Assert.Single(sink.Events, e => e.Kind == EventKind.MissingPulse).AsMissingPulse().Volume);
        Assert.Equal(tr / 1e9, scanner.MeasuredTrSeconds(), 6);
    }
}
