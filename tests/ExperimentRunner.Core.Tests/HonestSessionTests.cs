using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Simulation;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Core.Tests;

/// <summary>A session's record says what happened (issue 11): crashes, any screen order, and no feedback without a selection.</summary>
public class HonestSessionTests
{
    private static ParadigmModel Load(string path)
    {
        var load = ParadigmLoader.Load(path);
        Assert.True(load.IsValid, string.Join("\n", load.Diagnostics));
        return load.Paradigm!;
    }

    private static SessionOptions Options(IReadOnlyList<string>? skip = null) =>
        new() { SessionId = "s1", Mode = "simulate", SkipPhases = skip ?? [] };

    [Fact]
    public void ADeviceThatFailsMidRunLeavesACrashedRecordThatSaysWhereWithEverythingBefore()
    {
        var plan = Planner.Make(Load(Repo.Paradigm("social-feedback-fmri.yaml")), new SessionFacts("sub-01"));
        // A clean session's length in flips, then a fault at a seeded random flip within it.
        var (clean, _) = Simulator.Run(plan, new MemoryEventSink(), new SimulationSettings(), Options());
        long fault = new Random(11).NextInt64(clean.Flips / 3, clean.Flips - 100);
        var sink = new MemoryEventSink();

        var e = Assert.Throws<SessionCrashedException>(() => Simulator.Run(plan, sink, new SimulationSettings { FaultAtFlip = fault }, Options()));

        Assert.NotNull(sink.End);
        Assert.Equal("crashed", sink.End!.Status);
        Assert.Contains($"flip {fault}", sink.End.Reason);
        Assert.Contains("in phase ", sink.End.Reason);
        Assert.Contains("in phase ", e.Where);
        Assert.Equal("s1", e.SessionId);
        Assert.IsType<SimulatedDeviceFault>(e.InnerException);
        // Every flip before the fault is recorded, and nothing after it.
        Assert.Equal(fault, sink.Events.Count(x => x.Kind == EventKind.Flip));
    }

    [Fact]
    public void ACrashAfterTheScanNamesItsPhaseAndScreenButNoRun()
    {
        var plan = Planner.Make(Load(Repo.Paradigm("social-feedback-fmri.yaml")), new SessionFacts("sub-01"));
        var (clean, _) = Simulator.Run(plan, new MemoryEventSink(), new SimulationSettings(), Options());

        var e = Assert.Throws<SessionCrashedException>(() =>
            Simulator.Run(plan, new MemoryEventSink(), new SimulationSettings { FaultAtFlip = clean.Flips - 5 }, Options()));

        Assert.StartsWith($"in phase {plan.Paradigm.Phases[^1].Name}, screen ", e.Where);
        Assert.DoesNotContain("run", e.Where);
    }

    [Theory]
    [InlineData("rating", "iti")]
    [InlineData("mood_rating", "rest")]
    public void AnyScreenMayFollowARatingInsideATrial(string ratingScreen, string after)
    {
        var path = Variants.Write($"rating-then-{after}.yaml", Variants.Shipped("social-feedback-fmri.yaml")
            .Replace("volumes: 150", "volumes: 300")
            .Replace("""
                      - name: feedback
                        show: feedback
                        duration: 2.5s

                """, $"""
                      - name: feedback
                        show: feedback
                        duration: 2.5s
                      - name: {ratingScreen}
                        show: rating
                        rating: mood
                        duration: 8s
                      - name: {after}
                        show: fixation
                        duration: 1s

                """));
        var plan = Planner.Make(Load(path), new SessionFacts("sub-01"));
        var sink = new MemoryEventSink();

        var (result, _) = Simulator.Run(plan, sink, new SimulationSettings(), Options());

        Assert.Equal(SessionStatus.Completed, result.Status);
        int trials = plan.Runs.Sum(r => r.Events.Where(x => x.Trial > 0).Select(x => (x.Block, x.Trial)).Distinct().Count());
        Assert.Equal(trials, sink.Events.Count(x => x.Kind == EventKind.ScreenOnset && x.Screen == after && x.Trial > 0));
        Assert.Equal(trials, sink.Events.Count(x => x.Kind == EventKind.ScreenOnset && x.Screen == ratingScreen && x.Trial > 0));
    }

