using System.Globalization;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Hardware.Triggers;

/// <summary>
/// The flood rule shared by the trigger sources. A pulse is counted only when at least <see cref="GuardNs"/> has
/// passed since the previous pulse received (counted or not); otherwise it is suppressed, counted in
/// <see cref="Suppressed"/> and reported in <see cref="Fault"/>. The guard is 100 ms, or a fifth of the TR when the
/// TR is under 0.5 s, so a real volume trigger is never suppressed while a burst (slice triggers, a bouncing key,
/// a converter that sends several bytes per pulse, a stuck key's auto-repeat) yields at most its first pulse and a
/// warning for the operator instead of a run that counts volumes ten times too fast.
/// </summary>
/// <remarks>Not thread-safe: each source calls it from one thread (the reader thread or the frame loop).</remarks>
public sealed class PulseGate
{
    /// <summary>The guard for a TR of 0.5 s or more, in ns (100 ms).</summary>
    public const long DefaultGuardNs = 100 * Ns.PerMs;

    private long _lastSeenNs = long.MinValue;
    private long _faultCount;
    private string? _fault;

    /// <param name="trNs">The repetition time in ns; 0 when unknown (the 100 ms guard applies).</param>
    public PulseGate(long trNs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trNs);
        GuardNs = trNs > 0 ? Math.Min(DefaultGuardNs, trNs / 5) : DefaultGuardNs;
    }

    /// <summary>The shortest interval from the previous pulse for a pulse to count, in ns.</summary>
    public long GuardNs { get; }

    /// <summary>How many pulses arrived within <see cref="GuardNs"/> of the previous one and were not counted.</summary>
    public long Suppressed { get; private set; }

    /// <summary>A warning for the operator once any pulse was suppressed, else null. Built only when it changes.</summary>
    public string? Fault
    {
        get
        {
            if (Suppressed == _faultCount) return _fault;
            _faultCount = Suppressed;
            string guardMs = Ns.ToMs(GuardNs).ToString("0.#", CultureInfo.InvariantCulture);
            _fault = $"trigger flood: {Suppressed} pulse(s) came within {guardMs} ms of the previous one and were not counted " +
                     "(does the scanner send one trigger per slice, or is the trigger key or byte wrong?)";
            return _fault;
        }
    }

    /// <summary>Forgets the previous pulse (on arming); the suppressed count is kept.</summary>
    public void Reset() => _lastSeenNs = long.MinValue;

    /// <summary>Sees one pulse at <paramref name="timeNs"/> (run clock); true when it counts.</summary>
    public bool Accept(long timeNs)
    {
        bool counts = _lastSeenNs == long.MinValue || timeNs - _lastSeenNs >= GuardNs;
        _lastSeenNs = timeNs;
        if (!counts) Suppressed++;
        return counts;
    }
}
