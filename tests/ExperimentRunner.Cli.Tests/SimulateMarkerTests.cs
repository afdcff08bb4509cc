using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Storage;

namespace ExperimentRunner.Cli.Tests;

/// <summary>`exrun simulate --markers`: a simulated session sends and records its markers exactly like a run.</summary>
public class SimulateMarkerTests
{
    [Fact]
    public void ASimulatedSessionSendsOneDatagramPerMarkedScreenAndRecordsEachEvenOnTheVirtualClock()
    {
        using var listener = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Client.ReceiveBufferSize = 4 << 20; // the virtual clock sends a session's markers in a burst
        int port = ((IPEndPoint)listener.Client.LocalEndPoint!).Port;
        var datagrams = new List<JsonDocument>();
        var receiving = new Thread(() =>
        {
            try
            {
                while (true)
                {
                    var remote = new IPEndPoint(IPAddress.Any, 0);
                    var bytes = listener.Receive(ref remote);
                    if (bytes.Length == 0) break;
                    lock (datagrams) datagrams.Add(JsonDocument.Parse(bytes));
                }
            }
            catch (SocketException) { }
            catch (ObjectDisposedException) { }
        }) { IsBackground = true };
        receiving.Start();
        var db = Exrun.Temp("study.db");
        var r = Exrun.Run("simulate", "paradigms/social-feedback-fmri.yaml", "--participant", "sub-70", "--db", db, "--markers", $"udp:127.0.0.1:{port}");
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        // The command returns only after every marker went out: what is still in flight is on the loopback already.
        for (int i = 0; i < 50; i++)
        {
            Thread.Sleep(100);
            lock (datagrams) if (datagrams.Count > 0 && listener.Available == 0) break;
        }
        listener.Close();
        receiving.Join(TimeSpan.FromSeconds(5));

        using var reader = StudyReader.Open(db);
        var session = reader.Sessions().Single();
        Assert.Contains("udp 127.0.0.1", session.Info.Markers);
        var events = reader.Events(session.SessionId).Select(e => e.Event).ToList();
        var marked = events.Where(e => e.Kind == EventKind.ScreenOnset && e.AsScreenOnset().Marker > 0).Select(e => e.AsScreenOnset()).ToList();
        var sent = events.Where(e => e.Kind == EventKind.Marker).Select(e => e.AsMarker()).OrderBy(e => e.SentNs).ToList();
        Assert.True(marked.Count > 50, $"only {marked.Count} marked screens");
        Assert.Equal(marked.Count, sent.Count);
        Assert.Equal(marked.Select(m => (m.Marker, m.OnsetNs)), sent.Select(m => (m.Code, m.OnsetNs)));
        Assert.All(sent, m => Assert.True(m.SentNs >= m.OnsetNs));
        lock (datagrams)
        {
            Assert.Equal(marked.Count, datagrams.Count);
            Assert.Equal(marked.Select(m => m.Marker), datagrams.Select(d => d.RootElement.GetProperty("code").GetInt32()));
        }
    }

    [Fact]
    public void ABadMarkerSpecExitsTwoBeforeOpeningTheDatabase()
    {
        var db = Exrun.Temp("study.db");
        var r = Exrun.Run("simulate", "paradigms/social-feedback-fmri.yaml", "--participant", "sub-71", "--db", db, "--markers", "tcp:127.0.0.1:9000");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--markers: unknown marker output 'tcp:127.0.0.1:9000'", r.Err);
        Assert.DoesNotContain("   at ", r.Err);
        Assert.False(File.Exists(db));
    }
}
