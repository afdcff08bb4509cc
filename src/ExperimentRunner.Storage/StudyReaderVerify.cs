using ExperimentRunner.Core.Events;
using LiteDB;

namespace ExperimentRunner.Storage;

/// <summary>What <see cref="StudyReader.Verify"/> found of one session: problems (records damaged or missing: the
/// session cannot be exported whole) and how many records carry no checksum (written by 0.1.0: readable, unverified).</summary>
public sealed record SessionIntegrity(string SessionId, IReadOnlyList<string> Problems, long UnsealedRecords, string? WrittenBy)
{
    public bool Intact => Problems.Count == 0;
}

public sealed partial class StudyReader
{
    /// <summary>
    /// Reads every record of a session and checks it: each checksum, each record decodes, every record written since
    /// checksums began carries one, and the counts kept by the writer in the same transactions (the session's tally)
    /// match what is found, so a lost page or index entry shows as missing records. Also finds a killed writer's log
    /// gone missing. Never throws for damage: it is listed.
    /// </summary>
    public SessionIntegrity Verify(string sessionId) => Verify(sessionId, null, null);

    /// <summary>
    /// <see cref="Verify(string)"/>, and when the session is intact also its events and flip chunks as
    /// <see cref="Events"/> and <see cref="FlipChunks"/> return them, decoded from the documents just verified: what
    /// `db check` (and so every writer's open) reads of a session, read, checksummed and decoded once instead of twice.
    /// </summary>
    internal (SessionIntegrity Integrity, IReadOnlyList<StoredEvent>? Events, IReadOnlyList<FlipChunk>? Chunks) VerifyAndRead(string sessionId)
    {
        var events = new List<StoredEvent>();
        var chunks = new List<FlipChunk>();
        SessionIntegrity integrity = Verify(sessionId, events, chunks);
        if (!integrity.Intact) return (integrity, null, null);
        events.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        chunks.Sort((a, b) => a.Id.CompareTo(b.Id));
        return (integrity, events, chunks);
    }

    private SessionIntegrity Verify(string sessionId, List<StoredEvent>? decodedEvents, List<FlipChunk>? decodedChunks)
    {
        var problems = new List<string>();
        long unsealed = 0;
        string who = $"session {sessionId}";
        string? writtenBy = null;

        BsonDocument? sessionDoc = TryRead(problems, $"the record of {who}", () => _db.GetCollection(StudyLayout.Sessions).FindById(sessionId));
        long sealedFrom = long.MaxValue;
        bool sessionSealed = false;
        if (sessionDoc is not null)
        {
            SealState state = RecordSeal.Check(sessionDoc);
            if (state == SealState.Broken) problems.Add($"the record of {who} fails its checksum (a byte changed after it was written)");
            else if (state == SealState.Unsealed) unsealed++;
            sessionSealed = state != SealState.Unsealed;
            if (sessionDoc.TryGetValue("sealedFrom", out BsonValue sf) && sf.IsNumber) sealedFrom = sf.AsInt64;
            if (sessionDoc.TryGetValue("info", out BsonValue info) && info.IsDocument && info.AsDocument.TryGetValue("SoftwareVersion", out BsonValue v) && v.IsString)
                writtenBy = v.AsString;
        }
        else if (problems.Count == 0)
        {
            problems.Add($"{who} has no record in the study");
        }

        BsonDocument? tally = TryRead(problems, $"the tally of {who}", () => _db.GetCollection(StudyLayout.Tallies).FindById(sessionId));
        long fromSeq = long.MaxValue;
        if (tally is not null)
        {
            if (RecordSeal.Check(tally) != SealState.Intact)
            {
                problems.Add($"the tally of {who} (its count of records) fails its checksum");
                tally = null;
            }
            else fromSeq = tally["fromSeq"].AsInt64;
        }

        long sealedRecords = 0, events = 0, chunks = 0, flips = 0;
        // A session's events: one document each, and (a simulated session's, since issue 17) many to a sealed event chunk.
        bool eventsRead = VerifyEvents(StudyLayout.Events, "event", d => [d])
            & VerifyEvents(StudyLayout.EventChunks, "event chunk", EventDocuments.ChunkEntries);

        // Reads one collection's event documents of the session, each sealed record checked and its events decoded and
        // counted; false when the collection could not be read.
        bool VerifyEvents(string collection, string what, Func<BsonDocument, IEnumerable<BsonDocument>> eventsOf)
        {
            List<BsonDocument>? docs = TryRead(problems, $"the {what}s of {who}",
                () => _db.GetCollection(collection).Find(Query.EQ("session", sessionId)).ToList());
            if (docs is null) return false;
            var broken = new List<string>();
            foreach (BsonDocument d in docs)
            {
                long seq = d.TryGetValue("_id", out BsonValue id) && id.IsNumber ? id.AsInt64 : long.MinValue;
                if (!Classify(d, seq, sealedFrom, broken, ref unsealed, ref sealedRecords, what)) continue;
                var decoded = new List<StoredEvent>();
                try
                {
                    foreach (BsonDocument entry in eventsOf(d))
                    {
                        EventRecord e = EventDocuments.FromDocument(entry, out long decodedSeq, out _);
                        decoded.Add(new StoredEvent(decodedSeq, e));
                    }
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    broken.Add($"{what} {seq} cannot be decoded");
                    continue;
                }
                decodedEvents?.AddRange(decoded);
                events += decoded.Count(e => e.Seq >= fromSeq);
            }
            Summarise(problems, who, broken);
            return true;
        }
        List<BsonDocument>? chunkDocs = TryRead(problems, $"the flips of {who}",
            () => _db.GetCollection(StudyLayout.Flips).Find(Query.EQ("session", sessionId)).ToList());
        if (chunkDocs is not null)
        {
            var broken = new List<string>();
            foreach (BsonDocument d in chunkDocs)
            {
                long firstSeq = d.TryGetValue("firstSeq", out BsonValue fs) && fs.IsNumber ? fs.AsInt64 : long.MinValue;
                string id = d.TryGetValue("_id", out BsonValue idv) ? idv.ToString() : "?";
                if (!Classify(d, firstSeq, sealedFrom, broken, ref unsealed, ref sealedRecords, $"flip chunk {id} (from event")) continue;
                if (decodedChunks is not null)
                {
                    try { decodedChunks.Add(ChunkOf(d)); }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        broken.Add($"flip chunk {id} cannot be decoded");
                        continue;
                    }
                }
                if (firstSeq >= fromSeq)
                {
                    chunks++;
                    flips += d.TryGetValue("timeNs", out BsonValue t) && t.IsBinary ? t.AsBinary.Length / sizeof(long) : 0;
                }
            }
            Summarise(problems, who, broken);
        }

