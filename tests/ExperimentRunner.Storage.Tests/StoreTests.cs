using System.Diagnostics;
using ExperimentRunner.Core.Events;
using Xunit.Abstractions;

namespace ExperimentRunner.Storage.Tests;

[Collection(TimingCollection.Name)]
public sealed class StoreTests(ITestOutputHelper output)
{
    [Fact]
    public void A_session_written_to_the_store_reads_back_event_for_event()
    {
        using var temp = new TempFolder();
        var session = GeneratedSession.Create();
        using (var store = LiteDbStore.Open(temp.File("study.db")))
            session.WriteTo(store);

        using var reader = StudyReader.Open(temp.File("study.db"));
        StoredSession stored = Assert.Single(reader.Sessions());
        Assert.Equal(session.Info, stored.Info);
        Assert.Equal("completed", stored.Status);
        Assert.Equal(session.End.EndedNs, stored.EndedNs);

        var expectedEvents = session.Events.Where(e => e.Kind != EventKind.Flip).ToList();
        var readEvents = reader.Events(session.Info.SessionId).Select(e => e.Event).ToList();
        Assert.Equal(expectedEvents.Count, readEvents.Count);
        Assert.Empty(reader.EventsWithoutSession());
        for (int i = 0; i < expectedEvents.Count; i++) Assert.Equal(expectedEvents[i], readEvents[i]);

        var expectedFlips = session.Events.Where(e => e.Kind == EventKind.Flip).ToList();
        var readFlips = reader.Flips(session.Info.SessionId).ToList();
        Assert.Equal(expectedFlips, readFlips);
        // A session on the virtual clock (this one) is stored in chunks of up to 6,000 flips; one in real time, 600.
        Assert.All(reader.FlipChunks(session.Info.SessionId), c => Assert.InRange(c.TimeNs.Length, 1, StudyLayout.VirtualFlipChunkSize));

        Assert.Equal(session.Events.Count, reader.EventsWithFlips(session.Info.SessionId).Count);
    }

    [Fact]
    public void Runs_and_completed_blocks_come_from_run_and_block_events()
    {
        using var temp = new TempFolder();
        var session = GeneratedSession.Create(runs: 2, blocksPerRun: 3, flips: false);
        using (var store = LiteDbStore.Open(temp.File("study.db")))
        {
            store.SessionStarted(session.Info);
            // Interrupted in run 2, block 2: its BlockEnded never came.
            bool inRun2Block2 = false;
            foreach (EventRecord e in session.Events)
            {
                if (e.Kind == EventKind.BlockStarted && e.Run == 2 && e.Block == 2) inRun2Block2 = true;
                if (inRun2Block2 && e.Kind == EventKind.BlockEnded) break;
                store.Write(in e);
            }
        }

        using var reader = StudyReader.Open(temp.File("study.db"));
        StoredSession stored = reader.Session(session.Info.SessionId)!;
        Assert.False(stored.HasEnded);
        var runs = reader.Runs(session.Info.SessionId);
        Assert.Equal([1, 2], runs.Select(r => r.Run));
        Assert.Equal(session.Events.First(e => e.Kind == EventKind.RunStarted && e.Run == 2).TimeNs, runs[1].T0Ns);
        Assert.Equal(new HashSet<(int, int)> { (1, 1), (1, 2), (1, 3), (2, 1) }, reader.CompletedBlocks(session.Info.SessionId));
    }

    [Fact]
    public void Sessions_filter_by_participant_and_session_label()
    {
        using var temp = new TempFolder();
        using (var store = LiteDbStore.Open(temp.File("study.db")))
        {
            GeneratedSession.Create("p02", "1", runs: 1, flips: false).WriteTo(store);
            GeneratedSession.Create("p01", "2", runs: 1, flips: false).WriteTo(store);
            GeneratedSession.Create("p01", "1", runs: 1, flips: false).WriteTo(store);
        }
        using var reader = StudyReader.Open(temp.File("study.db"));
        Assert.Equal(["p01/1", "p01/2", "p02/1"], reader.Sessions().Select(s => $"{s.Info.ParticipantId}/{s.Info.SessionLabel}"));
        Assert.Equal(2, reader.Sessions(participant: "sub-p01").Count);
        Assert.Equal("p02", Assert.Single(reader.Sessions(session: "1", participant: "p02")).Info.ParticipantId);
    }

