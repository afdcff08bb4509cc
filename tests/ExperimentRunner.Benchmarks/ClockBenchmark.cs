using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Benchmarks;

/// <summary>What one read of the run clock costs (BenchmarkDotNet, in process).</summary>
public class ClockReads
{
    private readonly MonotonicClock _clock = new();

    [Benchmark(Baseline = true)]
    public long StopwatchGetTimestamp() => Stopwatch.GetTimestamp();

    [Benchmark]
    public long MonotonicClockNowNs() => _clock.NowNs;

    [Benchmark]
    public DateTime DateTimeUtcNow() => DateTime.UtcNow;
}

/// <summary>Clock cost (BenchmarkDotNet) and the resolution observed between consecutive distinct readings.</summary>
public static class ClockBenchmark
{
    public static void Run(BenchContext ctx)
    {
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(ctx.Quick ? 1 : 3)
            .WithIterationCount(ctx.Quick ? 3 : 10)
            .WithIterationTime(TimeInterval.FromMilliseconds(ctx.Quick ? 100 : 250))
            .WithId(ctx.Quick ? "quick" : "default");
        var log = new AccumulationLogger();
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddLogger(log)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .WithArtifactsPath(Scenario.TempDir("BenchmarkDotNet.Artifacts"))
            .WithOptions(ConfigOptions.DisableLogFile);
        Summary summary = BenchmarkRunner.Run<ClockReads>(config);
        bool any = false;
        const string b = "clock";
        foreach (var report in summary.Reports)
        {
            var stats = report.ResultStatistics;
            if (stats is null) continue;
            any = true;
            string name = report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
            ctx.Add(b, $"{name} cost", $"{BenchContext.F(stats.Mean, "0.00")} ns (SD {BenchContext.F(stats.StandardDeviation, "0.00")}, n={stats.N})");
        }
        if (!any)
        {
            Console.WriteLine(log.GetLog());
            throw new InvalidOperationException("BenchmarkDotNet produced no results (its log is above)");
        }

        // Resolution: the smallest and the typical step between consecutive distinct readings.
        var clock = new MonotonicClock();
        int samples = ctx.Quick ? 100_000 : 1_000_000;
        var steps = new long[samples];
        long last = clock.NowNs;
        for (int i = 0; i < samples; i++)
        {
            long now;
            do now = clock.NowNs; while (now == last);
            steps[i] = now - last;
            last = now;
        }
        var s = new Sample(steps);
        Console.WriteLine($"  Stopwatch.Frequency {Stopwatch.Frequency} Hz (tick {1e9 / Stopwatch.Frequency:0.###} ns); IsHighResolution {Stopwatch.IsHighResolution}");
        ctx.Add(b, "MonotonicClock observed resolution", $"min step {s.Min:0} ns, median {s.Percentile(50):0} ns, p99 {s.Percentile(99):0} ns");
    }
}
