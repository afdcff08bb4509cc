using System.Globalization;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Simulation;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Hardware.Platform.Linux;

namespace ExperimentRunner.Hardware.Triggers;

/// <summary>What a trigger specification leaves out: the paradigm's TR, default keys and serial settings.</summary>
public sealed record TriggerOptions
{
    /// <summary>The clock that stamps pulses (the run clock).</summary>
    public required IClock Clock { get; init; }

    /// <summary>Repetition time in ns: the emulator's period and the flood guard's basis; 0 when there is none (PET).</summary>
    public long TrNs { get; init; }

    /// <summary>The scanner's trigger key for <c>key</c> without a key (PsychoPy's and most converters' default: "5").</summary>
    public string Key { get; init; } = "5";

    /// <summary>The operator's start key for <c>manual</c> without a key.</summary>
    public string ManualKey { get; init; } = "s";

    /// <summary>Serial line speed for <c>serial:PATH</c> without <c>baud=</c>, in baud.</summary>
    public int Baud { get; init; } = 9600;

    /// <summary>The trigger byte for <c>serial:PATH</c> without <c>byte=</c>; null: every byte is a pulse.</summary>
    public int? TriggerByte { get; init; }
}

/// <summary>
/// Builds a trigger source from its command-line specification (<c>--scanner</c>):
/// <c>emulate</c>, <c>key[:KEY]</c>, <c>manual[:KEY]</c>, <c>serial:PATH[,baud=N][,byte=B]</c>
/// where B is decimal (53), hex (0x35), a quoted character ('5') or <c>any</c>.
/// </summary>
public static class TriggerSources
{
    public const string Grammar = "emulate, key[:KEY], manual[:KEY] or serial:PATH[,baud=N][,byte=B]";

    /// <summary>
    /// Opens the source <paramref name="spec"/> names. Throws <see cref="DeviceSpecException"/> for a malformed
    /// specification and <see cref="HardwareException"/> for a device that cannot be opened; both say what to do.
    /// </summary>
    public static ITriggerSource Parse(string spec, TriggerOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        string s = spec.Trim();
        if (s.Length == 0) throw new DeviceSpecException($"the scanner trigger is empty; use {Grammar}");
        int colon = s.IndexOf(':');
        string scheme = (colon < 0 ? s : s[..colon]).ToLowerInvariant();
        string? rest = colon < 0 ? null : s[(colon + 1)..];
        switch (scheme)
        {
            case "emulate":
                if (rest != null) throw new DeviceSpecException($"'{spec}': emulate takes no argument (its period is the paradigm's TR)");
                if (options.TrNs <= 0) throw new DeviceSpecException("'emulate' needs a TR, but this paradigm has none (PET or behavioural): use --scanner manual");
                // The same emulator `simulate` uses, on the run clock: first pulse 1 s after arming, then one per TR.
                return new ScannerEmulator(options.Clock, options.TrNs);
            case "key":
                return new KeyTriggerSource(rest is null ? options.Key : CheckKey(rest, spec), options.TrNs);
            case "manual":
                return new ManualTriggerSource(rest is null ? options.ManualKey : CheckKey(rest, spec));
            case "serial":
                return ParseSerial(spec, rest, options);
            default:
                throw new DeviceSpecException($"unknown scanner trigger '{spec}'; use {Grammar}");
        }
    }

    private static SerialTriggerSource ParseSerial(string spec, string? rest, TriggerOptions options)
    {
        string[] parts = (rest ?? "").Split(',');
        string path = parts[0].Trim();
        if (path.Length == 0) throw new DeviceSpecException($"'{spec}' needs a device path, e.g. serial:/dev/ttyUSB0");
        var serial = new SerialTriggerOptions { Baud = options.Baud, TriggerByte = options.TriggerByte, TrNs = options.TrNs };
        foreach (string part in parts.Skip(1))
        {
            var (name, value) = Setting(spec, part);
            switch (name)
            {
                case "baud":
                    serial = serial with { Baud = ParseBaud(spec, value) };
                    break;
                case "byte":
                    if (!Tty.TryParseByte(value, out int? b))
                        throw new DeviceSpecException($"'{spec}': byte={value} is not a byte; use decimal (53), hex (0x35), a quoted character ('5') or any");
                    serial = serial with { TriggerByte = b };
                    break;
                default:
                    throw new DeviceSpecException($"'{spec}': unknown serial setting '{name}'; use baud=N or byte=B");
            }
        }
        if (!LibC.BaudCodes.ContainsKey(serial.Baud))
            throw new DeviceSpecException($"'{spec}': baud rate {serial.Baud} is not supported; use one of {Tty.SupportedBauds}");
        return new SerialTriggerSource(path, serial, options.Clock);
    }

    /// <summary>Splits "name=value" (name lower-cased); throws a readable error when there is no '='.</summary>
    internal static (string Name, string Value) Setting(string spec, string part)
    {
        int eq = part.IndexOf('=');
        if (eq <= 0 || eq == part.Length - 1)
            throw new DeviceSpecException($"'{spec}': '{part}' is not a setting; settings look like name=value after a comma");
        return (part[..eq].Trim().ToLowerInvariant(), part[(eq + 1)..].Trim());
    }

    internal static int ParseBaud(string spec, string value)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int baud) || !LibC.BaudCodes.ContainsKey(baud))
            throw new DeviceSpecException($"'{spec}': baud rate '{value}' is not supported; use one of {Tty.SupportedBauds}");
        return baud;
    }

    /// <summary>Checks a key name ("5", "t", "space") and returns it lower-cased.</summary>
    public static string CheckKey(string key, string? spec = null)
    {
        string k = key.Trim();
        if (k.Length is 0 or > 16 || k.Any(c => char.IsWhiteSpace(c) || c is ',' or ':' or '=' || char.IsControl(c)))
            throw new DeviceSpecException($"{(spec is null ? "" : $"'{spec}': ")}'{key}' is not a key name; use a key such as 5, t or space");
        return k.ToLowerInvariant();
    }
}
