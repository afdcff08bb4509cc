using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Simulation;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Core.Tests;

/// <summary>A phase runner alone, on a host of the test's own (no runner, no frame loop): it needs only what
/// <see cref="IPhaseHost"/> gives it.</summary>
public sealed class PhaseHostTests
{
    /// <summary>A host whose every screen times out, unanswered.</summary>
    private sealed class TimingOutHost : IPhaseHost
    {
        public TimingOutHost(Plan plan, MemoryEventSink sink)
        {
            var clock = new VirtualClock();
            var devices = new SessionDevices
            {
                Clock = clock, Display = new SimulatedDisplay(clock, 60), Trigger = new ImmediateStart(clock), Sink = sink,
                Input = new SimulatedParticipant(clock, plan.Paradigm, new ResponderPolicy(), 1),
            };
            Session = new SessionContext(plan, devices, new SessionOptions { SessionId = "s", Mode = "simulate" }, () => false);
            Window = new ResponseWindow(Session.Scenes.Blank());
            FeedbackTargets = new FeedbackTargets(Session);
        }

        public SessionContext Session { get; }
        public ResponseWindow Window { get; }
        public FeedbackTargets FeedbackTargets { get; }
        public bool Finished => false;
        public long FramePeriodNs => 16_666_667;
        public List<string> Shown { get; } = [];
        public List<(string Rating, bool Answered)> Logged { get; } = [];

        public bool ShowSelfPaced(SceneSpec scene, ScreenMode mode, string name, IReadOnlyList<string> accepts, long timeLimitNs, int marker = 0,
            RatingSpec? rating = null, double cursor = double.NaN, long minimumNs = 0)
        {
            Shown.Add(name);
            return false;
        }

        public void PrepareScenes(IReadOnlyCollection<SceneSpec> scenes) { }
        public double StartValue(RatingSpec r) => r.Min;
        public void LogRating(RatingSpec r, bool answered) => Logged.Add((r.Name, answered));
    }

    private static (Plan Plan, TimingOutHost Host, MemoryEventSink Sink) AtPhase(string phase)
    {
        var plan = Planner.Make(ParadigmLoader.Load(Repo.Paradigm("social-feedback-fmri.yaml")).Paradigm!, new SessionFacts("sub-01", "1", 4));
        var sink = new MemoryEventSink();
        var host = new TimingOutHost(plan, sink);
        host.Session.Machine.Fire(SessionTrigger.Start);
        while (host.Session.Machine.State.Phase != phase) host.Session.Machine.Fire(SessionTrigger.Next);
        host.Session.PhaseName = phase;
        return (plan, host, sink);
    }

    [Fact]
    public void A_rating_phase_logs_each_rating_its_host_timed_out()
    {
        var (plan, host, _) = AtPhase("baseline");
        SelfPacedPhases.RunRatings(host, (RatingPhase)plan.Phases.Single(p => p.Spec.Name == "baseline").Spec);
        Assert.Equal(["mood"], host.Shown);
        Assert.Equal([("mood", false)], host.Logged);
        Assert.Equal(SessionStateKind.Step, host.Session.Machine.State.Kind);
    }

    [Fact]
    public void A_selection_whose_every_screen_timed_out_records_each_and_fills_its_targets_from_the_fallback()
    {
        var (plan, host, sink) = AtPhase("selection");
        var phase = plan.Phases.Single(p => p.Spec.Name == "selection");
        SelectionPhaseRunner.Run(host, (SelectionPhase)phase.Spec, phase.ProfileOrder);
        var choices = sink.Events.Where(e => e.IsSelection()).Select(e => e.AsSelection()).ToList();
        Assert.Equal(phase.ProfileOrder, choices.Select(c => c.ProfileId));
        Assert.All(choices, c => Assert.False(c.Answered));
        Assert.NotEmpty(host.FeedbackTargets.Targets);
        // Nothing was selected: the fallback's first source with profiles (unrated has none: all were shown) filled them.
        Assert.Contains(sink.Events, e => e.Kind == EventKind.Fallback && e.AsFallback().Filled > 0);
    }
}

/// <summary>Where a pause may begin in a scan run is a state of the machine (between trials), not a flag.</summary>
public sealed class BetweenTrialsStateTests
{
    [Fact]
    public void A_pause_is_refused_inside_a_trial_and_permitted_between_trials()
    {
        var machine = new SessionMachine(ParadigmLoader.Load(Repo.Paradigm("social-feedback-fmri.yaml")).Paradigm!);
        machine.Fire(SessionTrigger.Start);
        while (machine.State.Phase != "feedback") machine.Fire(SessionTrigger.Next);
        machine.Fire(SessionTrigger.AwaitScanner);
        machine.Fire(SessionTrigger.T0);
        Assert.False(machine.CanFire(SessionTrigger.Pause)); // a run before its first block
        machine.Fire(SessionTrigger.Block);
        machine.Fire(SessionTrigger.Boundary);
        Assert.Equal(SessionStateKind.BetweenTrials, machine.State.Kind);
        Assert.True(machine.CanFire(SessionTrigger.Pause));
        machine.Fire(SessionTrigger.Trial);
        machine.Fire(machine.ShowTrigger("profile"));
        Assert.Equal(SessionStateKind.Screen, machine.State.Kind);
        Assert.False(machine.CanFire(SessionTrigger.Pause));
        machine.Fire(SessionTrigger.Boundary); // the next trial's boundary
        machine.Fire(SessionTrigger.Pause);
        Assert.Equal(SessionStateKind.Paused, machine.State.Kind);
        machine.Fire(SessionTrigger.Resume);
        Assert.Equal(SessionStateKind.Run, machine.State.Kind);
    }
}
