using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Storage.Tests;

/// <summary>
/// Issue 17: the store's writer and fsync threads run under SCHED_BATCH, so their wakes never preempt the frame loop,
/// and the runtime's service threads are moved there while a session runs. Read back from /proc, as `ps -L -o cls`
/// would show them.
/// </summary>
public sealed class BackgroundThreadTests
{
    private const int SchedBatch = 3;

    [Fact]
    public void TheStoresWriterAndFsyncThreadsRunUnderSchedBatch()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var temp = new TempFolder();
        using var store = LiteDbStore.Open(temp.File("study.db"));
        Assert.True(store.Flush(TimeSpan.FromSeconds(10)));
        Assert.Equal(SchedBatch, WaitForPolicy("exrun-db-writer", SchedBatch));
        Assert.Equal(SchedBatch, WaitForPolicy("exrun-db-fsync", SchedBatch));
    }

    [Fact]
    public void AMarkedThreadIsUnderSchedBatchAndAnUnmarkedOneIsNot()
    {
        if (!OperatingSystem.IsLinux()) return;
        bool marked = false, markedAfter = false, plain = true;
        var t = new Thread(() =>
        {
            plain = BackgroundThreads.CurrentIsMarked;
            marked = BackgroundThreads.MarkCurrent();
            markedAfter = BackgroundThreads.CurrentIsMarked;
        });
        t.Start();
        t.Join();
        Assert.False(plain);
        Assert.True(marked);
        Assert.True(markedAfter);
        Assert.False(BackgroundThreads.CurrentIsMarked); // the test's own thread was left alone
    }

    [Fact]
    public void TheWatchMarksTheRuntimesServiceThreadsAndItself()
    {
        if (!OperatingSystem.IsLinux()) return;
        using (BackgroundThreads.Watch(TimeSpan.FromMilliseconds(50)))
        {
            Assert.Equal(SchedBatch, WaitForPolicy("exrun-threads", SchedBatch));
            // The finalizer thread exists in every .NET process.
            Assert.Equal(SchedBatch, WaitForPolicy(".NET Finalizer", SchedBatch));
        }
        Assert.False(BackgroundThreads.CurrentIsMarked); // the calling thread is not a service thread
    }

    /// <summary>The policy of the first thread called <paramref name="name"/>, once it is <paramref name="expected"/>
    /// or after 5 s (threads start asynchronously).</summary>
    private static int? WaitForPolicy(string name, int expected)
    {
        int? policy = null;
        for (int i = 0; i < 100; i++)
        {
            policy = Policy(name);
            if (policy == expected) break;
            Thread.Sleep(50);
        }
        return policy;
    }

    /// <summary>Field 41 of /proc/self/task/TID/stat (the scheduling policy) of a thread by name; null if none.</summary>
    private static int? Policy(string name)
    {
        foreach (var dir in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "comm")).TrimEnd('\n') != name) continue;
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                return int.Parse(fields[41 - 3], System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (IOException) { } // ended meanwhile
        }
        return null;
    }
}