    [Fact]
    public void Nothing_is_lost_when_fifty_thousand_events_arrive_faster_than_the_ring_holds()
    {
        using var temp = new TempFolder();
        // A real-time session: one on the virtual clock waits for the writer instead (VirtualClockWriterTests).
        var info = GeneratedSession.Create().Info with { Timing = "unsynchronised" };
        const int count = 50_000;
        using (var store = LiteDbStore.Open(temp.File("study.db"), options: new StoreOptions { QueueCapacity = 1024 }))
        {
            store.SessionStarted(info);
            for (int i = 0; i < count; i++)
            {
                var e = new EventRecord { Kind = i % 2 == 0 ? EventKind.Flip : EventKind.Marker, TimeNs = i, Value = i, Code = i % 256, Run = 1 };
                store.Write(in e);
            }
            Assert.True(store.Flush(TimeSpan.FromSeconds(60)));
            StoreStats stats = store.Stats;
            output.WriteLine($"written {stats.EventsWritten}, overflow {stats.OverflowEvents}, commits {stats.Commits}");
        }
        using var reader = StudyReader.Open(temp.File("study.db"));
        var markers = reader.Events(info.SessionId).Where(e => e.Event.Kind == EventKind.Marker).Select(e => (long)e.Event.Value).ToList();
        var flips = reader.Flips(info.SessionId).Select(e => e.TimeNs).ToList();
        Assert.Equal(Enumerable.Range(0, count).Where(i => i % 2 == 1).Select(i => (long)i), markers);
        Assert.Equal(Enumerable.Range(0, count).Where(i => i % 2 == 0).Select(i => (long)i), flips);
    }

