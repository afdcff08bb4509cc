using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ExperimentRunner.Storage;

namespace ExperimentRunner.Cli.Tests;

/// <summary>
/// exrun timing-test --photodiode (issue 18): against the simulated sensor it reports the lag it was given and stores
/// the calibration, which report then shows; a serial sensor on a pseudo-terminal that never answers, sends garbage or
/// vanishes stops it with what to check, exit 1, and nothing stored.
/// </summary>
public class PhotodiodeTimingTests
{
    private static double Figure(string output, string pattern) =>
        double.Parse(Regex.Match(output, pattern).Groups[1].Value, CultureInfo.InvariantCulture);

    [Fact]
    public void AgainstTheSimulatedPhotodiodeTheReportedLagIsTheConfiguredOneAndTheCalibrationIsStoredAndReported()
    {
        string db = Exrun.Temp("study.db");
        var r = Exrun.Run("timing-test", "--display", "offscreen", "--photodiode", "sim:lag=4.5ms,jitter=0.2ms", "--flashes", "100", "--db", db);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        Assert.Contains("100 of 100 flashes seen (0 missed", r.Out);
        double mean = Figure(r.Out, @"light - flip mean (\S+) ms"), sd = Figure(r.Out, @"light - flip mean \S+ ms, SD (\S+) ms");
        Assert.InRange(mean, 4.4, 4.6);
        Assert.InRange(sd, 0.15, 0.25);
        Assert.Contains("4.5 / 0.18", r.Out); // the mega-study's figures beside ours

        using (var reader = StudyReader.Open(db))
        {
            var stored = Assert.Single(reader.Calibrations());
            Assert.Equal(mean, stored.LagMeanMs, 3);
            Assert.Equal(sd, stored.LagSdMs, 3);
            Assert.Equal((100, 0, "pass", "offscreen"), (stored.Flashes, stored.Missed, stored.Verdict, stored.DisplayMode));
        }

        // A session on this machine in the same study: its report shows the calibration beside the session's timing.
        Assert.Equal(0, Exrun.Run("simulate", SimulatedStudies.Paradigm, "--participant", "sub-01", "--db", db).ExitCode);
        string dir = Path.Combine(Path.GetDirectoryName(db)!, "report");
        var report = Exrun.Run("report", "--db", db, "--out", dir);
        Assert.True(report.ExitCode == 0, report.Out + report.Err);
        string expected = $"light − flip {mean.ToString("0.000", CultureInfo.InvariantCulture)} ms, SD {sd.ToString("0.000", CultureInfo.InvariantCulture)} ms";
        Assert.Contains("display calibration: ", report.Out);
        Assert.Contains(expected, report.Out);
        string md = File.ReadAllText(Path.Combine(dir, "index.md"));
        Assert.Contains("| display calibration | ", md);
        Assert.Contains(expected, md);
        Assert.Contains("Bridges et al. 2020", md);
    }

    [Fact]
    public void AReportWithoutACalibrationSaysHowToMeasureOne()
    {
        string db = Exrun.Temp("study.db");
        Assert.Equal(0, Exrun.Run("simulate", SimulatedStudies.Paradigm, "--participant", "sub-01", "--db", db).ExitCode);
        var report = Exrun.Run("report", "--db", db, "--out", Path.Combine(Path.GetDirectoryName(db)!, "report"));
        Assert.Contains("display calibration: none for this machine (exrun timing-test --photodiode)", report.Out);
    }

    [Fact]
    public void FlashesTheSensorMissesFailTheVerdictAndAreStoredAsAFailedCalibration()
    {
        string db = Exrun.Temp("study.db");
        var r = Exrun.Run("timing-test", "--display", "offscreen", "--photodiode", "sim:miss=0.3,seed=2", "--flashes", "20", "--interval", "100", "--db", db, "--machine", "scanner-pc-3");
        Assert.True(r.ExitCode == 1, r.Out + r.Err);
        Assert.Contains("missed", r.Err);
        using var reader = StudyReader.Open(db);
        var stored = Assert.Single(reader.Calibrations());
        Assert.Equal(("FAIL", "scanner-pc-3"), (stored.Verdict, stored.Machine));
        Assert.True(stored.Missed > 0);
    }

