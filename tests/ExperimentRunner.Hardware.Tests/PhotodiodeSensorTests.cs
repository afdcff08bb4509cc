using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Hardware.Photodiodes;
using ExperimentRunner.Hardware.Tests.Support;

namespace ExperimentRunner.Hardware.Tests;

/// <summary>Light sensors (issue 18): a serial one sending a byte per edge, and one wired to a button-box key.</summary>
public class PhotodiodeSensorTests
{
    private static List<LightEdge> Collect(IPhotodiode sensor, int count)
    {
        var got = new List<LightEdge>();
        var buffer = new LightEdge[8];
        Wait.Until(() =>
        {
            int n = sensor.Poll(buffer);
            for (int i = 0; i < n; i++) got.Add(buffer[i]);
            return got.Count >= count;
        }, TimeSpan.FromSeconds(5));
        return got;
    }

    [SocatFact]
    public void EachSerialByteIsAnEdgeStampedWhenItArrivesAndLineEndsAreIgnored()
    {
        using var pty = new PtyPair();
        var clock = new MonotonicClock();
        using var sensor = new SerialPhotodiode(pty.A, 115200, clock);
        using var writer = PtyPair.OpenWriter(pty.B);
        long before = clock.NowNs;
        writer.Write("1\r\n"u8);
        var first = Collect(sensor, 1);
        writer.Write("0\n"u8);
        var edges = first.Concat(Collect(sensor, 1)).ToList();
        Assert.Equal([true, false], edges.Select(e => e.Light));
        Assert.All(edges, e => Assert.InRange(e.TimeNs, before, clock.NowNs));
        Assert.True(edges[1].TimeNs >= edges[0].TimeNs);
        Assert.Null(sensor.Fault);
        Assert.Equal(0, sensor.Garbage);
    }

    [SocatFact]
    public void BytesOutsideTheProtocolAreCountedAndReportedNotTakenForEdges()
    {
        using var pty = new PtyPair();
        using var sensor = new SerialPhotodiode(pty.A, 9600, new MonotonicClock());
        using var writer = PtyPair.OpenWriter(pty.B);
        writer.Write("A1"u8);
        var edges = Collect(sensor, 1);
        Assert.Single(edges);
        Assert.Equal(1, sensor.Garbage);
        Assert.Contains("0x41", sensor.Fault);
    }

    private sealed class Keys(params InputEvent[] events) : IInput
    {
        private int _next;
        public int Poll(Span<InputEvent> buffer)
        {
            int n = 0;
            while (_next < events.Length && n < buffer.Length) buffer[n++] = events[_next++];
            return n;
        }
    }

    [Fact]
    public void AKeySensorTakesOnlyItsKeysPressesAsLightOnsets()
    {
        using var sensor = new KeyPhotodiode(new Keys(
            new InputEvent(100, "1", true, InputSource.Keyboard), new InputEvent(150, "1", false, InputSource.Keyboard),
            new InputEvent(200, "2", true, InputSource.Keyboard), new InputEvent(300, "1", true, InputSource.Keyboard)), "1");
        var edges = new LightEdge[8];
        Assert.Equal(2, sensor.Poll(edges));
        Assert.Equal([new LightEdge(100, true), new LightEdge(300, true)], edges[..2]);
    }
}
