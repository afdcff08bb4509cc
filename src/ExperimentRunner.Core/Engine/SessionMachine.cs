using ExperimentRunner.Core.Paradigm;
using Stateless;
using Stateless.Graph;

namespace ExperimentRunner.Core.Engine;

/// <summary>
/// The session's state machine (session → phase → run → block → trial → screen), configured from a paradigm. The
/// runner fires it at screen boundaries, so the same configuration that runs a session draws its graph.
/// States and triggers are typed objects built once here (<see cref="SessionState"/>, <see cref="SessionTrigger"/>):
/// firing builds no string. Not thread-safe: fired from the frame-loop thread only, never every frame.
/// </summary>
public sealed class SessionMachine
{
    private readonly StateMachine<SessionState, SessionTrigger> _machine;
    private readonly Dictionary<string, SessionTrigger> _showTriggers = new(StringComparer.Ordinal);

    /// <summary>Called after every transition (source, destination, trigger).</summary>
    public event Action<SessionState, SessionState, SessionTrigger>? Transitioned;

    /// <param name="paradigm">The paradigm whose phases, runs and screens the machine has.</param>
    /// <param name="abortConfirmed">Guard for aborting: the operator confirmed (the runner's operator part answers);
    /// none (drawing the graph), never.</param>
    public SessionMachine(ParadigmModel paradigm, Func<bool>? abortConfirmed = null)
    {
        abortConfirmed ??= static () => false;
        _machine = new StateMachine<SessionState, SessionTrigger>(SessionState.Idle, FiringMode.Queued);
        _machine.Configure(SessionState.Session);
        _machine.Configure(SessionState.Aborted);
        _machine.Configure(SessionState.Completed);
        _machine.Configure(SessionState.Stopped);
        _machine.OnTransitioned(t => Transitioned?.Invoke(t.Source, t.Destination, t.Trigger));
        var phaseStates = paradigm.Phases.Select(p => new SessionState(SessionStateKind.Phase, "phase " + p.Name, p.Name)).ToList();
        _machine.Configure(SessionState.Idle).Permit(SessionTrigger.Start, phaseStates.Count > 0 ? phaseStates[0] : SessionState.Completed);

        _machine.Configure(SessionState.Session)
            .PermitIf(SessionTrigger.Abort, SessionState.Aborted, abortConfirmed, "operator confirmed")
            .Permit(SessionTrigger.Stop, SessionState.Stopped);

        for (int i = 0; i < paradigm.Phases.Count; i++)
        {
            var phase = paradigm.Phases[i];
            string name = phase.Name;
            var state = phaseStates[i];
            var next = i + 1 < phaseStates.Count ? phaseStates[i + 1] : SessionState.Completed;
            var config = _machine.Configure(state).SubstateOf(SessionState.Session).Permit(SessionTrigger.Next, next).Permit(SessionTrigger.Skip, next);
            var paused = new SessionState(SessionStateKind.Paused, $"{name}: paused", name);
            switch (phase)
            {
                case ScanPhase scan:
                {
                    var waiting = new SessionState(SessionStateKind.WaitingForScanner, $"{name}: waiting for scanner", name);
                    var running = new SessionState(SessionStateKind.Run, $"{name}: run", name);
                    var block = new SessionState(SessionStateKind.Block, $"{name}: block", name);
                    var trial = new SessionState(SessionStateKind.Trial, $"{name}: trial", name);
                    var between = new SessionState(SessionStateKind.BetweenTrials, $"{name}: between trials", name);
                    config.Permit(SessionTrigger.AwaitScanner, waiting);
                    _machine.Configure(waiting).SubstateOf(state).Permit(SessionTrigger.T0, running);
                    var run = _machine.Configure(running).SubstateOf(state)
                        .Permit(SessionTrigger.Block, block);
                    // A pause begins only between trials: that is a state of the block, not a flag the runner sets.
                    _machine.Configure(block).SubstateOf(running).Permit(SessionTrigger.Trial, trial).Permit(SessionTrigger.Boundary, between);
                    _machine.Configure(between).SubstateOf(block).Permit(SessionTrigger.Pause, paused);
                    _machine.Configure(trial).SubstateOf(block);
                    var screens = scan.Blocks.Select(b => paradigm.Trials.GetValueOrDefault(b.Trial)).Where(t => t != null)
                        .SelectMany(t => t!.Screens.Select(s => s.Name)).Distinct().ToList();
                    foreach (var s in screens)
                    {
                        // "screen …": a screen named like a state of the run (rating, rest, lead…) stays a screen of the trial.
                        var screenState = new SessionState(SessionStateKind.Screen, $"{name}: screen {s}", name, s);
                        _machine.Configure(screenState).SubstateOf(trial);
                        _machine.Configure(block).Permit(ShowTrigger(s), screenState);
                    }
                    foreach (var (trigger, kind) in new[] { (SessionTrigger.Lead, SessionStateKind.Lead), (SessionTrigger.Rating, SessionStateKind.Rating), (SessionTrigger.Rest, SessionStateKind.Rest) })
                    {
                        var extraState = new SessionState(kind, $"{name}: {trigger}", name);
                        _machine.Configure(extraState).SubstateOf(running);
                        run.Permit(trigger, extraState);
                    }
                    _machine.Configure(paused).SubstateOf(state).Permit(SessionTrigger.Resume, running);
                    break;
                }
                default:
                {
                    var step = StepOf(phase);
                    var stepState = new SessionState(SessionStateKind.Step, $"{name}: {step}", name);
                    config.Permit(step, stepState).Permit(SessionTrigger.Pause, paused);
                    _machine.Configure(stepState).SubstateOf(state);
                    _machine.Configure(paused).SubstateOf(state).Permit(SessionTrigger.Resume, state);
                    break;
                }
            }
        }
    }

    /// <summary>The trigger for each screen of a self-paced phase.</summary>
    public static SessionTrigger StepOf(PhaseSpec phase) => phase switch
    {
        InstructionsPhase => SessionTrigger.Page,
        SelectionPhase => SessionTrigger.Profile,
        QuestionnairePhase => SessionTrigger.Item,
        RatingPhase => SessionTrigger.Rating,
        _ => SessionTrigger.ScreenStep,
    };

    public SessionState State => _machine.State;

    /// <summary>The trigger that shows a trial's screen (any kind, ratings included, in any order): one per name, built once.</summary>
    public SessionTrigger ShowTrigger(string screen)
    {
        if (!_showTriggers.TryGetValue(screen, out var trigger)) _showTriggers[screen] = trigger = SessionTrigger.Show(screen);
        return trigger;
    }

    public bool CanFire(SessionTrigger trigger) => _machine.CanFire(trigger);

    /// <summary>Fires a trigger; a trigger not permitted in the current state is a bug in the runner and throws.</summary>
    public void Fire(SessionTrigger trigger) => _machine.Fire(trigger);

    /// <summary>Fires a trigger where permitted; returns false (and changes nothing) where not.</summary>
    public bool TryFire(SessionTrigger trigger)
    {
        if (!_machine.CanFire(trigger)) return false;
        _machine.Fire(trigger);
        return true;
    }

    public string ToDot() => UmlDotGraph.Format(_machine.GetInfo());

    public string ToMermaid() => MermaidGraph.Format(_machine.GetInfo());
}
