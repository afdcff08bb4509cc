using System.Buffers.Binary;
using System.Diagnostics;
using ExperimentRunner.Core.Events;
using LiteDB;

namespace ExperimentRunner.Storage;

/// <summary>How a <see cref="LiteDbStore"/> queues and commits. The defaults keep every event durable within 100 ms.</summary>
public sealed record StoreOptions
{
    /// <summary>Cells of the preallocated event ring (rounded up to a power of two; about 130 bytes each, so the
    /// default takes about 8 MB). 65,536 is 18 minutes of flips at 60 Hz, were the writer to stall that long.</summary>
    public int QueueCapacity { get; init; } = 1 << 16;

    /// <summary>How often the writer thread looks at the queue, in milliseconds. It never waits longer than this.</summary>
    public int WakeIntervalMs { get; init; } = 20;

    /// <summary>The writer commits once the oldest pending event it has seen has waited this long (ms), so the worst
    /// case from <see cref="LiteDbStore.Write"/> to the files is about WakeInterval + CommitDelay + WakeInterval + the
    /// commit itself. 0 (the default) commits at every wake that finds events: the shortest bound, at the price of up
    /// to 1000 / WakeInterval small transactions a second; raise it to batch more on slow disks.</summary>
    public int CommitDelayMs { get; init; }

    /// <summary>Most events in one transaction; more pending events commit in several transactions at once.</summary>
    public int MaxBatch { get; init; } = 8192;

    /// <summary>LiteDB copies its log into the data file once the log holds this many 8 KiB pages; 0 only at session
    /// end and close.</summary>
    public int CheckpointPages { get; init; } = 1000;

    /// <summary>After a commit that holds a BlockEnded event, copy the log into the data file (a checkpoint, which
    /// forces the data file to the disk): a completed block survives even a power cut that took the log's last
    /// pages, and the log stays short.</summary>
    public bool CheckpointAtBlockEnd { get; init; } = true;

    /// <summary>Force the log to the disk (fsync) after each commit: survives a power cut, not only a killed process.
    /// A second thread does it, so a slow disk never holds back the next commit: a commit is in the OS (safe from a
    /// killed process) when the writer finishes it, and on the disk when that thread's fsync returns.</summary>
    public bool FsyncLog { get; init; } = true;
}

/// <summary>Counters of a store since it opened. Events: handed to <see cref="LiteDbStore.Write"/>, committed (in the
/// files as the OS holds them: safe from a killed process), durable (forced to the disk). Times in nanoseconds.</summary>
public readonly record struct StoreStats(
    long EventsWritten, long EventsCommitted, long EventsDurable, long Commits, long CommitNsTotal, long CommitNsMax,
    long Fsyncs, long FsyncNsTotal, long FsyncNsMax, long OverflowEvents, string? Fault);

/// <summary>
/// A study database (one LiteDB file per study) as the session's event sink. <see cref="Write"/> puts the event in
/// a preallocated ring and returns: no lock, no allocation, no disk. One writer thread owns the database, drains the
/// ring every <see cref="StoreOptions.WakeIntervalMs"/>, and commits batches, one transaction each; a second thread
/// then forces the log to the disk (fsync) after each commit. Within a kill-safe bound of about one wake interval plus
/// a commit (well under 100 ms) an event is in the files; a power cut additionally needs that fsync. When the ring is
/// full, events spill to an overflow list (the one place that allocates) and a Warning is recorded: nothing is ever
/// dropped.
/// </summary>
public sealed class LiteDbStore : IEventSink
{
    private readonly string _path;
    private readonly StoreOptions _options;
    private readonly FileStream _lockFile;
    private readonly FsyncOnFlushStream _data;
    private readonly FileStream _log;
    private readonly LiteDatabase _db;
    private readonly ILiteCollection<BsonDocument> _events;
    private readonly ILiteCollection<BsonDocument> _flips;
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