    [Fact]
    public void Two_hundred_thousand_events_written_at_full_speed_are_all_durable_in_order_once_flushed()
    {
        // The figures (ns per Write, commits, fsyncs) are printed for the record; what is asserted is what the speed
        // must not cost: every event, durable, in order, exactly once. (Throughput figures: tests/ExperimentRunner.Benchmarks.)
        using var temp = new TempFolder();
        var info = GeneratedSession.Create().Info;
        const int count = 200_000;
        StoreStats s;
        using (var store = LiteDbStore.Open(temp.File("study.db")))
        {
            store.SessionStarted(info);
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < count; i++)
            {
                var e = new EventRecord { Kind = i % 4 == 0 ? EventKind.Marker : EventKind.Flip, TimeNs = i * 1000L, IntendedNs = i * 1000L, Value = i, Run = 1, Screen = "profile" };
                store.Write(in e);
            }
            double writeNsEach = watch.Elapsed.TotalNanoseconds / count;
            Assert.True(store.Flush(TimeSpan.FromMinutes(2)));
            double seconds = watch.Elapsed.TotalSeconds;
            s = store.Stats;
            output.WriteLine($"{count} events (1 in 4 a document, the rest flips in chunks): Write {writeNsEach:F0} ns each; durable after {seconds:F2} s = {count / seconds:F0} events/s");
            output.WriteLine($"{s.Commits} commits, mean {s.CommitNsTotal / 1e6 / Math.Max(1, s.Commits):F2} ms, max {s.CommitNsMax / 1e6:F2} ms; " +
                $"{s.Fsyncs} fsyncs, mean {s.FsyncNsTotal / 1e6 / Math.Max(1, s.Fsyncs):F2} ms, max {s.FsyncNsMax / 1e6:F2} ms; overflow {s.OverflowEvents}");
            Assert.True(s.EventsDurable >= count);
            Assert.Null(s.Fault);
        }
        using var reader = StudyReader.Open(temp.File("study.db"));
        var markers = reader.Events(info.SessionId).Where(e => e.Event.Kind == EventKind.Marker).Select(e => e.Event.TimeNs).ToList();
        var flips = reader.Flips(info.SessionId).Select(e => e.TimeNs).ToList();
        Assert.Equal(Enumerable.Range(0, count).Where(i => i % 4 == 0).Select(i => i * 1000L), markers);
        Assert.Equal(Enumerable.Range(0, count).Where(i => i % 4 != 0).Select(i => i * 1000L), flips);
    }

    [Fact]
    public void Events_from_several_threads_at_once_are_all_stored_once()
    {
        using var temp = new TempFolder();
        var info = GeneratedSession.Create().Info;
        const int threads = 4, each = 20_000;
        using (var store = LiteDbStore.Open(temp.File("study.db"), options: new StoreOptions { QueueCapacity = 4096 }))
        {
            store.SessionStarted(info);
            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                for (int i = 0; i < each; i++)
                {
                    var e = new EventRecord { Kind = EventKind.Marker, TimeNs = i, Code = t, Value = i };
                    store.Write(in e);
                }
            })).ToList();
            workers.ForEach(w => w.Start());
            workers.ForEach(w => w.Join());
            Assert.True(store.Flush(TimeSpan.FromSeconds(60)));
        }
        using var reader = StudyReader.Open(temp.File("study.db"));
        var markers = reader.Events(info.SessionId).Where(e => e.Event.Kind == EventKind.Marker).ToList();
        Assert.Equal(threads * each, markers.Count);
        for (int t = 0; t < threads; t++)
        {
            // Each thread's events are stored once each, in the order that thread wrote them.
            Assert.Equal(Enumerable.Range(0, each).Select(i => (double)i), markers.Where(m => m.Event.Code == t).Select(m => m.Event.Value));
        }
    }

    [Fact]
    public void A_full_ring_is_recorded_as_a_warning()
    {
        using var temp = new TempFolder();
        var info = GeneratedSession.Create().Info with { Timing = "unsynchronised" };
        using (var store = LiteDbStore.Open(temp.File("study.db"), options: new StoreOptions { QueueCapacity = 16, WakeIntervalMs = 200 }))
        {
            store.SessionStarted(info);
            for (int i = 0; i < 100; i++)
            {
                var e = new EventRecord { Kind = EventKind.Marker, TimeNs = i, Value = i };
                store.Write(in e);
            }
        }
        using var reader = StudyReader.Open(temp.File("study.db"));
        var events = reader.Events(info.SessionId);
        Assert.Equal(100, events.Count(e => e.Event.Kind == EventKind.Marker));
        Assert.Contains(events, e => e.Event.Kind == EventKind.Warning && e.Event.Text!.Contains("overflow"));
    }

    [Fact]
    public void Write_allocates_nothing()
    {
        using var temp = new TempFolder();
        using var store = LiteDbStore.Open(temp.File("study.db"));
        store.SessionStarted(GeneratedSession.Create().Info);
        var e = new EventRecord { Kind = EventKind.Flip, TimeNs = 1, Screen = "fixation" };
        // Warm up, and give the tiered JIT time to promote Write (its call counting and background compile), so the
        // measured writes run the code a session's frame loop runs; the measuring loop itself is compiled optimized at
        // once (no on-stack replacement in it), as exrun compiles the frame loop.
        WriteMany(store, in e, 1000);
        Thread.Sleep(300);
        WriteMany(store, in e, 1000);
        long allocated = AllocatedByWrites(store, in e, 10_000);
        Assert.Equal(0, allocated);
    }

    private static void WriteMany(LiteDbStore store, in EventRecord e, int count)
    {
        for (int i = 0; i < count; i++) store.Write(in e);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static long AllocatedByWrites(LiteDbStore store, in EventRecord e, int count)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < count; i++) store.Write(in e);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void Every_event_is_in_the_files_within_100_ms_of_being_written()
    {
        using var temp = new TempFolder();
        var info = GeneratedSession.Create().Info;
        var worst = TimeSpan.Zero;
        using (var store = LiteDbStore.Open(temp.File("study.db"), options: new StoreOptions { CheckpointPages = 0 }))
        {
            store.SessionStarted(info);
            for (int round = 0; round < 5; round++)
            {
                var e = new EventRecord { Kind = EventKind.Marker, TimeNs = round, Code = 42 + round };
                var watch = Stopwatch.StartNew();
                store.Write(in e);
                Thread.Sleep(100);
                // What a process killed now would leave: a copy of the files, opened by another reader.
                string snapshot = temp.File($"snap{round}.db");
                CopyShared(temp.File("study-log.db"), StudyFiles.LogPathFor(snapshot));
                CopyShared(temp.File("study.db"), snapshot);
                if (watch.Elapsed > worst) worst = watch.Elapsed;
                using var reader = StudyReader.Open(snapshot);
                Assert.Contains(reader.Events(info.SessionId), s => s.Event.Code == 42 + round);
            }
            StoreStats stats = store.Stats;
            output.WriteLine($"commits {stats.Commits}, mean commit {stats.CommitNsTotal / Math.Max(1, stats.Commits) / 1e6:F2} ms; " +
                $"fsyncs {stats.Fsyncs}, mean fsync {stats.FsyncNsTotal / Math.Max(1, stats.Fsyncs) / 1e6:F2} ms, max fsync {stats.FsyncNsMax / 1e6:F2} ms; worst write-to-snapshot {worst.TotalMilliseconds:F0} ms");
        }
    }

    [Fact]
    public void An_encrypted_study_refuses_to_open_without_its_password()
    {
        using var temp = new TempFolder();
        var session = GeneratedSession.Create(runs: 1, flips: false);
        using (var store = LiteDbStore.Open(temp.File("study.db"), password: "correct horse"))
            session.WriteTo(store);

        var missing = Assert.Throws<StudyOpenException>(() => StudyReader.Open(temp.File("study.db")));
        Assert.Equal(StudyOpenFailure.PasswordRequired, missing.Failure);
        Assert.Contains(StudyFiles.PasswordVariable, missing.Message);
        var wrong = Assert.Throws<StudyOpenException>(() => StudyReader.Open(temp.File("study.db"), "battery staple"));
        Assert.Equal(StudyOpenFailure.WrongPassword, wrong.Failure);
        Assert.Throws<StudyOpenException>(() => LiteDbStore.Open(temp.File("study.db")).Dispose());

        using var reader = StudyReader.Open(temp.File("study.db"), "correct horse");
        Assert.Equal(session.Info, Assert.Single(reader.Sessions()).Info);
        byte[] raw = File.ReadAllBytes(temp.File("study.db"));
        Assert.DoesNotContain("socialfeedback", System.Text.Encoding.UTF8.GetString(raw));
    }

    [Fact]
    public void Database_files_are_readable_by_their_owner_only()
    {
        if (OperatingSystem.IsWindows()) return;
        using var temp = new TempFolder();
        string db = Path.Combine(temp.Path, "nested", "study.db");
        using (var store = LiteDbStore.Open(db))
            GeneratedSession.Create(runs: 1, flips: false).WriteTo(store);
        Assert.Equal(StudyFiles.OwnerFile, File.GetUnixFileMode(db));
        Assert.Equal(StudyFiles.OwnerFolder, File.GetUnixFileMode(Path.GetDirectoryName(db)!));
    }

    [Fact]
    public void A_second_writer_is_refused_while_the_first_is_open_and_a_reader_is_told()
    {
        using var temp = new TempFolder();
        using (var first = LiteDbStore.Open(temp.File("study.db")))
        {
            first.SessionStarted(GeneratedSession.Create().Info);
            var e = Assert.Throws<StudyOpenException>(() => LiteDbStore.Open(temp.File("study.db")));
            Assert.Equal(StudyOpenFailure.InUse, e.Failure);
            using var reader = StudyReader.Open(temp.File("study.db"));
            Assert.True(reader.WriterActive);
            Assert.Single(reader.Sessions());
        }
        using var after = StudyReader.Open(temp.File("study.db"));
        Assert.False(after.WriterActive);
        LiteDbStore.Open(temp.File("study.db")).Dispose();
    }

    private static void CopyShared(string from, string to)
    {
        if (!File.Exists(from)) return;
        using var source = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var target = File.Create(to);
        source.CopyTo(target);
    }
}