    [Fact]
    public void WithAudioEveryClickIsTimedFromItsFlashToItsFirstSampleLeavingTheQueue()
    {
        string db = Exrun.Temp("study.db");
        var env = new Dictionary<string, string> { ["SDL_AUDIODRIVER"] = "disk", ["SDL_DISKAUDIOFILE"] = Exrun.Temp("out.raw") };
        var r = Exrun.RunWith(env, "timing-test", "--display", "offscreen", "--photodiode", "sim", "--flashes", "20", "--interval", "100", "--audio", "--db", db, "--max-audio-sd", "1000");
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        Assert.Matches(@"audio \(disk\): 20 of 20 sounds left SDL's queue", r.Out);
        double mean = Figure(r.Out, @"first sample taken mean (\S+) ms");
        Assert.InRange(mean, 0, 1000);
        Assert.Contains("-0.7 / 0.17", r.Out);
        using var reader = StudyReader.Open(db);
        var stored = Assert.Single(reader.Calibrations());
        Assert.Equal((20, "disk"), (stored.Clicks, stored.AudioDriver));
        // The disk driver's capture reads a file that is not there: the loopback says so and is not a figure.
        Assert.Contains("loopback: the capture device did not open", r.Out);
        Assert.Contains("capture device did not open", stored.AudioLoopback);
        Assert.Equal(mean, stored.AudioMeanMs, 3);
    }

    [Theory]
    [InlineData("serail:/dev/ttyUSB0", "did you mean 'serial'")]
    [InlineData("sim:lag=soon", "not a duration")]
    public void AMalformedSensorIsAnInvalidArgument(string sensor, string expected)
    {
        string db = Exrun.Temp("study.db");
        var r = Exrun.Run("timing-test", "--display", "offscreen", "--photodiode", sensor, "--db", db);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Err);
        Assert.DoesNotContain("   at ", r.Err);
        Assert.False(File.Exists(db));
    }

    [Fact]
    public void AFileThatIsNotAStudyIsRefusedBeforeTheMeasurementAndLeftAsItWas()
    {
        string db = Exrun.Temp("notes.db");
        File.WriteAllText(db, "my notes");
        var r = Exrun.Run("timing-test", "--display", "offscreen", "--photodiode", "sim", "--flashes", "1000", "--db", db);
        Assert.Equal(2, r.ExitCode);
        Assert.DoesNotContain("flashes of a", r.Out);
        Assert.Equal("my notes", File.ReadAllText(db));
    }

    [Fact]
    public void ASerialSensorThatDoesNotExistIsADeviceFailure()
    {
        string db = Exrun.Temp("study.db");
        var r = Exrun.Run("timing-test", "--display", "offscreen", "--photodiode", "serial:/dev/ttyNOSUCH9", "--db", db);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("/dev/ttyNOSUCH9", r.Err);
        Assert.False(File.Exists(db));
    }

    /// <summary>Runs timing-test against a serial sensor on a pseudo-terminal; <paramref name="device"/> plays the sensor once exrun has opened it.</summary>
    private static (int ExitCode, string Out, string Err, string Db) AgainstPty(Action<PseudoTerminal> device)
    {
        using var pty = new PseudoTerminal();
        string db = Exrun.Temp("study.db");
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = Exrun.Root, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (string a in new[] { Exrun.Dll, "timing-test", "--display", "offscreen", "--photodiode", $"serial:{pty.SlavePath},baud=115200", "--flashes", "200", "--db", db })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        var watch = Stopwatch.StartNew();
        while (!p.HasExited && !OpenedBy(p.Id, pty.SlavePath) && watch.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(20);
        if (!p.HasExited) device(pty);
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(true);
            throw new TimeoutException("timing-test did not stop");
        }
        return (p.ExitCode, stdout.Result, stderr.Result, db);
    }

    private static bool OpenedBy(int pid, string path)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Any(fd => new FileInfo(fd).LinkTarget == path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    [Fact]
    public void ASensorThatNeverAnswersStopsWithWhatToCheckAndStoresNothing()
    {
        var r = AgainstPty(_ => { });
        Assert.True(r.ExitCode == 1, r.Out + r.Err);
        Assert.Contains("sent no light edge within 3 s of the first flash", r.Err);
        foreach (string what in new[] { "cable", "port", "threshold", "over the patch" }) Assert.Contains(what, r.Err);
        Assert.Contains("nothing was stored", r.Err);
        Assert.False(File.Exists(r.Db));
    }

    [Fact]
    public void ASensorThatSendsGarbageStopsWithTheByteAndStoresNothing()
    {
        // Again and again: the port's input waiting at its opening is discarded, and the test cannot see that moment.
        var r = AgainstPty(pty =>
        {
            for (int i = 0; i < 20; i++)
            {
                pty.Write("1?x"u8);
                Thread.Sleep(100);
            }
        });
        Assert.True(r.ExitCode == 1, r.Out + r.Err);
        Assert.Contains("not edges (the first 0x3F)", r.Err);
        Assert.Contains("baud", r.Err);
        Assert.False(File.Exists(r.Db));
    }

    [Fact]
    public void ASensorThatVanishesStopsTheTestAndStoresNothing()
    {
        var r = AgainstPty(pty =>
        {
            Thread.Sleep(500);
            pty.Close();
        });
        Assert.True(r.ExitCode == 1, r.Out + r.Err);
        Assert.Contains("was lost", r.Err);
        Assert.Contains("cable", r.Err);
        Assert.False(File.Exists(r.Db));
    }
}
