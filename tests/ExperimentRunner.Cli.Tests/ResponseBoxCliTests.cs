using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ExperimentRunner.Cli.Tests;

/// <summary>`--response-box` through exrun as a process: issue 18's "an XID box emulated on a pty drives a whole
/// simulated session with its timestamps in the export".</summary>
public class ResponseBoxCliTests
{
    private const string Paradigm = "paradigms/face-judgment-fmri.yaml";

    private static List<Dictionary<string, string>> Table(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split('\t');
        return lines.Skip(1).Select(l => header.Zip(l.Split('\t')).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    private static double Seconds(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [Fact]
    public void AnXidBoxEmulatedOnAPtyDrivesAWholeSimulatedSessionWithItsTimestampsInTheExportAndItsDriftMeasured()
    {
        string withBox = Exrun.Temp("box.db"), without = Exrun.Temp("keys.db");
        var r = Exrun.Run("simulate", Paradigm, "--participant", "sub-80", "--db", withBox, "--response-box", "xid-sim:drift=50ppm");
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        // The same participant without the box: the same plan and the same simulated presses, at their intended times.
        var twin = Exrun.Run("simulate", Paradigm, "--participant", "sub-80", "--db", without);
        Assert.True(twin.ExitCode == 0, twin.Out + twin.Err);

        using (var reader = ExperimentRunner.Storage.StudyReader.Open(withBox))
            Assert.StartsWith("xid-sim drift +50 ppm on /dev/pts/", reader.Sessions().Single().Info.ResponseBox);
        using (var reader = ExperimentRunner.Storage.StudyReader.Open(without))
            Assert.Null(reader.Sessions().Single().Info.ResponseBox);

        var drift = Regex.Match(r.Out, @"response box clock: Cedrus RB-840 \(simulated\): drift ([+-][0-9.]+) ppm from ([0-9]+) timer queries");
        Assert.True(drift.Success, r.Out);
        Assert.InRange(double.Parse(drift.Groups[1].Value, CultureInfo.InvariantCulture), 47, 53);

        string boxOut = Path.Combine(Path.GetDirectoryName(withBox)!, "tsv"), keysOut = Path.Combine(Path.GetDirectoryName(without)!, "tsv");
        Assert.Equal(0, Exrun.Run("export", "--db", withBox, "--format", "tsv", "--out", boxOut).ExitCode);
        Assert.Equal(0, Exrun.Run("export", "--db", without, "--format", "tsv", "--out", keysOut).ExitCode);
        var boxTrials = Table(Path.Combine(boxOut, "trials.tsv"));
        var keyTrials = Table(Path.Combine(keysOut, "trials.tsv"));
        Assert.DoesNotContain("response_device", keyTrials[0].Keys); // a study without a box exports as before
        Assert.Equal(keyTrials.Count, boxTrials.Count);
        int answered = 0;
        double arrivalLater = 0;
        foreach (var (box, keys) in boxTrials.Zip(keyTrials))
        {
            Assert.Equal(keys["response"], box["response"]);
            if (box["response_time"] == "n/a") continue;
            answered++;
            Assert.Equal("xid", box["response_device"]);
            Assert.Matches("^[0-9]+$", box["response_box_time_ms"]);
            // The box-timed RT is the intended one to the box's millisecond (its reading's middle: ±0.5 ms, and the alignment).
            Assert.InRange(Seconds(box["response_time"]) - Seconds(keys["response_time"]), -0.001, 0.001);
            arrivalLater += Seconds(box["response_time_arrival"]) - Seconds(box["response_time"]);
        }
        Assert.True(answered > 30, $"{answered} answered trials");
        // Stamped on arrival (at the next frame in a simulation), the RTs would be later by several ms on average.
        Assert.True(arrivalLater / answered > 0.003, $"arrival is later by {arrivalLater / answered * 1000:0.00} ms on average");

        string bids = Path.Combine(Path.GetDirectoryName(withBox)!, "bids");
        var export = Exrun.Run("export", "--db", withBox, "--format", "bids", "--out", bids);
        Assert.True(export.ExitCode == 0, export.Out + export.Err);
        string events = Directory.GetFiles(bids, "*_events.tsv", SearchOption.AllDirectories).Order().First();
        var rows = Table(events);
        Assert.Contains(rows, row => row["event_type"] == "response" && row["response_device"] == "xid" && row["response_box_time_ms"] != "n/a");
        using var sidecar = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(events, ".json")));
        Assert.Contains("own reaction-time timer", sidecar.RootElement.GetProperty("response_box_time_ms").GetProperty("Description").GetString());
    }

    [Fact]
    public void AForpInKeyboardModeMarksTheParticipantsKeysAsFromTheBox()
    {
        string db = Exrun.Temp("forp.db");
        var r = Exrun.Run("simulate", Paradigm, "--participant", "sub-81", "--db", db, "--response-box", "forp:trigger=5", "--max-seconds", "120");
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        Assert.Contains("response box: forp (keyboard mode), trigger key 5", r.Out);
        string output = Path.Combine(Path.GetDirectoryName(db)!, "tsv");
        Assert.Equal(0, Exrun.Run("export", "--db", db, "--format", "tsv", "--out", output).ExitCode);
        var answered = Table(Path.Combine(output, "trials.tsv")).Where(t => t["response_time"] != "n/a").ToList();
        Assert.NotEmpty(answered);
        Assert.All(answered, t => Assert.Equal(("forp", "n/a"), (t["response_device"], t["response_box_time_ms"])));
    }

    [Theory]
    [InlineData("xid", "--response-box: 'xid' needs a device path")]
    [InlineData("xid:/dev/ttyUSB0", "--response-box: simulate presses a simulated box (xid-sim or forp)")]
    [InlineData("xid-sim:keys=1:lefr", "did you mean 'left'?")]
    public void ABadResponseBoxForSimulateExitsTwoWithAMessage(string spec, string message)
    {
        string db = Exrun.Temp("bad.db");
        var r = Exrun.Run("simulate", Paradigm, "--participant", "sub-82", "--db", db, "--response-box", spec);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Err);
        Assert.DoesNotContain("   at ", r.Err);
        Assert.False(File.Exists(db));
    }

