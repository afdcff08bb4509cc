using System.Net;
using System.Net.Sockets;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Core.Vocabulary;

namespace ExperimentRunner.Hardware.Markers;

/// <summary>
/// Builds marker outputs from their specifications (Core's <see cref="MarkerSpec"/>: <c>udp:HOST:PORT</c>,
/// <c>serial:PATH[,baud=N]</c>, <c>parport:PATH[,pulse-ms=MS]</c>).
/// </summary>
public static class MarkerOutputs
{
    /// <summary>
    /// Parses <paramref name="spec"/> and opens its output. Throws <see cref="DeviceSpecException"/> for a malformed
    /// specification and <see cref="HardwareException"/> for a device that cannot be opened; both say what to do.
    /// </summary>
    public static QueuedMarkerOutput Parse(string spec, MarkerOutputOptions options) => Open(MarkerSpec.Parse(spec), options);

    /// <summary>Opens the output a parsed specification names; throws <see cref="HardwareException"/> when it cannot.</summary>
    public static QueuedMarkerOutput Open(MarkerSpec spec, MarkerOutputOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        // Every MarkerKind is named and there is no default: a kind MarkerSpec parses but nothing opens does not compile (CS8509).
#pragma warning disable CS8524 // an unnamed value is a bug and throws SwitchExpressionException
        return spec.Kind switch
        {
            MarkerKind.Udp => new UdpMarkerOutput(Resolve(spec), options),
            MarkerKind.Serial => new SerialMarkerOutput(spec.Path!, spec.Baud, options),
            MarkerKind.ParallelPort => new ParallelPortMarkerOutput(spec.Path!, Ns.FromMs(spec.PulseMs), options),
        };
#pragma warning restore CS8524
    }

    /// <summary>Parses every specification, then opens them all as one <see cref="MarkerOutputSet"/> (see <see cref="OpenAll"/>).</summary>
    public static MarkerOutputSet ParseAll(IEnumerable<string> specs, MarkerOutputOptions options) =>
        OpenAll(specs.Select(MarkerSpec.Parse).ToList(), options);

    /// <summary>
    /// Opens every output in <paramref name="specs"/> as one <see cref="MarkerOutputSet"/>; if one fails, those already
    /// opened are closed and the error is thrown.
    /// </summary>
    public static MarkerOutputSet OpenAll(IEnumerable<MarkerSpec> specs, MarkerOutputOptions options)
    {
        var opened = new List<QueuedMarkerOutput>();
        try
        {
            foreach (var spec in specs) opened.Add(Open(spec, options));
            return new MarkerOutputSet(opened);
        }
        catch
        {
            foreach (var o in opened) o.Dispose();
            throw;
        }
    }

    /// <summary>The UDP receiver's address: the host as an IP address, or resolved (IPv4 preferred).</summary>
    private static IPEndPoint Resolve(MarkerSpec spec)
    {
        string host = spec.Host!;
        if (IPAddress.TryParse(host, out var address)) return new IPEndPoint(address, spec.Port);
        IPAddress[] addresses;
        try
        {
            addresses = Dns.GetHostAddresses(host);
        }
        catch (SocketException e)
        {
            throw new HardwareException($"marker output '{spec.Text}': cannot resolve host '{host}' ({e.Message}); use an IP address such as 127.0.0.1");
        }
        var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new HardwareException($"marker output '{spec.Text}': host '{host}' has no address");
        return new IPEndPoint(chosen, spec.Port);
    }
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
