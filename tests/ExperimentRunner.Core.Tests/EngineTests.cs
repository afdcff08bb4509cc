using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Simulation;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Core.Tests;

/// <summary>Operator actions when the live status reaches a point: "at run 1, block 2, trial 3, pause".</summary>
internal sealed class OperatorAt(LiveStatus live, params (Func<LiveStatus, bool> When, OperatorCommand Command)[] steps) : IOperatorControl
{
    private int _next;

    public OperatorCommand Poll(long nowNs)
    {
        if (_next >= steps.Length || !steps[_next].When(live)) return OperatorCommand.None;
        return steps[_next++].Command;
    }
}

public class EngineTests
{
    private static ParadigmModel Load(string name) => ParadigmLoader.Load(Repo.Paradigm(name)).Paradigm!;

    private static (SessionResult Result, MemoryEventSink Sink, Plan Plan, SessionRunner Runner) Run(
        string name, SimulationSettings? settings = null, Func<LiveStatus, IOperatorControl>? op = null, string participant = "sub-01")
    {
        var plan = Planner.Make(Load(name), new SessionFacts(participant));
        var sink = new MemoryEventSink();
        var live = new LiveStatus();
        var (result, runner) = Simulator.Run(plan, sink, settings ?? new SimulationSettings(),
            new SessionOptions { SessionId = "s1", Mode = "simulate", Live = live }, op?.Invoke(live));
        return (result, sink, plan, runner);
    }

    [Fact]
    public void OnlySelectedProfilesReceiveFeedback()
    {
        var (_, sink, _, runner) = Run("social-feedback-fmri.yaml", new SimulationSettings { Responder = new ResponderPolicy { Select = 0.8 } });
        var selected = sink.Events.Where(e => e.Kind == EventKind.Choice && e.Response == "definitely_yes").Select(e => e.Stimulus).ToHashSet();
        Assert.True(selected.Count >= 22);
        var feedback = sink.Events.Where(e => e.Kind == EventKind.ScreenOnset && e.Screen == "feedback").ToList();
        Assert.Equal(44, feedback.Count);
        Assert.All(feedback, f => Assert.Contains(f.Stimulus, selected));
        Assert.DoesNotContain(sink.Events, e => e.Kind == EventKind.Fallback);
        // No profile twice in a run.
        foreach (var run in feedback.GroupBy(f => f.Run)) Assert.Equal(run.Count(), run.Select(f => f.Stimulus).Distinct().Count());
    }

    [Fact]
    public void TooFewSelectionsAreFilledByTheFallbackAndRecorded()
    {
        var (_, sink, _, runner) = Run("social-feedback-fmri.yaml", new SimulationSettings { Responder = new ResponderPolicy { Select = 0.1 } });
        var choices = sink.Events.Where(e => e.Kind == EventKind.Choice && e.Phase == "selection").ToList();
        int selected = choices.Count(c => c.Response == "definitely_yes");
        Assert.True(selected < 22);
        var fills = sink.Events.Where(e => e.Kind == EventKind.Fallback).ToList();
        Assert.NotEmpty(fills);
        Assert.Equal("likely_yes", fills[0].Response);
        Assert.Equal(22 - selected, (int)fills.Sum(f => f.Value));
        Assert.Equal(22, runner.Targets.Count);
        // The selected ones come first: every selected profile is a target.
        var targets = runner.Targets.Select(t => (string?)t.Id).ToHashSet();
        Assert.All(choices.Where(c => c.Response == "definitely_yes"), c => Assert.Contains(c.Stimulus, targets));
    }

    [Fact]
    public void FeedbackScheduleDoesNotDependOnTheParticipant()
    {
        var a = Run("social-feedback-fmri.yaml", new SimulationSettings { Responder = new ResponderPolicy { Select = 0.9, RtNs = 400_000_000 } });
        var b = Run("social-feedback-fmri.yaml", new SimulationSettings { Responder = new ResponderPolicy { Select = 0.3, RtNs = 1_500_000_000 } });
        string Schedule(MemoryEventSink s) => string.Join(",", s.Events.Where(e => e.Kind == EventKind.ScreenOnset && e.Run > 0).Select(e => $"{e.Screen}:{e.Condition}"));
        Assert.Equal(Schedule(a.Sink), Schedule(b.Sink));
    }