    private LiteDbStore(string path, StoreOptions options, FileStream lockFile, FsyncOnFlushStream data, FileStream log,
        LiteDatabase db, BsonMapper mapper)
    {
        _path = path;
        _options = options;
        _lockFile = lockFile;
        _data = data;
        _log = log;
        _db = db;
        _mapper = mapper;
        _db.CheckpointSize = options.CheckpointPages;
        _events = db.GetCollection(StudyLayout.Events);
        _flips = db.GetCollection(StudyLayout.Flips);
        _sessions = db.GetCollection(StudyLayout.Sessions);
        _tallies = db.GetCollection(StudyLayout.Tallies);
        _meta = db.GetCollection(StudyLayout.Meta);
        _events.EnsureIndex("session");
        _flips.EnsureIndex("session");
        // Sequence numbers go on from the last one used: the last event's, or the last flip's (kept in the newest chunk).
        long lastChunk = MaxId(_flips);
        long lastFlipSeq = lastChunk > 0 && _flips.FindById(lastChunk) is { } newest && newest.TryGetValue("lastSeq", out BsonValue ls) && ls.IsNumber
            ? ls.AsInt64 : 0;
        _seqBase = Math.Max(MaxId(_events), lastFlipSeq);
        _lastSeq = _seqBase;
        _nextChunkId = lastChunk + 1;
        // Mark the study open in the data file itself (checkpointed): a reader that finds it still open with no writer
        // and no log knows a killed writer's last commits were lost with the log.
        MarkWriter(open: true, session: null);
        // Checksum a full chunk and an event once now, so the first commits of a session do not pay for compiling it.
        var warm = new FlipChunk(0, null, 0, 0);
        while (!warm.Full) warm.Add(0, 0, 0);
        ChunkDocument(warm);
        var warmEvent = new EventRecord { Kind = EventKind.Warning, Text = "" };
        EventDocuments.ToDocument(0, null, in warmEvent);
        new Tally("", 0).ToDocument();
        _ring = new EventRing(options.QueueCapacity);
        _writer = new Thread(WriterLoop) { Name = "exrun-db-writer", IsBackground = true };
        _syncer = new Thread(SyncLoop) { Name = "exrun-db-fsync", IsBackground = true };
        _writer.Start();
        _syncer.Start();
    }

