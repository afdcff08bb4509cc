using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Time;
using LiteDB;

namespace ExperimentRunner.Storage;

// Opening a study for writing: the lock, the files, the cut of a torn log, and where the sequence numbers go on.
public sealed partial class LiteDbStore
{
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
        _eventChunks = db.GetCollection(StudyLayout.EventChunks);
        _events.EnsureIndex("session");
        _flips.EnsureIndex("session");
        _eventChunks.EnsureIndex("session");
        // Sequence numbers go on from the last one used: the last event's, or the last flip's (kept in the newest chunk).
        long lastChunk = MaxId(_flips);
        long lastFlipSeq = lastChunk > 0 && _flips.FindById(lastChunk) is { } newest && newest.TryGetValue("lastSeq", out BsonValue ls) && ls.IsNumber
            ? ls.AsInt64 : 0;
        long lastEventChunk = MaxId(_eventChunks);
        long lastChunkedSeq = lastEventChunk > 0 && _eventChunks.FindById(lastEventChunk) is { } chunk && chunk.TryGetValue("lastSeq", out BsonValue cs) && cs.IsNumber
            ? cs.AsInt64 : 0;
        _seqBase = Math.Max(Math.Max(MaxId(_events), lastFlipSeq), lastChunkedSeq);
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
        EventDocuments.ToChunk(null, [EventDocuments.ToChunkEntry(0, in warmEvent)]);
        new Tally("", 0).ToDocument();
        _ring = new EventRing(options.QueueCapacity);
        // Both at SCHED_BATCH: their full share of the CPU, but no preempting the frame loop when they wake (issue 17).
        _writer = new Thread(() => { BackgroundThreads.MarkCurrent(); WriterLoop(); }) { Name = "exrun-db-writer", IsBackground = true };
        _syncer = new Thread(() => { BackgroundThreads.MarkCurrent(); SyncLoop(); }) { Name = "exrun-db-fsync", IsBackground = true };
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
            var mapper = StudyFiles.Mapper;
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

    private static long MaxId(ILiteCollection<BsonDocument> collection)
    {
        if (collection.Count() == 0) return 0;
        BsonValue max = collection.Max();
        return max.IsNumber ? max.AsInt64 : 0;
    }
}
