using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Core.Tests;

/// <summary>
/// Issue 17: the frame thread and the GL driver's render threads ask Linux's scheduler for a short time slice (no
/// privilege, the same nice level), read back with sched_getattr as the kernel keeps it.
/// </summary>
public sealed class ShortSliceTests
{
    /// <summary>Linux takes a fair thread's slice from sched_setattr since 6.12; older kernels ignore it.</summary>
    private static bool KernelTakesSlices => OperatingSystem.IsLinux() && Environment.OSVersion.Version >= new Version(6, 12);

    private static T OnNewThread<T>(Func<T> work)
    {
        T result = default!;
        var t = new Thread(() => result = work());
        t.Start();
        t.Join();
        return result;
    }

    [Fact]
    public void A_marked_thread_gets_the_short_slice_and_keeps_its_nice_level_while_others_keep_the_default()
    {
        if (!KernelTakesSlices || !ShortSlice.Enabled) return;
        var (marked, slice, niceBefore, niceAfter) = OnNewThread(() =>
        {
            int before = Nice();
            bool ok = ShortSlice.MarkCurrent();
            return (ok, ShortSlice.SliceOf(), before, Nice());
        });
        Assert.True(marked, "sched_setattr refused the slice");
        Assert.Equal(ShortSlice.SliceNs, slice);
        Assert.Equal(niceBefore, niceAfter);
        long? plain = OnNewThread(() => ShortSlice.SliceOf());
        Assert.NotNull(plain);
        Assert.NotEqual(ShortSlice.SliceNs, plain);
    }

    [Fact]
    public void A_thread_under_SCHED_BATCH_is_left_as_it_is()
    {
        if (!KernelTakesSlices || !ShortSlice.Enabled || !BackgroundThreads.Enabled) return;
        var (batch, marked, slice) = OnNewThread(() => (BackgroundThreads.MarkCurrent(), ShortSlice.MarkCurrent(), ShortSlice.SliceOf()));
        Assert.True(batch);
        Assert.False(marked);
        Assert.NotEqual(ShortSlice.SliceNs, slice);
    }

    /// <summary>The calling thread's nice level, from /proc (field 19 of its stat line).</summary>
    private static int Nice()
    {
        string stat = File.ReadAllText("/proc/thread-self/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture);
    }
}
