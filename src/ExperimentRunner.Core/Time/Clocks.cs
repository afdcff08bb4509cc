using System.Diagnostics;

namespace ExperimentRunner.Core.Time;

/// <summary>
/// The one monotonic clock of a process. Every time in ExperimentRunner is a <c>long</c> count of nanoseconds of
/// such a clock ("run clock"); names end in <c>Ns</c>. Seconds appear only at the export edge.
/// </summary>
public interface IClock
{
    /// <summary>Now, in nanoseconds of this clock. Only differences are meaningful; 0 is arbitrary.</summary>
    long NowNs { get; }

    /// <summary>Waits until <paramref name="targetNs"/> (or returns at once when it is past). A virtual clock jumps.</summary>
    void SleepUntil(long targetNs);

    /// <summary>True when time passes by itself (a real clock); false for a virtual clock that only moves when told.</summary>
    bool IsRealTime { get; }
}

/// <summary>Nanoseconds from <see cref="Stopwatch"/>, the high-resolution monotonic counter.</summary>
public sealed class MonotonicClock : IClock
{
    private static readonly double NsPerTick = 1e9 / Stopwatch.Frequency;

    public long NowNs
    {
        get
        {
            long ticks = Stopwatch.GetTimestamp();
            return Stopwatch.Frequency == 1_000_000_000 ? ticks : (long)(ticks * NsPerTick);
        }
    }

    public bool IsRealTime => true;

    /// <summary>
    /// Sleeps until about 0.2 ms before the target, then spins: precise without burning a core all the time. On Linux
    /// the sleep is to the absolute time (<see cref="PreciseSleep"/>); elsewhere coarsely to about 1.5 ms before, then
    /// yields.
    /// </summary>
    public void SleepUntil(long targetNs)
    {
        while (true)
        {
            long remaining = targetNs - NowNs;
            if (remaining <= 0) return;
            if (remaining > 300_000 && PreciseSleep.Until(targetNs - 200_000)) continue;
            if (remaining > 2_000_000) Thread.Sleep(TimeSpan.FromTicks((remaining - 1_500_000) / 100));
            else if (remaining > 200_000) Thread.Yield();
            else Thread.SpinWait(20);
        }
    }
}

/// <summary>A clock that moves only when advanced: whole sessions run in a test in milliseconds, deterministically.</summary>
public sealed class VirtualClock : IClock
{
    public VirtualClock(long startNs = 1_000_000_000) => NowNs = startNs;

    public long NowNs { get; private set; }

    public bool IsRealTime => false;

    public void SleepUntil(long targetNs)
    {
        if (targetNs > NowNs) NowNs = targetNs;
    }

    public void Advance(long ns)
    {
        if (ns < 0) throw new ArgumentOutOfRangeException(nameof(ns), "a clock never goes back");
        NowNs += ns;
    }
}

public static class Ns
{
    public const long PerMs = 1_000_000;
    public const long PerSecond = 1_000_000_000;

    public static long FromSeconds(double s) => (long)Math.Round(s * PerSecond);
    public static long FromMs(double ms) => (long)Math.Round(ms * PerMs);
    public static double ToSeconds(long ns) => ns / (double)PerSecond;
    public static double ToMs(long ns) => ns / (double)PerMs;
}
