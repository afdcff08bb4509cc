using System.Runtime.InteropServices;

namespace ExperimentRunner.Cli.Operator;

/// <summary>
/// Puts the calling thread (the frame loop) under the kernel's real-time FIFO scheduler, as Psychtoolbox's Priority()
/// does on Linux, so background work (builds, indexers, the writer) cannot delay a flip. Needs root or CAP_SYS_NICE;
/// without it the run goes on at normal priority and the preflight says so.
/// </summary>
public static partial class RealtimeScheduling
{
    private const int SchedOther = 0;
    private const int SchedFifo = 1;

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedParam
    {
        public int Priority;
    }

    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static partial int SetScheduler(int pid, int policy, ref SchedParam param);

    /// <summary>Tries SCHED_FIFO at <paramref name="priority"/> (1–99) for this thread; returns null on success or why not.</summary>
    public static string? TryEnter(int priority = 40)
    {
        if (!OperatingSystem.IsLinux()) return "real-time scheduling is set up on Linux only";
        var p = new SchedParam { Priority = priority };
        // pid 0 is the calling thread on Linux.
        if (SetScheduler(0, SchedFifo, ref p) == 0) return null;
        int errno = Marshal.GetLastPInvokeError();
        return errno == 1 ? "not permitted (run as root or give the program CAP_SYS_NICE)" : $"sched_setscheduler failed (errno {errno})";
    }

    /// <summary>Back to normal scheduling for this thread.</summary>
    public static void Leave()
    {
        if (!OperatingSystem.IsLinux()) return;
        var p = new SchedParam { Priority = 0 };
        SetScheduler(0, SchedOther, ref p);
    }
}
