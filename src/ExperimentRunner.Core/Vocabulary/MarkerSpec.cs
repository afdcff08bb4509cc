using System.Globalization;

namespace ExperimentRunner.Core.Vocabulary;

/// <summary>Where event markers go.</summary>
public enum MarkerKind
{
    /// <summary>One JSON datagram per marker to <see cref="MarkerSpec.Host"/>:<see cref="MarkerSpec.Port"/>.</summary>
    Udp,
    /// <summary>One byte (the code) per marker on the serial port <see cref="MarkerSpec.Path"/>.</summary>
    Serial,
    /// <summary>The parallel port <see cref="MarkerSpec.Path"/>'s data lines set to the code for <see cref="MarkerSpec.PulseMs"/>.</summary>
    ParallelPort,
}

/// <summary>
/// A marker output specification (<c>--markers</c>, any number): <c>udp:HOST:PORT</c> (IPv6 as
/// <c>udp:[::1]:9000</c>), <c>serial:PATH[,baud=N]</c>, <c>parport:PATH[,pulse-ms=MS]</c>. Pure: parsing opens and
/// resolves nothing; Hardware builds the output from the parsed value.
/// </summary>
public sealed record MarkerSpec
{
    public const string Grammar = "udp:HOST:PORT, serial:PATH[,baud=N] or parport:PATH[,pulse-ms=MS]";

    /// <summary>How long a parallel-port marker holds the data lines when the specification says nothing, in ms: long enough for EEG amplifiers sampling at 1 kHz or more.</summary>
    public const double DefaultPulseMs = 10;

    public required MarkerKind Kind { get; init; }

    /// <summary>The UDP receiver's host (an IP address or a name, brackets of IPv6 removed); else null.</summary>
    public string? Host { get; init; }

    /// <summary>The UDP receiver's port (1–65535); else 0.</summary>
    public int Port { get; init; }

    /// <summary>The serial or parallel port's device path; else null.</summary>
    public string? Path { get; init; }

    /// <summary>Serial line speed in baud.</summary>
    public int Baud { get; init; } = SerialSettings.DefaultBaud;

    /// <summary>How long a parallel-port marker holds the data lines, in ms (above 0, at most 1000).</summary>
    public double PulseMs { get; init; } = DefaultPulseMs;

    /// <summary>The specification as written.</summary>
    public string Text { get; init; } = "";

    /// <summary>Reads a specification; throws <see cref="DeviceSpecException"/> saying what is wrong and what to write.</summary>
    public static MarkerSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.Trim();
        int colon = s.IndexOf(':');
        if (colon <= 0) throw new DeviceSpecException($"marker output '{text}' is not understood; use {Grammar}");
        string scheme = s[..colon].ToLowerInvariant();
        string rest = s[(colon + 1)..];
        return scheme switch
        {
            "udp" => ParseUdp(text, rest),
            "serial" => ParseSerial(text, rest),
            "parport" => ParseParallel(text, rest),
            _ => throw new DeviceSpecException($"unknown marker output '{text}'; use {Grammar}"),
        };
    }

    private static MarkerSpec ParseUdp(string text, string hostPort)
    {
        int colon = hostPort.LastIndexOf(':');
        if (colon < 0 || (hostPort.StartsWith('[') && !hostPort[..colon].EndsWith(']')))
            throw new DeviceSpecException($"marker output '{text}' needs a host and a port: udp:HOST:PORT, e.g. udp:127.0.0.1:9000");
        string host = hostPort[..colon].Trim();
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        string portText = hostPort[(colon + 1)..].Trim();
        if (host.Length == 0)
            throw new DeviceSpecException($"marker output '{text}' has no host: udp:HOST:PORT, e.g. udp:127.0.0.1:9000");
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            throw new DeviceSpecException($"marker output '{text}': '{portText}' is not a port number (1–65535)");
        return new MarkerSpec { Kind = MarkerKind.Udp, Host = host, Port = port, Text = text };
    }

    private static MarkerSpec ParseSerial(string text, string rest)
    {
        string[] parts = rest.Split(',');
        string path = parts[0].Trim();
        if (path.Length == 0) throw new DeviceSpecException($"marker output '{text}' needs a device path, e.g. serial:/dev/ttyUSB0");
        int baud = SerialSettings.DefaultBaud;
        foreach (string part in parts.Skip(1))
        {
            var (name, value) = SpecSettings.Setting(text, part);
            if (name != "baud") throw new DeviceSpecException($"marker output '{text}': unknown serial setting '{name}'; use baud=N");
            baud = SerialSettings.ParseBaud(text, value);
        }
        return new MarkerSpec { Kind = MarkerKind.Serial, Path = path, Baud = baud, Text = text };
    }

    private static MarkerSpec ParseParallel(string text, string rest)
    {
        string[] parts = rest.Split(',');
        string path = parts[0].Trim();
        if (path.Length == 0) throw new DeviceSpecException($"marker output '{text}' needs a device path, e.g. parport:/dev/parport0");
        double pulseMs = DefaultPulseMs;
        foreach (string part in parts.Skip(1))
        {
            var (name, value) = SpecSettings.Setting(text, part);
            if (name != "pulse-ms") throw new DeviceSpecException($"marker output '{text}': unknown parallel-port setting '{name}'; use pulse-ms=MS");
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out pulseMs) || pulseMs is not (> 0 and <= 1000))
                throw new DeviceSpecException($"marker output '{text}': pulse-ms={value} must be a number of milliseconds above 0 and at most 1000");
        }
        return new MarkerSpec { Kind = MarkerKind.ParallelPort, Path = path, PulseMs = pulseMs, Text = text };
    }
}
