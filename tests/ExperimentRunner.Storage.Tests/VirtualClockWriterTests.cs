using LiteDB;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Simulation;

namespace ExperimentRunner.Storage.Tests;

/// <summary>
/// The writer's faster path for simulations (issue 17): a session on the virtual clock waits for the writer instead of
/// spilling a full ring to the overflow list, the study's mapper is shared, and the checksum is computed eight bytes a
/// step. What is stored, and what it means, is the same.
/// </summary>
public sealed class VirtualClockWriterTests
{
    [Fact]
    public void A_simulated_session_through_a_small_ring_reads_back_equal_to_the_engine_s_events_and_passes_db_check()
    {
        string paradigm = Path.Combine(BidsValidatorTests.RepositoryRoot(), "paradigms", "social-feedback-pet.yaml");
        Plan plan = Planner.Make(ParadigmLoader.Load(paradigm).Paradigm!, new SessionFacts("sub-01", "1", 7));
        var options = new SessionOptions { SessionId = "sub-01_ses-1_virtual", Mode = "simulate" };
        var memory = new MemoryEventSink();
        Assert.Equal(SessionStatus.Completed, Simulator.Run(plan, memory, new SimulationSettings(), options).Result.Status);

        using var temp = new TempFolder();
        string db = temp.File("study.db");
        StoreStats stats;
        // A ring of 1,024 cells: the engine on the virtual clock fills it thousands of times over.
        using (var store = LiteDbStore.Open(db, options: new StoreOptions { QueueCapacity = 1024 }))
        {
            Assert.Equal(SessionStatus.Completed, Simulator.Run(plan, store, new SimulationSettings(), options).Result.Status);
            Assert.True(store.Flush(TimeSpan.FromSeconds(60)));
            stats = store.Stats;
        }
        Assert.Equal(0, stats.OverflowEvents);
        Assert.Equal(SimulatedDisplay.VirtualTiming, memory.Info!.Timing);

        using var reader = StudyReader.Open(db);
        var stored = reader.Events(options.SessionId).Select(e => e.Event).ToList();
        Assert.DoesNotContain(stored, e => e.Kind == EventKind.Warning);
        Assert.Equal(memory.Events.Where(e => e.Kind != EventKind.Flip), stored);
        Assert.Equal(memory.Events.Where(e => e.Kind == EventKind.Flip).Select(e => (e.TimeNs, e.IntendedNs, e.Run)),
            reader.Flips(options.SessionId).Select(e => (e.TimeNs, e.IntendedNs, e.Run)));
        Assert.Equal(SimulatedDisplay.VirtualTiming, reader.Session(options.SessionId)!.Info.Timing);

        var check = StudyCheck.Run(reader);
        Assert.True(check.Healthy, string.Join("\n", check.Problems));
    }

    [Fact]
    public void In_a_virtual_clock_session_a_full_ring_waits_for_the_writer_in_order_while_a_real_time_one_spills()
    {
        using var temp = new TempFolder();
        var info = GeneratedSession.Create().Info;
        Assert.Equal(SimulatedDisplay.VirtualTiming, info.Timing);
        foreach ((string timing, bool spills) in new[] { (info.Timing, false), ("unsynchronised", true) })
        {
            string db = temp.File($"study-{timing}.db");
            StoreStats stats;
            using (var store = LiteDbStore.Open(db, options: new StoreOptions { QueueCapacity = 256 }))
            {
                store.SessionStarted(info with { Timing = timing });
                for (int i = 0; i < 20_000; i++)
                {
                    var e = new EventRecord { Kind = i % 3 == 0 ? EventKind.Marker : EventKind.Flip, TimeNs = i, Value = i, Run = 1 };
                    store.Write(in e);
                }
                Assert.True(store.Flush(TimeSpan.FromSeconds(60)));
                stats = store.Stats;
            }
            Assert.Equal(spills, stats.OverflowEvents > 0);
            using var reader = StudyReader.Open(db);
            var markers = reader.Events(info.SessionId).Where(e => e.Event.Kind == EventKind.Marker).Select(e => e.Event.TimeNs);
            Assert.Equal(Enumerable.Range(0, 20_000).Where(i => i % 3 == 0).Select(i => (long)i), markers);
            Assert.Equal(Enumerable.Range(0, 20_000).Where(i => i % 3 != 0).Select(i => (long)i), reader.Flips(info.SessionId).Select(e => e.TimeNs));
            Assert.Equal(spills, reader.Events(info.SessionId).Any(e => e.Event.Kind == EventKind.Warning));
        }
    }

