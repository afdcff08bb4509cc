using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Core.Simulation;

/// <summary>Settings of a simulated session: which devices are simulated and how they misbehave.</summary>
public sealed record SimulationSettings
{
    /// <summary>Refresh rate of the simulated display, Hz; null: the paradigm's expected rate.</summary>
    public double? RefreshHz { get; init; }
    public ResponderPolicy Responder { get; init; } = new();
    /// <summary>Chance each scanner pulse is lost (0–1).</summary>
    public double ScannerDropout { get; init; }
    /// <summary>Scanner pulse jitter, ± ns.</summary>
    public long ScannerJitterNs { get; init; }
    /// <summary>Flip indices that miss their deadline by one period.</summary>
    public IReadOnlyList<long> DropFrames { get; init; } = [];
    /// <summary>Chance any flip misses its deadline.</summary>
    public double DropProbability { get; init; }
    /// <summary>Real time (the monotonic clock) instead of the virtual clock.</summary>
    public bool RealTime { get; init; }
    /// <summary>The scanner stops after this many pulses (0: never).</summary>
    public int ScannerStopsAfter { get; init; }
    /// <summary>The display fails (throws) at this flip, 0-based from the session's first flip; -1: never. For tests of
    /// crash records and resume.</summary>
    public long FaultAtFlip { get; init; } = -1;
}

/// <summary>Runs a whole session on simulated devices, stored through the given sink exactly like a real one.</summary>
public static class Simulator
{
    /// <summary>
    /// Runs the session. <paramref name="clock"/>: the clock to run on (default: per <see cref="SimulationSettings.RealTime"/>);
    /// <paramref name="markers"/>: real marker outputs the simulated session sends to (opened on the same clock);
    /// <paramref name="participantInput"/>: puts the simulated participant's presses through a device (a simulated
    /// response box) on their way to the session.
    /// </summary>
    public static (SessionResult Result, SessionRunner Runner) Run(Plan plan, IEventSink sink, SimulationSettings settings, SessionOptions options,
        IOperatorControl? op = null, IClock? clock = null, IReadOnlyList<IMarkerOutput>? markers = null, Func<IInput, IInput>? participantInput = null)
    {
        var p = plan.Paradigm;
        clock ??= settings.RealTime ? new MonotonicClock() : new VirtualClock();
        ulong seed = DetRandom.Derive(plan.Seed, "simulation");
        var display = new SimulatedDisplay(clock, settings.RefreshHz ?? p.Display.ExpectedRefreshHz, settings.DropFrames, settings.DropProbability, seed, p.Display.Width, p.Display.Height, settings.FaultAtFlip);
        var participant = new SimulatedParticipant(clock, p, settings.Responder, DetRandom.Derive(seed, "participant"));
        ITriggerSource trigger = p.Scanner.Modality == Modality.Fmri && p.Scanner.TrNs > 0
            ? new ScannerEmulator(clock, p.Scanner.TrNs, settings.ScannerDropout, settings.ScannerJitterNs, DetRandom.Derive(seed, "scanner"), stopAfterPulses: settings.ScannerStopsAfter)
            : new ImmediateStart(clock);
        var devices = new SessionDevices
        {
            Clock = clock, Display = display, Input = participantInput?.Invoke(participant) ?? participant, Trigger = trigger, Sink = sink, Operator = op,
            Audio = new SilentAudio(clock), Markers = markers ?? [],
        };
        var runner = new SessionRunner(plan, devices, options with { Mode = options.Mode.Length == 0 ? "simulate" : options.Mode });
        var result = runner.Run();
        return (result, runner);
    }
}
