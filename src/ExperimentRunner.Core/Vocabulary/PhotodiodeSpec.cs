using System.Globalization;

namespace ExperimentRunner.Core.Vocabulary;

/// <summary>Where a light sensor's edges come from.</summary>
public enum PhotodiodeKind
{
    /// <summary>Bytes on a serial line: one ASCII byte per edge, '1' light on, '0' light off (<see cref="PhotodiodeSpec.Path"/>).</summary>
    Serial,
    /// <summary>Each key-down of <see cref="PhotodiodeSpec.Key"/> is a light onset (a button box input the sensor is wired to).</summary>
    Key,
    /// <summary>The simulated twin: each edge at its flip + lag + Gaussian jitter, seeded.</summary>
    Simulated,
}

/// <summary>
/// A light sensor specification (<c>timing-test --photodiode</c>): <c>serial:PATH[,baud=N]</c>, <c>key:KEY</c> or
/// <c>sim[:lag=4.5ms,jitter=0.2ms,miss=0,seed=1]</c>. Pure: parsing opens nothing.
/// </summary>
public sealed record PhotodiodeSpec
{
    public const string Grammar = "serial:PATH[,baud=N], key:KEY or sim[:lag=4.5ms,jitter=0.2ms,miss=0,seed=N]";

    /// <summary>The simulated sensor's default lag: Psychtoolbox's visual onset lag on Linux in Bridges et al. 2020.</summary>
    public const long DefaultSimLagNs = 4_500_000;

    /// <summary>The simulated sensor's default jitter (SD): the same study's 0.18 ms, rounded.</summary>
    public const long DefaultSimJitterNs = 200_000;

    public required PhotodiodeKind Kind { get; init; }
    public string? Path { get; init; }
    public int Baud { get; init; } = SerialSettings.DefaultBaud;
    public string? Key { get; init; }
    /// <summary>Simulated: light − flip, ns.</summary>
    public long LagNs { get; init; } = DefaultSimLagNs;
    /// <summary>Simulated: SD of the Gaussian jitter added to the lag, ns (0: none).</summary>
    public long JitterNs { get; init; } = DefaultSimJitterNs;
    /// <summary>Simulated: probability (0–1) that an edge is never reported.</summary>
    public double Miss { get; init; }
    public int Seed { get; init; } = 1;
    /// <summary>The specification as written.</summary>
    public string Text { get; init; } = "";

    /// <summary>Reads a specification; throws <see cref="DeviceSpecException"/> saying what is wrong and what to write.</summary>
    public static PhotodiodeSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.Trim();
        if (s.Length == 0) throw new DeviceSpecException($"the photodiode is empty; use {Grammar}");
        int colon = s.IndexOf(':');
        string scheme = (colon < 0 ? s : s[..colon]).ToLowerInvariant();
        string? rest = colon < 0 ? null : s[(colon + 1)..];
        switch (scheme)
        {
            case "serial":
            {
                string[] parts = (rest ?? "").Split(',');
                string path = parts[0].Trim();
                if (path.Length == 0) throw new DeviceSpecException($"'{text}' needs a device path, e.g. serial:/dev/ttyACM0");
                var spec = new PhotodiodeSpec { Kind = PhotodiodeKind.Serial, Path = path, Text = text };
                foreach (string part in parts.Skip(1))
                {
                    var (name, value) = SpecSettings.Setting(text, part);
                    spec = name == "baud"
                        ? spec with { Baud = SerialSettings.ParseBaud(text, value) }
                        : throw new DeviceSpecException($"'{text}': unknown serial setting '{name}'; use baud=N");
                }
                return spec;
            }
            case "key":
                if (string.IsNullOrWhiteSpace(rest)) throw new DeviceSpecException($"'{text}' needs the key the sensor is wired to, e.g. key:1");
                return new PhotodiodeSpec { Kind = PhotodiodeKind.Key, Key = KeyNames.Normalize(rest, $"'{text}': "), Text = text };
            case "sim":
            {
                var spec = new PhotodiodeSpec { Kind = PhotodiodeKind.Simulated, Text = text };
                if (string.IsNullOrWhiteSpace(rest)) return spec;
                foreach (string part in rest.Split(','))
                {
                    var (name, value) = SpecSettings.Setting(text, part);
                    spec = name switch
                    {
                        "lag" => spec with { LagNs = Duration(text, name, value, 0, 1_000_000_000) },
                        "jitter" => spec with { JitterNs = Duration(text, name, value, 0, 100_000_000) },
                        "miss" => spec with { Miss = Probability(text, value) },
                        "seed" => spec with { Seed = int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed) ? seed : throw new DeviceSpecException($"'{text}': seed={value} is not a whole number") },
                        _ => throw new DeviceSpecException($"'{text}': unknown setting '{name}'{NameSuggestions.DidYouMean(name, ["lag", "jitter", "miss", "seed"])}; use lag=4.5ms, jitter=0.2ms, miss=0, seed=N"),
                    };
                }
                return spec;
            }
            default:
                throw new DeviceSpecException($"unknown photodiode '{text}'{NameSuggestions.DidYouMean(scheme, ["serial", "key", "sim"])}; use {Grammar}");
        }
    }

    /// <summary>"4.5ms", "200us", "0.01s" → ns; a bare number is milliseconds.</summary>
    private static long Duration(string text, string name, string value, long minNs, long maxNs)
    {
        string v = value.Trim().ToLowerInvariant();
        double scale = 1e6;
        if (v.EndsWith("ms", StringComparison.Ordinal)) v = v[..^2];
        else if (v.EndsWith("us", StringComparison.Ordinal) || v.EndsWith("µs", StringComparison.Ordinal)) (v, scale) = (v[..^2], 1e3);
        else if (v.EndsWith("ns", StringComparison.Ordinal)) (v, scale) = (v[..^2], 1);
        else if (v.EndsWith('s')) (v, scale) = (v[..^1], 1e9);
        if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) || !double.IsFinite(x))
            throw new DeviceSpecException($"'{text}': {name}={value} is not a duration; write it like 4.5ms or 200us");
        long ns = (long)Math.Round(x * scale);
        if (ns < minNs || ns > maxNs)
            throw new DeviceSpecException($"'{text}': {name}={value} is out of range ({minNs / 1e6:0.###} to {maxNs / 1e6:0.###} ms)");
        return ns;
    }

    private static double Probability(string text, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) && p is >= 0 and <= 1
            ? p
            : throw new DeviceSpecException($"'{text}': miss={value} must be a probability from 0 to 1");
}
