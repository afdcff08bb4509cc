using ExperimentRunner.Core.Devices;

namespace ExperimentRunner.Core.Tests;

/// <summary>The ring that hands stamped keys from a reader thread to the frame loop (issue 19).</summary>
public class InputRingTests
{
    private static InputEvent Key(long t, bool down = true) => new(t, "5", down, InputSource.Keyboard);

    [Fact]
    public void EventsComeOutOldestFirstWithTheirOwnStamps()
    {
        var ring = new InputRing(16);
        for (int i = 0; i < 5; i++) Assert.True(ring.TryWrite(Key(100 + i, i % 2 == 0)));
        var buffer = new InputEvent[3];
        Assert.Equal(3, ring.Read(buffer));
        Assert.Equal([100L, 101L, 102L], buffer.Select(e => e.TimeNs));
        Assert.Equal([true, false, true], buffer.Select(e => e.IsDown));
        Assert.Equal(2, ring.Read(buffer));
        Assert.Equal([103L, 104L], buffer.Take(2).Select(e => e.TimeNs));
        Assert.Equal(0, ring.Read(buffer));
    }

    [Fact]
    public void AFullRingDropsTheNewestAndCountsIt()
    {
        var ring = new InputRing(16);
        for (int i = 0; i < 20; i++) ring.TryWrite(Key(i));
        Assert.Equal(16, ring.Count);
        Assert.Equal(4, ring.Dropped);
        var buffer = new InputEvent[32];
        Assert.Equal(16, ring.Read(buffer));
        Assert.Equal(15, buffer[15].TimeNs); // the oldest were kept
        Assert.True(ring.TryWrite(Key(99)));
        Assert.Equal(1, ring.Clear());
    }

    [Fact]
    public void AReaderThreadAndTheFrameLoopPassAHundredThousandEventsInOrderWithoutAllocating()
    {
        var ring = new InputRing(64);
        const int total = 100_000;
        long producerBytes = -1;
        var producer = new Thread(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < total; i++)
                while (!ring.TryWrite(Key(i))) Thread.SpinWait(10);
            producerBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        });
        var buffer = new InputEvent[16];
        long expected = 0, consumerBytes = 0;
        producer.Start();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (expected < total && watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            int n = ring.Read(buffer);
            consumerBytes += GC.GetAllocatedBytesForCurrentThread() - before;
            for (int i = 0; i < n; i++) Assert.Equal(expected++, buffer[i].TimeNs);
            if (n == 0) Thread.Yield();
        }
        producer.Join();
        Assert.Equal(total, expected);
        Assert.Equal(0, consumerBytes);
        Assert.Equal(0, producerBytes);
    }
}
