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
        using var udp = new MarkerListener();
        var db = Exrun.Temp("study.db");
        var r = Exrun.Run("simulate", "paradigms/social-feedback-fmri.yaml", "--participant", "sub-70", "--db", db, "--markers", $"udp:127.0.0.1:{udp.Port}");
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        var datagrams = udp.Drain();

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
        Assert.Equal(marked.Count, datagrams.Count);
        Assert.Equal(marked.Select(m => m.Marker), datagrams.Select(d => d.RootElement.GetProperty("code").GetInt32()));
    }

    [Fact]
    public void EveryThrowOfABallTossGameSendsItsKindsMarkerOnTheFlipThatReleasedIt()
    {
        using var udp = new MarkerListener();
        var db = Exrun.Temp("study.db");
        var r = Exrun.Run("simulate", "paradigms/cyberball-fmri.yaml", "--participant", "sub-72", "--db", db, "--markers", $"udp:127.0.0.1:{udp.Port}");
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        var datagrams = udp.Drain();

        using var reader = StudyReader.Open(db);
        var events = reader.Events(reader.Sessions().Single().SessionId).Select(e => e.Event).ToList();
        var throws = events.Where(e => e.Kind == EventKind.Throw).Select(e => e.AsThrow()).ToList();
        var codes = new Dictionary<string, int> { ["ball_to_participant"] = 41, ["ball_to_other"] = 42, ["participant_throw"] = 43 };
        Assert.True(throws.Count >= 60, $"only {throws.Count} throws");
        Assert.Contains(throws, t => t.Label == "participant_throw");
        var sent = events.Where(e => e.Kind == EventKind.Marker).Select(e => e.AsMarker()).Where(m => m.Code is >= 41 and <= 43).ToList();
        Assert.Equal(throws.Select(t => (codes[t.Label!], t.Label, t.ReleaseNs)).Order(), sent.Select(m => (m.Code, m.Label, m.OnsetNs)).Order());
        var throwDatagrams = datagrams.Select(d => d.RootElement.GetProperty("code").GetInt32()).Where(c => c is >= 41 and <= 43).ToList();
        Assert.Equal(throws.Count, throwDatagrams.Count);
    }

    /// <summary>A UDP receiver on the loopback collecting marker datagrams until drained.</summary>
    private sealed class MarkerListener : IDisposable
    {
        private readonly UdpClient _listener = new(new IPEndPoint(IPAddress.Loopback, 0));
        private readonly List<JsonDocument> _datagrams = [];
        private readonly Thread _receiving;

        public MarkerListener()
        {
            _listener.Client.ReceiveBufferSize = 4 << 20; // the virtual clock sends a session's markers in a burst
            _receiving = new Thread(() =>
            {
                try
                {
                    while (true)
                    {
                        var remote = new IPEndPoint(IPAddress.Any, 0);
                        var bytes = _listener.Receive(ref remote);
                        if (bytes.Length == 0) break;
                        lock (_datagrams) _datagrams.Add(JsonDocument.Parse(bytes));
                    }
                }
                catch (SocketException) { }
                catch (ObjectDisposedException) { }
            }) { IsBackground = true };
            _receiving.Start();
        }

        public int Port => ((IPEndPoint)_listener.Client.LocalEndPoint!).Port;

        /// <summary>What arrived. The command returns only after every marker went out: what is still in flight is on the loopback already.</summary>
        public List<JsonDocument> Drain()
        {
            for (int i = 0; i < 50; i++)
            {
                Thread.Sleep(100);
                lock (_datagrams) if (_datagrams.Count > 0 && _listener.Available == 0) break;
            }
            _listener.Close();
            _receiving.Join(TimeSpan.FromSeconds(5));
            lock (_datagrams) return [.. _datagrams];
        }

        public void Dispose() => _listener.Dispose();
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
