using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Benchmarks;

/// <summary>
/// How late the frame loop's pacing sleep wakes (issue 17): 600 periods of 60 Hz, each with 3 ms of busy work (a frame's
/// drawing) and then <see cref="MonotonicClock.SleepUntil"/> to the next grid line, without and with a nice-10 busy
/// process per core. Beside it the rule before issue 17 (Thread.Sleep in milliseconds to 1.5 ms before, then
/// Thread.Yield, then spinning), reproduced here: a yielding thread hands a nice-10 task the rest of its time slice.
/// </summary>
public static class SleepBenchmark
{
    public static void Run(BenchContext ctx)
    {
        int periods = ctx.Quick ? 200 : 600;
        var clock = new MonotonicClock();
        foreach (bool load in new[] { false, true })
        {
            using var competing = load ? CompetingLoad.Start(Environment.ProcessorCount) : null;
            if (load) Thread.Sleep(1000);
            string under = load ? $" (nice-10 load x{Environment.ProcessorCount})" : "";
            var before = Measure(clock, periods, t => YieldingSleep(clock, t));
            var now = Measure(clock, periods, clock.SleepUntil);
            ctx.Add("sleep", $"wake lateness p99, before{under}", $"{BenchContext.F(before.P99)} ms (p50 {BenchContext.F(before.P50)})");
            ctx.Add("sleep", $"wake lateness p99, now{under}", $"{BenchContext.F(now.P99)} ms (p50 {BenchContext.F(now.P50)})", load ? "< 1 ms" : "< 0.5 ms", now.P99 < (load ? 1.0 : 0.5));
        }
    }

    private static (double P50, double P99, double Max) Measure(MonotonicClock clock, int periods, Action<long> sleep)
    {
        const long period = 16_666_667, work = 3_000_000;
        var late = new double[periods];
        long target = clock.NowNs + period;
        for (int i = 0; i < periods; i++)
        {
            sleep(target);
            late[i] = (clock.NowNs - target) / 1e6;
            long until = clock.NowNs + work;
            while (clock.NowNs < until) { }
            target += period;
            long now = clock.NowNs;
            if (now > target) target += ((now - target) / period + 1) * period;
        }
        Array.Sort(late);
        return (late[periods / 2], late[(int)(periods * 0.99)], late[^1]);
    }

    /// <summary>The pacing sleep before issue 17.</summary>
    private static void YieldingSleep(MonotonicClock clock, long targetNs)
    {
        while (true)
        {
            long remaining = targetNs - clock.NowNs;
            if (remaining <= 0) return;
            if (remaining > 2_000_000) Thread.Sleep(TimeSpan.FromTicks((remaining - 1_500_000) / 100));
            else if (remaining > 200_000) Thread.Yield();
            else Thread.SpinWait(20);
        }
    }
}
