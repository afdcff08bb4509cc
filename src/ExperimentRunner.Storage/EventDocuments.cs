using ExperimentRunner.Core.Events;
using LiteDB;

namespace ExperimentRunner.Storage;

/// <summary>
/// The layout of a study database. Collections:
/// <list type="bullet">
/// <item><c>sessions</c>: one document per session: <c>_id</c> the session id, <c>info</c> the <see cref="SessionInfo"/>,
/// <c>status</c> ("running" until ended), <c>endedNs</c>, <c>reason</c>, <c>resumes</c> (infos of later starts).</item>
/// <item><c>events</c>: one document per event other than a flip: <c>_id</c> a sequence number increasing in the order
/// events were written, <c>session</c>, <c>kind</c> (the <see cref="EventKind"/> name), and every field of the
/// <see cref="EventRecord"/>; times are Int64 nanoseconds of the run clock, a field that does not apply is absent
/// (<c>sinceT0Ns</c>, the time from the run's t0, since 0.3: absent in older records).</item>
/// <item><c>eventChunks</c> (since issue 17): the events other than flips of a session on the virtual clock
/// (simulated), many to a document: <c>_id</c> the sequence number of its first event, <c>session</c>, <c>lastSeq</c>,
/// and <c>events</c>, an array of event documents as above without <c>session</c> and <c>crc</c> (the chunk's
/// <c>crc</c> covers them). A session's events are its documents in <c>events</c> and those in its chunks, in
/// sequence-number order. Sessions in real time, and every session written before, have none.</item>
/// <item><c>flips</c>: flips of a session in chunks of up to <see cref="FlipChunkSize"/> (up to
/// <see cref="VirtualFlipChunkSize"/> on the virtual clock): <c>session</c>, <c>run</c>, <c>firstSeq</c>,
/// <c>lastSeq</c>, and <c>timeNs</c>, <c>intendedNs</c>, <c>frame</c>: binary, 8 bytes a flip, little-endian (BSON
/// arrays in 0.1.0).</item>
/// <item><c>tallies</c> and <c>meta</c>: see <see cref="Tallies"/> and <see cref="Meta"/>.</item>
/// </list>
/// Since 0.2.0 every document carries <c>crc</c>, a checksum of its other fields (<see cref="RecordSeal"/>); sessions
/// carry <c>sealedFrom</c>, the first sequence number written with checksums.
/// </summary>
public static class StudyLayout
{
    public const string Sessions = "sessions";
    public const string Events = "events";
    public const string Flips = "flips";

    /// <summary>Events of simulated sessions, many to a document (see the class's summary).</summary>
    public const string EventChunks = "eventChunks";

    /// <summary>Events per stored event chunk at most: one commit's events of a simulated session, split at this.</summary>
    public const int EventChunkSize = 1000;

    /// <summary>Copies of per-session stimulus files (<c>_id</c> the dataset path session/&lt;sha256&gt;.&lt;ext&gt;, <c>data</c>).</summary>
    public const string Stimuli = "stimuli";

    /// <summary>One small document per session, updated in the same transaction as its events: how many events, flip
    /// chunks and flips the writer stored since <c>fromSeq</c>, and the last sequence number (a high-water mark). A
    /// reader that finds fewer knows records are missing. Absent for sessions written by 0.1.0 only.</summary>
    public const string Tallies = "tallies";

    /// <summary>Study-level records; <c>writer</c>: <c>open</c> true from a writer's open to its clean close (so a
    /// study whose writer was killed is known), <c>session</c> the session it was writing.</summary>
    public const string Meta = "meta";

    /// <summary>Flips per stored chunk in real time: 10 s at 60 Hz. A chunk still growing is rewritten at each commit.</summary>
    public const int FlipChunkSize = 600;

    /// <summary>Flips per stored chunk of a session on the virtual clock (100 s at 60 Hz): its few commits (see
    /// <c>LiteDbStore.CommitAll</c>) rewrite a growing chunk rarely, and fewer, longer chunks cost the writer less
    /// (issue 17). A reader takes chunks of any length up to this.</summary>
    public const int VirtualFlipChunkSize = 6000;

    /// <summary>Status of a session that has started and not (yet) ended.</summary>
    public const string RunningStatus = "running";
}

internal static class EventDocuments
{
    private static readonly string[] KindNames = Enum.GetNames<EventKind>();
    private static readonly Dictionary<string, EventKind> KindsByName =
        Enum.GetValues<EventKind>().ToDictionary(k => k.ToString(), StringComparer.Ordinal);

    public static BsonDocument ToDocument(long seq, string? sessionId, in EventRecord e)
    {
        var d = new BsonDocument
        {
            ["_id"] = seq,
            ["session"] = sessionId is null ? BsonValue.Null : sessionId,
        };
        PutFields(d, in e);
        return RecordSeal.Seal(d);
    }

