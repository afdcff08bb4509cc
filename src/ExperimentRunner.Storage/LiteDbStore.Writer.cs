using System.Diagnostics;
using ExperimentRunner.Core.Events;
using LiteDB;

namespace ExperimentRunner.Storage;

// The writer thread (drain the ring, batch, commit) and the fsync thread behind it.
public sealed partial class LiteDbStore
{
    /// <summary>
    /// One drained event waiting for its commit. A flip (nearly every event of a session) is kept as the three numbers
    /// its chunk stores, so draining it copies 40 bytes and no references (issue 17); any other event is kept whole in
    /// <see cref="_pendingEvents"/>, at <see cref="Event"/>.
    /// </summary>
    private struct Pending
    {
        public long Seq;
        public long TimeNs;
        public long IntendedNs;
        public long Frame;
        public int Run;
        /// <summary>The event's index in <see cref="_pendingEvents"/>; -1 for a flip.</summary>
        public int Event;

        public readonly bool IsFlip => Event < 0;
    }

    /// <summary>The whole events (not flips) that <see cref="Pending"/> entries point to; the writer thread's only.
    /// Cleared when every pending event is committed.</summary>
    private readonly List<EventRecord> _pendingEvents = new(256);

    private void WriterLoop()
    {
        var pending = new List<Pending>(1024);
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
                if (due && CommitAll(pending))
                {
                    pending.Clear();
                    _pendingEvents.Clear();
                }

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

    private void Drain(List<Pending> pending)
    {
        while (_ring.TryPeek(out long seq))
        {
            Add(pending, seq, in _ring.Oldest);
            _ring.Release();
        }
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
        foreach (var (seq, e) in spilled) Add(pending, seq, in e);
        Interlocked.Add(ref _overflowEvents, spilled.Count);
        var warning = new EventRecord
        {
            Kind = EventKind.Warning,
            TimeNs = spilled[0].Event.TimeNs,
            Text = $"event queue full ({_ring.Capacity} events): {spilled.Count} events kept in the overflow list; none lost",
        };
        long warningSeq = Interlocked.Increment(ref _lastSeq);
        Add(pending, warningSeq, in warning);
    }

    private void Add(List<Pending> pending, long seq, in EventRecord e)
    {
        if (e.Kind == EventKind.Flip)
        {
            pending.Add(new Pending
            {
                Seq = seq, TimeNs = e.TimeNs, IntendedNs = e.IntendedNs, Frame = double.IsNaN(e.Value) ? -1L : (long)e.Value, Run = e.Run, Event = -1,
            });
            return;
        }
        pending.Add(new Pending { Seq = seq, Event = _pendingEvents.Count });
        _pendingEvents.Add(e);
    }

    /// <summary>Commits the pending events in transactions of at most MaxBatch; true when all are stored.</summary>
    private bool CommitAll(List<Pending> pending)
    {
        // A session on the virtual clock may batch more (issue 17): whatever one wake drained (up to a ring's worth,
        // see Write), in one transaction, so a simulated hour takes a few commits rather than thirty.
        int maxBatch = _writingVirtual ? Math.Max(_options.MaxBatch, _ring.Capacity) : _options.MaxBatch;
        for (int start = 0; start < pending.Count; start += maxBatch)
        {
            int count = Math.Min(maxBatch, pending.Count - start);
            if (!CommitBatch(pending, start, count))
            {
                pending.RemoveRange(0, start);
                return false;
            }
        }
        return true;
    }

    private bool CommitBatch(List<Pending> pending, int start, int count)
    {
        long t0 = Stopwatch.GetTimestamp();
        FlipChunk? chunkBefore = _chunk;
        int chunkCountBefore = _chunk?.Count ?? 0;
        int chunkStoredBefore = _chunk?.Stored ?? 0;
        long chunkLastSeqBefore = _chunk?.LastSeq ?? 0;
        long nextChunkBefore = _nextChunkId;
        Tally? tallyBefore = _tally?.Copy();
        var docs = new List<BsonDocument>(count);
        // A simulated session's events go into event chunks (issue 17): a few documents a session instead of one an
        // event, which is most of what LiteDB's inserts cost. Real runs keep one document per event.
        bool chunkEvents = _writingVirtual;
        List<BsonValue>? chunked = null;
        var closed = new List<FlipChunk>();
        bool blockEnded = false;
        bool inTransaction = false;
        try
        {
            var entries = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pending).Slice(start, count);
            foreach (ref readonly Pending p in entries)
            {
                long seq = p.Seq;
                if (_tally is not null) _tally.LastSeq = seq;
                if (!p.IsFlip)
                {
                    EventRecord e = _pendingEvents[p.Event];
                    if (!chunkEvents) docs.Add(EventDocuments.ToDocument(seq, _sessionId, in e));
                    else
                    {
                        (chunked ??= new List<BsonValue>(Math.Min(count, StudyLayout.EventChunkSize))).Add(EventDocuments.ToChunkEntry(seq, in e));
                        if (chunked.Count == StudyLayout.EventChunkSize)
                        {
                            docs.Add(EventDocuments.ToChunk(_sessionId, chunked));
                            chunked = null;
                        }
                    }
                    blockEnded |= e.Kind == EventKind.BlockEnded;
                    if (_tally is not null) _tally.Events++;
                    continue;
                }
                if (_chunk is null || _chunk.Full || _chunk.Run != p.Run || _chunk.Session != _sessionId)
                {
                    if (_chunk is not null && _chunk.Stored < _chunk.Count) closed.Add(_chunk);
                    _chunk = new FlipChunk(_nextChunkId++, _sessionId, p.Run, seq,
                        _writingVirtual ? StudyLayout.VirtualFlipChunkSize : StudyLayout.FlipChunkSize);
                    if (_tally is not null) _tally.Chunks++;
                }
                if (_tally is not null) _tally.Flips++;
                _chunk.LastSeq = seq;
                _chunk.Add(p.TimeNs, p.IntendedNs, p.Frame);
            }

            if (chunked is not null) docs.Add(EventDocuments.ToChunk(_sessionId, chunked));

            inTransaction = _db.BeginTrans();
            if (docs.Count > 0) StoreEvents(chunkEvents ? _eventChunks : _events, docs);
            if (_chunk is not null && _chunk.Stored < _chunk.Count) closed.Add(_chunk); // the chunk still growing, too
            StoreChunks(closed);
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
            _chunksInDoubt = true;
            return false;
        }
        _chunksInDoubt = false;

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

    /// <summary>A commit failed: until one succeeds, every chunk is upserted (a failed commit may still have stored
    /// some).</summary>
    private bool _chunksInDoubt;

    /// <summary>Stores events or event chunks: inserted, or upserted after a failed commit (see <see cref="_chunksInDoubt"/>).</summary>
    private void StoreEvents(ILiteCollection<BsonDocument> collection, List<BsonDocument> docs)
    {
        if (!_chunksInDoubt) collection.Insert(docs);
        else foreach (BsonDocument d in docs) collection.Upsert(d);
    }

    /// <summary>Stores flip chunks: a chunk never stored before is inserted (with the others, in one call), one stored
    /// before (grown since) is replaced. Inserting skips the update's look-up of an id that is not there yet, which
    /// is nearly every chunk of a session on the virtual clock (issue 17).</summary>
    private void StoreChunks(List<FlipChunk> chunks)
    {
        List<BsonDocument>? fresh = null;
        foreach (FlipChunk c in chunks)
        {
            if (c.Stored > 0 || _chunksInDoubt) _flips.Upsert(ChunkDocument(c));
            else (fresh ??= new List<BsonDocument>(chunks.Count)).Add(ChunkDocument(c));
        }
        if (fresh is not null) _flips.Insert(fresh);
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
}
