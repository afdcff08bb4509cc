using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ExperimentRunner.Core.Time;

/// <summary>
/// Sleeps to an absolute time on the clock <see cref="Stopwatch"/> reads (Linux: CLOCK_MONOTONIC) with
/// <c>clock_nanosleep(TIMER_ABSTIME)</c> and a timer slack of 1 ns, so the frame loop wakes within tens of microseconds
/// of its target instead of the millisecond steps of <see cref="Thread.Sleep(int)"/>. Why it matters under load (issue
/// 17): a thread that wakes from a sleep preempts a busy lower-priority (nice 10) task at once, while a thread that
/// yields (<see cref="Thread.Yield"/>) hands it the CPU for the rest of its time slice, several milliseconds. Both
/// settings are per thread and need no privilege. Allocation-free. Elsewhere (another OS, or a Stopwatch that does not
/// count nanoseconds) <see cref="Until"/> returns false and the caller sleeps as before.
/// </summary>
internal static partial class PreciseSleep
{
    private const int ClockMonotonic = 1, TimerAbstime = 1, PrSetTimerslack = 29;

    private static readonly bool Available = OperatingSystem.IsLinux() && Stopwatch.Frequency == 1_000_000_000;

    [ThreadStatic] private static bool _slackSet;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static unsafe partial int ClockNanosleep(int clock, int flags, TimeSpec* request, TimeSpec* remain);

    [LibraryImport("libc", EntryPoint = "prctl")]
    private static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    /// <summary>Sleeps until <paramref name="timestampNs"/> (a <see cref="Stopwatch.GetTimestamp"/> value); false when
    /// this platform cannot, and nothing was slept. It may return early (a signal): the caller checks the time.</summary>
    public static unsafe bool Until(long timestampNs)
    {
        if (!Available) return false;
        if (!_slackSet)
        {
            _slackSet = true;
            _ = Prctl(PrSetTimerslack, 1, 0, 0, 0);
        }
        var t = new TimeSpec { Seconds = timestampNs / 1_000_000_000, Nanoseconds = timestampNs % 1_000_000_000 };
        _ = ClockNanosleep(ClockMonotonic, TimerAbstime, &t, null);
        return true;
    }
}
