using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Hardware.Platform.Linux;

namespace ExperimentRunner.Hardware.Triggers;

/// <summary>
/// Scanner pulses as bytes on a serial port (or any tty, such as a pseudo-terminal). A background thread waits in
/// poll(2) and stamps each read with the clock the moment it wakes, so stamps carry no polling delay; the bytes of
/// one read share that stamp (at 9600 baud a byte takes about 1 ms on the wire). Bytes equal to
/// <see cref="SerialTriggerOptions.TriggerByte"/> (or every byte when it is null) are pulses, filtered by the flood
/// rule of <see cref="PulseGate"/>. A port that does not exist fails in the constructor with a readable message; a
/// port that vanishes mid-run sets <see cref="Fault"/>, never throws, and is reopened every half second.
/// </summary>
public sealed class SerialTriggerSource : ITriggerSource
{
    private const int PollTimeoutMs = 100;
    private const int ReopenIntervalMs = 500;

    private readonly IClock _clock;
    private readonly SerialTriggerOptions _options;
    private readonly PulseGate _gate;
    private readonly ConcurrentQueue<long> _pulses = new();
    private readonly Thread _thread;
    private FileDescriptor? _port;
    private long _armedAtNs = long.MaxValue;
    private volatile bool _stopping;
    private volatile string? _portFault;
    private volatile string? _floodFault;
    private long _bytesRead;

    /// <summary>Opens the port (throws <see cref="HardwareException"/> when it cannot) and starts the reader thread.</summary>
    public SerialTriggerSource(string path, SerialTriggerOptions options, IClock clock)
    {
        if (options.TriggerByte is < 0 or > 255)
            throw new HardwareException($"trigger byte {options.TriggerByte} is not a byte value (0–255)");
        Path = path;
        _options = options;
        _clock = clock;
        _gate = new PulseGate(options.TrNs);
        _port = Tty.Open(path, forWriting: false, options.Baud, options.Option);
        string which = options.TriggerByte is { } b ? $"byte 0x{b:X2}{(b is >= 0x21 and < 0x7F ? $" '{(char)b}'" : "")}" : "any byte";
        Description = $"serial {path} {options.Baud.ToString(CultureInfo.InvariantCulture)} baud, {which}";
        _thread = new Thread(ReadLoop) { IsBackground = true, Name = $"trigger {path}", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>The device path as given.</summary>
    public string Path { get; }

    public string Description { get; }

    /// <summary>The port's problem (vanished, reconnected) or a trigger flood; null while all is well.</summary>
    public string? Fault => _portFault ?? _floodFault;

    /// <summary>Bytes read since the port was opened (matching or not, armed or not).</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>The flood guard in ns (see <see cref="PulseGate"/>).</summary>
    public long GuardNs => _gate.GuardNs;

    public void Arm(long nowNs) => Volatile.Write(ref _armedAtNs, nowNs);

    public int Poll(Span<long> pulseTimesNs)
    {
        int n = 0;
        while (n < pulseTimesNs.Length && _pulses.TryDequeue(out long t)) pulseTimesNs[n++] = t;
        return n;
    }

    private void ReadLoop()
    {
        try
        {
            ReadUntilStopped();
        }
        catch (Exception e)
        {
            // Never take the process down from a device thread.
            _portFault = $"serial port {Path}: the reader stopped ({e.GetType().Name}: {e.Message}); no pulses are counted";
        }
    }

    private void ReadUntilStopped()
    {
        Span<byte> buffer = stackalloc byte[64];
        while (!_stopping)
        {
            var port = _port;
            if (port is null)
            {
                Thread.Sleep(ReopenIntervalMs);
                TryReopen();
                continue;
            }
            var outcome = SerialRead.Step(port.Fd, _clock, PollTimeoutMs, buffer, out int n, out long stampNs, out string? lost);
            if (outcome == SerialRead.Outcome.Lost) Lost(lost!);
            else if (outcome == SerialRead.Outcome.Bytes)
            {
                Interlocked.Add(ref _bytesRead, n);
                Accept(buffer[..n], stampNs);
            }
        }
    }

    private void Accept(ReadOnlySpan<byte> bytes, long stampNs)
    {
        long armedAt = Volatile.Read(ref _armedAtNs);
        if (stampNs < armedAt) return;
        foreach (byte b in bytes)
        {
            if (_options.TriggerByte is { } wanted && b != wanted) continue;
            if (_gate.Accept(stampNs)) _pulses.Enqueue(stampNs);
            else _floodFault = _gate.Fault;
        }
    }

    private void Lost(string why)
    {
        var port = Interlocked.Exchange(ref _port, null);
        port?.Dispose();
        if (_stopping) return;
        long armedAt = Volatile.Read(ref _armedAtNs);
        string when = armedAt == long.MaxValue
            ? "before arming"
            : Ns.ToSeconds(_clock.NowNs - armedAt).ToString("0.0", CultureInfo.InvariantCulture) + " s after arming";
        _portFault = $"serial port {Path} was lost ({why}) {when}: no pulses are counted until it comes back (check the cable)";
    }

    private void TryReopen()
    {
        try
        {
            var port = Tty.Open(Path, forWriting: false, _options.Baud, _options.Option);
            if (_stopping)
            {
                port.Dispose();
                return;
            }
            _port = port;
            _portFault = $"serial port {Path} was lost and has reconnected; pulses while it was gone were missed";
        }
        catch (HardwareException)
        {
            // Still gone: the fault already says so; try again later.
        }
    }

    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        _thread.Join(TimeSpan.FromSeconds(2));
        Interlocked.Exchange(ref _port, null)?.Dispose();
    }
}

/// <summary>Settings of a <see cref="SerialTriggerSource"/>.</summary>
public sealed record SerialTriggerOptions
{
    /// <summary>Line speed in baud (bits per second); 9600 by default, as most trigger boxes use.</summary>
    public int Baud { get; init; } = 9600;

    /// <summary>The byte value that is a pulse (e.g. 0x35, the character '5'); null: every byte is a pulse.</summary>
    public int? TriggerByte { get; init; }

    /// <summary>The repetition time in ns, for the flood guard; 0 when unknown.</summary>
    public long TrNs { get; init; }

    /// <summary>The command-line option that named the port, for messages.</summary>
    public string Option { get; init; } = "--scanner";
}
