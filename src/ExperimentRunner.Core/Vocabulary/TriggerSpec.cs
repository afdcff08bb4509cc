namespace ExperimentRunner.Core.Vocabulary;

/// <summary>Where a run's scanner pulses (or its operator's start) come from.</summary>
public enum TriggerKind
{
    /// <summary>The scanner emulator on the run clock: first pulse 1 s after arming, then one per TR.</summary>
    Emulate,
    /// <summary>Each key-down of <see cref="TriggerSpec.Key"/> is a pulse (a trigger-to-USB converter typing "5").</summary>
    Key,
    /// <summary>The operator's first press of <see cref="TriggerSpec.Key"/> is the run's t0 (PET, behavioural pilots).</summary>
    Manual,
    /// <summary>Bytes on the serial port <see cref="TriggerSpec.Path"/>.</summary>
    Serial,
}

/// <summary>
/// A scanner trigger specification, the one grammar shared by a paradigm's <c>scanner.trigger</c> and the command
/// line's <c>--scanner</c>: <c>emulate</c>, <c>key[:KEY]</c>, <c>manual[:KEY]</c>,
/// <c>serial:PATH[,baud=N][,byte=B]</c> (B: decimal 53, hex 0x35, quoted character '5', or any). Pure: parsing
/// opens nothing; Hardware builds the device from the parsed value.
/// </summary>
public sealed record TriggerSpec
{
    public const string Grammar = "emulate, key[:KEY], manual[:KEY] or serial:PATH[,baud=N][,byte=B]";

    /// <summary>The scanner's trigger key for <c>key</c> without a key (PsychoPy's and most converters' default).</summary>
    public const string DefaultKey = "5";

    /// <summary>The operator's start key for <c>manual</c> without a key.</summary>
    public const string DefaultManualKey = "s";

    public required TriggerKind Kind { get; init; }

    /// <summary>The key (a name of <see cref="KeyNames"/>) for <see cref="TriggerKind.Key"/> and <see cref="TriggerKind.Manual"/>; else null.</summary>
    public string? Key { get; init; }

    /// <summary>The device path for <see cref="TriggerKind.Serial"/>; else null.</summary>
    public string? Path { get; init; }

    /// <summary>Serial line speed in baud.</summary>
    public int Baud { get; init; } = SerialSettings.DefaultBaud;

    /// <summary>The serial byte value that is a pulse (0–255); null: every byte.</summary>
    public int? TriggerByte { get; init; }

    /// <summary>The specification as written.</summary>
    public string Text { get; init; } = "";

    /// <summary>Reads a specification; throws <see cref="DeviceSpecException"/> saying what is wrong and what to write.</summary>
    public static TriggerSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.Trim();
        if (s.Length == 0) throw new DeviceSpecException($"the scanner trigger is empty; use {Grammar}");
        int colon = s.IndexOf(':');
        string scheme = (colon < 0 ? s : s[..colon]).ToLowerInvariant();
        string? rest = colon < 0 ? null : s[(colon + 1)..];
        switch (scheme)
        {
            case "emulate":
                if (rest != null) throw new DeviceSpecException($"'{text}': emulate takes no argument (its period is the paradigm's TR)");
                return new TriggerSpec { Kind = TriggerKind.Emulate, Text = text };
            case "key":
                return new TriggerSpec { Kind = TriggerKind.Key, Key = rest is null ? DefaultKey : KeyNames.Normalize(rest, $"'{text}': "), Text = text };
            case "manual":
                return new TriggerSpec { Kind = TriggerKind.Manual, Key = rest is null ? DefaultManualKey : KeyNames.Normalize(rest, $"'{text}': "), Text = text };
            case "serial":
                return ParseSerial(text, rest);
            default:
                throw new DeviceSpecException($"unknown scanner trigger '{text}'; use {Grammar}");
        }
    }

    /// <summary>Throws <see cref="DeviceSpecException"/> when this source cannot work with the paradigm's TR (emulate needs one).</summary>
    /// <param name="trNs">The paradigm's repetition time in ns; 0 when it has none (PET, behavioural).</param>
    public TriggerSpec CheckTr(long trNs) =>
        Kind == TriggerKind.Emulate && trNs <= 0
            ? throw new DeviceSpecException("'emulate' needs the paradigm's TR, and this paradigm has none (PET or behavioural): use manual (the operator starts the run)")
            : this;

    private static TriggerSpec ParseSerial(string text, string? rest)
    {
        string[] parts = (rest ?? "").Split(',');
        string path = parts[0].Trim();
        if (path.Length == 0) throw new DeviceSpecException($"'{text}' needs a device path, e.g. serial:/dev/ttyUSB0");
        var spec = new TriggerSpec { Kind = TriggerKind.Serial, Path = path, Text = text };
        foreach (string part in parts.Skip(1))
        {
            var (name, value) = SpecSettings.Setting(text, part);
            switch (name)
            {
                case "baud":
                    spec = spec with { Baud = SerialSettings.ParseBaud(text, value) };
                    break;
                case "byte":
                    if (!SerialSettings.TryParseByte(value, out int? b))
                        throw new DeviceSpecException($"'{text}': byte={value} is not a byte; use decimal (53), hex (0x35), a quoted character ('5') or any");
                    spec = spec with { TriggerByte = b };
                    break;
                default:
                    throw new DeviceSpecException($"'{text}': unknown serial setting '{name}'; use baud=N or byte=B");
            }
        }
        return spec;
    }
}
