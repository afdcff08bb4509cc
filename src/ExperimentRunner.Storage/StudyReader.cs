using ExperimentRunner.Core.Events;
using LiteDB;

namespace ExperimentRunner.Storage;

/// <summary>A session as stored: its provenance, how it ended (completed, stopped, aborted, crashed; while it has not:
/// <see cref="StudyLayout.RunningStatus"/> when a writer has the study open, else <see cref="InterruptedStatus"/>), and
/// the provenance of every later resume.</summary>
public sealed record StoredSession(SessionInfo Info, string Status, long? EndedNs, string? Reason, IReadOnlyList<SessionInfo> Resumes)
{
    /// <summary>The status read for a session with no end stored while no writer has the study open: the process that
    /// ran it was killed or lost power. Derived on read, never stored.</summary>
    public const string InterruptedStatus = "interrupted";

    public string SessionId => Info.SessionId;
    public bool HasEnded => Status is not (StudyLayout.RunningStatus or InterruptedStatus);
}

/// <summary>An event with its sequence number (the order it was written in, unique in the study).</summary>
public readonly record struct StoredEvent(long Seq, EventRecord Event);

/// <summary>A run's start: <paramref name="T0Ns"/> is the RunStarted time (first counted pulse or operator start),
/// ns of the run clock; exported onsets are seconds from it. <paramref name="Seq"/> orders restarts of one run;
/// <paramref name="Acquisition"/> numbers the attempts at the run (1 first, then one more per resume into it).</summary>
public readonly record struct StoredRun(int Run, long T0Ns, long Seq, int Acquisition = 1);

/// <summary>One stored chunk of flips (up to <see cref="StudyLayout.FlipChunkSize"/>), in the order they happened.
/// Times are ns of the run clock; <see cref="Frame"/> the frame index (-1 when not given).</summary>
public sealed record FlipChunk(long Id, int Run, long FirstSeq, long[] TimeNs, long[] IntendedNs, long[] Frame);

/// <summary>
/// Reads a study database without changing it: sessions, their events in order, runs and completed blocks. Used by
/// exports, reports, `db check` and resume. Opens the files read-only and shared, so it never disturbs a writer; it
/// sees everything committed up to the moment it opened.
/// </summary>
public sealed partial class StudyReader : IDisposable
{
    private LiteDatabase _db;
    private Stream _data;
    private Stream _log;
    private readonly BsonMapper _mapper;
    private readonly string? _password;
    private bool _reopen;

    private StudyReader(string path, string? password, LiteDatabase db, Stream data, Stream log, BsonMapper mapper, long tornLogBytes)
    {
        TornLogBytes = tornLogBytes;
        DatabasePath = path;
        _password = password;
        _db = db;
        _data = data;
        _log = log;
        _mapper = mapper;
    }

    public string DatabasePath { get; }

    /// <summary>Bytes of a partial last page in the log (a write cut short by a killed process), left out of this
    /// read and cut off when a writer next opens the study; 0 normally.</summary>
    public long TornLogBytes { get; }

    /// <summary>True when a writer had the study open as this reader opened it (a session running): what this reader
    /// sees is what was committed then.</summary>
    public bool WriterActive { get; private init; }

    /// <summary>Pages the data file's header counts that are not in the file (it was cut short); 0 normally, and for
    /// encrypted files, whose header cannot be read without the engine.</summary>
    public long MissingPages { get; private init; }