    [Fact]
    public void AScanOfSelectedProfilesWithoutAnySelectionIsRefusedBeforeAnythingIsStored()
    {
        var plan = Planner.Make(Load(Repo.Paradigm("social-feedback-fmri.yaml")), new SessionFacts("sub-01"));
        var sink = new MemoryEventSink();

        var e = Assert.Throws<InvalidOperationException>(() => Simulator.Run(plan, sink, new SimulationSettings(), Options(["selection"])));

        Assert.Contains("targets: selected", e.Message);
        Assert.Contains("skipped", e.Message);
        Assert.Null(sink.Info);
        Assert.Empty(sink.Events);
        Assert.NotNull(SelectionSource.NeededFromEarlier(plan, ["selection"], null));
        Assert.Null(SelectionSource.NeededFromEarlier(plan, [], null));
    }

    [Fact]
    public void ASkippedSelectionTakesTheEarlierOneAndShowsOnlyThoseProfiles()
    {
        var paradigm = Load(Repo.Paradigm("social-feedback-fmri.yaml"));
        var plan = Planner.Make(paradigm, new SessionFacts("sub-01"));
        var selected = paradigm.ProfileRows.Take(30).Select(p => (p.Id, (string?)"definitely_yes"));
        var rejected = paradigm.ProfileRows.Skip(30).Take(10).Select(p => (p.Id, (string?)"definitely_no"));
        var sink = new MemoryEventSink();

        var (result, _) = Simulator.Run(plan, sink, new SimulationSettings(),
            Options(["selection"]) with { EarlierSelections = [.. selected, .. rejected] });

        Assert.Equal(SessionStatus.Completed, result.Status);
        var ids = selected.Select(s => (string?)s.Id).ToHashSet();
        var feedback = sink.Events.Where(x => x.Kind == EventKind.ScreenOnset && x.Screen == "feedback").ToList();
        Assert.NotEmpty(feedback);
        Assert.All(feedback, f => Assert.Contains(f.Stimulus, ids));
        Assert.DoesNotContain(sink.Events, x => x.Kind == EventKind.Warning && x.Text!.Contains("repeat"));
    }

    [Fact]
    public void NoFeedbackTargetAtAllIsACrashBeforeTheRunNotFeedbackWithoutAProfile()
    {
        var path = Variants.Write("no-fallback.yaml", Variants.Shipped("social-feedback-fmri.yaml")
            .Replace("      fallback: [likely_yes, unrated, any]\n", "      fallback: []\n")
            .Replace("      min_selected: 22\n", ""));
        var plan = Planner.Make(Load(path), new SessionFacts("sub-01"));
        var sink = new MemoryEventSink();
        // The participant selects no profile, and nothing fills in.
        var settings = new SimulationSettings { Responder = ResponderPolicy.Parse("select=0") };

        var e = Assert.Throws<SessionCrashedException>(() => Simulator.Run(plan, sink, settings, Options()));

        Assert.Contains("no feedback target", e.Message);
        Assert.Equal("in phase feedback, run 1, while preparing its screens", e.Where);
        Assert.Equal("crashed", sink.End!.Status);
        Assert.DoesNotContain(sink.Events, x => x.Kind == EventKind.ScreenOnset && x.Screen == "feedback");
        Assert.DoesNotContain(sink.Events, x => x.Kind == EventKind.Warning && x.Text!.Contains("repeat"));
    }

    [Fact]
    public void AManualStartStartsTheRunAtOnceWhateverTheDummyScans()
    {
        var paradigm = Load(Repo.Paradigm("social-judgment-fmri.yaml"));
        Assert.True(paradigm.Scanner.DummyScans > 0);
        var plan = Planner.Make(paradigm, new SessionFacts("sub-01"));
        var clock = new VirtualClock();
        var sink = new MemoryEventSink();
        var devices = new SessionDevices
        {
            Clock = clock, Display = new SimulatedDisplay(clock, 60), Input = new SimulatedParticipant(clock, paradigm, new ResponderPolicy(), 1),
            Trigger = new ImmediateStart(clock), Sink = sink,
        };
        // Bounded: a run that never starts would wait for the scanner until the limit.
        var options = Options(["welcome"]) with { MaxDurationNs = Ns.FromSeconds(3600) };

        var result = new SessionRunner(plan, devices, options).Run();

        Assert.Equal(SessionStatus.Completed, result.Status);
        var waits = sink.Events.Where(x => x.Kind == EventKind.ScreenOnset && x.Screen == "wait").ToList();
        var starts = sink.Events.Where(x => x.Kind == EventKind.RunStarted).ToList();
        Assert.Equal(plan.Runs.Count(), starts.Count);
        Assert.DoesNotContain(sink.Events, x => x.Kind == EventKind.Pulse && x.AsPulse().IsDummy);
        // t0 is the operator's start, within a frame or two of the wait screen.
        for (int i = 0; i < starts.Count; i++) Assert.InRange(starts[i].TimeNs - waits[i].TimeNs, 0, 2 * 16_666_667);
    }
}
