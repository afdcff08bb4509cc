using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Vocabulary;

namespace ExperimentRunner.Hardware.Triggers;

/// <summary>
/// Scanner pulses that arrive as key presses (a trigger-to-USB converter typing "5" or "t"). Each key-down of the
/// key, offered through <see cref="OfferKey"/>, is answered as a pulse at the event's own time (the input layer stamps
/// it as it comes off the device queue), which the runner counts at once; key-ups of the key are consumed too, so they
/// never count as responses. Bursts are handled by <see cref="PulseGate"/>. Lives on the frame-loop thread:
/// allocation-free, not thread-safe.
/// </summary>
public sealed class KeyTriggerSource : ITriggerSource
{
    private readonly PulseGate _gate;
    private long _armedAtNs = long.MaxValue;

    /// <param name="key">A name of <see cref="KeyNames"/> ("5", "t"); compared ignoring case. Throws <see cref="DeviceSpecException"/> for another.</param>
    /// <param name="trNs">The repetition time in ns for the flood guard; 0 when unknown.</param>
    public KeyTriggerSource(string key, long trNs = 0)
    {
        Key = KeyNames.Normalize(key);
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

    public string? Fault => _gate.Fault;

    public void Arm(long nowNs)
    {
        _armedAtNs = nowNs;
        _gate.Reset();
    }

    public KeyOffer OfferKey(in InputEvent e)
    {
        if (!string.Equals(e.Key, Key, StringComparison.OrdinalIgnoreCase)) return KeyOffer.NotMine;
        if (!e.IsDown || e.TimeNs < _armedAtNs) return KeyOffer.Consumed;
        return _gate.Accept(e.TimeNs) ? KeyOffer.Pulse : KeyOffer.Consumed;
    }

    /// <summary>Nothing: a key pulse is answered by <see cref="OfferKey"/> when it happens.</summary>
    public int Poll(Span<long> pulseTimesNs) => 0;

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

    /// <param name="key">The operator's start key, a name of <see cref="KeyNames"/> ("s", "space"); compared ignoring case.</param>
    public ManualTriggerSource(string key)
    {
        Key = KeyNames.Normalize(key);
        Description = $"manual start key {Key}";
    }

    public string Key { get; }

    public string Description { get; }

    /// <summary>The key starts the run at once: t0, whatever the paradigm's dummy scans.</summary>
    public bool IsOperatorStart => true;

    /// <summary>True once the operator pressed the key after arming.</summary>
    public bool Started { get; private set; }

    public void Arm(long nowNs)
    {
        _armedAtNs = nowNs;
        Started = false;
    }

    public KeyOffer OfferKey(in InputEvent e)
    {
        if (!string.Equals(e.Key, Key, StringComparison.OrdinalIgnoreCase)) return KeyOffer.NotMine;
        if (!e.IsDown || e.TimeNs < _armedAtNs || Started) return KeyOffer.Consumed;
        Started = true;
        return KeyOffer.Pulse;
    }

    /// <summary>Nothing: the start is answered by <see cref="OfferKey"/> when it happens.</summary>
    public int Poll(Span<long> pulseTimesNs) => 0;

    public void Dispose() { }
}
