using System.Diagnostics;
using System.Globalization;

namespace ExperimentRunner.Benchmarks;

/// <summary>
/// Where a frame loop's stalls come from (issue 17): GC pauses and collections per generation, methods the JIT
/// compiled, CPU time of every thread of the process grouped by name (store writer and fsync threads, llvmpipe's
/// render threads, the thread pool), and the frame thread's own scheduling (time it waited runnable for a CPU,
/// involuntary context switches) from /proc. Snapshots are taken outside the loop; inside it only
/// <see cref="GC.CollectionCount"/> and <see cref="System.Runtime.JitInfo.GetCompiledMethodCount"/> are read per
/// frame (neither allocates), so a late frame can be matched with a GC or a JIT compilation during it.
/// </summary>
public sealed class StallSnapshot
{
    public readonly int[] Collections = new int[3];
    public TimeSpan GcPause;
    public long JitMethods;
    public TimeSpan JitTime;
    public Dictionary<string, double> ThreadCpuMs = new(StringComparer.Ordinal);
    public long FrameRunDelayNs, FrameInvoluntary;

    /// <summary>Takes a snapshot; call it on the frame thread (its /proc/thread-self figures are the frame thread's).</summary>
    public static StallSnapshot Take()
    {
        var s = new StallSnapshot();
        for (int g = 0; g < 3; g++) s.Collections[g] = GC.CollectionCount(g);
        s.GcPause = GC.GetTotalPauseDuration();
        s.JitMethods = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: false);
        s.JitTime = System.Runtime.JitInfo.GetCompilationTime(currentThread: false);
        s.ThreadCpuMs = ThreadCpu();
        (s.FrameRunDelayNs, s.FrameInvoluntary) = ThisThreadScheduling();
        return s;
    }

    /// <summary>CPU time (user + system, ms) of the process's threads, grouped by name (<see cref="ThreadTimes"/>).</summary>
    private static Dictionary<string, double> ThreadCpu() => ThreadTimes.Take();

    private static (long RunDelayNs, long Involuntary) ThisThreadScheduling()
    {
        long delay = -1, involuntary = -1;
        try
        {
            string[] schedstat = File.ReadAllText("/proc/thread-self/schedstat").Split(' ');
            delay = long.Parse(schedstat[1], CultureInfo.InvariantCulture);
            foreach (string line in File.ReadAllLines("/proc/thread-self/status"))
                if (line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                    involuntary = long.Parse(line.Split(':')[1].Trim(), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException or IndexOutOfRangeException) { }
        return (delay, involuntary);
    }

    /// <summary>Prints what changed between <paramref name="before"/> and <paramref name="after"/>.</summary>
    public static void Print(StallSnapshot before, StallSnapshot after, double seconds)
    {
        Console.WriteLine($"  GC during the loop: {after.Collections[0] - before.Collections[0]} / {after.Collections[1] - before.Collections[1]} / {after.Collections[2] - before.Collections[2]} collections (gen0/1/2), " +
            $"total pause {(after.GcPause - before.GcPause).TotalMilliseconds:0.00} ms");
        Console.WriteLine($"  JIT during the loop: {after.JitMethods - before.JitMethods} methods compiled, {(after.JitTime - before.JitTime).TotalMilliseconds:0.0} ms compiling");
        if (after.FrameRunDelayNs >= 0 && before.FrameRunDelayNs >= 0)
            Console.WriteLine($"  frame thread: waited {(after.FrameRunDelayNs - before.FrameRunDelayNs) / 1e6:0.0} ms runnable for a CPU (preempted), {after.FrameInvoluntary - before.FrameInvoluntary} involuntary context switches");
        var rows = after.ThreadCpuMs.Select(kv => (Name: kv.Key, Ms: kv.Value - before.ThreadCpuMs.GetValueOrDefault(kv.Key)))
            .Where(r => r.Ms > 0).OrderByDescending(r => r.Ms).ToList();
        Console.WriteLine($"  CPU of the process's threads during the loop ({seconds:0} s): " +
            string.Join(", ", rows.Select(r => $"{r.Name} {r.Ms / 1000:0.00} s ({r.Ms / 10 / seconds:0.0}%)")));
    }
}

/// <summary>
/// A competing CPU load for <c>frames --load</c>: one busy shell loop per core, each at nice 10 (what other software on a
/// lab PC looks like to the scheduler: antivirus scans, file sync). Killed, by process id, on dispose.
/// </summary>
public sealed class CompetingLoad : IDisposable
{
    private readonly List<Process> _children = new();

    public int Processes => _children.Count;

    public static CompetingLoad Start(int processes)
    {
        var load = new CompetingLoad();
        for (int i = 0; i < processes; i++)
        {
            var psi = new ProcessStartInfo("nice") { UseShellExecute = false, RedirectStandardInput = true };
            foreach (string a in new[] { "-n", "10", "sh", "-c", "while :; do :; done" }) psi.ArgumentList.Add(a);
            load._children.Add(Process.Start(psi) ?? throw new InvalidOperationException("nice could not be started"));
        }
        return load;
    }

    public void Dispose()
    {
        foreach (Process p in _children)
        {
            try { p.Kill(entireProcessTree: true); p.WaitForExit(5000); }
            catch (InvalidOperationException) { /* ended already */ }
            p.Dispose();
        }
        _children.Clear();
    }
}

/// <summary>
/// The hypervisor's share (issue 17): on a virtual machine the host may run other guests on this VM's cores, and the
/// time a virtual CPU was ready but not running is "steal" in /proc/stat (all CPUs together; kept in nanoseconds by
/// the kernel, shown in 10 ms ticks). A thread of its own reads it every <see cref="EveryMs"/> ms into preallocated
/// arrays (one reused buffer, no allocation per sample), so each missed flip can be matched with the steal around it.
/// On a machine that is not virtual, or where the host never took a CPU away, every figure is 0.
/// </summary>
public sealed class StealSampler : IDisposable
{
    /// <summary>A read of /proc/stat costs about 0.03 ms of CPU here: every 50 ms, well under 1 % of a core, on a thread
    /// at SCHED_BATCH so it never preempts the frame loop.</summary>
    public const int EveryMs = 50;
    private const int Capacity = 64 * 1024;
    private readonly long[] _timeNs = new long[Capacity];
    private readonly long[] _stealMs = new long[Capacity];
    private readonly byte[] _buffer = new byte[4096];
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _thread;
    private int _count;

    public StealSampler()
    {
        _thread = new Thread(() => { ExperimentRunner.Core.Time.BackgroundThreads.MarkCurrent(); Loop(); }) { Name = "bench-steal", IsBackground = true };
        _thread.Start();
    }

    /// <summary>The machine's steal, ms (all CPUs together), now; -1 where /proc/stat cannot be read.</summary>
    public long ReadStealMs()
    {
        try
        {
            using var handle = File.OpenHandle("/proc/stat");
            int n = RandomAccess.Read(handle, _buffer, 0);
            // "cpu  user nice system idle iowait irq softirq steal ...": the 8th number of the first line, in
            // ticks of 10 ms (USER_HZ 100).
            int i = 3, field = 0;
            while (i < n && _buffer[i] != (byte)'\n')
            {
                while (i < n && _buffer[i] == (byte)' ') i++;
                long value = 0;
                bool digits = false;
                for (; i < n && _buffer[i] >= (byte)'0' && _buffer[i] <= (byte)'9'; i++, digits = true) value = value * 10 + (_buffer[i] - '0');
                if (!digits) break;
                if (++field == 8) return value * 10;
            }
            return -1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return -1; }
    }

    private void Loop()
    {
        while (!_stop.Wait(EveryMs) && _count < Capacity)
        {
            long steal = ReadStealMs();
            if (steal < 0) return;
            _timeNs[_count] = (long)(System.Diagnostics.Stopwatch.GetTimestamp() * (1e9 / System.Diagnostics.Stopwatch.Frequency));
            _stealMs[_count] = steal;
            _count++;
        }
    }

    /// <summary>Steal (ms) between the last sample at or before <paramref name="fromNs"/> and the first at or after
    /// <paramref name="toNs"/> (Stopwatch nanoseconds); -1 when no samples cover the interval.</summary>
    public long StealBetween(long fromNs, long toNs)
    {
        int n = Volatile.Read(ref _count);
        int a = -1, b = -1;
        for (int i = 0; i < n; i++)
        {
            if (_timeNs[i] <= fromNs) a = i;
            if (_timeNs[i] >= toNs) { b = i; break; }
        }
        return a < 0 || b < 0 ? -1 : _stealMs[b] - _stealMs[a];
    }

    public void Dispose()
    {
        _stop.Set();
        _thread.Join(TimeSpan.FromSeconds(1));
        _stop.Dispose();
    }
}