    [Fact]
    public void AbortMidBlockLeavesAConsistentRecord()
    {
        var (result, sink, _, runner) = Run("social-feedback-fmri.yaml", op: live => new OperatorAt(live,
            (l => l.Run == 1 && l.Block == 2 && l.Trial == 3, OperatorCommand.Abort),
            (_ => true, OperatorCommand.ConfirmAbort)));
        Assert.Equal(SessionStatus.Aborted, result.Status);
        // The machine ends in its aborted state: its guard took the operator's confirmation.
        Assert.Same(SessionState.Aborted, runner.Machine.State);
        Assert.Equal("aborted", sink.End!.Status);
        var ops = sink.Events.Where(e => e.Kind == EventKind.Operator).Select(e => e.Response).ToList();
        Assert.Contains("abort_requested", ops);
        Assert.Contains("abort_confirmed", ops);
        // Block 1 ended; block 2 did not (a resume starts it again); the run is closed and says it ended early.
        Assert.Contains(sink.Events, e => e.Kind == EventKind.BlockEnded && e.Run == 1 && e.Block == 1);
        Assert.DoesNotContain(sink.Events, e => e.Kind == EventKind.BlockEnded && e.Run == 1 && e.Block == 2);
        var runEnd = Assert.Single(sink.Events, e => e.Kind == EventKind.RunEnded);
        Assert.True(runEnd.AsRunEnded().EndedEarly);
        Assert.DoesNotContain(sink.Events, e => e.Run == 2);
        // Nothing after the abort was shown.
        long abortAt = sink.Events.First(e => e.Response == "abort_confirmed").TimeNs;
        Assert.DoesNotContain(sink.Events, e => e.Kind == EventKind.ScreenOnset && e.TimeNs > abortAt + 20_000_000);
    }

    [Fact]
    public void PauseAndResumeMoveNothingLockedToTheScanner()
    {
        var clean = Run("social-feedback-fmri.yaml");
        var (result, sink, _, _) = Run("social-feedback-fmri.yaml", op: live => new OperatorAt(live,
            (l => l.Run == 1 && l.Block == 1 && l.Trial == 2, OperatorCommand.Pause),
            (l => l.Run == 1 && l.Block == 1 && l.Trial == 5, OperatorCommand.Resume)));
        Assert.Equal(SessionStatus.Completed, result.Status);
        var skipped = sink.Events.Where(e => e.Kind == EventKind.Warning && e.Text!.StartsWith("trial skipped")).ToList();
        Assert.NotEmpty(skipped);
        // Every screen that was shown is exactly where it was in the session without a pause.
        var cleanOnsets = clean.Sink.Events.Where(e => e.Kind == EventKind.ScreenOnset && e.Run > 0)
            .ToDictionary(e => (e.Run, e.Block, e.Trial, e.Screen), e => e.IntendedNs - RunT0(clean.Sink, e.Run));
        foreach (var e in sink.Events.Where(e => e.Kind == EventKind.ScreenOnset && e.Run > 0 && e.Screen != "paused"))
            Assert.Equal(cleanOnsets[(e.Run, e.Block, e.Trial, e.Screen!)], e.IntendedNs - RunT0(sink, e.Run));
        Assert.Contains(sink.Events, e => e.Kind == EventKind.Operator && e.Response == "pause");
        Assert.Contains(sink.Events, e => e.Kind == EventKind.Operator && e.Response == "resume");
    }

    private static long RunT0(MemoryEventSink sink, int run) => sink.Events.First(e => e.Kind == EventKind.RunStarted && e.Run == run).TimeNs;

    [Fact]
    public void EveryDroppedPulseIsDetectedAndNoneInvented()
    {
        var paradigm = Load("social-feedback-fmri.yaml");
        var plan = Planner.Make(paradigm, new SessionFacts("sub-04"));
        var clock = new VirtualClock();
        var scanner = new ScannerEmulator(clock, paradigm.Scanner.TrNs, dropout: 0.05, seed: 42);
        var sink = new MemoryEventSink();
        var devices = new SessionDevices
        {
            Clock = clock, Display = new SimulatedDisplay(clock, 60), Input = new SimulatedParticipant(clock, paradigm, new ResponderPolicy(), 1),
            Trigger = scanner, Sink = sink,
        };
        new SessionRunner(plan, devices, new SessionOptions { SessionId = "s", Mode = "simulate" }).Run();
        // The emulator numbers pulses from arming (dummy scans first) and across runs; translate to (run, volume).
        var runs = sink.Events.Where(e => e.Kind == EventKind.RunStarted).ToList();
        var detected = sink.Events.Where(e => e.Kind == EventKind.MissingPulse).Select(e => (e.Run, e.AsMissingPulse().Volume)).ToHashSet();
        var pulses = sink.Events.Where(e => e.Kind == EventKind.Pulse && !e.AsPulse().IsDummy).Select(e => (e.Run, e.AsPulse().Volume)).ToHashSet();
        Assert.NotEmpty(detected);
        Assert.Empty(detected.Intersect(pulses));
        foreach (var run in runs)
        {
            int last = pulses.Where(p => p.Run == run.Run).Max(p => p.Volume);
            for (int v = 0; v <= last; v++)
                Assert.True(pulses.Contains((run.Run, v)) ^ detected.Contains((run.Run, v)), $"run {run.Run} volume {v}");
        }
    }