    [Fact]
    public void A_simulated_session_s_events_are_stored_in_chunks_and_its_flips_in_long_chunks_a_real_time_one_s_as_before()
    {
        using var temp = new TempFolder();
        var info = GeneratedSession.Create().Info;
        foreach ((string timing, bool chunked) in new[] { (info.Timing, true), ("unsynchronised", false) })
        {
            string db = temp.File($"study-{timing}.db");
            var written = new List<EventRecord>();
            using (var store = LiteDbStore.Open(db))
            {
                store.SessionStarted(info with { Timing = timing });
                var t0 = new EventRecord { Kind = EventKind.RunStarted, TimeNs = 0, Run = 1 };
                store.Write(in t0);
                written.Add(t0);
                for (int i = 0; i < 30_000; i++)
                {
                    var e = new EventRecord { Kind = i % 10 == 0 ? EventKind.Marker : EventKind.Flip, TimeNs = i, Value = i, Run = 1, Text = i % 10 == 0 ? $"m{i}" : null };
                    store.Write(in e);
                    if (e.Kind != EventKind.Flip) written.Add(e);
                }
                Assert.True(store.Flush(TimeSpan.FromSeconds(60)));
            }
            using (var raw = new LiteDatabase($"Filename={db};ReadOnly=true"))
            {
                int eventDocs = raw.GetCollection(StudyLayout.Events).Count(), eventChunks = raw.GetCollection(StudyLayout.EventChunks).Count();
                int longest = raw.GetCollection(StudyLayout.Flips).FindAll().Max(d => d["timeNs"].AsBinary.Length / sizeof(long));
                if (chunked)
                {
                    Assert.Equal(0, eventDocs);
                    Assert.InRange(eventChunks, 4, 31); // 3,001 events, at most 1,000 a chunk
                    Assert.Equal(StudyLayout.VirtualFlipChunkSize, longest);
                }
                else
                {
                    Assert.Equal(3_001, eventDocs);
                    Assert.Equal(0, eventChunks);
                    Assert.Equal(StudyLayout.FlipChunkSize, longest);
                }
            }
            using var reader = StudyReader.Open(db);
            Assert.Equal(written, reader.Events(info.SessionId).Select(e => e.Event));
            Assert.Equal(Enumerable.Range(0, 30_000).Where(i => i % 10 != 0).Select(i => (long)i), reader.Flips(info.SessionId).Select(e => e.TimeNs));
            var check = StudyCheck.Run(reader);
            Assert.True(check.Healthy, string.Join("\n", check.Problems));
            Assert.Equal((3_001L, 27_000L), (check.Events, check.Flips));

            // Sequence numbers go on after a reopen from the last event, chunked or not.
            using (var store = LiteDbStore.Open(db))
            {
                store.SessionStarted(info with { SessionId = info.SessionId + "-b", Timing = timing });
                var e = new EventRecord { Kind = EventKind.Marker, TimeNs = 1, Run = 1 };
                store.Write(in e);
                Assert.True(store.Flush(TimeSpan.FromSeconds(60)));
            }
            using var again = StudyReader.Open(db);
            long lastOfFirst = again.Events(info.SessionId).Max(e => e.Seq);
            Assert.True(again.Events(info.SessionId + "-b").Min(e => e.Seq) > lastOfFirst);
        }
    }