[Collection(TimingCollection.Name)]
public sealed class RecoveryTests
{
    private static void CopyShared(string from, string to)
    {
        using var source = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var target = File.Create(to);
        source.CopyTo(target);
    }

    [Fact]
    public void A_log_torn_in_the_middle_of_a_page_still_opens_with_every_committed_event()
    {
        using var temp = new TempFolder();
        var info = GeneratedSession.Create().Info;
        using (var store = LiteDbStore.Open(temp.File("study.db"), options: new StoreOptions { CheckpointPages = 0 }))
        {
            store.SessionStarted(info);
            for (int i = 0; i < 300; i++)
            {
                var e = new EventRecord { Kind = EventKind.Marker, TimeNs = i, Value = i };
                store.Write(in e);
            }
            Assert.True(store.Flush(TimeSpan.FromSeconds(10)));
            // What a kill leaves: the files as they are now, plus half a page a dying write got out.
            CopyShared(temp.File("study.db"), temp.File("torn.db"));
            CopyShared(temp.File("study-log.db"), temp.File("torn-log.db"));
        }
        using (var log = new FileStream(temp.File("torn-log.db"), FileMode.Append))
            log.Write(Enumerable.Range(0, 3000).Select(i => (byte)(i * 7)).ToArray());
        using (var reader = StudyReader.Open(temp.File("torn.db")))
        {
            Assert.Equal(300, reader.Events(info.SessionId).Count);
            StudyCheckReport report = StudyCheck.Run(reader);
            Assert.True(report.Healthy);
            Assert.Contains(report.Notes, n => n.Contains("partial page"));
        }
        using (var store = LiteDbStore.Open(temp.File("torn.db")))
        {
            store.SessionStarted(info); // a resume of the same session
        }
        using (var reader = StudyReader.Open(temp.File("torn.db")))
        {
            var events = reader.Events(info.SessionId);
            Assert.Equal(300, events.Count(e => e.Event.Kind == EventKind.Marker));
            Assert.Contains(events, e => e.Event.Kind == EventKind.Warning && e.Event.Text!.Contains("partial page"));
            Assert.Single(reader.Session(info.SessionId)!.Resumes);
        }
    }