    [Fact]
    public void TimingTestChecksASimulatedBoxItsProductAlignmentAndPresses()
    {
        var r = Exrun.Run("timing-test", "--response-box", "xid-sim:drift=50", "--presses", "8");
        Assert.True(r.ExitCode is 0 or 1, r.Out + r.Err);
        Assert.Contains("; round trip ", r.Out);
        Assert.Contains("response box: Cedrus RB-840 (simulated);", r.Out);
        Assert.Contains("presses 8/8;", r.Out); // the verdict also weighs the drift, which a busy machine can blur in 6 s
    }

    [Fact]
    public void TimingTestOfABoxThatIsNotThereExitsOneWithWhatToCheck()
    {
        var r = Exrun.Run("timing-test", "--response-box", "xid:/dev/ttyUSB-none");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("serial port /dev/ttyUSB-none does not exist (check the cable and --response-box)", r.Err);
    }
}

/// <summary>`exrun run --response-box`: the box in preflight, its presses in a real-time session, and a missing box.</summary>
public class ResponseBoxRunTests
{
    [Fact]
    public void ARunWithASimulatedXidBoxTakesTheRespondersPressesThroughItAndReportsItsClock()
    {
        var db = Exrun.Temp("study.db");
        var r = Exrun.Run("run", "paradigms/face-judgment-fmri.yaml", "--participant", "sub-83", "--session", "1", "--db", db,
            "--display", "offscreen", "--scanner", "emulate", "--responder", "rt=300ms,rt_sd=50ms", "--max-seconds", "45",
            "--skip", "welcome", "--response-box", "xid-sim:drift=30", "--override", "all");
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        Assert.Contains("response box", r.Out); // the preflight row
        Assert.Contains("response box clock: Cedrus RB-840 (simulated)", r.Out);
        using var reader = ExperimentRunner.Storage.StudyReader.Open(db);
        var session = reader.Sessions().Single();
        var responses = reader.Events(session.SessionId).Select(e => e.Event)
            .Where(e => e.Kind == ExperimentRunner.Core.Events.EventKind.Response).Select(e => ExperimentRunner.Core.Events.EventReaders.AsResponse(e)).ToList();
        Assert.NotEmpty(responses);
        Assert.All(responses, x => Assert.True(x.Device == "xid" && x.HasDeviceTime, $"{x}"));
        Assert.StartsWith("xid-sim drift +30 ppm on /dev/pts/", session.Info.ResponseBox);
    }

    [Fact]
    public void ABoxThatIsNotThereFailsPreflightUnlessOverriddenAndThenTheRunGoesOnWithoutIt()
    {
        var db = Exrun.Temp("study.db");
        string[] common = ["run", "paradigms/face-judgment-fmri.yaml", "--participant", "sub-84", "--session", "1", "--db", db,
            "--display", "offscreen", "--scanner", "emulate", "--responder", "default", "--max-seconds", "3", "--response-box", "xid:/dev/ttyUSB-none"];
        var r = Exrun.Run(common);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("preflight failed: response box", r.Err);
        Assert.DoesNotContain("   at ", r.Out + r.Err);
        r = Exrun.Run([.. common, "--override", "response box"]);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        using var reader = ExperimentRunner.Storage.StudyReader.Open(db);
        Assert.Contains("response box", reader.Sessions().Single(x => x.Info.Mode == "run").Info.Overrides);
    }
}