    /// <summary>One event of an event chunk: its document without <c>session</c> and unsealed (the chunk is sealed).</summary>
    public static BsonDocument ToChunkEntry(long seq, in EventRecord e)
    {
        var d = new BsonDocument { ["_id"] = seq };
        PutFields(d, in e);
        return d;
    }

    /// <summary>A sealed event chunk of <paramref name="entries"/> (from <see cref="ToChunkEntry"/>, in order).</summary>
    public static BsonDocument ToChunk(string? sessionId, List<BsonValue> entries) => RecordSeal.Seal(new BsonDocument
    {
        ["_id"] = entries[0]["_id"].AsInt64,
        ["session"] = sessionId is null ? BsonValue.Null : sessionId,
        ["lastSeq"] = entries[^1]["_id"].AsInt64,
        ["events"] = new BsonArray(entries),
    });

    /// <summary>The event documents of an event chunk; throws <see cref="InvalidDataException"/> when it has none.</summary>
    public static IEnumerable<BsonDocument> ChunkEntries(BsonDocument chunk)
    {
        if (!chunk.TryGetValue("events", out BsonValue events) || !events.IsArray)
            throw new InvalidDataException($"event chunk {(chunk.TryGetValue("_id", out BsonValue id) ? id.ToString() : "?")} has no events");
        foreach (BsonValue v in events.AsArray)
        {
            if (!v.IsDocument) throw new InvalidDataException($"event chunk {chunk["_id"]} holds something other than an event");
            yield return v.AsDocument;
        }
    }

    private static void PutFields(BsonDocument d, in EventRecord e)
    {
        d["kind"] = KindName(e.Kind);
        d["timeNs"] = e.TimeNs;
        d["run"] = e.Run;
        d["block"] = e.Block;
        d["trial"] = e.Trial;
        PutString(d, "phase", e.Phase);
        PutString(d, "screen", e.Screen);
        PutString(d, "condition", e.Condition);
        PutString(d, "stimulus", e.Stimulus);
        PutString(d, "response", e.Response);
        PutTime(d, "intendedNs", e.IntendedNs);
        PutTime(d, "durationNs", e.DurationNs);
        PutTime(d, "rtNs", e.RtNs);
        if (!double.IsNaN(e.Value)) d["value"] = e.Value;
        if (e.Code != 0) d["code"] = e.Code;
        PutString(d, "text", e.Text);
        PutTime(d, "sinceT0Ns", e.SinceT0Ns);
        PutString(d, "label", e.Label);
    }

    /// <summary>The kind's name; a value outside the enum (a bug upstream) is kept as its number rather than lost.</summary>
    private static string KindName(EventKind kind) => (uint)kind < (uint)KindNames.Length
        ? KindNames[(int)kind]
        : ((int)kind).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static EventRecord FromDocument(BsonDocument d, out long seq, out string? sessionId)
    {
        seq = d["_id"].AsInt64;
        sessionId = d["session"].IsString ? d["session"].AsString : null;
        string kindName = d["kind"].AsString;
        EventKind kind;
        if (KindsByName.TryGetValue(kindName, out EventKind named)) kind = named;
        else if (int.TryParse(kindName, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int number)) kind = (EventKind)number;
        else throw new InvalidDataException($"event {seq} has an unknown kind '{kindName}'");
        return new EventRecord
        {
            Kind = kind,
            TimeNs = d["timeNs"].AsInt64,
            Run = d["run"].AsInt32,
            Block = d["block"].AsInt32,
            Trial = d["trial"].AsInt32,
            Phase = GetString(d, "phase"),
            Screen = GetString(d, "screen"),
            Condition = GetString(d, "condition"),
            Stimulus = GetString(d, "stimulus"),
            Response = GetString(d, "response"),
            IntendedNs = GetTime(d, "intendedNs"),
            DurationNs = GetTime(d, "durationNs"),
            RtNs = GetTime(d, "rtNs"),
            Value = d.TryGetValue("value", out BsonValue v) && v.IsNumber ? v.AsDouble : double.NaN,
            Code = d.TryGetValue("code", out BsonValue c) && c.IsNumber ? c.AsInt32 : 0,
            Text = GetString(d, "text"),
            SinceT0Ns = GetTime(d, "sinceT0Ns"),
            Label = GetString(d, "label"),
        };
    }

    private static void PutString(BsonDocument d, string name, string? value)
    {
        if (value is not null) d[name] = value;
    }

    private static void PutTime(BsonDocument d, string name, long ns)
    {
        if (ns != EventRecord.None) d[name] = ns;
    }

    private static string? GetString(BsonDocument d, string name) =>
        d.TryGetValue(name, out BsonValue v) && v.IsString ? v.AsString : null;

    private static long GetTime(BsonDocument d, string name) =>
        d.TryGetValue(name, out BsonValue v) && v.IsNumber ? v.AsInt64 : EventRecord.None;
}
