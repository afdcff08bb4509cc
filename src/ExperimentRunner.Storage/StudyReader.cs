using ExperimentRunner.Core.Events;
using LiteDB;

namespace ExperimentRunner.Storage;

/// <summary>A session as stored: its provenance, how it ended (<see cref="StudyLayout.RunningStatus"/> while it has
/// not), and the provenance of every later resume.</summary>
public sealed record StoredSession(SessionInfo Info, string Status, long? EndedNs, string? Reason, IReadOnlyList<SessionInfo> Resumes)
{
    public string SessionId => Info.SessionId;
    public bool HasEnded => Status != StudyLayout.RunningStatus;
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
public sealed class StudyReader : IDisposable
{
    private readonly LiteDatabase _db;
    private readonly Stream _data;
    private readonly Stream _log;
    private readonly BsonMapper _mapper;

    private StudyReader(string path, LiteDatabase db, Stream data, Stream log, BsonMapper mapper, long tornLogBytes)
    {
        TornLogBytes = tornLogBytes;
        DatabasePath = path;
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

    /// <summary>Opens <paramref name="path"/> read-only. Throws <see cref="StudyOpenException"/> (not found, password
    /// needed or wrong, damaged) with a message for people.</summary>
    public static StudyReader Open(string path, string? password = null)
    {
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
            throw new StudyOpenException(StudyOpenFailure.NotFound, $"{path} does not exist (give the study database with --db)");
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
            var mapper = StudyFiles.CreateMapper();
            db = StudyFiles.OpenDatabase(data, log, password, readOnly: true, mapper);
            // Touch every collection now, so a wrong password or a damaged file shows here, not halfway through an export.
            foreach (string name in new[] { StudyLayout.Sessions, StudyLayout.Events, StudyLayout.Flips })
                db.GetCollection(name).Count();
            return new StudyReader(path, db, data, log, mapper, torn) { WriterActive = IsLocked(StudyFiles.LockPathFor(path)) };
        }
        catch (Exception e)
        {
            try { db?.Dispose(); } catch (Exception) { /* keep the first error */ }
            data?.Dispose();
            log?.Dispose();
            throw StudyFiles.Explain(e, path, password is not null);
        }
    }

    /// <summary>Sessions, ordered by participant, session label and start; optionally only one participant's or one
    /// session label (or id).</summary>
    public IReadOnlyList<StoredSession> Sessions(string? participant = null, string? session = null)
    {
        var list = new List<StoredSession>();
        foreach (BsonDocument d in _db.GetCollection(StudyLayout.Sessions).FindAll())
        {
            StoredSession s = ToSession(d);
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

    /// <summary>One session by id, or null.</summary>
    public StoredSession? Session(string sessionId)
    {
        BsonDocument? d = _db.GetCollection(StudyLayout.Sessions).FindById(sessionId);
        return d is null ? null : ToSession(d);
    }

    /// <summary>A session's events other than flips, in the order they were written.</summary>
    public IReadOnlyList<StoredEvent> Events(string sessionId)
    {
        var list = new List<StoredEvent>();
        foreach (BsonDocument d in _db.GetCollection(StudyLayout.Events).Find(Query.EQ("session", sessionId)))
        {
            EventRecord e = EventDocuments.FromDocument(d, out long seq, out _);
            list.Add(new StoredEvent(seq, e));
        }
        list.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        return list;
    }

    /// <summary>Events written outside any session (before the first SessionStarted), in order.</summary>
    public IReadOnlyList<StoredEvent> EventsWithoutSession()
    {
        var list = new List<StoredEvent>();
        foreach (BsonDocument d in _db.GetCollection(StudyLayout.Events).Find(Query.EQ("session", BsonValue.Null)))
        {
            EventRecord e = EventDocuments.FromDocument(d, out long seq, out _);
            list.Add(new StoredEvent(seq, e));
        }
        list.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        return list;
    }

    /// <summary>A session's flips as stored, chunk by chunk in the order they were written.</summary>
    public IReadOnlyList<FlipChunk> FlipChunks(string sessionId)
    {
        var list = new List<FlipChunk>();
        foreach (BsonDocument d in _db.GetCollection(StudyLayout.Flips).Find(Query.EQ("session", sessionId)))
        {
            list.Add(new FlipChunk(d["_id"].AsInt64, d["run"].AsInt32, d["firstSeq"].AsInt64,
                Longs(d["timeNs"]), Longs(d["intendedNs"]), Longs(d["frame"])));
        }
        list.Sort((a, b) => a.Id.CompareTo(b.Id));
        return list;
    }

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
        Assemble(sessionId).Acquisitions.Where(a => a.HasT0).Select(a => new StoredRun(a.Run, a.T0Ns, a.RunStartedSeq, a.Number)).ToList();

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
        SessionInfo info = _mapper.ToObject<SessionInfo>(d["info"].AsDocument);
        var resumes = new List<SessionInfo>();
        if (d.TryGetValue("resumes", out BsonValue r) && r.IsArray)
            foreach (BsonValue v in r.AsArray) resumes.Add(_mapper.ToObject<SessionInfo>(v.AsDocument));
        string status = d.TryGetValue("status", out BsonValue st) && st.IsString ? st.AsString : StudyLayout.RunningStatus;
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
