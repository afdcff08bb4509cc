using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Hardware.Markers;
using ExperimentRunner.Hardware.Tests.Support;

namespace ExperimentRunner.Hardware.Tests;

public sealed class MarkerOutputTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly MonotonicClock Clock = new();

    [Fact]
    public async Task UdpMarkersArriveAsOneJsonDatagramEachAndAreReportedAsSent()
    {
        using var listener = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)listener.Client.LocalEndPoint!).Port;
        var reports = new MarkerSentQueue();
        using var udp = MarkerOutputs.Parse($"udp:127.0.0.1:{port}", new MarkerOutputOptions { Clock = Clock, OnSent = reports.Add });
        long t0 = Clock.NowNs;
        var sent = Enumerable.Range(1, 20)
            .Select(i => new MarkerMessage(i, i % 2 == 0 ? "feedback_accept" : "feedback_reject", Clock.NowNs, Clock.NowNs - t0))
            .ToList();

        foreach (var m in sent) udp.Send(m);

        var received = new List<JsonElement>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (received.Count < sent.Count)
        {
            var datagram = await listener.ReceiveAsync(timeout.Token);
            received.Add(JsonDocument.Parse(datagram.Buffer).RootElement.Clone());
        }
        Assert.True(udp.Flush(TimeSpan.FromSeconds(5)));
        Assert.Equal(sent.Select(m => m.Code), received.Select(r => r.GetProperty("code").GetInt32()));
        Assert.Equal(sent.Select(m => m.Label), received.Select(r => r.GetProperty("label").GetString()));
        Assert.Equal(Ns.ToSeconds(sent[4].TimeNs), received[4].GetProperty("run_time_s").GetDouble(), 9);
        Assert.Equal(Ns.ToSeconds(sent[4].FromT0Ns), received[4].GetProperty("from_t0_s").GetDouble(), 9);
        var wall = DateTime.Parse(received[0].GetProperty("wall_time").GetString()!, null, System.Globalization.DateTimeStyles.RoundtripKind);
        Assert.Equal(DateTimeKind.Utc, wall.Kind);
        Assert.InRange(wall, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddSeconds(1));

        var buffer = new MarkerSent[64];
        int n = reports.Drain(buffer);
        Assert.Equal(20, n);
        Assert.Equal(20, udp.SentCount);
        Assert.All(buffer[..n], r => Assert.True(r.SentNs >= r.Marker.TimeNs && r.Output == $"udp 127.0.0.1:{port}"));
        Assert.Null(udp.Fault);
        var latencies = buffer[..n].Select(r => Ns.ToMs(r.LatencyNs)).Order().ToList();
        output.WriteLine($"UDP marker latency, event to sent, 20 markers queued at once: median {latencies[10]:0.000} ms, max {latencies[^1]:0.000} ms");
    }

    [Fact]
    public void AMarkerBeforeT0HasANullFromT0()
    {
        using var listener = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)listener.Client.LocalEndPoint!).Port;
        using var output = MarkerOutputs.Parse($"udp:127.0.0.1:{port}", new MarkerOutputOptions { Clock = Clock });
        output.Send(new MarkerMessage(1, "instructions", Clock.NowNs, long.MinValue));
        IPEndPoint? from = null;
        listener.Client.ReceiveTimeout = 5000;
        var json = JsonDocument.Parse(listener.Receive(ref from)).RootElement;
        Assert.Equal(JsonValueKind.Null, json.GetProperty("from_t0_s").ValueKind);
    }

    [Fact]
    public void UdpToAPortNobodyListensOnNeitherBlocksNorFaults()
    {
        int port;
        using (var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0))) port = ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
        using var output = MarkerOutputs.Parse($"udp:127.0.0.1:{port}", new MarkerOutputOptions { Clock = Clock });
        for (int i = 0; i < 5; i++) output.Send(new MarkerMessage(i, "x", Clock.NowNs, 0));
        Assert.True(output.Flush(TimeSpan.FromSeconds(5)));
        Assert.Equal(5, output.SentCount);
        Assert.Null(output.Fault);
    }

    [SocatFact]
    public void SerialMarkersArriveAsTheirCodeBytes()
    {
        using var pty = new PtyPair();
        using var reader = new PtyReader(pty.B);
        var reports = new MarkerSentQueue();
        using var output = MarkerOutputs.Parse($"serial:{pty.A},baud=115200", new MarkerOutputOptions { Clock = Clock, OnSent = reports.Add });
        byte[] codes = [1, 21, 22, 200, 255, 0, 7];

        foreach (byte c in codes) output.Send(new MarkerMessage(c, $"m{c}", Clock.NowNs, 0));

        Assert.Equal(codes, reader.WaitFor(codes.Length, TimeSpan.FromSeconds(5)));
        Assert.True(output.Flush(TimeSpan.FromSeconds(5)));
        Assert.Equal(codes.Length, reports.Drain(new MarkerSent[16]));
        Assert.Null(output.Fault);
    }

    [SocatFact]
    public void ASerialMarkerCodeAboveOneByteIsNotSentAndIsReported()
    {
        using var pty = new PtyPair();
        using var reader = new PtyReader(pty.B);
        using var output = MarkerOutputs.Parse($"serial:{pty.A}", new MarkerOutputOptions { Clock = Clock });

        output.Send(new MarkerMessage(300, "too_big", Clock.NowNs, 0));
        output.Send(new MarkerMessage(30, "fine", Clock.NowNs, 0));

        Assert.Equal([30], reader.WaitFor(1, TimeSpan.FromSeconds(5)));
        Assert.True(output.Flush(TimeSpan.FromSeconds(5)));
        Assert.Equal(1, output.FailedCount);
        Assert.Contains("marker 'too_big' has code 300, which does not fit in one byte (0–255); not sent", output.Fault);
    }

    [SocatFact]
    public void ASerialMarkerPortThatVanishesSetsAFaultInsteadOfCrashing()
    {
        var pty = new PtyPair();
        using var output = MarkerOutputs.Parse($"serial:{pty.A}", new MarkerOutputOptions { Clock = Clock });
        pty.Dispose();
        Thread.Sleep(100);
        for (int i = 0; i < 3; i++) output.Send(new MarkerMessage(5, "after", Clock.NowNs, 0));
        Assert.True(output.Flush(TimeSpan.FromSeconds(5)));
        Assert.True(output.FailedCount >= 1, "sending into a vanished port should fail");
        Assert.NotNull(output.Fault);
    }

    /// <summary>An output whose device takes 50 ms per marker.</summary>
    private sealed class SlowOutput(MarkerOutputOptions options) : QueuedMarkerOutput("slow", options)
    {
        public SlowOutput Started()
        {
            Start();
            return this;
        }

        protected override long Deliver(in MarkerMessage marker)
        {
            Thread.Sleep(50);
            return Clock.NowNs;
        }

        protected override void CloseDevice() { }
    }

    [Fact]
    public void SendNeverWaitsForASlowDeviceAndAFullQueueDropsAndReports()
    {
        using var output = new SlowOutput(new MarkerOutputOptions { Clock = Clock, QueueCapacity = 4 }).Started();
        var marker = new MarkerMessage(1, "x", Clock.NowNs, 0);
        output.Send(marker);
        long before = Clock.NowNs;
        for (int i = 0; i < 20; i++) output.Send(marker);
        long elapsed = Clock.NowNs - before;

        // The device needs 50 ms a marker, so waiting for it would take a second; queueing takes microseconds.
        Assert.True(elapsed < 200 * Ns.PerMs, $"20 sends took {Ns.ToMs(elapsed)} ms");
        Assert.True(output.DroppedCount > 0);
        Assert.Contains("marker queue full", output.Fault);
    }

    [Fact]
    public void SendingToAnOutputDoesNotAllocate()
    {
        using var output = new SlowOutput(new MarkerOutputOptions { Clock = Clock, QueueCapacity = 4096 }).Started();
        var marker = new MarkerMessage(1, "x", 0, 0);
        output.Send(marker);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) output.Send(in marker);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void ASetOfOutputsSendsEachMarkerToEveryOutput()
    {
        using var a = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var b = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var specs = new[] { a, b }.Select(c => $"udp:127.0.0.1:{((IPEndPoint)c.Client.LocalEndPoint!).Port}");
        using var set = MarkerOutputs.ParseAll(specs, new MarkerOutputOptions { Clock = Clock });
        set.Send(new MarkerMessage(9, "both", Clock.NowNs, 0));
        Assert.True(set.Flush(TimeSpan.FromSeconds(5)));
        a.Client.ReceiveTimeout = b.Client.ReceiveTimeout = 5000;
        IPEndPoint? from = null;
        Assert.Equal(9, JsonDocument.Parse(a.Receive(ref from)).RootElement.GetProperty("code").GetInt32());
        Assert.Equal(9, JsonDocument.Parse(b.Receive(ref from)).RootElement.GetProperty("code").GetInt32());
        Assert.Equal(2, set.Outputs.Count);
        Assert.Contains(" + ", set.Description);
    }
}
