namespace ExperimentRunner.Core.Events;

/// <summary>
/// Where a session's record goes. <see cref="Write"/> is called from the frame loop: it must not block, wait on the
/// disk, or allocate. The storage implementation queues to a writer thread; tests may keep events in memory.
/// </summary>
public interface IEventSink : IDisposable
{
    void SessionStarted(SessionInfo info);

    /// <summary>Queues one event. Never blocks; if the queue is full the implementation must still keep the event.</summary>
    void Write(in EventRecord e);

    void SessionEnded(SessionEnd end);

    /// <summary>Blocks until everything queued is durable (or the timeout passes). Not for the frame loop.</summary>
    bool Flush(TimeSpan timeout);
}

/// <summary>Keeps everything in memory: for tests and for `plan`-like dry runs.</summary>
public sealed class MemoryEventSink : IEventSink
{
    private readonly object _gate = new();
    public List<EventRecord> Events { get; } = new(4096);
    public SessionInfo? Info { get; private set; }
    public SessionEnd? End { get; private set; }

    public void SessionStarted(SessionInfo info) => Info = info;

    public void Write(in EventRecord e)
    {
        lock (_gate) Events.Add(e);
    }

    public void SessionEnded(SessionEnd end) => End = end;

    public bool Flush(TimeSpan timeout) => true;

    public void Dispose() { }
}
