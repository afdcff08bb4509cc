using System.Runtime.InteropServices;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Hardware.Platform.Linux;

namespace ExperimentRunner.Hardware.ResponseBoxes;

/// <summary>
/// A simulated Cedrus XID box on a pseudo-terminal, for tests, <c>simulate --response-box xid-sim</c> and
/// <c>timing-test</c> without hardware. Its own clock runs <see cref="DriftPpm"/> faster than the run clock and read
/// <see cref="OffsetMs"/> at power-on; it answers <c>_c1</c> (<c>_xid0</c>), <c>_d1</c>, <c>_d2</c>, <c>e3</c> (its
/// timer; unless <see cref="AnswersTimerQueries"/> is off) and resets its timer on <c>e5</c>/<c>e1</c>. <see cref="Press"/> sends a key event stamped with its timer at a given run-clock time.
/// For the bad-input tests it can send any bytes (<see cref="SendRaw"/>), vanish (<see cref="Vanish"/>: the port hangs
/// up) and come back (<see cref="Return"/>, at the same <see cref="Path"/> when made with a link path).
/// </summary>
public sealed class XidEmulator : IDisposable
{
    /// <summary>What the simulated box answers to <c>_d1</c>.</summary>
    public const string ProductName = "Cedrus RB-840 (simulated)";

    private readonly IClock _clock;
    private readonly string? _linkPath;
    private readonly Lock _writeLock = new();
    private readonly long _poweredOnNs;
    private PseudoTerminal? _pty;
    private Thread? _thread;
    private volatile bool _stopping;
    private long _resetAtNs = long.MinValue;
    private int _resets;
    private int _queries;

    /// <summary>Whether it answers the base-timer query (e3), as XID 2 boxes do; false plays an older box.</summary>
    public bool AnswersTimerQueries { get; set; } = true;

    /// <summary>Whether it answers the protocol and product queries; false plays a box in the wrong mode or a dead one.</summary>
    public bool AnswersProtocol { get; set; } = true;

    /// <summary>How many timer queries (e3) it answered.</summary>
    public int Queries => Volatile.Read(ref _queries);

    /// <param name="linkPath">A symbolic link to make to the pty (and remake on <see cref="Return"/>); null: use the pty's own path.</param>
    public XidEmulator(IClock clock, double driftPpm = 0, double offsetMs = 0, string? linkPath = null)
    {
        _clock = clock;
        DriftPpm = driftPpm;
        OffsetMs = offsetMs;
        _linkPath = linkPath;
        _poweredOnNs = clock.NowNs;
        Start();
    }

    public double DriftPpm { get; }

    public double OffsetMs { get; }

    /// <summary>The port to open: the link path, or the pty's own "/dev/pts/N".</summary>
    public string Path => _linkPath ?? _pty?.SlavePath ?? "";

    /// <summary>How many times the box's timer was reset (e5/e1).</summary>
    public int Resets => Volatile.Read(ref _resets);

    /// <summary>The box's timer (ms, as it would report it) at run-clock time <paramref name="runNs"/>.</summary>
    public uint TimerMsAt(long runNs)
    {
        long reset = Interlocked.Read(ref _resetAtNs);
        double rate = 1 + DriftPpm * 1e-6;
        double ms = reset == long.MinValue ? OffsetMs + (runNs - _poweredOnNs) * rate / 1e6 : (runNs - reset) * rate / 1e6;
        return (uint)Math.Clamp(Math.Floor(ms), 0, uint.MaxValue);
    }

    /// <summary>Sends a key event for button <paramref name="key"/> (0–7) pressed (or released) at run-clock time <paramref name="atNs"/>.</summary>
    public void Press(int key, long atNs, bool pressed = true, int port = 0)
    {
        Span<byte> packet = stackalloc byte[XidProtocol.KeyEventLength];
        XidProtocol.EncodeKey(packet, port, key, pressed, TimerMsAt(atNs));
        SendRaw(packet);
    }

