using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Storage;

namespace ExperimentRunner.Benchmarks;

/// <summary>
/// Write-to-durable latency of the study store with the log forced to the disk after each batch (the default
/// StoreOptions): an event is durable once the store's <see cref="StoreStats.EventsDurable"/> counts it (the
/// writer committed its batch and the fsync thread's fsync of the log returned). A watcher thread reads that
/// counter every millisecond, so each latency is late by at most about one millisecond.
/// </summary>
public static class LoggingBenchmark
{
    private const int EventsPerSecond = 1000;

    public static void Run(BenchContext ctx)
    {
        int seconds = ctx.Quick ? 3 : 10;
        int count = EventsPerSecond * seconds;
        var clock = new MonotonicClock();
        string dir = Scenario.TempDir("logging");
        var options = new StoreOptions();
        Console.WriteLine($"  store        {Path.Combine(dir, "logging.db")}; wake {options.WakeIntervalMs} ms, commit delay {options.CommitDelayMs} ms, fsync of the log per batch {options.FsyncLog}");
        Console.WriteLine($"  file system  {FileSystemOf(dir)}");

        using (var store = LiteDbStore.Open(Path.Combine(dir, "logging.db"), options: options))
        {
            store.SessionStarted(Scenario.Session("bench-logging", clock.NowNs, 60, "virtual"));
            long durableBase = store.Stats.EventsDurable;
            var writtenNs = new long[count];
            var durableNs = new long[count];
            int written = 0;

            var watcher = new Thread(() =>
            {
                long seen = 0;
                long deadline = clock.NowNs + (seconds + 30) * Ns.PerSecond;
                while (seen < count && clock.NowNs < deadline)
                {
                    long durable = Math.Min(count, store.Stats.EventsDurable - durableBase);
                    // Only events already handed to Write can be durable; Volatile.Read pairs with the writer's increment.
                    durable = Math.Min(durable, Volatile.Read(ref written));
                    if (durable > seen)
                    {
                        long now = clock.NowNs;
                        for (long i = seen; i < durable; i++) durableNs[i] = now;
                        seen = durable;
                    }
                    Thread.Sleep(1);
                }
            }) { Name = "bench-durable-watcher", IsBackground = true };
            watcher.Start();

            long start = clock.NowNs;
            while (written < count)
            {
                long due = Math.Min(count, (clock.NowNs - start) * EventsPerSecond / Ns.PerSecond + 1);
                while (written < due)
                {
                    long now = clock.NowNs;
                    writtenNs[written] = now;
                    store.Write(new EventRecord
                    {
                        Kind = EventKind.Response, TimeNs = now, Run = 1, Block = 1, Trial = written, Response = "button1", Screen = "rating",
                        RtNs = 500 * Ns.PerMs, Text = "benchmark event",
                    });
                    Volatile.Write(ref written, written + 1);
                }
                Thread.Sleep(1);
            }
            long end = clock.NowNs;
            watcher.Join();
            var stats = store.Stats;
            int measured = 0;
            var latency = new long[count];
            for (int i = 0; i < count; i++)
                if (durableNs[i] != 0) latency[measured++] = durableNs[i] - writtenNs[i];
            var sample = new Sample(latency.AsSpan(0, measured));
            double rate = count / Ns.ToSeconds(end - start);
            Console.WriteLine($"  write -> durable: {sample.Ms()}");
            Console.WriteLine($"  {stats.Commits} commits (mean {stats.CommitNsTotal / Math.Max(1, stats.Commits) / 1e6:0.00} ms, max {stats.CommitNsMax / 1e6:0.00}), " +
                $"{stats.Fsyncs} fsyncs (mean {stats.FsyncNsTotal / Math.Max(1, stats.Fsyncs) / 1e6:0.00} ms, max {stats.FsyncNsMax / 1e6:0.00}), overflow {stats.OverflowEvents}");

            const string b = "logging";
            ctx.Add(b, $"write->durable p99 at {EventsPerSecond}/s, {seconds} s", $"{BenchContext.F(sample.Percentile(99) / 1e6, "0.0")} ms", "< 100 ms",
                measured == count && sample.Percentile(99) < 100e6);
            ctx.Add(b, "write->durable p50 / max", $"{BenchContext.F(sample.Percentile(50) / 1e6, "0.0")} / {BenchContext.F(sample.Max / 1e6, "0.0")} ms ({measured} of {count} seen durable)");
            ctx.Add(b, "sustained rate, all durable", $"{rate:0} events/s; {stats.Commits / Ns.ToSeconds(end - start):0} commits/s, {stats.Fsyncs / Ns.ToSeconds(end - start):0} fsyncs/s");
        }

        // The most the store takes: a burst written as fast as possible, timed until all of it is durable.
        int burst = ctx.Quick ? 10_000 : 50_000;
        using (var store = LiteDbStore.Open(Path.Combine(dir, "burst.db"), options: options))
        {
            store.SessionStarted(Scenario.Session("bench-burst", clock.NowNs, 60, "virtual"));
            long t0 = clock.NowNs;
            for (int i = 0; i < burst; i++)
                store.Write(new EventRecord { Kind = EventKind.Marker, TimeNs = clock.NowNs, Run = 1, Code = i & 0xFF, Text = "burst" });
            long queued = clock.NowNs;
            bool flushed = store.Flush(TimeSpan.FromSeconds(60));
            long done = clock.NowNs;
            var stats = store.Stats;
            Console.WriteLine($"  burst: {burst} events queued in {Ns.ToMs(queued - t0):0.0} ms, all durable after {Ns.ToMs(done - t0):0} ms (flushed {flushed}); " +
                $"{stats.Commits} commits, {stats.Fsyncs} fsyncs, overflow {stats.OverflowEvents}");
            ctx.Add("logging", $"throughput, burst of {burst} to durable", $"{burst / Ns.ToSeconds(done - t0):0} events/s");
        }
    }

    private static string FileSystemOf(string dir)
    {
        try
        {
            string full = Path.GetFullPath(dir);
            string best = "", type = "?", device = "?";
            foreach (string line in File.ReadLines("/proc/mounts"))
            {
                string[] f = line.Split(' ');
                if (f.Length > 2 && full.StartsWith(f[1], StringComparison.Ordinal) && f[1].Length > best.Length)
                    (best, type, device) = (f[1], f[2], f[0]);
            }
            return $"{type} on {device} mounted at {best}";
        }
        catch (IOException) { return "?"; }
    }
}
