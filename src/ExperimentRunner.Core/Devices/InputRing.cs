namespace ExperimentRunner.Core.Devices;

/// <summary>
/// How an input path stamps its events, as stored with the session (<see cref="Events.SessionInfo.InputTiming"/>) and
/// shown by preflight and the report, like the display's <c>vsync</c> / <c>unsynchronised</c>.
/// </summary>
public static class InputTimings
{
    /// <summary>XInput2 raw key events read by a thread of their own and stamped as they arrive (sub-millisecond).</summary>
    public const string XInput2 = "xinput2";

    /// <summary>Taken off SDL's queue by the frame loop after each flip: every stamp is rounded up to the next frame.</summary>
    public const string FramePolled = "frame-polled";

    /// <summary>A simulated participant: stamps are the planned times themselves.</summary>
    public const string Virtual = "virtual";

    /// <summary>What a value means, for people (preflight, the report).</summary>
    public static string Meaning(string? timing) => timing switch
    {
        XInput2 => "keys stamped on arrival by a reader thread (XInput2 raw events), independent of the frame",
        FramePolled => "keys stamped when the frame loop polls after each flip: response times rounded up to the next frame",
        Virtual => "a simulated participant (stamps are the planned times)",
        null or "" => "not recorded (a session written before input paths were recorded)",
        _ => "unknown",
    };
}

/// <summary>
/// A preallocated ring of input events with one producer (a device reader thread) and one consumer (the frame loop):
/// neither side waits, locks or allocates. A full ring drops the newest event and counts it (<see cref="Dropped"/>);
/// with the default 1,024 cells that takes a second of presses at 1 kHz that the frame loop never polled.
/// </summary>
public sealed class InputRing
{
    private readonly InputEvent[] _cells;
    private readonly int _mask;
    private long _head; // written by the producer only: events put in
    private long _tail; // written by the consumer only: events taken out
    private long _dropped;

    /// <param name="capacity">Cells; rounded up to a power of two, at least 16.</param>
    public InputRing(int capacity = 1024)
    {
        int size = 16;
        while (size < capacity) size <<= 1;
        _cells = new InputEvent[size];
        _mask = size - 1;
    }

    public int Capacity => _cells.Length;

    /// <summary>Events lost because the ring was full (the consumer did not poll for a long time).</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>Events waiting (a snapshot).</summary>
    public int Count => (int)(Volatile.Read(ref _head) - Volatile.Read(ref _tail));

    /// <summary>Producer only: puts one event in; false (and counted as dropped) when the ring is full.</summary>
    public bool TryWrite(in InputEvent e)
    {
        long head = _head;
        if (head - Volatile.Read(ref _tail) >= _cells.Length)
        {
            Interlocked.Increment(ref _dropped);
            return false;
        }
        _cells[head & _mask] = e;
        Volatile.Write(ref _head, head + 1); // publishes the cell
        return true;
    }

    /// <summary>Consumer only: copies waiting events, oldest first, into <paramref name="buffer"/>; returns how many.</summary>
    public int Read(Span<InputEvent> buffer)
    {
        long tail = _tail;
        long available = Volatile.Read(ref _head) - tail;
        int n = (int)Math.Min(available, buffer.Length);
        for (int i = 0; i < n; i++) buffer[i] = _cells[(tail + i) & _mask];
        Volatile.Write(ref _tail, tail + n); // frees the cells
        return n;
    }

    /// <summary>Consumer only: drops every waiting event; returns how many.</summary>
    public int Clear()
    {
        long head = Volatile.Read(ref _head);
        int n = (int)(head - _tail);
        Volatile.Write(ref _tail, head);
        return n;
    }
}