    /// <summary>Writes bytes to the port as they are (garbage, floods). Ignored while vanished.</summary>
    public unsafe void SendRaw(ReadOnlySpan<byte> bytes)
    {
        lock (_writeLock)
        {
            var pty = _pty;
            if (pty is null) return;
            fixed (byte* p = bytes)
            {
                int done = 0, tries = 0;
                while (done < bytes.Length && tries++ < 1000)
                {
                    nint n = LibC.Write(pty.Master.Fd, p + done, bytes.Length - done);
                    if (n > 0) done += (int)n;
                    else if (n < 0 && Marshal.GetLastPInvokeError() is LibC.EAGAIN or LibC.EINTR) Thread.Sleep(1);
                    else return;
                }
            }
        }
    }

    /// <summary>Unplugs the box: the pty closes (the port hangs up) and the link is removed.</summary>
    public void Vanish()
    {
        lock (_writeLock)
        {
            _stopping = true;
            var pty = Interlocked.Exchange(ref _pty, null);
            if (_linkPath != null) File.Delete(_linkPath);
            pty?.Dispose();
        }
        _thread?.Join(TimeSpan.FromSeconds(2));
    }

    /// <summary>Plugs it back in: a new pty (at the same link path), its timer restarted as at power-on.</summary>
    public void Return()
    {
        Interlocked.Exchange(ref _resetAtNs, long.MinValue);
        Start();
    }

    private void Start()
    {
        var pty = PseudoTerminal.Open();
        if (_linkPath != null)
        {
            File.Delete(_linkPath);
            File.CreateSymbolicLink(_linkPath, pty.SlavePath);
        }
        _stopping = false;
        _pty = pty;
        _thread = new Thread(() => Serve(pty)) { IsBackground = true, Name = "xid emulator" };
        _thread.Start();
    }

    /// <summary>Reads commands and answers them, until stopped.</summary>
    private unsafe void Serve(PseudoTerminal pty)
    {
        byte* buffer = stackalloc byte[64];
        Span<byte> command = stackalloc byte[3];
        Span<byte> answer = stackalloc byte[XidProtocol.TimerAnswerLength];
        int length = 0;
        while (!_stopping)
        {
            var pfd = new LibC.PollFd { Fd = pty.Master.Fd, Events = LibC.POLLIN };
            int ready = LibC.Poll(&pfd, 1, 50);
            long now = _clock.NowNs;
            if (ready <= 0) continue;
            if ((pfd.REvents & LibC.POLLIN) == 0)
            {
                Thread.Sleep(10); // no one has the port open (the master sees a hang-up): wait for them
                continue;
            }
            nint n = LibC.Read(pty.Master.Fd, buffer, 64);
            if (n <= 0)
            {
                Thread.Sleep(10);
                continue;
            }
            for (int i = 0; i < n; i++)
            {
                byte b = buffer[i];
                if (length == 0 && b is not ((byte)'_' or (byte)'e')) continue;
                command[length++] = b;
                if (command[0] == (byte)'e' && length == 2)
                {
                    if (command[1] is (byte)'5' or (byte)'1')
                    {
                        Interlocked.Exchange(ref _resetAtNs, now);
                        Interlocked.Increment(ref _resets);
                    }
                    else if (command[1] == (byte)'3' && AnswersTimerQueries)
                    {
                        answer[0] = (byte)'e';
                        answer[1] = (byte)'3';
                        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(answer[2..], TimerMsAt(_clock.NowNs));
                        SendRaw(answer);
                        Interlocked.Increment(ref _queries);
                    }
                    length = 0;
                }
                else if (length == 3)
                {
                    Answer(command);
                    length = 0;
                }
            }
        }
    }

    private void Answer(ReadOnlySpan<byte> command)
    {
        if (!AnswersProtocol) return;
        if (command.SequenceEqual(XidProtocol.QueryProtocol)) SendRaw("_xid0"u8);
        else if (command.SequenceEqual(XidProtocol.QueryProductId)) SendRaw("2"u8);
        else if (command.SequenceEqual(XidProtocol.QueryProductName)) SendRaw(System.Text.Encoding.ASCII.GetBytes(ProductName + "\r\n"));
    }

    public void Dispose()
    {
        Vanish();
    }
}