    /// <summary>
    /// Opens (or creates) the study database at <paramref name="path"/> for writing. A new file is encrypted when
    /// <paramref name="password"/> is given; an existing one needs the password it was created with. Files and the
    /// folder are created owner-only. Throws <see cref="StudyOpenException"/> with a message for people.
    /// </summary>
    public static LiteDbStore Open(string path, string? password = null, StoreOptions? options = null)
    {
        options ??= new StoreOptions();
        path = Path.GetFullPath(path);
        bool isNew = StudyFiles.CheckBeforeWriting(path, password);
        try
        {
            StudyFiles.EnsureFolder(Path.GetDirectoryName(path) ?? "");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw StudyFiles.ExplainWrite(e, path);
        }
        FileStream? lockFile = null, dataFile = null, log = null;
        bool createdLock = false;
        FsyncOnFlushStream? data = null;
        LiteDatabase? db = null;
        try
        {
            (lockFile, createdLock) = StudyFiles.TakeLock(path);
            try
            {
                dataFile = new FileStream(path, StudyFiles.WriteOptions(isNew ? FileMode.CreateNew : FileMode.Open, FileShare.ReadWrite));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw StudyFiles.ExplainWrite(e, path);
            }
            StudyFiles.CheckHeader(dataFile, path, password is not null);
            data = new FsyncOnFlushStream(dataFile);
            log = new FileStream(StudyFiles.LogPathFor(path), StudyFiles.WriteOptions(FileMode.OpenOrCreate, FileShare.ReadWrite));
            var warnings = new List<string>();
            long torn = log.Length % StudyFiles.PageSize;
            if (torn != 0)
            {
                // A process killed in the middle of a page write: that page belongs to a transaction that never
                // confirmed, so LiteDB would ignore it anyway; cut it so the log is whole pages again.
                log.SetLength(log.Length - torn);
                log.Flush(flushToDisk: true);
                warnings.Add($"the log ended in a partial page ({torn} bytes), cut: the process that wrote it was killed mid-write");
            }
            var mapper = StudyFiles.CreateMapper();
            db = StudyFiles.OpenDatabase(data, log, password, readOnly: false, mapper);
            var store = new LiteDbStore(path, options, lockFile, data, log, db, mapper);
            store._openWarnings.AddRange(warnings);
            return store;
        }
        catch (Exception e)
        {
            try { db?.Dispose(); } catch (Exception) { /* keep the first error */ }
            data?.Dispose();
            dataFile?.Dispose();
            log?.Dispose();
            if (lockFile is not null)
            {
                // Leave the folder as it was: a lock file this open created goes again.
                if (createdLock) StudyFiles.TryDelete(StudyFiles.LockPathFor(path));
                lockFile.Dispose();
            }
            throw e is UnauthorizedAccessException ? StudyFiles.ExplainWrite(e, path) : StudyFiles.Explain(e, path, password is not null);
        }
    }

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
    }

    /// <summary>Marks the session ended with its status, after everything written before is durable.</summary>
    public void SessionEnded(SessionEnd end)
    {
        ArgumentNullException.ThrowIfNull(end);
        RunControl(new ControlOp(null, end));
    }

    /// <summary>Queues one event: never blocks, waits or allocates (except into the overflow list when the ring is full).</summary>
    public void Write(in EventRecord e)
    {
        if (_stopping) throw new ObjectDisposedException(nameof(LiteDbStore), "the study database is closed");
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

    private static long MaxId(ILiteCollection<BsonDocument> collection)
    {
        if (collection.Count() == 0) return 0;
        BsonValue max = collection.Max();
        return max.IsNumber ? max.AsInt64 : 0;
    }

    private void RunControl(ControlOp op)
    {
        if (_stopping) throw new ObjectDisposedException(nameof(LiteDbStore), "the study database is closed");
        lock (_control) _control.Enqueue(op);
        _flushRequested = true;
        _wake.Set();
        if (!op.Done.Wait(TimeSpan.FromSeconds(30)))
            throw new IOException($"the study database {_path} did not store the session record within 30 s ({_fault ?? "writer busy"})");
        op.Done.Dispose();
        if (op.Error is not null) throw new IOException($"the study database {_path} could not store the session record: {op.Error}");
    }

    // ---- the writer thread -------------------------------------------------------------------------------------

    private sealed class ControlOp(SessionInfo? start, SessionEnd? end)
    {
        public SessionInfo? Start { get; } = start;
        public SessionEnd? End { get; } = end;
        public ManualResetEventSlim Done { get; } = new(false);
        public string? Error { get; set; }
    }

    private sealed class FlipChunk(long id, string? session, int run, long firstSeq)
    {
        public long Id { get; } = id;
        public string? Session { get; } = session;
        public int Run { get; } = run;
        public long FirstSeq { get; } = firstSeq;
        public long LastSeq { get; set; } = firstSeq;
        // Plain arrays packed into one binary value per field when stored: a BSON array of 600 boxed longs per field
        // cost ~1.5 µs of CPU per flip; a blob costs one copy.
        private readonly long[] _time = new long[StudyLayout.FlipChunkSize];
        private readonly long[] _intended = new long[StudyLayout.FlipChunkSize];
        private readonly long[] _frame = new long[StudyLayout.FlipChunkSize];

        public int Count { get; private set; }

        public void Add(long timeNs, long intendedNs, long frame)
        {
            _time[Count] = timeNs;
            _intended[Count] = intendedNs;
            _frame[Count] = frame;
            Count++;
        }

        public byte[] TimeNs => Pack(_time, Count);
        public byte[] IntendedNs => Pack(_intended, Count);
        public byte[] Frame => Pack(_frame, Count);

        private static byte[] Pack(long[] values, int count)
        {
            var bytes = new byte[count * sizeof(long)];
            for (int i = 0; i < count; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * sizeof(long)), values[i]);
            return bytes;
        }

        public void Truncate(int count)
        {
            if (count < Count) Count = count;
        }

        public int Stored { get; set; }
        public bool Full => Count >= StudyLayout.FlipChunkSize;
    }

    private void WriterLoop()
    {
        var pending = new List<(long Seq, EventRecord Event)>(1024);
        long firstSeenTicks = 0;
        long delayTicks = Stopwatch.Frequency * _options.CommitDelayMs / 1000;
        int failedWhileStopping = 0;
        while (true)
        {
            bool stopping = _stopping;
            try
            {
                if (!stopping) _wake.Wait(_options.WakeIntervalMs);
                _wake.Reset();
                bool flush = _flushRequested;
                _flushRequested = false;

                // Look for a session start/end before draining: its caller queued every event of the old session
                // before the operation, so this drain holds all of them and none of the next session's.
                bool hasControl;
                lock (_control) hasControl = _control.Count > 0;

                int before = pending.Count;
                Drain(pending);
                if (before == 0 && pending.Count > 0) firstSeenTicks = Stopwatch.GetTimestamp();
                bool due = pending.Count > 0 && (flush || stopping || hasControl || pending.Count >= _options.MaxBatch
                    || Stopwatch.GetTimestamp() - firstSeenTicks >= delayTicks);
                if (due && CommitAll(pending)) pending.Clear();

                if (hasControl && pending.Count == 0) RunControlOp();
            }
            catch (Exception e)
            {
                // Never let the writer die (that would take the process, and the session, with it): record and retry.
                _fault = $"{e.GetType().Name}: {e.Message}";
            }
            if (stopping && pending.Count == 0) break;
            // Closing and the disk refuses: give up after a few tries rather than hang the exit.
            if (stopping && ++failedWhileStopping >= 3) break;
        }
    }

    private void Drain(List<(long Seq, EventRecord Event)> pending)
    {
        while (_ring.TryDequeue(out long seq, out EventRecord e)) pending.Add((seq, e));
        if (Volatile.Read(ref _overflowCount) == 0) return;
        List<(long Seq, EventRecord Event)> spilled;
        lock (_overflowGate)
        {
            // The ring was drained first and producers skip it while the overflow holds anything, so the order holds.
            spilled = _overflow;
            _overflow = new List<(long Seq, EventRecord Event)>();
            _overflowCount = 0;
        }
        if (spilled.Count == 0) return;
        pending.AddRange(spilled);
        Interlocked.Add(ref _overflowEvents, spilled.Count);
        var warning = new EventRecord
        {
            Kind = EventKind.Warning,
            TimeNs = spilled[0].Event.TimeNs,
            Text = $"event queue full ({_ring.Capacity} events): {spilled.Count} events kept in the overflow list; none lost",
        };
        long warningSeq = Interlocked.Increment(ref _lastSeq);
        pending.Add((warningSeq, warning));
    }

    /// <summary>Commits the pending events in transactions of at most MaxBatch; true when all are stored.</summary>
    private bool CommitAll(List<(long Seq, EventRecord Event)> pending)
    {
        for (int start = 0; start < pending.Count; start += _options.MaxBatch)
        {
            int count = Math.Min(_options.MaxBatch, pending.Count - start);
            if (!CommitBatch(pending, start, count))
            {
                pending.RemoveRange(0, start);
                return false;
            }
        }
        return true;
    }

    private bool CommitBatch(List<(long Seq, EventRecord Event)> pending, int start, int count)
    {
        long t0 = Stopwatch.GetTimestamp();
        FlipChunk? chunkBefore = _chunk;
        int chunkCountBefore = _chunk?.Count ?? 0;
        int chunkStoredBefore = _chunk?.Stored ?? 0;
        long chunkLastSeqBefore = _chunk?.LastSeq ?? 0;
        long nextChunkBefore = _nextChunkId;
        Tally? tallyBefore = _tally?.Copy();
        var docs = new List<BsonDocument>(count);
        var closed = new List<FlipChunk>();
        bool blockEnded = false;
        bool inTransaction = false;
        try
        {
            for (int i = start; i < start + count; i++)
            {
                (long seq, EventRecord e) = pending[i];
                if (_tally is not null) _tally.LastSeq = seq;
                if (e.Kind != EventKind.Flip)
                {
                    docs.Add(EventDocuments.ToDocument(seq, _sessionId, in e));
                    blockEnded |= e.Kind == EventKind.BlockEnded;
                    if (_tally is not null) _tally.Events++;
                    continue;
                }
                if (_chunk is null || _chunk.Full || _chunk.Run != e.Run || _chunk.Session != _sessionId)
                {
                    if (_chunk is not null && _chunk.Stored < _chunk.Count) closed.Add(_chunk);
                    _chunk = new FlipChunk(_nextChunkId++, _sessionId, e.Run, seq);
                    if (_tally is not null) _tally.Chunks++;
                }
                if (_tally is not null) _tally.Flips++;
                _chunk.LastSeq = seq;
                _chunk.Add(e.TimeNs, e.IntendedNs, double.IsNaN(e.Value) ? -1L : (long)e.Value);
            }

            inTransaction = _db.BeginTrans();
            if (docs.Count > 0) _events.Insert(docs);
            foreach (FlipChunk c in closed) _flips.Upsert(ChunkDocument(c));
            if (_chunk is not null && _chunk.Stored < _chunk.Count) _flips.Upsert(ChunkDocument(_chunk));
            if (_tally is not null) _tallies.Upsert(_tally.ToDocument());
            if (inTransaction) _db.Commit();
            inTransaction = false;
            foreach (FlipChunk c in closed) c.Stored = c.Count;
            if (_chunk is not null) _chunk.Stored = _chunk.Count;
        }
        catch (Exception e)
        {
            if (inTransaction)
            {
                try { _db.Rollback(); } catch (Exception) { /* keep the first error */ }
            }
            // Put the flip chunks back as they were, so the retry appends the same flips once.
            _chunk = chunkBefore;
            if (_chunk is not null)
            {
                _chunk.Truncate(chunkCountBefore);
                _chunk.Stored = chunkStoredBefore;
                _chunk.LastSeq = chunkLastSeqBefore;
            }
            _nextChunkId = nextChunkBefore;
            _tally = tallyBefore;
            _fault = $"{e.GetType().Name}: {e.Message}";
            return false;
        }

        if (blockEnded && _options.CheckpointAtBlockEnd)
        {
            try
            {
                _db.Checkpoint();
            }
            catch (Exception e) when (e is LiteException or IOException)
            {
                _fault = $"checkpoint at a block's end failed: {e.Message}";
            }
        }
        long commitNs = TicksToNs(Stopwatch.GetTimestamp() - t0);
        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _commitNsTotal, commitNs);
        if (commitNs > _commitNsMax) Volatile.Write(ref _commitNsMax, commitNs);
        lock (_durableGate)
        {
            _committedCount += count;
            if (!_options.FsyncLog) _durableCount = _committedCount;
            Monitor.PulseAll(_durableGate);
        }
        if (_options.FsyncLog) _syncWake.Set();
        return true;
    }

    private static long TicksToNs(long ticks) => (long)(ticks * (1e9 / Stopwatch.Frequency));

    /// <summary>The fsync thread: forces the log to the disk after commits, one fsync for all commits since the last.</summary>
    private void SyncLoop()
    {
        while (true)
        {
            bool stop = _syncStop;
            if (!stop) _syncWake.Wait(100);
            _syncWake.Reset();
            long target = Volatile.Read(ref _committedCount);
            if (target > Volatile.Read(ref _durableCount))
            {
                long t0 = Stopwatch.GetTimestamp();
                try
                {
                    _log.Flush(flushToDisk: true);
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException)
                {
                    _fault = $"fsync of the log failed: {e.Message}";
                    if (stop) return;
                    continue;
                }
                long ns = TicksToNs(Stopwatch.GetTimestamp() - t0);
                Interlocked.Increment(ref _fsyncs);
                Interlocked.Add(ref _fsyncNsTotal, ns);
                if (ns > _fsyncNsMax) Volatile.Write(ref _fsyncNsMax, ns);
                MarkDurable(target);
            }
            if (stop) return;
        }
    }

    private void MarkDurable(long upTo)
    {
        lock (_durableGate)
        {
            if (upTo > _durableCount) _durableCount = upTo;
            Monitor.PulseAll(_durableGate);
        }
    }

    private static BsonDocument ChunkDocument(FlipChunk c) => RecordSeal.Seal(new()
    {
        ["_id"] = c.Id,
        ["session"] = c.Session is null ? BsonValue.Null : c.Session,
        ["run"] = c.Run,
        ["firstSeq"] = c.FirstSeq,
        ["lastSeq"] = c.LastSeq,
        ["timeNs"] = new BsonValue(c.TimeNs),
        ["intendedNs"] = new BsonValue(c.IntendedNs),
        ["frame"] = new BsonValue(c.Frame),
    });

    /// <summary>The writer's running count of one session's records (see <see cref="StudyLayout.Tallies"/>).</summary>
    private sealed class Tally(string session, long fromSeq)
    {
        public string Session { get; } = session;
        public long FromSeq { get; } = fromSeq;
        public long Events { get; set; }
        public long Chunks { get; set; }
        public long Flips { get; set; }
        public long LastSeq { get; set; }

        public Tally Copy() => new(Session, FromSeq) { Events = Events, Chunks = Chunks, Flips = Flips, LastSeq = LastSeq };

        public BsonDocument ToDocument() => RecordSeal.Seal(new BsonDocument
        {
            ["_id"] = Session,
            ["fromSeq"] = FromSeq,
            ["events"] = Events,
            ["chunks"] = Chunks,
            ["flips"] = Flips,
            ["lastSeq"] = LastSeq,
        });

        public static Tally From(BsonDocument d) => new(d["_id"].AsString, d["fromSeq"].AsInt64)
        {
            Events = d["events"].AsInt64, Chunks = d["chunks"].AsInt64, Flips = d["flips"].AsInt64, LastSeq = d["lastSeq"].AsInt64,
        };
    }

    /// <summary>Records in the data file (checkpointed) whether a writer has the study open, and which session.</summary>
    private void MarkWriter(bool open, string? session, bool checkpoint = true)
    {
        _meta.Upsert(RecordSeal.Seal(new BsonDocument
        {
            ["_id"] = "writer",
            ["open"] = open,
            ["session"] = session is null ? BsonValue.Null : session,
        }));
        if (checkpoint) _db.Checkpoint();
    }

    /// <summary>Runs the one operation seen before the last drain. Never more: an operation queued since then may
    /// follow events that are still in the ring (a session's end after its last events).</summary>
    private void RunControlOp()
    {
        ControlOp? op;
        lock (_control)
        {
            if (!_control.TryDequeue(out op)) return;
        }
        try
        {
            if (op.Start is not null) StoreStart(op.Start);
            if (op.End is not null) StoreEnd(op.End);
            _log.Flush(flushToDisk: _options.FsyncLog);
            MarkDurable(Volatile.Read(ref _committedCount));
        }
        catch (Exception e) when (e is LiteException or IOException or UnauthorizedAccessException)
        {
            op.Error = e.Message;
        }
        op.Done.Set();
    }

    private void StoreStart(SessionInfo info)
    {
        BsonDocument infoDoc = _mapper.ToDocument(info);
        BsonDocument? existing = _sessions.FindById(info.SessionId);
        long fromSeq = Volatile.Read(ref _lastSeq) + 1;
        if (existing is null)
        {
            _sessions.Insert(RecordSeal.Seal(new BsonDocument
            {
                ["_id"] = info.SessionId,
                ["participant"] = info.ParticipantId,
                ["label"] = info.SessionLabel,
                ["info"] = infoDoc,
                ["status"] = StudyLayout.RunningStatus,
                ["sealedFrom"] = fromSeq,
            }));
        }
        else
        {
            BsonArray resumes = existing.TryGetValue("resumes", out BsonValue r) && r.IsArray ? r.AsArray : new BsonArray();
            resumes.Add(infoDoc);
            existing["resumes"] = resumes;
            existing["status"] = StudyLayout.RunningStatus;
            existing.Remove("endedNs");
            existing.Remove("reason");
            if (!existing.ContainsKey("sealedFrom")) existing["sealedFrom"] = fromSeq; // a 0.1.0 session resumed
            _sessions.Update(RecordSeal.Seal(existing));
        }
        _sessionId = info.SessionId;
        _chunk = null;
        BsonDocument? tally = _tallies.FindById(info.SessionId);
        _tally = tally is null ? new Tally(info.SessionId, fromSeq) : Tally.From(tally);
        foreach (string warning in _openWarnings)
        {
            var w = new EventRecord { Kind = EventKind.Warning, TimeNs = info.StartedNs, Text = warning };
            long seq = Interlocked.Increment(ref _lastSeq);
            _events.Insert(EventDocuments.ToDocument(seq, _sessionId, in w));
            _tally.Events++;
            _tally.LastSeq = seq;
            lock (_durableGate) _committedCount++;
        }
        _openWarnings.Clear();
        _tallies.Upsert(_tally.ToDocument());
        MarkWriter(open: true, session: info.SessionId); // checkpoints: the session and the mark are in the data file
    }

    private void StoreEnd(SessionEnd end)
    {
        BsonDocument? doc = _sessions.FindById(end.SessionId)
            ?? throw new LiteException(0, $"session {end.SessionId} was never started in this database");
        doc["status"] = end.Status;
        doc["endedNs"] = end.EndedNs;
        if (end.Reason is not null) doc["reason"] = end.Reason;
        else doc.Remove("reason");
        _sessions.Update(RecordSeal.Seal(doc));
        if (_sessionId == end.SessionId)
        {
            _sessionId = null;
            _chunk = null;
            _tally = null;
        }
        MarkWriter(open: true, session: null); // checkpoints
    }
}
