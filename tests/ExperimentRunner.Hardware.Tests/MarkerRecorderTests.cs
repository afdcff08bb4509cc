using System.Net;
using System.Net.Sockets;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Core.Vocabulary;
using ExperimentRunner.Hardware.Markers;

namespace ExperimentRunner.Hardware.Tests;

public sealed class MarkerRecorderTests
{
    [Fact]
    public void EveryMarkerQueuedInABurstIsSentAndRecordedOnceFinishReturns()
    {
        using var listener = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)listener.Client.LocalEndPoint!).Port;
        var clock = new VirtualClock();
        var sink = new MemoryEventSink();
        using var recorder = MarkerRecorder.Open([MarkerSpec.Parse($"udp:127.0.0.1:{port}")], clock, MarkerRecorder.VirtualClockQueueCapacity);
        recorder.RecordInto(sink);
        Assert.Equal($"udp 127.0.0.1:{port}", recorder.Description);
        // More than the default queue (256) at once, as a session on the virtual clock sends them.
        for (int i = 0; i < 600; i++)
        {
            clock.Advance(Ns.PerMs);
            recorder.Outputs[0].Send(new MarkerMessage(i % 200 + 1, "feedback", clock.NowNs, clock.NowNs));
        }
        Assert.True(recorder.Finish(TimeSpan.FromSeconds(30)));
        var markers = sink.Events.Where(e => e.Kind == EventKind.Marker).Select(e => e.AsMarker()).ToList();
        Assert.Equal(600, markers.Count);
        Assert.Equal(Enumerable.Range(0, 600).Select(i => i % 200 + 1), markers.Select(m => m.Code));
        Assert.All(markers, m => Assert.True(m.SentNs >= m.OnsetNs && m.Label == "feedback" && m.Output == recorder.Description));
    }

    [Fact]
    public void WithoutSpecsNothingIsOpenedOrRecorded()
    {
        var recorder = MarkerRecorder.Open([], new VirtualClock());
        Assert.Same(MarkerRecorder.None, recorder);
        Assert.Empty(recorder.Outputs);
        Assert.Equal("", recorder.Description);
        Assert.True(recorder.Finish(TimeSpan.Zero));
    }
}
