using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Hardware.Platform.Linux;
using ExperimentRunner.Hardware.Triggers;

namespace ExperimentRunner.Hardware.Markers;

/// <summary>
/// Builds marker outputs from their command-line specifications (<c>--markers</c>, any number):
/// <c>udp:HOST:PORT</c> (IPv6 as <c>udp:[::1]:9000</c>), <c>serial:PATH[,baud=N]</c>,
/// <c>parport:PATH[,pulse-ms=MS]</c>.
/// </summary>
public static class MarkerOutputs
{
    public const string Grammar = "udp:HOST:PORT, serial:PATH[,baud=N] or parport:PATH[,pulse-ms=MS]";

    /// <summary>
    /// Opens the output <paramref name="spec"/> names. Throws <see cref="DeviceSpecException"/> for a malformed
    /// specification and <see cref="HardwareException"/> for a device that cannot be opened; both say what to do.
    /// </summary>
    public static QueuedMarkerOutput Parse(string spec, MarkerOutputOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        string s = spec.Trim();
        int colon = s.IndexOf(':');
        if (colon <= 0) throw new DeviceSpecException($"marker output '{spec}' is not understood; use {Grammar}");
        string scheme = s[..colon].ToLowerInvariant();
        string rest = s[(colon + 1)..];
        return scheme switch
        {
            "udp" => new UdpMarkerOutput(ParseEndPoint(spec, rest), options),
            "serial" => ParseSerial(spec, rest, options),
            "parport" => ParseParallel(spec, rest, options),
            _ => throw new DeviceSpecException($"unknown marker output '{spec}'; use {Grammar}"),
        };
    }

    /// <summary>
    /// Opens every output in <paramref name="specs"/> as one <see cref="MarkerOutputSet"/>; if one fails, those already
    /// opened are closed and the error is thrown.
    /// </summary>
    public static MarkerOutputSet ParseAll(IEnumerable<string> specs, MarkerOutputOptions options)
    {
        var opened = new List<QueuedMarkerOutput>();
        try
        {
            foreach (string spec in specs) opened.Add(Parse(spec, options));
            return new MarkerOutputSet(opened);
        }
        catch
        {
            foreach (var o in opened) o.Dispose();
            throw;
        }
    }

    /// <summary>Parses HOST:PORT ("127.0.0.1:9000", "localhost:9000", "[::1]:9000"), resolving a host name.</summary>
    public static IPEndPoint ParseEndPoint(string spec, string hostPort)
    {
        int colon = hostPort.LastIndexOf(':');
        if (colon < 0 || (hostPort.StartsWith('[') && !hostPort[..colon].EndsWith(']')))
            throw new DeviceSpecException($"marker output '{spec}' needs a host and a port: udp:HOST:PORT, e.g. udp:127.0.0.1:9000");
        string host = hostPort[..colon].Trim();
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        string portText = hostPort[(colon + 1)..].Trim();
        if (host.Length == 0)
            throw new DeviceSpecException($"marker output '{spec}' has no host: udp:HOST:PORT, e.g. udp:127.0.0.1:9000");
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            throw new DeviceSpecException($"marker output '{spec}': '{portText}' is not a port number (1–65535)");
        if (IPAddress.TryParse(host, out var address)) return new IPEndPoint(address, port);
        IPAddress[] addresses;
        try
        {
            addresses = Dns.GetHostAddresses(host);
        }
        catch (SocketException e)
        {
            throw new HardwareException($"marker output '{spec}': cannot resolve host '{host}' ({e.Message}); use an IP address such as 127.0.0.1");
        }
        var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new HardwareException($"marker output '{spec}': host '{host}' has no address");
        return new IPEndPoint(chosen, port);
    }

    private static SerialMarkerOutput ParseSerial(string spec, string rest, MarkerOutputOptions options)
    {
        string[] parts = rest.Split(',');
        string path = parts[0].Trim();
        if (path.Length == 0) throw new DeviceSpecException($"marker output '{spec}' needs a device path, e.g. serial:/dev/ttyUSB0");
        int baud = 9600;
        foreach (string part in parts.Skip(1))
        {
            var (name, value) = TriggerSources.Setting(spec, part);
            if (name != "baud") throw new DeviceSpecException($"marker output '{spec}': unknown serial setting '{name}'; use baud=N");
            baud = TriggerSources.ParseBaud(spec, value);
        }
        return new SerialMarkerOutput(path, baud, options);
    }

