using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Core.Vocabulary;
using ExperimentRunner.Hardware.Platform.Linux;

namespace ExperimentRunner.Hardware.ResponseBoxes;

/// <summary>
/// A Cedrus XID response box on a serial port (or a pseudo-terminal: <see cref="XidEmulator"/>). Opening asks the
/// protocol (<c>_c1</c>, three times: the shortest round trip is kept), the product (<c>_d2</c>, <c>_d1</c>), then
/// resets the box's reaction-time timer (<c>e5</c>) and aligns it to the run clock (<see cref="BoxClock"/>). A
/// background thread waits in poll(2), stamps each read on arrival, decodes key events and puts each into a ring
/// as an <see cref="InputEvent"/> whose time is the box's own time aligned to the run clock, carrying the box's
/// timer and the arrival stamp. Out-of-protocol bytes are skipped (resynchronising on the next plausible event) and
/// counted; a flood is cut by a rate limit; a port that vanishes is reopened every half second and realigned. Each
/// problem shows in <see cref="Fault"/> with what to check; nothing here throws after the constructor.
/// </summary>
public sealed partial class XidResponseBox : IDisposable
{
    private const int PollTimeoutMs = 100;
    private const int ReopenIntervalMs = 500;
    private const int AnswerTimeoutMs = 1000;

    /// <summary>The flood rule: at most this many presses in a burst, refilled at this many per second.</summary>
    public const int FloodPressesPerSecond = 20;

    private readonly IClock _clock;
    private readonly ResponseBoxSpec _spec;
    private readonly string _option;
    private readonly string[] _keys = new string[8];
    private readonly InputRing _ring = new();
    private readonly BoxClock _boxClock = new();
    private readonly Lock _clockLock = new();
    private readonly byte[] _packet = new byte[XidProtocol.KeyEventLength];
    private readonly Thread _thread;
    private FileDescriptor? _port;
    private int _packetLength;
    private volatile bool _stopping;
    private volatile string? _portFault, _floodFault, _garbageFault, _driftFault;
    private long _decoded, _garbageBytes, _floodDropped;
    private double _tokens = FloodPressesPerSecond;
    private long _lastTokenNs = long.MinValue;
    private bool _answersQueries;
    private volatile bool _queryPending;
    private long _querySentNs, _queryStartedTicks, _lastQueryNs = long.MinValue;

    /// <summary>How often the reader asks the box's timer (e3) to keep it aligned, ns of the run clock: 2 s.</summary>
    public const long QueryIntervalNs = 2_000_000_000;

    /// <summary>A timer query whose round trip took longer than this is not used (its midpoint is too uncertain): 5 ms.</summary>
    public const long MaxQueryRoundTripNs = 5_000_000;