    [Fact]
    public void A_session_simulated_then_resumed_in_real_time_reads_back_in_order_from_chunks_and_single_documents()
    {
        using var temp = new TempFolder();
        var info = GeneratedSession.Create().Info;
        string db = temp.File("study.db");
        var written = new List<EventRecord>();
        void Write(LiteDbStore store, int from, int to)
        {
            for (int i = from; i < to; i++)
            {
                var e = new EventRecord { Kind = i % 4 == 0 ? EventKind.Marker : EventKind.Flip, TimeNs = i, Value = i, Run = 1 };
                store.Write(in e);
                if (e.Kind != EventKind.Flip) written.Add(e);
            }
        }
        // Started on the virtual clock (events in chunks), stopped, then resumed in real time (one document an event),
        // then on the virtual clock again: one session, three starts.
        foreach ((string timing, int from, int to) in new[] { (info.Timing, 0, 4_000), ("unsynchronised", 4_000, 6_000), (info.Timing, 6_000, 9_000) })
        {
            using var store = LiteDbStore.Open(db);
            store.SessionStarted(info with { Timing = timing });
            if (from == 0)
            {
                var t0 = new EventRecord { Kind = EventKind.RunStarted, TimeNs = 0, Run = 1 };
                store.Write(in t0);
                written.Add(t0);
            }
            Write(store, from, to);
            store.SessionEnded(new SessionEnd(info.SessionId, "stopped", to, null));
            Assert.True(store.Flush(TimeSpan.FromSeconds(60)));
        }
        using (var raw = new LiteDatabase($"Filename={db};ReadOnly=true"))
        {
            Assert.True(raw.GetCollection(StudyLayout.EventChunks).Count() >= 2);
            Assert.True(raw.GetCollection(StudyLayout.Events).Count() >= 500);
        }
        using var reader = StudyReader.Open(db);
        var stored = reader.Events(info.SessionId);
        Assert.Equal(written, stored.Select(e => e.Event).Where(e => e.Kind is EventKind.Marker or EventKind.RunStarted));
        Assert.True(stored.Zip(stored.Skip(1)).All(p => p.First.Seq < p.Second.Seq), "in the order written");
        Assert.Equal(Enumerable.Range(0, 9_000).Where(i => i % 4 != 0).Select(i => (long)i), reader.Flips(info.SessionId).Select(e => e.TimeNs));
        var integrity = reader.Verify(info.SessionId);
        Assert.True(integrity.Intact, string.Join("; ", integrity.Problems));
    }

    [Fact]
    public void A_damaged_event_chunk_is_found_by_its_checksum_and_named()
    {
        using var temp = new TempFolder();
        var info = GeneratedSession.Create().Info;
        string db = temp.File("study.db");
        using (var store = LiteDbStore.Open(db))
        {
            store.SessionStarted(info);
            for (int i = 0; i < 50; i++)
            {
                var e = new EventRecord { Kind = EventKind.Marker, TimeNs = i, Run = 1, Value = i };
                store.Write(in e);
            }
            Assert.True(store.Flush(TimeSpan.FromSeconds(60)));
        }
        using (var raw = new LiteDatabase($"Filename={db}"))
        {
            var chunks = raw.GetCollection(StudyLayout.EventChunks);
            BsonDocument chunk = chunks.FindAll().First();
            chunk["events"].AsArray[3]["value"] = 99.0; // one event changed, its chunk's checksum not
            chunks.Update(chunk);
        }
        using var reader = StudyReader.Open(db);
        Assert.False(reader.Verify(info.SessionId).Intact);
        var check = StudyCheck.Run(reader);
        Assert.Contains(check.Problems, p => p.Contains("event chunk", StringComparison.Ordinal) && p.Contains("fails its checksum", StringComparison.Ordinal));
    }