    [Fact]
    public void RatingsRecordTheirCursorHistoryAndTimeouts()
    {
        var (_, sink, _, _) = Run("social-feedback-fmri.yaml", new SimulationSettings { Responder = new ResponderPolicy { Miss = 0.6 } });
        var ratings = sink.Events.Where(e => e.Kind == EventKind.Rating).Select(e => e.AsRating()).ToList();
        Assert.Contains(ratings, r => double.IsNaN(r.Value) && !r.Answered);
        Assert.Contains(ratings, r => r.Answered && r.History!.Contains(';'));
        Assert.All(ratings.Where(r => r.Answered), r => Assert.EndsWith(":" + r.Value.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture), r.History!));
        var score = Assert.Single(sink.Events, e => e.Kind == EventKind.Questionnaire && e.Screen == "score");
        Assert.Equal("resilience", score.Stimulus);
    }

    [Fact]
    public void PredictionsAreMarkedConsistentOrViolated()
    {
        var (_, sink, _, _) = Run("social-judgment-fmri.yaml");
        var predictions = sink.Events.Where(e => e.IsPrediction() && e.Screen == "question").Select(e => e.AsPrediction()).Where(p => p.Answered).ToList();
        Assert.Equal(40, predictions.Count);
        Assert.All(predictions, p =>
        {
            bool yes = p.Response == "yes";
            bool positive = p.Condition == "positive";
            Assert.Equal(yes, p.PredictedYes);
            Assert.Equal(yes == positive ? PredictionOutcome.Consistent : PredictionOutcome.Violated, p.Outcome);
        });
    }

    [Fact]
    public void ResponsesOutsideAnyWindowAreLoggedNotDropped()
    {
        var (_, sink, _, _) = Run("social-feedback-fmri.yaml", new SimulationSettings { Responder = new ResponderPolicy { Stray = 0.5 } });
        var stray = sink.Events.Where(e => e.Kind == EventKind.Response && !e.AsResponse().InWindow).ToList();
        Assert.NotEmpty(stray);
        Assert.All(stray, s => Assert.True(s.RtNs != EventRecord.None));
    }

    [Fact]
    public void AnHourOfSessionSimulatesInSeconds()
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var (result, sink, plan, _) = Run("social-feedback-pet.yaml");
        Assert.Equal(SessionStatus.Completed, result.Status);
        Assert.True(result.Flips > 60 * 60 * 15, $"{result.Flips} flips");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), $"took {sw.Elapsed}");
    }

    [Fact]
    public void TheGraphMatchesItsExpectedFile()
    {
        var machine = new SessionMachine(Load("social-feedback-fmri.yaml"));
        var expected = File.ReadAllText(Path.Combine(Repo.Root, "tests", "ExperimentRunner.Core.Tests", "Expected", "social-feedback-fmri.mermaid"));
        Assert.Equal(expected.TrimEnd(), machine.ToMermaid().TrimEnd());
    }
}

public class VolumeLockTests
{
    [Fact]
    public void ABlockLockedToAVolumeStartsOnThatPulseEvenWhenTheScannerDrifts()
    {
        var text = Variants.Shipped("social-feedback-fmri.yaml")
            .Replace("block_order: latin_square", "block_order: fixed")
            .Replace("        - {label: reject, condition: rejection, trials: 8}", "        - {label: reject, condition: rejection, trials: 8, at_volume: 55}");
        var load = ParadigmLoader.Load(Variants.Write("locked.yaml", text));
        Assert.True(load.IsValid, string.Join("\n", load.Diagnostics));
        var paradigm = load.Paradigm!;
        var plan = Planner.Make(paradigm, new SessionFacts("sub-01"));
        Assert.Contains(plan.Runs.First().Events, e => e.AtVolume == 55 && e.Block == 2 && e.Trial == 1);

        var clock = new VirtualClock();
        // A scanner whose TR is 3 ms longer than nominal: by volume 55 it is 165 ms late against the clock.
        var scanner = new ScannerEmulator(clock, paradigm.Scanner.TrNs + 3_000_000, seed: 5);
        var sink = new MemoryEventSink();
        var devices = new SessionDevices
        {
            Clock = clock, Display = new SimulatedDisplay(clock, 60), Input = new SimulatedParticipant(clock, paradigm, new ResponderPolicy(), 1),
            Trigger = scanner, Sink = sink,
        };
        new SessionRunner(plan, devices, new SessionOptions { SessionId = "s", Mode = "simulate" }).Run();
        foreach (int run in new[] { 1, 2 })
        {
            var pulse55 = sink.Events.Single(e => e.Kind == EventKind.Pulse && e.Run == run && e.AsPulse() is { IsDummy: false, Volume: 55 });
            var first = sink.Events.First(e => e.Kind == EventKind.ScreenOnset && e.Run == run && e.Block == 2 && e.Trial == 1);
            Assert.InRange(first.TimeNs - pulse55.TimeNs, 0, 2 * 16_666_667);
            Assert.InRange(first.IntendedNs, pulse55.TimeNs, pulse55.TimeNs);
            // Later screens keep their planned distance from the locked one.
            var later = sink.Events.Where(e => e.Kind == EventKind.ScreenOnset && e.Run == run && e.Block == 2 && e.Trial == 4).First();
            var plannedGap = plan.Runs.First(r => r.Index == run).Events.First(e => e.Block == 2 && e.Trial == 4).OnsetNs
                - plan.Runs.First(r => r.Index == run).Events.First(e => e.Block == 2 && e.Trial == 1).OnsetNs;
            Assert.InRange(later.IntendedNs - first.IntendedNs, plannedGap, plannedGap);
        }
    }
}

