using ExperimentRunner.Core.Events;
using LiteDB;

namespace ExperimentRunner.Storage;

// Session starts and ends, run on the writer thread between batches, and the writer mark in the data file.
public sealed partial class LiteDbStore
{
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

    private sealed class ControlOp(SessionInfo? start, SessionEnd? end)
    {
        public SessionInfo? Start { get; } = start;
        public SessionEnd? End { get; } = end;
        public IReadOnlyList<(string StimFile, byte[] Data)>? Files { get; init; }
        /// <summary>Any other study-level record to store on the writer thread (a calibration).</summary>
        public Action? Store { get; init; }
        public ManualResetEventSlim Done { get; } = new(false);
        public string? Error { get; set; }
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
            if (op.Files is not null) StoreStimulusFiles(op.Files);
            op.Store?.Invoke();
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
        BsonDocument infoDoc = StudyFiles.ToDocument(info);
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
        _writingVirtual = info.Timing == Core.Simulation.SimulatedDisplay.VirtualTiming;
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
            _writingVirtual = false;
            _chunk = null;
            _tally = null;
        }
        MarkWriter(open: true, session: null); // checkpoints
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
}
