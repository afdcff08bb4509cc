using System.Runtime.InteropServices;

namespace ExperimentRunner.Core.Time;

/// <summary>
/// Keeps the process's own background threads from preempting the frame loop (issue 17), without privilege. A thread
/// under Linux's SCHED_BATCH policy keeps its full share of the CPU (the same weight as a normal thread at its nice
/// level) but is treated as CPU-bound: when it wakes it does not preempt the thread that is running, it waits for the
/// next scheduling tick or a free core. The store's writer and fsync threads, the live view and the runtime's own
/// service threads (tiered JIT, background GC, finalizer) wake often and briefly; under SCHED_OTHER each wake can
/// take the CPU from the frame thread in the middle of a frame on a 2-core machine. An unprivileged process may move
/// its own threads to SCHED_BATCH (and back), so no setting or right is needed. Threads that stamp time on waking
/// (the key, trigger, sensor and response-box readers) and the GL driver's render threads stay as they are: their
/// wake-up latency is the measurement. Elsewhere than Linux, or with EXRUN_BACKGROUND_BATCH=0, every call does
/// nothing and says so.
/// </summary>
public static partial class BackgroundThreads
{
    private const int SchedBatch = 3;

    /// <summary>Name prefixes (as /proc shows them, 15 characters at most) of the runtime's service threads that are
    /// not on the frame path: tiered compilation, background GC, finalizer, the thread pool's gate and timer.</summary>
    private static readonly string[] RuntimePrefixes = [".NET Tiered Com", ".NET BGC", ".NET Finalizer", ".NET TP Gate", ".NET Timer", ".NET Counter"];

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedParam
    {
        public int Priority;
    }

    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static partial int SetScheduler(int pid, int policy, ref SchedParam param);

    [LibraryImport("libc", EntryPoint = "sched_getscheduler")]
    private static partial int GetScheduler(int pid);

    /// <summary>Moves the calling thread to SCHED_BATCH; false where the platform has no such policy or refused.</summary>
    public static bool MarkCurrent() => Mark(0);

    /// <summary>True when the calling thread runs under SCHED_BATCH.</summary>
    public static bool CurrentIsMarked => OperatingSystem.IsLinux() && GetScheduler(0) == SchedBatch;

    /// <summary>
    /// Moves the runtime's service threads that exist now (found by name in /proc/self/task) to SCHED_BATCH; returns
    /// how many were moved. Call it once the session's threads are up, before the first flip.
    /// </summary>
    public static int MarkRuntimeThreads()
    {
        if (!Enabled) return 0;
        int marked = 0;
        foreach ((int tid, string name) in ProcessThreads.List())
            if (RuntimePrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)) && Mark(tid)) marked++;
        return marked;
    }

    /// <summary>
    /// Marks the runtime's service threads now and again every <paramref name="every"/> on a thread of its own (itself
    /// at SCHED_BATCH), until disposed: the runtime ends its tiered-compilation worker after a few idle seconds and
    /// starts a new one when there is work again. Reads /proc once per round, off the frame thread.
    /// </summary>
    public static IDisposable Watch(TimeSpan every)
    {
        var watch = new RuntimeThreadWatch(every);
        watch.Start();
        return watch;
    }

    private sealed class RuntimeThreadWatch(TimeSpan every) : IDisposable
    {
        private readonly ManualResetEventSlim _stop = new();
        private Thread? _thread;

        public void Start()
        {
            if (!Enabled) return;
            MarkRuntimeThreads();
            _thread = new Thread(() =>
            {
                MarkCurrent();
                while (!_stop.Wait(every)) MarkRuntimeThreads();
            }) { Name = "exrun-threads", IsBackground = true };
            _thread.Start();
        }

        public void Dispose()
        {
            _stop.Set();
            _thread?.Join(TimeSpan.FromSeconds(2));
            _stop.Dispose();
        }
    }

    /// <summary>Set to 0 to leave every thread at the default policy (for comparing, or where SCHED_BATCH misbehaves).</summary>
    public const string SwitchVariable = "EXRUN_BACKGROUND_BATCH";

    /// <summary>False when <see cref="SwitchVariable"/> is 0 or the platform is not Linux: nothing is marked.</summary>
    public static bool Enabled { get; } = OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable(SwitchVariable) != "0";

    private static bool Mark(int tid)
    {
        if (!Enabled) return false;
        var p = new SchedParam { Priority = 0 };
        return SetScheduler(tid, SchedBatch, ref p) == 0;
    }
}
