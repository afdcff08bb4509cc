using System.Runtime.InteropServices;

namespace ExperimentRunner.Core.Time;

/// <summary>
/// Asks Linux's scheduler for a short time slice for the threads a frame waits on: the frame thread and the GL
/// driver's render threads (Mesa llvmpipe's "llvmpipe-N"), issue 17. Since Linux 6.12 the fair scheduler (EEVDF) takes
/// a thread's slice from <c>sched_setattr</c>'s <c>sched_runtime</c>, without privilege and without changing its
/// nice level or share of the CPU: a thread with a shorter slice gets an earlier deadline, so when it wakes (the frame
/// thread from its sleep before a deadline, a render thread for a draw) it preempts a busy thread of other software at
/// once instead of waiting for that thread's slice (1.4 ms by default on 2 cores, longer on more) to run out. It is a
/// request for low wake-up latency, not for more CPU. Kernels before 6.12 accept the call and ignore the value;
/// elsewhere than Linux, or with EXRUN_SHORT_SLICE=0, nothing is asked. EXRUN_SHORT_SLICE=N asks for N microseconds
/// (the kernel keeps it within 100 µs–100 ms).
/// </summary>
public static partial class ShortSlice
{
    /// <summary>0: leave every slice at the kernel's default; a number: the slice asked for, in microseconds.</summary>
    public const string SwitchVariable = "EXRUN_SHORT_SLICE";

    /// <summary>The slice asked for by default: 0.3 ms, a fiftieth of a 60 Hz frame.</summary>
    public const long DefaultSliceNs = 300_000;

    /// <summary>Name prefix of Mesa llvmpipe's rasterizer threads (as /proc shows them).</summary>
    public const string RenderThreadPrefix = "llvmpipe-";

    /// <summary>The slice asked for, ns; 0 when nothing is asked (switched off, or not Linux on x86-64 or arm64).</summary>
    public static long SliceNs { get; } = ReadSlice();

    public static bool Enabled => SliceNs > 0;

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedAttr
    {
        public uint Size;
        public uint Policy;
        public ulong Flags;
        public int Nice;
        public uint Priority;
        public ulong Runtime;
        public ulong Deadline;
        public ulong Period;
    }

    private const uint SchedAttrSize = 48; // SCHED_ATTR_SIZE_VER0
    private const uint SchedNormal = 0;

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long SyscallAttr(long number, int tid, ref SchedAttr attr, uint sizeOrFlags, uint flags);

    private static long SetAttrNumber => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 274 : 314;
    private static long GetAttrNumber => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 275 : 315;

    /// <summary>Linux on a processor whose sched_setattr/sched_getattr numbers are known here.</summary>
    private static bool Supported => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    private static long ReadSlice()
    {
        if (!Supported) return 0;
        string? value = Environment.GetEnvironmentVariable(SwitchVariable);
        if (string.IsNullOrEmpty(value)) return DefaultSliceNs;
        return long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long us) ? us * 1000 : DefaultSliceNs;
    }

    /// <summary>Asks for the short slice for the calling thread; false when nothing was asked or the kernel refused.</summary>
    public static bool MarkCurrent() => Mark(0);

    /// <summary>Asks for the short slice for the GL driver's render threads that exist now (found by name in
    /// /proc/self/task); returns how many took it. Call it once the GL context is up.</summary>
    public static int MarkRenderThreads()
    {
        if (!Enabled) return 0;
        int marked = 0;
        foreach ((int tid, string name) in ProcessThreads.List())
            if (name.StartsWith(RenderThreadPrefix, StringComparison.Ordinal) && Mark(tid)) marked++;
        return marked;
    }

    /// <summary>The slice the kernel gives a thread of this process (0 for the calling thread), ns, from its
    /// <c>sched_getattr</c>; null where it cannot be read.</summary>
    public static long? SliceOf(int tid = 0)
    {
        if (!Supported) return null;
        var attr = new SchedAttr();
        return SyscallAttr(GetAttrNumber, tid, ref attr, SchedAttrSize, 0) == 0 ? (long)attr.Runtime : null;
    }

    private static bool Mark(int tid)
    {
        if (!Enabled) return false;
        var attr = new SchedAttr();
        if (SyscallAttr(GetAttrNumber, tid, ref attr, SchedAttrSize, 0) != 0) return false;
        // Only a normal thread: one at SCHED_BATCH or SCHED_IDLE was put there on purpose, a real-time one by the lab.
        if (attr.Policy != SchedNormal) return false;
        attr.Size = SchedAttrSize;
        attr.Flags = 0;
        attr.Runtime = (ulong)SliceNs; // the same nice level (an unprivileged thread may not lower it), a shorter slice
        return SyscallAttr(SetAttrNumber, tid, ref attr, 0, 0) == 0;
    }
}
