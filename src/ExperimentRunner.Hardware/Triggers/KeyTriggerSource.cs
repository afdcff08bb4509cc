using ExperimentRunner.Core.Devices;

namespace ExperimentRunner.Hardware.Triggers;

/// <summary>
/// Scanner pulses that arrive as key presses (a trigger-to-USB converter typing "5" or "t"). Each key-down of the
/// key, offered through <see cref="OfferKey"/>, is a pulse stamped with the event's own time (the input layer stamps
/// it as it comes off the device queue). Key-ups of the key are consumed too, so they never count as responses.
/// Bursts are handled by <see cref="PulseGate"/>. Lives on the frame-loop thread: allocation-free, not thread-safe.
/// </summary>
public sealed class KeyTriggerSource : ITriggerSource
{
    private const int Capacity = 256;
    private readonly long[] _pending = new long[Capacity];
    private readonly PulseGate _gate;
    private int _head, _count;
    private long _armedAtNs = long.MaxValue;
    private long _overflowed;

    /// <param name="key">The key name as the input layer reports it ("5", "t"); compared ignoring case.</param>
    /// <param name="trNs">The repetition time in ns for the flood guard; 0 when unknown.</param>
    public KeyTriggerSource(string key, long trNs = 0)
    {
        Key = TriggerSources.CheckKey(key);
        _gate = new PulseGate(trNs);
        Description = $"key {Key}";
    }

    /// <summary>The key that counts as a pulse.</summary>
    public string Key { get; }

    public string Description { get; }

    /// <summary>Pulses within the flood guard that were not counted.</summary>
    public long SuppressedPulses => _gate.Suppressed;

    /// <summary>The flood guard in ns (see <see cref="PulseGate"/>).</summary>
    public long GuardNs => _gate.GuardNs;

    public string? Fault => _overflowed > 0
        ? $"{_overflowed} trigger pulse(s) were lost because nobody polled the key trigger source"
        : _gate.Fault;

    public void Arm(long nowNs)
    {
        _armedAtNs = nowNs;
        _head = _count = 0;
        _gate.Reset();
    }

    public bool OfferKey(in InputEvent e)
    {
        if (!string.Equals(e.Key, Key, StringComparison.OrdinalIgnoreCase)) return false;
        if (!e.IsDown || e.TimeNs < _armedAtNs) return true;
        if (!_gate.Accept(e.TimeNs)) return true;
        if (_count == Capacity)
        {
            _overflowed++;
            return true;
        }
        _pending[(_head + _count) % Capacity] = e.TimeNs;
        _count++;
        return true;
    }

    public int Poll(Span<long> pulseTimesNs)
    {
        int n = Math.Min(_count, pulseTimesNs.Length);
        for (int i = 0; i < n; i++)
        {
            pulseTimesNs[i] = _pending[_head];
            _head = (_head + 1) % Capacity;
        }
        _count -= n;
        return n;
    }

    public void Dispose() { }
}

/// <summary>
/// The operator's start (PET, behavioural pilots): the first key-down of the operator's key after
/// <see cref="Arm"/> is the run's one and only pulse, its t0; later presses are consumed and ignored.
/// Lives on the frame-loop thread: allocation-free, not thread-safe.
/// </summary>
public sealed class ManualTriggerSource : ITriggerSource
{
    private long _armedAtNs = long.MaxValue;
    private long _startNs = long.MinValue;
    private bool _delivered;

    /// <param name="key">The operator's start key as the input layer names it ("s", "space"); compared ignoring case.</param>
    public ManualTriggerSource(string key)
    {
        Key = TriggerSources.CheckKey(key);
        Description = $"manual start key {Key}";
    }

    public string Key { get; }

    public string Description { get; }

    /// <summary>The key starts the run at once: t0, whatever the paradigm's dummy scans.</summary>
    public bool IsOperatorStart => true;

    /// <summary>True once the operator pressed the key after arming.</summary>
    public bool Started => _startNs != long.MinValue;

    public void Arm(long nowNs)
    {
        _armedAtNs = nowNs;
        _startNs = long.MinValue;
        _delivered = false;
    }

    public bool OfferKey(in InputEvent e)
    {
        if (!string.Equals(e.Key, Key, StringComparison.OrdinalIgnoreCase)) return false;
        if (e.IsDown && e.TimeNs >= _armedAtNs && !Started) _startNs = e.TimeNs;
        return true;
    }

    public int Poll(Span<long> pulseTimesNs)
    {
        if (!Started || _delivered || pulseTimesNs.Length == 0) return 0;
        pulseTimesNs[0] = _startNs;
        _delivered = true;
        return 1;
    }

    public void Dispose() { }
}
