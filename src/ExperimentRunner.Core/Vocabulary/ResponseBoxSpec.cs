using System.Globalization;

namespace ExperimentRunner.Core.Vocabulary;

/// <summary>What kind of response box a session reads.</summary>
public enum ResponseBoxKind
{
    /// <summary>A Cedrus XID-protocol box on a serial port: key events carry the box's own millisecond timer.</summary>
    Xid,
    /// <summary>A simulated XID box on a pseudo-terminal, with its own drifting clock (simulate, tests, timing-test).</summary>
    XidSim,
    /// <summary>A Current Designs fORP box (or any box) in keyboard mode: its buttons type keys.</summary>
    Forp,
}

/// <summary>
/// A response box specification (<c>--response-box</c>): <c>xid:PATH[,baud=N][,keys=B:KEY,…]</c>,
/// <c>xid-sim[:drift=PPM][,offset=MS][,keys=B:KEY,…]</c> or <c>forp[:keys=B:KEY,…][,trigger=KEY]</c>. A key map
/// names, for each box button, the key it stands for (<c>keys=1:left,2:right</c>: the button or typed key "1" acts as
/// the key "left"); the pairs after <c>keys=</c> go on until the next <c>name=value</c>. Pure: parsing opens nothing.
/// </summary>
public sealed record ResponseBoxSpec
{
    public const string Grammar = "xid:PATH[,baud=N][,keys=B:KEY,...], xid-sim[:drift=PPM][,offset=MS][,keys=B:KEY,...] or forp[:keys=B:KEY,...][,trigger=KEY]";

    /// <summary>Cedrus boxes leave the factory at 115200 baud (DIP switches).</summary>
    public const int DefaultXidBaud = 115200;

    public required ResponseBoxKind Kind { get; init; }

    /// <summary>The serial port for <see cref="ResponseBoxKind.Xid"/>; else null.</summary>
    public string? Path { get; init; }

    public int Baud { get; init; } = DefaultXidBaud;

    /// <summary>Button (XID key number "0"–"7", or a fORP's typed key name) to the key it stands for; empty: each button is
    /// the key of its own name (XID button 1 is the key "1").</summary>
    public IReadOnlyDictionary<string, string> Keys { get; init; } = new Dictionary<string, string>();

    /// <summary>fORP: the key the box types for a scanner pulse ('5' or 't'); never a response. Null: none named.</summary>
    public string? TriggerKey { get; init; }

    /// <summary>xid-sim: how much faster the simulated box's clock runs than ours, parts per million.</summary>
    public double DriftPpm { get; init; }

    /// <summary>xid-sim: the simulated box's timer at power-on, ms (its value before the first reset).</summary>
    public double OffsetMs { get; init; }

    /// <summary>The specification as written.</summary>
    public string Text { get; init; } = "";

    /// <summary>The key button <paramref name="button"/> stands for: its map entry, else the key of its own name.</summary>
    public string KeyOf(string button) => Keys.TryGetValue(button, out string? key) ? key : button;

    /// <summary>Reads a specification; throws <see cref="DeviceSpecException"/> saying what is wrong and what to write.</summary>
    public static ResponseBoxSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.Trim();
        if (s.Length == 0) throw new DeviceSpecException($"the response box is empty; use {Grammar}");
        int colon = s.IndexOf(':');
        string scheme = (colon < 0 ? s : s[..colon]).ToLowerInvariant();
        string rest = colon < 0 ? "" : s[(colon + 1)..];
        var parts = rest.Length == 0 ? [] : rest.Split(',').Select(p => p.Trim()).ToList();
        ResponseBoxSpec spec;
        switch (scheme)
        {
            case "xid":
                if (parts.Count == 0 || parts[0].Length == 0 || parts[0].Contains('='))
                    throw new DeviceSpecException($"'{text}' needs a device path, e.g. xid:/dev/ttyUSB0");
                spec = new ResponseBoxSpec { Kind = ResponseBoxKind.Xid, Path = parts[0], Text = text };
                parts.RemoveAt(0);
                break;
            case "xid-sim":
                spec = new ResponseBoxSpec { Kind = ResponseBoxKind.XidSim, Text = text };
                break;
            case "forp":
                spec = new ResponseBoxSpec { Kind = ResponseBoxKind.Forp, Text = text };
                break;
            default:
                throw new DeviceSpecException($"unknown response box '{text}'{NameSuggestions.DidYouMean(scheme, ["xid", "xid-sim", "forp"])}; use {Grammar}");
        }
        var keys = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        bool inKeys = false;
        foreach (string part in parts)
        {
            if (part.Length == 0) continue;
            if (!part.Contains('=') && inKeys)
            {
                AddKey(text, spec.Kind, keys, part);
                continue;
            }
            var (name, value) = SpecSettings.Setting(text, part);
            inKeys = false;
            switch (name)
            {
                case "keys":
                    inKeys = true;
                    AddKey(text, spec.Kind, keys, value);
                    break;
                case "baud" when spec.Kind == ResponseBoxKind.Xid:
                    spec = spec with { Baud = SerialSettings.ParseBaud(text, value) };
                    break;
                case "trigger" when spec.Kind == ResponseBoxKind.Forp:
                    spec = spec with { TriggerKey = KeyNames.Normalize(value, $"'{text}': trigger=") };
                    break;
                case "drift" when spec.Kind == ResponseBoxKind.XidSim:
                    spec = spec with { DriftPpm = Number(text, name, value.EndsWith("ppm", StringComparison.OrdinalIgnoreCase) ? value[..^3] : value, 10_000) };
                    break;
                case "offset" when spec.Kind == ResponseBoxKind.XidSim:
                    spec = spec with { OffsetMs = Number(text, name, value.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? value[..^2] : value, 1e9) };
                    break;
                default:
                    throw new DeviceSpecException($"'{text}': unknown setting '{name}' for {scheme}; use {Grammar}");
            }
        }
        if (spec.TriggerKey is { } trigger && keys.ContainsKey(trigger))
            throw new DeviceSpecException($"'{text}': the trigger key '{trigger}' is also in keys=; the scanner's key is never a response");
        return spec with { Keys = keys };
    }

    private static void AddKey(string text, ResponseBoxKind kind, Dictionary<string, string> keys, string pair)
    {
        int colon = pair.IndexOf(':');
        if (colon <= 0 || colon == pair.Length - 1)
            throw new DeviceSpecException($"'{text}': '{pair}' is not a button:key pair; write keys=1:left,2:right");
        string button = pair[..colon].Trim(), key = KeyNames.Normalize(pair[(colon + 1)..], $"'{text}': ");
        if (kind is ResponseBoxKind.Xid or ResponseBoxKind.XidSim)
        {
            if (!int.TryParse(button, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number > 7)
                throw new DeviceSpecException($"'{text}': button '{button}' is not an XID key number (0–7)");
            button = number.ToString(CultureInfo.InvariantCulture);
        }
        else button = KeyNames.Normalize(button, $"'{text}': ");
        if (!keys.TryAdd(button, key)) throw new DeviceSpecException($"'{text}': button '{button}' is mapped twice");
    }

    private static double Number(string text, string name, string value, double limit)
    {
        if (!double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v) || Math.Abs(v) > limit)
            throw new DeviceSpecException($"'{text}': {name}={value} is not a number within ±{limit.ToString(CultureInfo.InvariantCulture)}");
        return v;
    }
}
