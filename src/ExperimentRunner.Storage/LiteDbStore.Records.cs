using System.Buffers.Binary;
using LiteDB;

namespace ExperimentRunner.Storage;

// The sealed documents the writer stores besides events: flip chunks and per-session tallies.
public sealed partial class LiteDbStore
{
    private sealed class FlipChunk(long id, string? session, int run, long firstSeq, int capacity = StudyLayout.FlipChunkSize)
    {
        public long Id { get; } = id;
        public string? Session { get; } = session;
        public int Run { get; } = run;
        public long FirstSeq { get; } = firstSeq;
        public long LastSeq { get; set; } = firstSeq;
        // Plain arrays packed into one binary value per field when stored: a BSON array of 600 boxed longs per field
        // cost ~1.5 µs of CPU per flip; a blob costs one copy.
        private readonly long[] _time = new long[capacity];
        private readonly long[] _intended = new long[capacity];
        private readonly long[] _frame = new long[capacity];

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
        public bool Full => Count >= _time.Length;
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
}
