using System.Diagnostics;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Simulation;
using LiteDB;

namespace ExperimentRunner.Storage;

/// <summary>
/// A study database (one LiteDB file per study) as the session's event sink. <see cref="Write"/> puts the event in
/// a preallocated ring and returns: no lock, no allocation, no disk. One writer thread owns the database, drains the
/// ring every <see cref="StoreOptions.WakeIntervalMs"/>, and commits batches, one transaction each; a second thread
/// then forces the log to the disk (fsync) after each commit. Within a kill-safe bound of about one wake interval plus
/// a commit (well under 100 ms) an event is in the files; a power cut additionally needs that fsync. When the ring is
/// full, events spill to an overflow list (the one place that allocates) and a Warning is recorded: nothing is ever
/// dropped.
/// </summary>
public sealed partial class LiteDbStore : IEventSink
{
    private readonly string _path;
    private readonly StoreOptions _options;
    private readonly FileStream _lockFile;
    private readonly FsyncOnFlushStream _data;
    private readonly FileStream _log;
    private readonly LiteDatabase _db;
    private readonly ILiteCollection<BsonDocument> _events;
    private readonly ILiteCollection<BsonDocument> _flips;
    private readonly ILiteCollection<BsonDocument> _eventChunks;
    private readonly ILiteCollection<BsonDocument> _sessions;
    private readonly ILiteCollection<BsonDocument> _tallies;
    private readonly ILiteCollection<BsonDocument> _meta;
    private readonly BsonMapper _mapper;
    private Tally? _tally; // the writer thread's count of the current session's records

    private readonly EventRing _ring;
    private readonly object _overflowGate = new();
    private List<(long Seq, EventRecord Event)> _overflow = new();
    private int _overflowCount;

    private readonly Thread _writer;
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly object _durableGate = new();
    private readonly Queue<ControlOp> _control = new();
    private volatile bool _stopping;
    private volatile bool _flushRequested;
    /// <summary>The session being written runs on the virtual clock (see <see cref="Write"/>).</summary>
    private volatile bool _virtualClock;
    /// <summary>The writer thread's own: the session whose events it is storing runs on the virtual clock (set and
    /// cleared in order with them, as its start and end are stored).</summary>
    private bool _writingVirtual;
    private bool _disposed;

    private readonly long _seqBase;
    private long _lastSeq;
    private long _committedCount;
    private long _durableCount;
    private readonly Thread _syncer;
    private readonly ManualResetEventSlim _syncWake = new(false);
    private volatile bool _syncStop;
    private long _nextChunkId;
    private FlipChunk? _chunk;
    private string? _sessionId; // the writer thread's current session
    private readonly List<string> _openWarnings = new();

    private long _commits, _commitNsTotal, _commitNsMax, _fsyncs, _fsyncNsTotal, _fsyncNsMax, _overflowEvents;
    private volatile string? _fault;

    /// <summary>The database file.</summary>
    public string DatabasePath => _path;

    /// <summary>The writer's last failure (a full disk, an I/O error), or null. The writer keeps the events and retries.</summary>
    public string? Fault => _fault;

    public StoreStats Stats => new(
        Volatile.Read(ref _lastSeq) - _seqBase, Volatile.Read(ref _committedCount), Volatile.Read(ref _durableCount),
        Volatile.Read(ref _commits), Volatile.Read(ref _commitNsTotal), Volatile.Read(ref _commitNsMax),
        Volatile.Read(ref _fsyncs), Volatile.Read(ref _fsyncNsTotal), Volatile.Read(ref _fsyncNsMax),
        Volatile.Read(ref _overflowEvents), _fault);

    /// <summary>Stores the session's provenance; later events belong to it. Resuming an existing session id keeps
    /// its first provenance and adds this one to its <c>resumes</c>. Blocks until stored; not for the frame loop.</summary>
    public void SessionStarted(SessionInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        RunControl(new ControlOp(info, null));
        _virtualClock = info.Timing == SimulatedDisplay.VirtualTiming;
    }

    /// <summary>Marks the session ended with its status, after everything written before is durable.</summary>
    public void SessionEnded(SessionEnd end)
    {
        ArgumentNullException.ThrowIfNull(end);
        _virtualClock = false;
        RunControl(new ControlOp(null, end));
    }