    [Fact]
    public void The_checksum_equals_zlib_s_crc32_for_every_length_and_offset()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0u, Crc32.Compute([]));
        var bytes = new byte[300];
        new Random(5).NextBytes(bytes);
        for (int start = 0; start < 9; start++)
            for (int length = 0; start + length <= bytes.Length; length++)
                Assert.Equal(ByteAtATime(bytes.AsSpan(start, length)), Crc32.Compute(bytes.AsSpan(start, length)));
        // Long runs (a flip chunk's record is about 14.5 KB): many 64-byte folds, then the rest.
        var large = new byte[40_000];
        new Random(6).NextBytes(large);
        foreach (int length in new[] { 1000, 4096, 14_415, 14_464, 39_999, 40_000 })
            Assert.Equal(ByteAtATime(large.AsSpan(40_000 - length)), Crc32.Compute(large.AsSpan(40_000 - length)));
    }

    [Fact]
    public void A_record_s_checksum_is_the_crc_of_its_fields_serialized_by_LiteDB_in_name_order()
    {
        // The writer encodes plain values itself (issue 17); every reader, and every database written before, has the
        // serializer's bytes: the same for names and values of every kind, including ones it leaves to the serializer.
        var rng = new Random(11);
        string[] texts = ["", "a", "Grüße", "名前", "\U0001F600 end", "tab\tnew\nline", "nul\0inside", new string('x', 5000)];
        for (int i = 0; i < 300; i++)
        {
            var d = new BsonDocument();
            int fields = rng.Next(0, 14);
            for (int f = 0; f < fields; f++)
            {
                string name = rng.Next(6) == 0 ? texts[rng.Next(1, 5)] + f : "f" + rng.Next(100);
                d[name] = (rng.Next(11)) switch
                {
                    0 => rng.NextInt64(long.MinValue, long.MaxValue),
                    1 => rng.Next(int.MinValue, int.MaxValue),
                    2 => rng.NextDouble() * 1e6 - 5e5,
                    3 => double.NaN,
                    4 => texts[rng.Next(texts.Length)],
                    5 => BsonValue.Null,
                    6 => rng.Next(2) == 0,
                    7 => new BsonValue(Enumerable.Range(0, rng.Next(0, 20_000)).Select(b => (byte)b).ToArray()),
                    8 => new BsonDocument { ["inner"] = i, ["text"] = "nested" },
                    9 => new BsonArray { 1, "two" },
                    _ => new DateTime(2026, 11, 29, 0, 0, 0, DateTimeKind.Utc),
                };
            }
            var sealedDoc = RecordSeal.Seal(d);
            var canonical = new BsonDocument();
            foreach (var field in d.Where(f => f.Key != RecordSeal.Field).OrderBy(f => f.Key, StringComparer.Ordinal)) canonical.Add(field.Key, field.Value);
            Assert.Equal((long)Crc32.Compute(BsonSerializer.Serialize(canonical)), sealedDoc[RecordSeal.Field].AsInt64);
            Assert.Equal(SealState.Intact, RecordSeal.Check(sealedDoc));
        }
        // A lone surrogate cannot be encoded: neither way seals it, and a reader finds such a record broken.
        var lone = new BsonDocument { ["text"] = "\ud800 lone" };
        Assert.Throws<System.Text.EncoderFallbackException>(() => BsonSerializer.Serialize(lone));
        Assert.Throws<System.Text.EncoderFallbackException>(() => RecordSeal.Seal(lone));
        Assert.Equal(SealState.Broken, RecordSeal.Check(new BsonDocument { ["text"] = "\ud800 lone", [RecordSeal.Field] = 1L }));
    }

    /// <summary>The plain table-driven CRC-32 that sealed every record before (the reference).</summary>
    private static uint ByteAtATime(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in bytes)
        {
            uint c = (crc ^ b) & 0xFF;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            crc = c ^ (crc >> 8);
        }
        return crc ^ 0xFFFFFFFFu;
    }

    [Fact]
    public void Writers_and_readers_share_one_mapper_that_maps_a_session_s_provenance_both_ways()
    {
        var info = GeneratedSession.Create().Info;
        Assert.Same(StudyFiles.Mapper, StudyFiles.Mapper);
        Assert.Equal(info, StudyFiles.ToSessionInfo(StudyFiles.ToDocument(info)));
        Assert.Equal(StudyFiles.CreateMapper().ToDocument(info), StudyFiles.ToDocument(info));
        // Many threads at once map the same way.
        var results = new SessionInfo[8];
        Parallel.For(0, results.Length, i => results[i] = StudyFiles.ToSessionInfo(StudyFiles.ToDocument(info with { Seed = (ulong)i })));
        for (int i = 0; i < results.Length; i++) Assert.Equal(info with { Seed = (ulong)i }, results[i]);
    }
}
