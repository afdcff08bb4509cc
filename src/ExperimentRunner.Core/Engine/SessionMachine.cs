using ExperimentRunner.Core.Paradigm;
using Stateless;
using Stateless.Graph;

namespace ExperimentRunner.Core.Engine;

/// <summary>
/// The session's state machine (session → phase → run → block → trial → screen), configured from a paradigm. The
/// runner fires it at screen boundaries, so the same configuration that runs a session draws its graph.
/// Not thread-safe: fired from the frame-loop thread only, never every frame.
/// </summary>
public sealed class SessionMachine
{
    public const string Idle = "Idle";
    public const string Completed = "Completed";
    public const string Aborted = "Aborted";
    public const string Stopped = "Stopped";
    private const string Session = "Session";

    private readonly StateMachine<string, string> _machine;
    private readonly List<string> _phaseStates = [];

    /// <summary>Guard for pausing: the runner sets it true only between trials.</summary>
    public bool BetweenTrials { get; set; } = true;

    /// <summary>Guard for aborting: true once the operator confirmed.</summary>
    public bool AbortConfirmed { get; set; }

    /// <summary>Called after every transition (source, destination, trigger).</summary>
    public event Action<string, string, string>? Transitioned;

    public SessionMachine(ParadigmModel paradigm)
    {
        _machine = new StateMachine<string, string>(Idle, FiringMode.Queued);
        _machine.Configure(Session);
        _machine.Configure(Aborted);
        _machine.Configure(Completed);
        _machine.Configure(Stopped);
        _machine.OnTransitioned(t => Transitioned?.Invoke(t.Source, t.Destination, t.Trigger));
        foreach (var phase in paradigm.Phases) _phaseStates.Add("phase " + phase.Name);
        _machine.Configure(Idle).Permit("start", _phaseStates.Count > 0 ? _phaseStates[0] : Completed);

        _machine.Configure(Session)
            .PermitIf("abort", Aborted, () => AbortConfirmed, "operator confirmed")
            .Permit("stop", Stopped);

        for (int i = 0; i < paradigm.Phases.Count; i++)
        {
            var phase = paradigm.Phases[i];
            string state = _phaseStates[i];
            string next = i + 1 < _phaseStates.Count ? _phaseStates[i + 1] : Completed;
            var config = _machine.Configure(state).SubstateOf(Session).Permit("next", next).Permit("skip", next);
            string paused = $"{phase.Name}: paused";
            switch (phase)
            {
                case ScanPhase scan:
                {
                    string waiting = $"{phase.Name}: waiting for scanner";
                    string running = $"{phase.Name}: run";
                    string block = $"{phase.Name}: block";
                    string trial = $"{phase.Name}: trial";
                    config.Permit("await_scanner", waiting);
                    _machine.Configure(waiting).SubstateOf(state).Permit("t0", running);
                    var run = _machine.Configure(running).SubstateOf(state)
                        .Permit("block", block)
                        .PermitIf("pause", paused, () => BetweenTrials, "between trials");
                    _machine.Configure(block).SubstateOf(running).Permit("trial", trial);
                    _machine.Configure(trial).SubstateOf(block);
                    var screens = scan.Blocks.Select(b => paradigm.Trials.GetValueOrDefault(b.Trial)).Where(t => t != null)
                        .SelectMany(t => t!.Screens.Select(s => s.Name)).Distinct().ToList();
                    foreach (var s in screens)
                    {
                        // "screen …": a screen named like a state of the run (rating, rest, lead…) stays a screen of the trial.
                        string screenState = $"{phase.Name}: screen {s}";
                        _machine.Configure(screenState).SubstateOf(trial);
                        _machine.Configure(block).Permit(ShowTrigger(s), screenState);
                    }
                    foreach (var extra in new[] { "lead", "rating", "rest" })
                    {
                        string extraState = $"{phase.Name}: {extra}";
                        _machine.Configure(extraState).SubstateOf(running);
                        run.Permit(extra, extraState);
                    }
                    _machine.Configure(paused).SubstateOf(state).Permit("resume", running);
                    break;
                }
                default:
                {
                    string step = phase switch
                    {
                        InstructionsPhase => "page",
                        SelectionPhase => "profile",
                        QuestionnairePhase => "item",
                        RatingPhase => "rating",
                        _ => "screen",
                    };
                    string stepState = $"{phase.Name}: {step}";
                    config.Permit(step, stepState).Permit("pause", paused);
                    _machine.Configure(stepState).SubstateOf(state);
                    _machine.Configure(paused).SubstateOf(state).Permit("resume", state);
                    break;
                }
            }
        }
    }

    public string State => _machine.State;

    private readonly Dictionary<string, string> _showTriggers = new(StringComparer.Ordinal);

    /// <summary>The trigger that shows a trial's screen (any kind, ratings included, in any order), built once per name.</summary>
    public string ShowTrigger(string screen)
    {
        if (!_showTriggers.TryGetValue(screen, out var trigger)) _showTriggers[screen] = trigger = "show " + screen;
        return trigger;
    }

    public bool CanFire(string trigger) => _machine.CanFire(trigger);

    /// <summary>Fires a trigger; a trigger not permitted in the current state is a bug in the runner and throws.</summary>
    public void Fire(string trigger) => _machine.Fire(trigger);

    /// <summary>Fires a trigger where permitted; returns false (and changes nothing) where not.</summary>
    public bool TryFire(string trigger)
    {
        if (!_machine.CanFire(trigger)) return false;
        _machine.Fire(trigger);
        return true;
    }

    public string ToDot() => UmlDotGraph.Format(_machine.GetInfo());

    public string ToMermaid() => MermaidGraph.Format(_machine.GetInfo());
}