/// <summary>What the participant sees while the scanner warms up: a countdown that says what it counts, or nothing.</summary>
public class WaitScreenTests
{
    /// <summary>Records what the flips showed of each wait screen (a change of number, once).</summary>
    private sealed class Recording(IDisplay inner) : IDisplay
    {
        public readonly List<(SceneSpec Scene, int Counter)> WaitShows = [];
        private (SceneSpec? Scene, int Counter) _current;
        public double RefreshHz => inner.RefreshHz;
        public long PeriodNs => inner.PeriodNs;
        public string Timing => inner.Timing;
        public (int Width, int Height) Size => inner.Size;
        public void Prepare(IReadOnlyCollection<SceneSpec> scenes, IProgress<int>? progress = null) => inner.Prepare(scenes, progress);

        public void Show(SceneSpec scene, in SceneState state)
        {
            _current = (scene, state.Counter);
            inner.Show(scene, state);
        }

        public long Flip()
        {
            if (_current.Scene is { Kind: SceneKind.Wait } wait && (WaitShows.Count == 0 || WaitShows[^1] != (wait, _current.Counter)))
                WaitShows.Add((wait, _current.Counter));
            return inner.Flip();
        }
        public void Dispose() => inner.Dispose();
    }

    private static Recording Simulate(string name)
    {
        var paradigm = ParadigmLoader.Load(Repo.Paradigm(name)).Paradigm!;
        var plan = Planner.Make(paradigm, new SessionFacts("sub-04"));
        var clock = new VirtualClock();
        var display = new Recording(new SimulatedDisplay(clock, 60));
        ITriggerSource trigger = paradigm.Scanner.Modality == Modality.Fmri ? new ScannerEmulator(clock, paradigm.Scanner.TrNs, dropout: 0, seed: 1) : new ImmediateStart(clock);
        var devices = new SessionDevices
        {
            Clock = clock, Display = display, Input = new SimulatedParticipant(clock, paradigm, new ResponderPolicy(), 1),
            Trigger = trigger, Sink = new MemoryEventSink(),
        };
        new SessionRunner(plan, devices, new SessionOptions { SessionId = "s", Mode = "simulate" }).Run();
        return display;
    }

    [Fact]
    public void AnFmriWaitScreenCountsDownTheDummyVolumesAndSaysWhatItCounts()
    {
        var paradigm = ParadigmLoader.Load(Repo.Paradigm("social-feedback-fmri.yaml")).Paradigm!;
        int dummies = paradigm.Scanner.DummyScans;
        Assert.True(dummies > 0);
        var shows = Simulate("social-feedback-fmri.yaml").WaitShows;
        Assert.NotEmpty(shows);
        // Per run: dummies, dummies - 1, …, 0; then the next pulse is the run's t0.
        var perRun = new List<List<int>>();
        foreach (var (_, counter) in shows)
        {
            if (counter == dummies) perRun.Add([]);
            perRun[^1].Add(counter);
        }
        Assert.All(perRun, counts => Assert.Equal(Enumerable.Range(0, dummies + 1).Reverse(), counts));
        Assert.All(shows, s => Assert.Contains("warm-up volumes", s.Scene.Footer));
    }

    [Fact]
    public void AWaitScreenWithoutWarmUpVolumesShowsNoNumber()
    {
        var shows = Simulate("social-feedback-pet.yaml").WaitShows;
        Assert.NotEmpty(shows);
        Assert.All(shows, s => Assert.Equal(-1, s.Counter));
        Assert.All(shows, s => Assert.Null(s.Scene.Footer));
    }
}