        if (tally is not null && eventsRead && chunkDocs is not null)
        {
            long wantEvents = tally["events"].AsInt64, wantChunks = tally["chunks"].AsInt64, wantFlips = tally["flips"].AsInt64;
            if (events != wantEvents) problems.Add($"{who}: {Math.Abs(wantEvents - events)} event(s) {(events < wantEvents ? "missing" : "more than were written")} ({events} found, the writer stored {wantEvents})");
            if (chunks != wantChunks || flips != wantFlips)
                problems.Add($"{who}: flips {(flips < wantFlips || chunks < wantChunks ? "missing" : "more than were written")} ({flips} in {chunks} chunk(s) found, the writer stored {wantFlips} in {wantChunks})");
        }
        else if (tally is null && sealedFrom != long.MaxValue && problems.Count == 0)
        {
            problems.Add($"{who}: its tally (the writer's count of its records) is missing, so missing records cannot be ruled out");
        }
        if (sessionDoc is not null && !sessionSealed && sealedRecords > 0)
            problems.Add($"the record of {who} has lost its checksum though its events carry theirs");

        (bool open, string? writing) = WriterMark();
        if (open && writing == sessionId && !WriterActive && !LogExists)
        {
            problems.Add($"{who} was being written by a process that did not close the study (killed), and the log {Path.GetFileName(StudyFiles.LogPathFor(DatabasePath))} " +
                "is missing: what it committed after its last checkpoint is lost (copy a study with its -log.db file, or with `exrun db backup`)");
        }
        return new SessionIntegrity(sessionId, problems, unsealed, writtenBy);
    }

    /// <summary>The damaged sessions among those <see cref="Sessions"/> selects (and every session record that cannot be
    /// read, since it may belong to the selection): what an export must not leave out silently.</summary>
    public IReadOnlyList<SessionIntegrity> DamagedSessions(string? participant = null, string? session = null)
    {
        var damaged = new List<SessionIntegrity>();
        foreach (StoredSession s in Sessions(participant, session))
        {
            SessionIntegrity integrity = Verify(s.SessionId);
            if (!integrity.Intact) damaged.Add(integrity);
        }
        foreach ((string id, string why) in UnreadableSessions) damaged.Add(new SessionIntegrity(id, [why], 0, null));
        return damaged;
    }

    /// <summary>Counts a record by its checksum; false (and listed in <paramref name="broken"/>) when it is damaged.</summary>
    private static bool Classify(BsonDocument d, long seq, long sealedFrom, List<string> broken, ref long unsealed, ref long sealedRecords, string what)
    {
        string name = what.EndsWith("(from event", StringComparison.Ordinal) ? $"{what} {seq})" : $"{what} {seq}";
        switch (RecordSeal.Check(d))
        {
            case SealState.Broken:
                broken.Add($"{name} fails its checksum");
                return false;
            case SealState.Unsealed when seq >= sealedFrom:
                broken.Add($"{name} has no checksum though it was written by a version that writes them");
                return false;
            case SealState.Unsealed:
                unsealed++;
                return true;
            default:
                sealedRecords++;
                return true;
        }
    }

    private static void Summarise(List<string> problems, string who, List<string> broken)
    {
        if (broken.Count == 0) return;
        string first = string.Join("; ", broken.Take(3));
        problems.Add($"{who}: {broken.Count} damaged record(s): {first}{(broken.Count > 3 ? "; …" : "")}");
    }

    private T? TryRead<T>(List<string> problems, string what, Func<T> read) where T : class
    {
        try
        {
            return Read(null, what, read);
        }
        catch (StudyDamageException e)
        {
            problems.Add(e.Message);
            return null;
        }
    }
}