    [Fact]
    public void A_completed_block_is_in_the_data_file_itself_even_if_the_log_is_lost()
    {
        using var temp = new TempFolder();
        var session = GeneratedSession.Create(runs: 1, blocksPerRun: 2, flips: false);
        int firstBlockEnd = session.Events.ToList().FindIndex(e => e.Kind == EventKind.BlockEnded);
        using (var store = LiteDbStore.Open(temp.File("study.db"), options: new StoreOptions { FsyncLog = false, CheckpointPages = 0 }))
        {
            store.SessionStarted(session.Info);
            for (int i = 0; i <= firstBlockEnd; i++)
            {
                EventRecord e = session.Events[i];
                store.Write(in e);
            }
            Assert.True(store.Flush(TimeSpan.FromSeconds(10)));
            CopyShared(temp.File("study.db"), temp.File("datafile-only.db")); // no log beside it
        }
        using var reader = StudyReader.Open(temp.File("datafile-only.db"));
        Assert.Contains((1, 1), reader.CompletedBlocks(session.Info.SessionId));
        Assert.Equal(firstBlockEnd + 1, reader.Events(session.Info.SessionId).Count);
    }

    [Fact]
    public void An_event_of_an_unknown_kind_is_kept_not_lost()
    {
        using var temp = new TempFolder();
        var info = GeneratedSession.Create().Info;
        using (var store = LiteDbStore.Open(temp.File("study.db")))
        {
            store.SessionStarted(info);
            var odd = new EventRecord { Kind = (EventKind)999, TimeNs = 5, Text = "from a newer engine" };
            store.Write(in odd);
        }
        using var reader = StudyReader.Open(temp.File("study.db"));
        Assert.Equal((EventKind)999, Assert.Single(reader.Events(info.SessionId)).Event.Kind);
    }
}

public sealed class SequenceTests
{
    [Fact]
    public void Sequence_numbers_go_on_after_a_reopen_past_the_last_flip()
    {
        using var temp = new TempFolder();
        var info = GeneratedSession.Create().Info;
        using (var store = LiteDbStore.Open(temp.File("study.db")))
        {
            store.SessionStarted(info);
            var run = new EventRecord { Kind = EventKind.RunStarted, TimeNs = 0, Run = 1 };
            store.Write(in run);
            for (int i = 0; i < 100; i++)
            {
                var flip = new EventRecord { Kind = EventKind.Flip, TimeNs = i + 1, Run = 1, Value = i };
                store.Write(in flip);
            }
        }
        using (var store = LiteDbStore.Open(temp.File("study.db")))
        {
            store.SessionStarted(info); // resumed
            var restart = new EventRecord { Kind = EventKind.RunStarted, TimeNs = 1000, Run = 1 };
            store.Write(in restart);
            var flip = new EventRecord { Kind = EventKind.Flip, TimeNs = 1001, Run = 1, Value = 100 };
            store.Write(in flip);
        }
        using var reader = StudyReader.Open(temp.File("study.db"));
        var runs = reader.Runs(info.SessionId);
        var chunks = reader.FlipChunks(info.SessionId);
        Assert.Equal(2, runs.Count);
        Assert.Equal(2, chunks.Count);
        Assert.True(chunks[0].FirstSeq > runs[0].Seq && chunks[0].FirstSeq < runs[1].Seq);
        Assert.True(chunks[1].FirstSeq > runs[1].Seq);
        Assert.True(StudyCheck.Run(reader).Healthy);
    }
}
