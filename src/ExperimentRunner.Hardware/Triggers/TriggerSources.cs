using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Core.Vocabulary;

namespace ExperimentRunner.Hardware.Triggers;

/// <summary>What a trigger specification leaves out: the clock and the paradigm's TR.</summary>
public sealed record TriggerOptions
{
    /// <summary>The clock that stamps pulses (the run clock).</summary>
    public required IClock Clock { get; init; }

    /// <summary>Repetition time in ns: the emulator's period and the flood guard's basis; 0 when there is none (PET).</summary>
    public long TrNs { get; init; }
}

/// <summary>
/// Builds a trigger source from its specification (Core's <see cref="TriggerSpec"/>, the grammar a paradigm's
/// <c>scanner.trigger</c> and <c>--scanner</c> share).
/// </summary>
public static class TriggerSources
{
    /// <summary>
    /// Parses <paramref name="spec"/> and opens its source. Throws <see cref="DeviceSpecException"/> for a malformed
    /// specification and <see cref="HardwareException"/> for a device that cannot be opened; both say what to do.
    /// </summary>
    public static ITriggerSource Parse(string spec, TriggerOptions options) => Open(TriggerSpec.Parse(spec), options);

    /// <summary>Opens the source a parsed specification names; throws <see cref="HardwareException"/> when it cannot.</summary>
    public static ITriggerSource Open(TriggerSpec spec, TriggerOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        spec.CheckTr(options.TrNs);
        // Every TriggerKind is named and there is no default: a kind TriggerSpec parses but nothing opens does not compile (CS8509).
#pragma warning disable CS8524 // an unnamed value is a bug and throws SwitchExpressionException
        return spec.Kind switch
        {
            // The same emulator `simulate` uses, on the run clock: first pulse 1 s after arming, then one per TR.
            TriggerKind.Emulate => new ScannerEmulator(options.Clock, options.TrNs),
            TriggerKind.Key => new KeyTriggerSource(spec.Key ?? TriggerSpec.DefaultKey, options.TrNs),
            TriggerKind.Manual => new ManualTriggerSource(spec.Key ?? TriggerSpec.DefaultManualKey),
            TriggerKind.Serial => new SerialTriggerSource(spec.Path!,
                new SerialTriggerOptions { Baud = spec.Baud, TriggerByte = spec.TriggerByte, TrNs = options.TrNs }, options.Clock),
        };
#pragma warning restore CS8524
    }
}