    /// <summary>Opens the port, checks the box answers the XID protocol, aligns its timer and starts the reader.
    /// Throws <see cref="HardwareException"/> (saying what to check) when it cannot.</summary>
    public XidResponseBox(string path, ResponseBoxSpec spec, IClock clock, string option = "--response-box")
    {
        Path = path;
        _spec = spec;
        _clock = clock;
        _option = option;
        for (int i = 0; i < _keys.Length; i++) _keys[i] = KeyNames.Normalize(spec.KeyOf(i.ToString(CultureInfo.InvariantCulture)));
        _port = Tty.Open(path, forWriting: false, spec.Baud, option, readWrite: true);
        try
        {
            Product = Handshake(_port);
        }
        catch
        {
            _port.Dispose();
            throw;
        }
        Description = $"xid {path} {spec.Baud.ToString(CultureInfo.InvariantCulture)} baud, {Product}";
        _thread = new Thread(ReadLoop) { IsBackground = true, Name = $"response box {path}", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    public string Path { get; }

    /// <summary>"xid /dev/ttyUSB0 115200 baud, Cedrus RB-840".</summary>
    public string Description { get; }

    /// <summary>What the box says it is (its name, else its product id's meaning).</summary>
    public string Product { get; }

    /// <summary>The port's problem, a flood, garbage or an implausible drift; null while all is well.</summary>
    public string? Fault => _portFault ?? _floodFault ?? _garbageFault ?? _driftFault;

    /// <summary>Key events decoded since opening (presses and releases, taken or cut by the flood rule).</summary>
    public long Decoded => Interlocked.Read(ref _decoded);

    /// <summary>Bytes skipped as outside the protocol.</summary>
    public long GarbageBytes => Interlocked.Read(ref _garbageBytes);

    /// <summary>Presses not taken under the flood rule.</summary>
    public long FloodDropped => Interlocked.Read(ref _floodDropped);

    /// <summary>The alignment and drift as estimated so far (any thread).</summary>
    public BoxDrift Drift
    {
        get { lock (_clockLock) return _boxClock.Estimate(); }
    }

    /// <summary>Whether the box answers timer queries (e3): then they, not the presses, align its clock.</summary>
    public bool AnswersTimerQueries => _answersQueries;

    /// <summary>The reader asks the box's timer every <see cref="QueryIntervalNs"/> (true, the default); false: only
    /// <see cref="TryQueryNow"/> does (a simulation on the virtual clock, which waits for each answer).</summary>
    public bool AutoQuery { get; set; } = true;

    /// <summary>A timer query was sent and its answer has not come yet.</summary>
    public bool QueryPending => _queryPending;

    /// <summary>Sends a timer query now (any thread); false when the box does not answer them, one is pending or the port is gone.</summary>
    public bool TryQueryNow()
    {
        var port = _port;
        if (!_answersQueries || _queryPending || port is null) return false;
        _querySentNs = _clock.NowNs;
        _queryStartedTicks = Stopwatch.GetTimestamp();
        _queryPending = true;
        try { Write(port, XidProtocol.QueryBaseTimer); }
        catch (Exception e) when (e is HardwareException or ObjectDisposedException)
        {
            _queryPending = false;
            return false;
        }
        return true;
    }

    /// <summary>Copies the box's events that arrived since the last poll (frame-loop thread; allocation-free).</summary>
    public int Poll(Span<InputEvent> buffer) => _ring.Read(buffer);

    /// <summary>Asks the protocol (keeping the shortest round trip), the product, then resets and aligns the timer.</summary>
    private string Handshake(FileDescriptor port)
    {
        Span<byte> answer = stackalloc byte[64];
        long bestRtt = long.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            long sent = _clock.NowNs;
            Write(port, XidProtocol.QueryProtocol);
            int n = ReadAnswer(port, answer, 5, AnswerTimeoutMs);
            long rtt = _clock.NowNs - sent;
            if (n == 0)
                throw new HardwareException($"the response box on {Path} does not answer the XID protocol query within 1 s: check that it is a Cedrus box set to XID mode " +
                    $"(not keyboard mode), that it is powered and plugged in, and that its baud rate (DIP switches) is {_spec.Baud.ToString(CultureInfo.InvariantCulture)} (or set {_option} xid:{Path},baud=N)");
            if (!answer[..n].StartsWith(XidProtocol.XidModeAnswer))
                throw new HardwareException($"the device on {Path} answered '{Printable(answer[..n])}' instead of _xid0: it is not in XID mode (set the box's DIP switches to XID, " +
                    "or use forp/keyboard mode with --response-box forp), or the baud rate is wrong");
            bestRtt = Math.Min(bestRtt, rtt);
        }
        Write(port, XidProtocol.QueryProductId);
        int idLength = ReadAnswer(port, answer, 1, 300);
        Write(port, XidProtocol.QueryProductName);
        int nameLength = ReadAnswer(port, answer[1..], answer.Length - 1, 300, quietMs: 50);
        string name = Printable(answer.Slice(1, nameLength)).Trim();
        string product = name.Length > 0 ? name : idLength == 1 ? XidProtocol.ProductName(answer[0]) : "product unknown (no answer to _d1/_d2)";
        Align(port, bestRtt);
        // XID 2 boxes answer the base-timer query: then the clock is checked against ours every few seconds.
        Write(port, XidProtocol.QueryBaseTimer);
        int got = ReadAnswer(port, answer, XidProtocol.TimerAnswerLength, 300);
        long answered = _clock.NowNs;
        if (got == XidProtocol.TimerAnswerLength && answer[0] == XidProtocol.TimerAnswer && answer[1] == (byte)'3')
        {
            // A probe only: read just after the reset, its reading says no more than the anchor does.
            _answersQueries = true;
            _lastQueryNs = answered;
        }
        return product;
    }

    /// <summary>Resets the box's reaction-time timer and anchors it: our clock at the write plus half a round trip.</summary>
    private void Align(FileDescriptor port, long roundTripNs)
    {
        long before = _clock.NowNs;
        Write(port, XidProtocol.ResetBothTimers);
        lock (_clockLock) _boxClock.Align(before + roundTripNs / 2, roundTripNs);
        _packetLength = 0;
        _queryPending = false;
        _lastTokenNs = long.MinValue;
        _tokens = FloodPressesPerSecond;
    }

    private static unsafe void Write(FileDescriptor port, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* p = bytes)
        {
            int done = 0;
            var watch = Stopwatch.StartNew();
            while (done < bytes.Length)
            {
                nint n = LibC.Write(port.Fd, p + done, bytes.Length - done);
                if (n > 0) { done += (int)n; continue; }
                int errno = Marshal.GetLastPInvokeError();
                if (n < 0 && errno is not (LibC.EAGAIN or LibC.EINTR))
                    throw new HardwareException($"cannot write to the response box: {LibC.Describe(errno)}");
                if (watch.ElapsedMilliseconds > 500) throw new HardwareException("the response box's port took no data for 0.5 s (flow control stuck?)");
                Thread.Sleep(1);
            }
        }
    }

    /// <summary>Reads until <paramref name="want"/> bytes, the timeout, or (with <paramref name="quietMs"/>) a quiet gap after
    /// the first byte; returns how many.</summary>
    private static unsafe int ReadAnswer(FileDescriptor port, Span<byte> into, int want, int timeoutMs, int quietMs = 0)
    {
        int got = 0;
        var watch = Stopwatch.StartNew();
        fixed (byte* p = into)
        {
            while (got < want && got < into.Length)
            {
                int left = (int)(timeoutMs - watch.ElapsedMilliseconds);
                if (left <= 0) break;
                int wait = got > 0 && quietMs > 0 ? Math.Min(quietMs, left) : left;
                var pfd = new LibC.PollFd { Fd = port.Fd, Events = LibC.POLLIN };
                int ready = LibC.Poll(&pfd, 1, wait);
                if (ready == 0)
                {
                    if (got > 0 && quietMs > 0) break;
                    continue;
                }
                if (ready < 0 || (pfd.REvents & LibC.POLLIN) == 0) break;
                nint n = LibC.Read(port.Fd, p + got, Math.Min(want, into.Length) - got);
                if (n > 0) got += (int)n;
                else if (n == 0 || Marshal.GetLastPInvokeError() is not (LibC.EAGAIN or LibC.EINTR)) break;
            }
        }
        return got;
    }

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        foreach (byte b in bytes)
            if (b is not ((byte)'\r' or (byte)'\n' or 0)) sb.Append(b is >= 0x20 and < 0x7F ? (char)b : '?');
        return sb.ToString();
    }

    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        _thread.Join(TimeSpan.FromSeconds(2));
        Interlocked.Exchange(ref _port, null)?.Dispose();
    }
}
