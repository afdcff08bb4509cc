using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Hardware.Platform.Linux;

namespace ExperimentRunner.Hardware.Photodiodes;

/// <summary>
/// A light sensor on a serial line (an Arduino with a photodiode, a timing box's serial output): one ASCII byte per
/// edge, <c>'1'</c> when the patch turns light and <c>'0'</c> when it turns dark; CR and LF are ignored (a sketch may
/// use println). A background thread waits in poll(2) and stamps each read with the clock the moment it wakes, as
/// <see cref="Triggers.SerialTriggerSource"/> does. Any other byte is out of protocol: counted in <see cref="Garbage"/>
/// and reported in <see cref="Fault"/>. A port that vanishes sets <see cref="Fault"/> and is not reopened (a
/// calibration with a gap in it is not one).
/// </summary>
public sealed class SerialPhotodiode : IPhotodiode
{
    private const int PollTimeoutMs = 100;

    private readonly IClock _clock;
    private readonly ConcurrentQueue<LightEdge> _edges = new();
    private readonly Thread _thread;
    private FileDescriptor? _port;
    private volatile bool _stopping;
    private volatile string? _fault;
    private long _garbage;
    private int _firstGarbage = -1;

    /// <summary>Opens the port (throws <see cref="HardwareException"/> when it cannot) and starts the reader thread.</summary>
    public SerialPhotodiode(string path, int baud, IClock clock)
    {
        Path = path;
        _clock = clock;
        _port = Tty.Open(path, forWriting: false, baud, "--photodiode");
        Description = $"serial {path} {baud.ToString(CultureInfo.InvariantCulture)} baud ('1' light, '0' dark)";
        _thread = new Thread(ReadLoop) { IsBackground = true, Name = $"photodiode {path}", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    public string Path { get; }
    public string Description { get; }

    public string? Fault => _fault ?? (Interlocked.Read(ref _garbage) is > 0 and var g
        ? $"photodiode {Path} sent {g} byte(s) that are not edges (the first 0x{Volatile.Read(ref _firstGarbage):X2}); it should send '1' (light) and '0' (dark), one byte per edge: check the sensor's firmware and the baud rate"
        : null);

    public long Garbage => Interlocked.Read(ref _garbage);

    public int Poll(Span<LightEdge> edges)
    {
        int n = 0;
        while (n < edges.Length && _edges.TryDequeue(out var e)) edges[n++] = e;
        return n;
    }

    private void ReadLoop()
    {
        try
        {
            Read();
        }
        catch (Exception e)
        {
            _fault = $"photodiode {Path}: the reader stopped ({e.GetType().Name}: {e.Message})";
        }
    }

    private void Read()
    {
        Span<byte> buffer = stackalloc byte[64];
        while (!_stopping)
        {
            var port = _port;
            if (port is null) return;
            var outcome = SerialRead.Step(port.Fd, _clock, PollTimeoutMs, buffer, out int n, out long stampNs, out string? lost);
            if (outcome == SerialRead.Outcome.Lost) Lost(lost!);
            else if (outcome == SerialRead.Outcome.Bytes)
                foreach (byte b in buffer[..n]) Accept(b, stampNs);
        }
    }

    private void Accept(byte b, long stampNs)
    {
        switch (b)
        {
            case (byte)'1': _edges.Enqueue(new LightEdge(stampNs, true)); break;
            case (byte)'0': _edges.Enqueue(new LightEdge(stampNs, false)); break;
            case (byte)'\r' or (byte)'\n': break;
            default:
                Interlocked.CompareExchange(ref _firstGarbage, b, -1);
                Interlocked.Increment(ref _garbage);
                break;
        }
    }

    private void Lost(string why)
    {
        Interlocked.Exchange(ref _port, null)?.Dispose();
        if (!_stopping) _fault = $"photodiode {Path} was lost ({why}): check its cable and that nothing else opened the port";
    }

    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        _thread.Join(TimeSpan.FromSeconds(2));
        Interlocked.Exchange(ref _port, null)?.Dispose();
    }
}

/// <summary>
/// A light sensor wired to a button box input that types a key: each key-down of <see cref="Key"/> is a light onset
/// (stamped on arrival by the input, as every key is). Other keys are passed over.
/// </summary>
public sealed class KeyPhotodiode(IInput input, string key, IDisposable? owner = null) : IPhotodiode
{
    private readonly InputEvent[] _buffer = new InputEvent[64];

    public string Key => key;
    public string Description => $"key '{key}' ({input.Timing})";

    public int Poll(Span<LightEdge> edges)
    {
        int got = input.Poll(_buffer.AsSpan(0, Math.Min(_buffer.Length, edges.Length)));
        int n = 0;
        for (int i = 0; i < got; i++)
            if (_buffer[i].IsDown && string.Equals(_buffer[i].Key, key, StringComparison.OrdinalIgnoreCase)) edges[n++] = new LightEdge(_buffer[i].TimeNs, true);
        return n;
    }

    public void Dispose() => owner?.Dispose();
}