    /// <summary>
    /// Queues one event: never blocks, waits or allocates (except into the overflow list when the ring is full). In a
    /// session on the virtual clock (a simulation: no real time passes while it waits) a writer that gets more than
    /// half the ring ahead of the commits waits for them instead (at most a second each time), so no event takes the
    /// overflow path, which copies each event twice more and allocates in the large-object heap (issue 17); a writer that
    /// stays behind for a second ends the waiting for the rest of the session.
    /// </summary>
    public void Write(in EventRecord e)
    {
        if (_stopping) throw new ObjectDisposedException(nameof(LiteDbStore), "the study database is closed");
        // A writer that cannot keep up for a second (a full disk, a fault) ends the waiting for this session: the
        // events spill to the overflow list as in a real run, rather than each Write waiting a second.
        if (_virtualClock && Volatile.Read(ref _lastSeq) - _seqBase - Volatile.Read(ref _committedCount) >= _ring.Capacity / 2
            && !WaitForBacklog(_ring.Capacity / 4, TimeSpan.FromSeconds(1)))
            _virtualClock = false;
        long seq = Interlocked.Increment(ref _lastSeq);
        if (Volatile.Read(ref _overflowCount) == 0 && _ring.TryEnqueue(seq, in e)) return;
        lock (_overflowGate)
        {
            _overflow.Add((seq, e));
            _overflowCount = _overflow.Count;
        }
    }

    /// <summary>Blocks until every event written before this call is committed and on the disk, or the timeout passes
    /// (then returns false). Not for the frame loop.</summary>
    public bool Flush(TimeSpan timeout)
    {
        long target = Volatile.Read(ref _lastSeq) - _seqBase;
        var watch = Stopwatch.StartNew();
        _flushRequested = true;
        _wake.Set();
        lock (_durableGate)
        {
            while (_durableCount < target)
            {
                TimeSpan left = timeout - watch.Elapsed;
                if (left <= TimeSpan.Zero || !_writer.IsAlive) return false;
                Monitor.Wait(_durableGate, left < TimeSpan.FromMilliseconds(50) ? left : TimeSpan.FromMilliseconds(50));
                _flushRequested = true;
                _wake.Set();
            }
        }
        return true;
    }

    /// <summary>Cells of the event ring: events that can wait for the writer before any spills to the overflow list.</summary>
    public int QueueCapacity => _ring.Capacity;

    /// <summary>Blocks while more than <paramref name="backlog"/> written events still wait for their commit, or until
    /// the timeout passes (then returns false). For bulk writers that outrun the disk (a cohort simulated on the virtual
    /// clock replays whole sessions): kept below <see cref="QueueCapacity"/>, nothing spills to the overflow list. Not
    /// for the frame loop.</summary>
    public bool WaitForBacklog(int backlog, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        lock (_durableGate)
        {
            while (Volatile.Read(ref _lastSeq) - _seqBase - _committedCount > backlog)
            {
                TimeSpan left = timeout - watch.Elapsed;
                if (left <= TimeSpan.Zero || !_writer.IsAlive) return false;
                _wake.Set();
                Monitor.Wait(_durableGate, left < TimeSpan.FromMilliseconds(20) ? left : TimeSpan.FromMilliseconds(20));
            }
        }
        return true;
    }

    /// <summary>Commits everything pending, checkpoints the log into the data file and closes the files.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stopping = true;
        _wake.Set();
        _writer.Join();
        _syncStop = true;
        _syncWake.Set();
        _syncer.Join();
        try
        {
            try
            {
                MarkWriter(open: false, session: null);
            }
            catch (Exception e) when (e is LiteException or IOException or UnauthorizedAccessException)
            {
                _fault = $"the study could not be marked closed: {e.Message}";
            }
            _db.Dispose(); // checkpoints the log into the data file
        }
        finally
        {
            try
            {
                _data.Flush();
                _log.Flush(flushToDisk: true);
            }
            catch (IOException) { /* the database already reported its own failure */ }
            bool logEmpty;
            try { logEmpty = _log.Length == 0; }
            catch (Exception e) when (e is IOException or ObjectDisposedException) { logEmpty = false; }
            _data.Dispose();
            _log.Dispose();
            // A clean close leaves only the study file: the log is empty after the last checkpoint, and the lock file
            // goes while we still hold its lock (a writer that opens it from now on opens a new file; see TakeLock).
            if (logEmpty && _fault is null) StudyFiles.TryDelete(StudyFiles.LogPathFor(_path));
            StudyFiles.TryDelete(StudyFiles.LockPathFor(_path));
            _lockFile.Dispose();
            _wake.Dispose();
            _syncWake.Dispose();
        }
    }
}