    private static ParallelPortMarkerOutput ParseParallel(string spec, string rest, MarkerOutputOptions options)
    {
        string[] parts = rest.Split(',');
        string path = parts[0].Trim();
        if (path.Length == 0) throw new DeviceSpecException($"marker output '{spec}' needs a device path, e.g. parport:/dev/parport0");
        double pulseMs = ParallelPortMarkerOutput.DefaultPulseMs;
        foreach (string part in parts.Skip(1))
        {
            var (name, value) = TriggerSources.Setting(spec, part);
            if (name != "pulse-ms") throw new DeviceSpecException($"marker output '{spec}': unknown parallel-port setting '{name}'; use pulse-ms=MS");
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out pulseMs) || pulseMs is not (> 0 and <= 1000))
                throw new DeviceSpecException($"marker output '{spec}': pulse-ms={value} must be a number of milliseconds above 0 and at most 1000");
        }
        return new ParallelPortMarkerOutput(path, Ns.FromMs(pulseMs), options);
    }

    /// <summary>Serial baud rates an output accepts.</summary>
    public static string SupportedBauds => Tty.SupportedBauds;
}

/// <summary>Any number of marker outputs as one: <see cref="Send"/> queues the marker on each (never blocks).</summary>
public sealed class MarkerOutputSet : IMarkerOutput
{
    private readonly QueuedMarkerOutput[] _outputs;

    public MarkerOutputSet(IEnumerable<QueuedMarkerOutput> outputs)
    {
        _outputs = outputs.ToArray();
        Description = _outputs.Length == 0 ? "none" : string.Join(" + ", _outputs.Select(o => o.Description));
    }

    public IReadOnlyList<QueuedMarkerOutput> Outputs => _outputs;

    public string Description { get; }

    /// <summary>The first output's problem, or null when all are well.</summary>
    public string? Fault
    {
        get
        {
            foreach (var o in _outputs)
                if (o.Fault is { } f) return f;
            return null;
        }
    }

    public void Send(in MarkerMessage marker)
    {
        foreach (var o in _outputs) o.Send(in marker);
    }

    /// <summary>Waits until every output has sent what it queued; false when one did not within the timeout.</summary>
    public bool Flush(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        bool all = true;
        foreach (var o in _outputs)
        {
            var left = deadline - DateTime.UtcNow;
            all &= o.Flush(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
        return all;
    }

    public void Dispose()
    {
        foreach (var o in _outputs) o.Dispose();
    }
}

/// <summary>
/// Collects <see cref="MarkerSent"/> reports from the outputs' threads (pass <see cref="Add"/> as
/// <see cref="MarkerOutputOptions.OnSent"/>) for the frame loop to drain without allocating. Bounded: when nobody
/// drains, the oldest reports are overwritten and counted in <see cref="Overwritten"/>.
/// </summary>
public sealed class MarkerSentQueue(int capacity = 4096)
{
    private readonly MarkerSent[] _ring = new MarkerSent[capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), "capacity must be at least 1")];
    private readonly object _lock = new();
    private int _head, _count;

    /// <summary>Reports lost because the queue was full.</summary>
    public long Overwritten { get; private set; }

    public void Add(MarkerSent sent)
    {
        lock (_lock)
        {
            if (_count == _ring.Length)
            {
                _head = (_head + 1) % _ring.Length;
                _count--;
                Overwritten++;
            }
            _ring[(_head + _count) % _ring.Length] = sent;
            _count++;
        }
    }

    /// <summary>Copies the oldest reports into <paramref name="buffer"/> and removes them; returns how many.</summary>
    public int Drain(Span<MarkerSent> buffer)
    {
        lock (_lock)
        {
            int n = Math.Min(_count, buffer.Length);
            for (int i = 0; i < n; i++)
            {
                buffer[i] = _ring[_head];
                _ring[_head] = default;
                _head = (_head + 1) % _ring.Length;
            }
            _count -= n;
            return n;
        }
    }
}
