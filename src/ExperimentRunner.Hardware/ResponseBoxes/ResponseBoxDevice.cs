using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Core.Vocabulary;

namespace ExperimentRunner.Hardware.ResponseBoxes;

/// <summary>
/// A session's response box, opened from its specification (<see cref="ResponseBoxSpec"/>): an XID box on a serial
/// port, a simulated XID box (an <see cref="XidEmulator"/> on a pty read by a real <see cref="XidResponseBox"/>), or a
/// fORP in keyboard mode (nothing to open). <see cref="ForKeys"/> and <see cref="ForParticipant"/> put it into the
/// session's input; disposing closes the box and the emulator.
/// </summary>
public sealed class ResponseBoxDevice : IDisposable
{
    private readonly IClock? _clock;

    private ResponseBoxDevice(ResponseBoxSpec spec, XidResponseBox? box, XidEmulator? emulator, IClock? clock = null)
    {
        _clock = clock;
        Spec = spec;
        Box = box;
        Emulator = emulator;
    }

    public ResponseBoxSpec Spec { get; }

    /// <summary>The XID box (real or on the emulator's pty); null for a fORP.</summary>
    public XidResponseBox? Box { get; }

    /// <summary>The simulated box (xid-sim); else null.</summary>
    public XidEmulator? Emulator { get; }

    /// <summary>For the record and the operator.</summary>
    public string Description => Spec.Kind switch
    {
        ResponseBoxKind.Forp => $"forp (keyboard mode){(Spec.TriggerKey is { } t ? $", trigger key {t}" : "")}{KeyMapText}",
        ResponseBoxKind.XidSim => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"xid-sim drift {Spec.DriftPpm:+0.#;-0.#;0} ppm on {Box!.Path}{KeyMapText}"),
        _ => Box!.Description + KeyMapText,
    };

    private string KeyMapText => Spec.Keys.Count == 0 ? "" : ", keys " + string.Join(",", Spec.Keys.Select(k => $"{k.Key}:{k.Value}"));

    /// <summary>Opens the box. Throws <see cref="HardwareException"/> when it cannot (saying what to check).</summary>
    public static ResponseBoxDevice Open(ResponseBoxSpec spec, IClock clock)
    {
        switch (spec.Kind)
        {
            case ResponseBoxKind.Forp:
                return new ResponseBoxDevice(spec, null, null);
            case ResponseBoxKind.Xid:
                return new ResponseBoxDevice(spec, new XidResponseBox(spec.Path!, spec, clock), null);
            default:
                var emulator = new XidEmulator(clock, spec.DriftPpm, spec.OffsetMs);
                try
                {
                    return new ResponseBoxDevice(spec, new XidResponseBox(emulator.Path, spec, clock), emulator, clock);
                }
                catch
                {
                    emulator.Dispose();
                    throw;
                }
        }
    }

    /// <summary>The operator's keyboard with the box: a fORP renames its keys; an XID box adds its presses. A simulated
    /// box presses only for a simulated participant (<see cref="ForParticipant"/>).</summary>
    public IInput ForKeys(IInput keys) => Spec.Kind switch
    {
        ResponseBoxKind.Forp => new ForpInput(keys, Spec),
        ResponseBoxKind.Xid => new ResponseBoxInput(keys, Box!),
        _ => keys,
    };

    /// <summary>A simulated participant with the box: its presses go through the simulated box (xid-sim) or are typed by
    /// a simulated fORP; a real XID box's presses come through <see cref="ForKeys"/>.</summary>
    public IInput ForParticipant(IInput participant) => Spec.Kind switch
    {
        ResponseBoxKind.Forp => new ForpInput(participant, Spec),
        ResponseBoxKind.XidSim => new XidSimulatedInput(participant, Emulator!, Box!, Spec, _clock!),
        _ => participant,
    };

    /// <summary>The clock alignment as it stands, for people; null for a fORP (no clock of its own).</summary>
    public string? Alignment => Box is null ? null : $"{Box.Product}: {Box.Drift}";

    public void Dispose()
    {
        Box?.Dispose();
        Emulator?.Dispose();
    }
}
