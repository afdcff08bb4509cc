using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Hardware.Triggers;

/// <summary>
/// A scanner that is not there: a pulse every TR from one TR after <see cref="Arm"/>, computed from the clock when
/// polled (no thread), each stamped with its scheduled time. For rehearsals at the desk (<c>--scanner emulate</c>);
/// with a <see cref="VirtualClock"/> it is deterministic. Allocation-free, frame-loop thread only.
/// </summary>
public sealed class EmulatedTriggerSource : ITriggerSource
{
    private readonly IClock _clock;
    private long _nextNs = long.MaxValue;

    /// <param name="trNs">The repetition time in ns (&gt; 0).</param>
    public EmulatedTriggerSource(long trNs, IClock clock)
    {
        if (trNs <= 0) throw new HardwareException("the scanner emulator needs the repetition time (TR) of the paradigm, in seconds above 0");
        TrNs = trNs;
        _clock = clock;
        Description = $"emulate tr={Ns.ToSeconds(trNs).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}s";
    }

    /// <summary>The emulated repetition time, ns.</summary>
    public long TrNs { get; }

    public string Description { get; }

    public void Arm(long nowNs) => _nextNs = nowNs + TrNs;

    public int Poll(Span<long> pulseTimesNs)
    {
        long now = _clock.NowNs;
        int n = 0;
        while (n < pulseTimesNs.Length && _nextNs <= now)
        {
            pulseTimesNs[n++] = _nextNs;
            _nextNs += TrNs;
        }
        return n;
    }

    public void Dispose() { }
}
