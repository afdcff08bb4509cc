using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Core.Devices;

/// <summary>
/// An MRI scanner's volume triggers on a clock: first pulse a set delay after arming, then one per TR with optional
/// jitter, dropped pulses (seeded probability or given volume indices), and an optional early stop. Works on the
/// virtual clock (simulate) and the real one (dry runs at the scanner without scanning). A device of its own here, not
/// in Simulation: the simulator and Hardware's <c>--scanner emulate</c> both use it, and Hardware depends on no simulation.
/// </summary>
public sealed class ScannerEmulator : ITriggerSource
{
    private readonly IClock _clock;
    private readonly long _trNs;
    private readonly long _jitterNs;
    private readonly double _dropout;
    private readonly HashSet<int> _dropVolumes;
    private readonly int _stopAfter;
    private readonly long _startDelayNs;
    private readonly Planning.DetRandom _rng;
    private long _armedNs = long.MinValue;
    private int _nextVolume;

    /// <param name="trNs">Repetition time, ns.</param>
    /// <param name="dropout">Chance each pulse is lost (0–1).</param>
    /// <param name="jitterNs">Uniform ± jitter of each pulse, ns.</param>
    /// <param name="stopAfterPulses">The scanner stops after this many pulses (0: never).</param>
    /// <param name="startDelayNs">From arming to the first pulse, ns.</param>
    public ScannerEmulator(IClock clock, long trNs, double dropout = 0, long jitterNs = 0, ulong seed = 1,
        IEnumerable<int>? dropVolumes = null, int stopAfterPulses = 0, long startDelayNs = 1_000_000_000)
    {
        if (trNs <= 0) throw new ArgumentOutOfRangeException(nameof(trNs), "the emulated scanner needs a TR above zero");
        _clock = clock;
        _trNs = trNs;
        _dropout = dropout;
        _jitterNs = jitterNs;
        _rng = new Planning.DetRandom(seed);
        _dropVolumes = dropVolumes?.ToHashSet() ?? [];
        _stopAfter = stopAfterPulses;
        _startDelayNs = startDelayNs;
    }

    public string Description => $"emulate tr={Ns.ToSeconds(_trNs):0.###}s dropout={_dropout:0.###} jitter={Ns.ToMs(_jitterNs):0.###}ms";

    /// <summary>Volume indices (from 0 at the first pulse) that were dropped, for tests to compare against detection.</summary>
    public List<int> Dropped { get; } = new(1024);

    public void Arm(long nowNs)
    {
        _armedNs = nowNs;
        _nextVolume = 0;
    }

    /// <summary>The time the next pulse is due, ns, or long.MaxValue (lets a virtual loop jump ahead).</summary>
    public long NextDueNs => _armedNs == long.MinValue || (_stopAfter > 0 && _nextVolume >= _stopAfter) ? long.MaxValue : _armedNs + _startDelayNs + _nextVolume * _trNs;

    public int Poll(Span<long> pulseTimesNs)
    {
        if (_armedNs == long.MinValue) return 0;
        int n = 0;
        long now = _clock.NowNs;
        while (n < pulseTimesNs.Length)
        {
            if (_stopAfter > 0 && _nextVolume >= _stopAfter) break;
            long due = _armedNs + _startDelayNs + _nextVolume * _trNs;
            if (due > now) break;
            int volume = _nextVolume++;
            bool drop = _dropVolumes.Contains(volume) || (_dropout > 0 && _rng.NextDouble() < _dropout);
            if (drop)
            {
                Dropped.Add(volume);
                continue;
            }
            long jitter = _jitterNs > 0 ? (long)((_rng.NextDouble() * 2 - 1) * _jitterNs) : 0;
            pulseTimesNs[n++] = due + jitter;
        }
        return n;
    }

    public void Dispose() { }
}

/// <summary>The operator's start (PET, behavioural sessions): one "pulse" when armed, or when the operator presses the key.</summary>
public sealed class ImmediateStart(IClock clock) : ITriggerSource
{
    private bool _pending;

    public string Description => "manual (operator start)";

    public bool IsOperatorStart => true;

    public void Arm(long nowNs) => _pending = true;

    public int Poll(Span<long> pulseTimesNs)
    {
        if (!_pending || pulseTimesNs.Length == 0) return 0;
        _pending = false;
        pulseTimesNs[0] = clock.NowNs;
        return 1;
    }

    public void Dispose() { }
}
