using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Core.Simulation;

/// <summary>
/// A display that flips at exactly N Hz on the given clock: on a virtual clock each flip jumps to the next vertical
/// blank; on a real clock it sleeps until then ("unsynchronised": paced, not locked to a monitor). Chosen frames can
/// be dropped (the flip then completes one period late), to test that later onsets stay where the plan put them.
/// </summary>
public sealed class SimulatedDisplay : IDisplay
{
    private readonly IClock _clock;
    private readonly HashSet<long> _dropFrames;
    private readonly double _dropProbability;
    private readonly Planning.DetRandom _rng;
    private long _lastFlipNs = long.MinValue;
    private long _frame;
    private readonly long _faultAtFlip;

    /// <param name="refreshHz">Flips per second.</param>
    /// <param name="dropFrames">Flip indices (0-based, counted from the first flip) that miss their deadline by one period.</param>
    /// <param name="dropProbability">Chance that any flip misses by one period (seeded).</param>
    /// <param name="faultAtFlip">The flip (0-based) that fails with <see cref="SimulatedDeviceFault"/>, as a display that
    /// vanished would (fault-injection tests); -1: none.</param>
    public SimulatedDisplay(IClock clock, double refreshHz, IEnumerable<long>? dropFrames = null, double dropProbability = 0, ulong seed = 1, int width = 1920, int height = 1080,
        long faultAtFlip = -1)
    {
        _faultAtFlip = faultAtFlip;
        _clock = clock;
        RefreshHz = refreshHz;
        PeriodNs = (long)Math.Round(1e9 / refreshHz);
        _dropFrames = dropFrames?.ToHashSet() ?? [];
        _dropProbability = dropProbability;
        _rng = new Planning.DetRandom(seed);
        Size = (width, height);
    }

    public double RefreshHz { get; }
    public long PeriodNs { get; }
    public string Timing => _clock.IsRealTime ? "unsynchronised" : VirtualTiming;

    /// <summary>The session record's timing of a display on the virtual clock: no real time passes between its flips.</summary>
    public const string VirtualTiming = "virtual";
    public (int Width, int Height) Size { get; }

    /// <summary>The scene on screen now (for tests).</summary>
    public SceneSpec? Current { get; private set; }
    public SceneState CurrentState { get; private set; }
    public int PreparedCount { get; private set; }
    public long FlipCount => _frame;

    public void Prepare(IReadOnlyCollection<SceneSpec> scenes, IProgress<int>? progress = null)
    {
        PreparedCount += scenes.Count;
        progress?.Report(scenes.Count);
    }

    public void Show(SceneSpec scene, in SceneState state)
    {
        Current = scene;
        CurrentState = state;
    }

    public long Flip()
    {
        if (_frame == _faultAtFlip) throw new SimulatedDeviceFault($"the simulated display failed at flip {_frame} (an injected fault, for tests)");
        long now = _clock.NowNs;
        long next;
        if (_lastFlipNs == long.MinValue) next = now + PeriodNs - (now % PeriodNs);
        else
        {
            next = _lastFlipNs + PeriodNs;
            while (next < now) next += PeriodNs; // we were late: the next vertical blank after now
        }
        bool drop = _dropFrames.Contains(_frame) || (_dropProbability > 0 && _rng.NextDouble() < _dropProbability);
        if (drop) next += PeriodNs;
        _clock.SleepUntil(next);
        _lastFlipNs = next;
        _frame++;
        return next;
    }

    public void Dispose() { }
}

/// <summary>A fault injected into a simulated device (tests of crash records and resume).</summary>
public sealed class SimulatedDeviceFault(string message) : IOException(message);
