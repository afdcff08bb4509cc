using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Storage;

namespace ExperimentRunner.Cli.Tests;

/// <summary>`exrun run` for real: offscreen GL, real time, preflight, markers over UDP, a serial scanner trigger.</summary>
[Collection("real time")]
public class RunTests
{
    private static readonly string[] Skip = ["--skip", "welcome,resilience_pre,selection,baseline,scanner_intro"];

    private static string SessionOf(string db)
    {
        using var reader = StudyReader.Open(db);
        return reader.Sessions().Single(s => s.Info.Mode == "run").SessionId;
    }

    /// <summary>The participant's selection, stored by a simulated session of the selection alone: the runs below skip
    /// their own selection and take this one (without any, they are refused).</summary>
    private static void StoreSelection(string db, string participant)
    {
        var r = Exrun.Run("simulate", "paradigms/social-feedback-fmri.yaml", "--participant", participant, "--db", db,
            "--skip", "welcome,resilience_pre,baseline,scanner_intro,feedback,after");
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
    }

    [Fact]
    public void AnOffscreenRunLogsEveryFlipAndSendsOneDatagramPerMarkedEvent()
    {
        using var listener = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)listener.Client.LocalEndPoint!).Port;
        var datagrams = new List<JsonDocument>();
        var receiving = new Thread(() =>
        {
            listener.Client.ReceiveTimeout = 120_000; // closing the listener ends the wait
            try
            {
                while (true)
                {
                    var remote = new IPEndPoint(IPAddress.Any, 0);
                    var bytes = listener.Receive(ref remote);
                    if (bytes.Length == 0) break; // the socket was closed under the receive
                    lock (datagrams) datagrams.Add(JsonDocument.Parse(bytes));
                }
            }
            catch (SocketException) { }
            catch (ObjectDisposedException) { }
        }) { IsBackground = true };
        receiving.Start();
        var db = Exrun.Temp("study.db");
        StoreSelection(db, "sub-50");
        // --max-seconds counts from the start, preparation included, which takes many seconds on a loaded machine: 30 s
        // leaves the run itself (4 dummy volumes of 2 s, then the blocks) time to reach marked screens anywhere.
        var r = Exrun.Run(["run", "paradigms/social-feedback-fmri.yaml", "--participant", "sub-50", "--session", "1", "--db", db,
            "--display", "offscreen", "--scanner", "emulate", "--responder", "default", "--max-seconds", "30", "--markers", $"udp:127.0.0.1:{port}", .. Skip]);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        Assert.Contains("Preflight", r.Out);
        Thread.Sleep(500);
        listener.Close();
        receiving.Join(TimeSpan.FromSeconds(5));

        string id = SessionOf(db);
        using var reader = StudyReader.Open(db);
        var info = reader.Session(id)!.Info;
        Assert.Equal("unsynchronised", info.Timing);
        var events = reader.Events(id).Select(e => e.Event).ToList();
        var flips = reader.Flips(id).ToList();
        // Every flip the run made is logged (as many as it reported), in order, and every screen's onset is one of
        // them: how many flips a loaded machine manages in 16 s (preparation included) varies, so the count is
        // compared with the run's own, not with 60 Hz.
        var summary = System.Text.RegularExpressions.Regex.Match(r.Out, @"flips logged\s*│\s*(\d+)");
        Assert.True(summary.Success, r.Out);
        Assert.NotEmpty(flips);
        Assert.Equal(flips.Count, int.Parse(summary.Groups[1].Value));
        for (int i = 1; i < flips.Count; i++) Assert.True(flips[i].TimeNs > flips[i - 1].TimeNs);
        var flipTimes = flips.Select(f => f.TimeNs).ToHashSet();
        var onsets = events.Where(e => e.Kind == EventKind.ScreenOnset).ToList();
        Assert.NotEmpty(onsets);
        Assert.All(onsets, o => Assert.True(flipTimes.Contains(o.TimeNs), $"the onset of {o.Screen} at {o.TimeNs} is no logged flip"));
        // One frame apart unless a miss says otherwise: every missed frame logged is a flip more than half a period
        // after its deadline (the previous flip plus a period), and no flip is logged late without being that far late.
        var missed = events.Where(e => e.Kind == EventKind.MissedFrame).ToList();
        Assert.All(missed, m => Assert.True(flipTimes.Contains(m.TimeNs) && m.TimeNs - m.IntendedNs > 16_666_667 / 2, $"missed frame at {m.TimeNs}"));
        int late = 0;
        for (int i = 1; i < flips.Count; i++) if (flips[i].TimeNs - flips[i - 1].TimeNs > 16_666_667 * 3 / 2) late++;
        Assert.True(missed.Count <= late, $"{missed.Count} missed frames logged, {late} late flips");
        // Markers: one datagram per marked screen, each logged with its send time.
        var marked = events.Where(e => e.Kind == EventKind.ScreenOnset && e.AsScreenOnset().Marker > 0).ToList();
        var sent = events.Where(e => e.Kind == EventKind.Marker).ToList();
        Assert.NotEmpty(marked);
        Assert.Equal(marked.Count, sent.Count);
        lock (datagrams)
        {
            Assert.Equal(marked.Count, datagrams.Count);
            Assert.Equal(marked.Select(m => m.AsScreenOnset().Marker), datagrams.Select(d => d.RootElement.GetProperty("code").GetInt32()));
        }
        Assert.All(sent, m => Assert.True(m.TimeNs >= m.IntendedNs));
    }

    [Fact]
    public void APreflightFailureStopsTheRunUnlessOverriddenAndTheOverrideIsRecorded()
    {
        var db = Exrun.Temp("study.db");
        StoreSelection(db, "sub-51");
        string[] common = ["run", "paradigms/social-feedback-fmri.yaml", "--participant", "sub-51", "--session", "1", "--db", db,
            "--display", "offscreen", "--scanner", "emulate", "--responder", "default", "--max-seconds", "3", "--markers", "serial:/dev/ttyDOES-NOT-EXIST", .. Skip];
        var r = Exrun.Run(common);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("FAIL", r.Out);
        Assert.Contains("preflight failed: marker outputs", r.Err);
        Assert.DoesNotContain("   at ", r.Out + r.Err);
        using (var reader = StudyReader.Open(db)) Assert.DoesNotContain(reader.Sessions(), x => x.Info.Mode == "run");

        r = Exrun.Run([.. common, "--override", "marker outputs"]);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        using (var reader = StudyReader.Open(db))
            Assert.Equal("marker outputs", reader.Sessions().Single(x => x.Info.Mode == "run").Info.Overrides);
    }

    [Fact]
    public void SerialTriggersStartARun()
    {
        if (!File.Exists("/usr/bin/socat"))
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", "socat must be installed in CI (.ci/setup installs it)");
            return;
        }
        var dir = Directory.CreateTempSubdirectory("exrun-pty-").FullName;
        string a = Path.Combine(dir, "scanner"), b = Path.Combine(dir, "runner");
        var socat = Process.Start(new ProcessStartInfo("/usr/bin/socat", [$"pty,raw,echo=0,link={a}", $"pty,raw,echo=0,link={b}"]) { RedirectStandardError = true })!;
        try
        {
            var until = DateTime.UtcNow.AddSeconds(10);
            while (!(File.Exists(a) && File.Exists(b)) && DateTime.UtcNow < until) Thread.Sleep(20);
            var db = Exrun.Temp("study.db");
            StoreSelection(db, "sub-52");
            using var stop = new CancellationTokenSource();
            // The scanner: one '5' every 2 s (the paradigm's TR) from the moment the run waits.
            var scanner = new Thread(() =>
            {
                using var port = new FileStream(a, FileMode.Open, FileAccess.Write);
                while (!stop.IsCancellationRequested)
                {
                    port.WriteByte((byte)'5');
                    port.Flush();
                    Thread.Sleep(2000);
                }
            }) { IsBackground = true };
            scanner.Start();
            var r = Exrun.Run(["run", "paradigms/social-feedback-fmri.yaml", "--participant", "sub-52", "--session", "1", "--db", db,
                "--display", "offscreen", "--scanner", $"serial:{b}", "--responder", "default", "--max-seconds", "30", .. Skip]);
            stop.Cancel();
            Assert.True(r.ExitCode == 0, r.Out + r.Err);
            using var reader = StudyReader.Open(db);
            var events = reader.Events(SessionOf(db)).Select(e => e.Event).ToList();
            var pulses = events.Where(e => e.Kind == EventKind.Pulse).ToList();
            Assert.Equal(4, pulses.Count(p => p.AsPulse().IsDummy));
            var t0 = Assert.Single(events, e => e.Kind == EventKind.RunStarted);
            Assert.Equal(pulses.First(p => !p.AsPulse().IsDummy).TimeNs, t0.TimeNs);
            Assert.Contains(events, e => e.Kind == EventKind.ScreenOnset && e.Screen == "lead_in");
        }
        finally
        {
            socat.Kill();
            Directory.Delete(dir, true);
        }
    }
}