    /// <summary>LiteDB's header keeps the last page's number (UInt32 at byte 64 of a plain file's first page).</summary>
    private static long MissingPagesOf(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096);
        var head = new byte[68];
        if (file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length) return 0;
        if (!head.AsSpan(32, 27).SequenceEqual("** This is a LiteDB file **"u8)) return 0;
        long pages = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(64)) + 1L;
        return Math.Max(0, pages - file.Length / StudyFiles.PageSize);
    }

    /// <summary>Whether the log file (<see cref="StudyFiles.LogPathFor"/>) was there when this reader opened.</summary>
    public bool LogExists { get; private init; }

    private readonly HashSet<string> _excluded = new(StringComparer.Ordinal);
    private readonly List<(string Id, string Why)> _unreadableSessions = new();

    /// <summary>Session records that <see cref="Sessions"/> left out because they fail their checksum or cannot be
    /// decoded, with why (filled by each call of <see cref="Sessions"/>).</summary>
    public IReadOnlyList<(string Id, string Why)> UnreadableSessions => _unreadableSessions;

    /// <summary>Hides these sessions from <see cref="Sessions"/> (salvage: export what is intact, list the rest).</summary>
    public void Exclude(IEnumerable<string> sessionIds)
    {
        foreach (string id in sessionIds) _excluded.Add(id);
    }

    /// <summary>The writer mark in the data file: open (a writer opened the study and has not closed it cleanly) and
    /// the session it was writing; (false, null) for studies written by 0.1.0.</summary>
    public (bool Open, string? Session) WriterMark()
    {
        try
        {
            BsonDocument? d = Read(null, "the writer mark", () => _db.GetCollection(StudyLayout.Meta).FindById("writer"));
            if (d is null || RecordSeal.Check(d) == SealState.Broken) return (false, null);
            return (d["open"].IsBoolean && d["open"].AsBoolean, d["session"].IsString ? d["session"].AsString : null);
        }
        catch (StudyDamageException)
        {
            return (false, null);
        }
    }
    /// <summary>Opens <paramref name="path"/> read-only. Throws <see cref="StudyOpenException"/> (not found, password
    /// needed or wrong, damaged) with a message for people.</summary>
    public static StudyReader Open(string path, string? password = null)
    {
        path = Path.GetFullPath(path);
        if (Directory.Exists(path))
            throw new StudyOpenException(StudyOpenFailure.IsDirectory, $"{path} is a directory, not a study database (give the study's file with --db)");
        if (!File.Exists(path))
            throw new StudyOpenException(StudyOpenFailure.NotFound, $"{path} does not exist (give the study database with --db)");
        LiteDatabase? db = null;
        Stream? data = null, log = null;
        try
        {
            (db, data, log, long torn) = OpenEngine(path, password);
            // Touch the sessions now, so a wrong password shows here, not halfway through an export. A damaged page
            // does not stop the open: each read reports what it cannot read, so one damaged session hides no other.
            try { db.GetCollection(StudyLayout.Sessions).Count(); }
            catch (LiteException e) when (!e.Message.Contains("password", StringComparison.OrdinalIgnoreCase)
                && !e.Message.Contains("encrypt", StringComparison.OrdinalIgnoreCase)) { /* reported by the reads */ }
            string logPath = StudyFiles.LogPathFor(path);
            return new StudyReader(path, password, db, data, log, StudyFiles.Mapper, torn)
            {
                WriterActive = IsLocked(StudyFiles.LockPathFor(path)), LogExists = File.Exists(logPath),
                MissingPages = MissingPagesOf(path),
            };
        }
        catch (Exception e)
        {
            try { db?.Dispose(); } catch (Exception) { /* keep the first error */ }
            data?.Dispose();
            log?.Dispose();
            throw StudyFiles.Explain(e, path, password is not null);
        }
    }

    /// <summary>A LiteDB engine, read-only, over the data file and the whole pages of its log.</summary>
    private static (LiteDatabase Db, Stream Data, Stream Log, long Torn) OpenEngine(string path, string? password)
    {
        Stream? data = null, log = null;
        LiteDatabase? db = null;
        try
        {
            data = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096);
            if (data.Length < StudyFiles.PageSize || data.Length % StudyFiles.PageSize != 0)
                throw new StudyOpenException(StudyOpenFailure.Damaged,
                    $"{path} is not a study database ({data.Length} bytes; a study database is whole pages of {StudyFiles.PageSize} bytes)");
            StudyFiles.CheckHeader(data, path, password is not null);
            string logPath = StudyFiles.LogPathFor(path);
            long torn = 0;
            if (File.Exists(logPath))
            {
                var logFile = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096);
                torn = logFile.Length % StudyFiles.PageSize;
                log = new WholePagesReadStream(logFile);
            }
            else
            {
                log = new MemoryStream(Array.Empty<byte>(), writable: false);
            }
            db = StudyFiles.OpenDatabase(data, log, password, readOnly: true, StudyFiles.Mapper);
            return (db, data, log, torn);
        }
        catch (Exception)
        {
            try { db?.Dispose(); } catch (Exception) { /* keep the first error */ }
            data?.Dispose();
            log?.Dispose();
            throw;
        }
    }

    /// <summary>LiteDB closes its engine after some read failures: open a fresh one before the next read.</summary>
    private void ReopenIfNeeded()
    {
        if (!_reopen) return;
        _reopen = false;
        try { _db.Dispose(); } catch (Exception) { /* already broken */ }
        _data.Dispose();
        _log.Dispose();
        (_db, _data, _log, _) = OpenEngine(DatabasePath, _password);
    }

    /// <summary>Sessions, ordered by participant, session label and start; optionally only one participant's or one
    /// session label (or id).</summary>
    public IReadOnlyList<StoredSession> Sessions(string? participant = null, string? session = null)
    {
        var list = new List<StoredSession>();
        _unreadableSessions.Clear();
        foreach (BsonDocument d in AllSessionDocuments())
        {
            string id = d.TryGetValue("_id", out BsonValue idValue) && idValue.IsString ? idValue.AsString : "(unknown)";
            if (_excluded.Contains(id)) continue;
            StoredSession s;
            try
            {
                s = ToSession(d);
            }
            catch (StudyDamageException e)
            {
                _unreadableSessions.Add((id, e.Message));
                continue;
            }
            if (participant is not null && !string.Equals(s.Info.ParticipantId, participant, StringComparison.Ordinal)
                && !string.Equals("sub-" + s.Info.ParticipantId, participant, StringComparison.Ordinal)) continue;
            if (session is not null && !string.Equals(s.Info.SessionLabel, session, StringComparison.Ordinal)
                && !string.Equals("ses-" + s.Info.SessionLabel, session, StringComparison.Ordinal)
                && !string.Equals(s.Info.SessionId, session, StringComparison.Ordinal)) continue;
            list.Add(s);
        }
        return list
            .OrderBy(s => s.Info.ParticipantId, StringComparer.Ordinal)
            .ThenBy(s => s.Info.SessionLabel, StringComparer.Ordinal)
            .ThenBy(s => s.Info.StartedUtc, StringComparer.Ordinal)
            .ThenBy(s => s.Info.SessionId, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Every session record. When the collection cannot be read through (a damaged page), each session known
    /// from the tallies or the events is read by itself, so damage to one record does not hide the others; the list
    /// is then marked incomplete in <see cref="UnreadableSessions"/>.</summary>
    private List<BsonDocument> AllSessionDocuments()
    {
        ILiteCollection<BsonDocument> sessions() => _db.GetCollection(StudyLayout.Sessions);
        try
        {
            return Read(null, "the session list", () => sessions().FindAll().ToList());
        }
        catch (StudyDamageException whole)
        {
            var ids = new SortedSet<string>(StringComparer.Ordinal);
            foreach (string collection in new[] { StudyLayout.Tallies, StudyLayout.Meta, StudyLayout.Events, StudyLayout.EventChunks, StudyLayout.Flips })
            {
                try
                {
                    ReopenIfNeeded();
                    // Read the collection document by document, keeping what is readable before a damaged page.
                    foreach (BsonDocument d in _db.GetCollection(collection).FindAll())
                    {
                        BsonValue id = collection == StudyLayout.Tallies ? d["_id"] : d["session"];
                        if (id.IsString) ids.Add(id.AsString);
                    }
                }
                catch (Exception e) when (e is not OutOfMemoryException) { _reopen = true; /* as much as could be read */ }
            }
            var found = new List<BsonDocument>();
            foreach (string id in ids)
            {
                try
                {
                    if (Read(id, $"the record of session {id}", () => sessions().FindById(id)) is { } d) found.Add(d);
                }
                catch (StudyDamageException e)
                {
                    _unreadableSessions.Add((id, e.Message));
                }
            }
            _unreadableSessions.Add(("(list)", $"{whole.Message}: the sessions found through their events are listed; others may be missing"));
            return found;
        }
    }

    /// <summary>One session by id, or null.</summary>
    public StoredSession? Session(string sessionId)
    {
        BsonDocument? d = Read(sessionId, $"session {sessionId}", () => _db.GetCollection(StudyLayout.Sessions).FindById(sessionId));
        return d is null ? null : ToSession(d);
    }

    /// <summary>Runs a LiteDB read; a damaged page (any exception of LiteDB or of decoding) becomes a
    /// <see cref="StudyDamageException"/> that says what could not be read.</summary>
    private T Read<T>(string? sessionId, string what, Func<T> read)
    {
        try
        {
            ReopenIfNeeded();
            try
            {
                return read();
            }
            catch (ObjectDisposedException)
            {
                // LiteDB closed its engine after an earlier failure: once more on a fresh one.
                _reopen = true;
                ReopenIfNeeded();
                return read();
            }
        }
        // Whatever LiteDB throws on a damaged page (its own exceptions, casts, bounds, unsupported types, a closed engine).
        catch (Exception e) when (e is not (StudyDamageException or StudyOpenException or OutOfMemoryException))
        {
            _reopen = true;
            throw new StudyDamageException(sessionId, $"{what} cannot be read: the study file is damaged ({e.Message})", e);
        }
    }

    /// <summary>The documents of one collection for one session, read to the end (a damaged page throws).</summary>
    private List<BsonDocument> Documents(string collection, BsonValue session, string? sessionId, string what) =>
        Read(sessionId, what, () => _db.GetCollection(collection).Find(Query.EQ("session", session)).ToList());

    private static void CheckSeal(BsonDocument d, string? sessionId, string what)
    {
        if (RecordSeal.Check(d) == SealState.Broken)
            throw new StudyDamageException(sessionId, $"{what} fails its checksum: a byte of it changed after it was written (the study file is damaged)");
    }

    /// <summary>A session's events other than flips, in the order they were written.</summary>
    public IReadOnlyList<StoredEvent> Events(string sessionId)
    {
        var list = new List<StoredEvent>();
        foreach (BsonDocument d in Documents(StudyLayout.Events, sessionId, sessionId, $"the events of session {sessionId}"))
            list.Add(DecodeEvent(d, sessionId));
        foreach (BsonDocument d in Documents(StudyLayout.EventChunks, sessionId, sessionId, $"the event chunks of session {sessionId}"))
            DecodeEventChunk(d, sessionId, list);
        list.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        return list;
    }

    /// <summary>The events of an event chunk (see <see cref="StudyLayout.EventChunks"/>), checked by the chunk's seal.</summary>
    private void DecodeEventChunk(BsonDocument chunk, string? sessionId, List<StoredEvent> into)
    {
        string what = $"{(sessionId is null ? "" : $"session {sessionId}: ")}event chunk {(chunk.TryGetValue("_id", out BsonValue id) ? id.ToString() : "?")}";
        CheckSeal(chunk, sessionId, what);
        Read(sessionId, what, () =>
        {
            foreach (BsonDocument d in EventDocuments.ChunkEntries(chunk))
            {
                EventRecord e = EventDocuments.FromDocument(d, out long seq, out _);
                into.Add(new StoredEvent(seq, e));
            }
            return true;
        });
    }

    private StoredEvent DecodeEvent(BsonDocument d, string? sessionId)
    {
        string what = $"{(sessionId is null ? "" : $"session {sessionId}: ")}event {(d.TryGetValue("_id", out BsonValue id) ? id.ToString() : "?")}";
        CheckSeal(d, sessionId, what);
        EventRecord e = default;
        long seq = 0;
        Read(sessionId, what, () => e = EventDocuments.FromDocument(d, out seq, out _));
        return new StoredEvent(seq, e);
    }

    /// <summary>Events written outside any session (before the first SessionStarted), in order.</summary>
    public IReadOnlyList<StoredEvent> EventsWithoutSession()
    {
        var list = new List<StoredEvent>();
        foreach (BsonDocument d in Documents(StudyLayout.Events, BsonValue.Null, null, "the events outside sessions"))
            list.Add(DecodeEvent(d, null));
        foreach (BsonDocument d in Documents(StudyLayout.EventChunks, BsonValue.Null, null, "the event chunks outside sessions"))
            DecodeEventChunk(d, null, list);
        list.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        return list;
    }

    /// <summary>A session's flips as stored, chunk by chunk in the order they were written.</summary>
    public IReadOnlyList<FlipChunk> FlipChunks(string sessionId)
    {
        var list = new List<FlipChunk>();
        foreach (BsonDocument d in Documents(StudyLayout.Flips, sessionId, sessionId, $"the flips of session {sessionId}"))
        {
            string what = $"session {sessionId}: flip chunk {(d.TryGetValue("_id", out BsonValue id) ? id.ToString() : "?")}";
            CheckSeal(d, sessionId, what);
            list.Add(Read(sessionId, what, () => ChunkOf(d)));
        }
        list.Sort((a, b) => a.Id.CompareTo(b.Id));
        return list;
    }

    private static FlipChunk ChunkOf(BsonDocument d) => new(d["_id"].AsInt64, d["run"].AsInt32, d["firstSeq"].AsInt64,
        Longs(d["timeNs"]), Longs(d["intendedNs"]), Longs(d["frame"]));

    /// <summary>A session's flips, one record each (Kind Flip, TimeNs, IntendedNs, Value the frame index).</summary>
    public IEnumerable<EventRecord> Flips(string sessionId)
    {
        foreach (FlipChunk c in FlipChunks(sessionId))
        {
            for (int i = 0; i < c.TimeNs.Length; i++)
            {
                yield return new EventRecord
                {
                    Kind = EventKind.Flip,
                    TimeNs = c.TimeNs[i],
                    IntendedNs = i < c.IntendedNs.Length ? c.IntendedNs[i] : EventRecord.None,
                    Value = i < c.Frame.Length && c.Frame[i] >= 0 ? c.Frame[i] : double.NaN,
                    Run = c.Run,
                };
            }
        }
    }

    /// <summary>A session's events and flips in time order (ties: events before flips, events in the order written).</summary>
    public IReadOnlyList<EventRecord> EventsWithFlips(string sessionId)
    {
        // Events by time (OrderBy is stable: the order of writing breaks ties), then merged with the flips.
        List<StoredEvent> events = Events(sessionId).OrderBy(e => e.Event.TimeNs).ToList();
        var merged = new List<EventRecord>(events.Count);
        int i = 0;
        foreach (EventRecord flip in Flips(sessionId))
        {
            while (i < events.Count && events[i].Event.TimeNs <= flip.TimeNs) merged.Add(events[i++].Event);
            merged.Add(flip);
        }
        while (i < events.Count) merged.Add(events[i++].Event);
        return merged;
    }

    /// <summary>A session's run starts, one per acquisition that reached its t0, in the order written; a run started
    /// again after an interruption appears again with its new t0 and acquisition number (see <see cref="Export.SessionAssembly"/>).</summary>
    public IReadOnlyList<StoredRun> Runs(string sessionId) =>
        Assemble(sessionId).Runs;

    /// <summary>A session's events assembled into acquisitions and trials (the one place that decides t0s).</summary>
    public Export.SessionAssembly Assemble(string sessionId) =>
        Export.SessionAssembly.Of(Events(sessionId), Session(sessionId)?.Info.StartedNs ?? EventRecord.None);

    /// <summary>The latest time stored for a session (ns of the run clock, events and flips), or
    /// <see cref="EventRecord.None"/> when it has none: where an interrupted session stopped, for resume's gap.</summary>
    public long LastTimeNs(string sessionId)
    {
        long last = EventRecord.None;
        foreach (StoredEvent e in Events(sessionId)) last = Math.Max(last, e.Event.TimeNs);
        foreach (FlipChunk c in FlipChunks(sessionId))
            if (c.TimeNs.Length > 0) last = Math.Max(last, c.TimeNs[^1]);
        return last;
    }

    /// <summary>(run, block) pairs that have a BlockEnded event: what resume must not repeat.</summary>
    public IReadOnlySet<(int Run, int Block)> CompletedBlocks(string sessionId) => Assemble(sessionId).CompletedBlocks;

    public void Dispose()
    {
        try { _db.Dispose(); }
        finally
        {
            _data.Dispose();
            _log.Dispose();
        }
    }

    /// <summary>Whether a writer holds the study's lock file (its exclusive OS lock makes even a shared open fail).</summary>
    private static bool IsLocked(string lockPath)
    {
        if (!File.Exists(lockPath)) return false;
        try
        {
            using var probe = new FileStream(lockPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private StoredSession ToSession(BsonDocument d)
    {
        string id = d.TryGetValue("_id", out BsonValue idValue) ? idValue.ToString() : "?";
        CheckSeal(d, id, $"the record of session {id}");
        return Read(id, $"the record of session {id}", () => DecodeSession(d));
    }

    private StoredSession DecodeSession(BsonDocument d)
    {
        SessionInfo info = StudyFiles.ToSessionInfo(d["info"].AsDocument);
        var resumes = new List<SessionInfo>();
        if (d.TryGetValue("resumes", out BsonValue r) && r.IsArray)
            foreach (BsonValue v in r.AsArray) resumes.Add(StudyFiles.ToSessionInfo(v.AsDocument));
        string status = d.TryGetValue("status", out BsonValue st) && st.IsString ? st.AsString : StudyLayout.RunningStatus;
        // Not ended: running only while a writer has the study open (a session in progress); otherwise it never will.
        if (status == StudyLayout.RunningStatus && !WriterActive) status = StoredSession.InterruptedStatus;
        long? ended = d.TryGetValue("endedNs", out BsonValue en) && en.IsNumber ? en.AsInt64 : null;
        string? reason = d.TryGetValue("reason", out BsonValue re) && re.IsString ? re.AsString : null;
        return new StoredSession(info, status, ended, reason, resumes);
    }

    private static long[] Longs(BsonValue v)
    {
        if (v.IsBinary)
        {
            // Packed little-endian Int64s (the store's format).
            byte[] bytes = v.AsBinary;
            var packed = new long[bytes.Length / sizeof(long)];
            for (int i = 0; i < packed.Length; i++) packed[i] = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(i * sizeof(long)));
            return packed;
        }
        if (!v.IsArray) return Array.Empty<long>();
        BsonArray a = v.AsArray;
        var result = new long[a.Count];
        for (int i = 0; i < a.Count; i++) result[i] = a[i].IsNumber ? a[i].AsInt64 : EventRecord.None;
        return result;
    }
}
