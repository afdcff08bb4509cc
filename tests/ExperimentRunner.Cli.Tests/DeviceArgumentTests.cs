namespace ExperimentRunner.Cli.Tests;

/// <summary>
/// Device arguments (--scanner, --markers, --display) and a paradigm's scanner.trigger are read by one grammar: a bad
/// one is invalid input (exit 2) with a message, before any device or database is opened; never a run that waits forever.
/// </summary>
public class DeviceArgumentTests
{
    private static Exrun.Result RunWith(string db, params string[] device) =>
        Exrun.Run(["run", "paradigms/social-feedback-fmri.yaml", "--participant", "sub-60", "--session", "1", "--db", db,
            "--display", "offscreen", "--responder", "default", "--max-seconds", "2", .. device]);

    [Theory]
    [InlineData("--scanner", "key:notakey", "--scanner: 'key:notakey': 'notakey' is not a key name")]
    [InlineData("--scanner", "key:spac", "(did you mean 'space'?)")]
    [InlineData("--scanner", "manual:", "--scanner: 'manual:': '' is not a key name")]
    [InlineData("--scanner", "serial:/dev/ttyUSB0,baud=9601", "--scanner: 'serial:/dev/ttyUSB0,baud=9601': baud rate '9601' is not supported")]
    [InlineData("--markers", "tcp:127.0.0.1:9000", "--markers: unknown marker output 'tcp:127.0.0.1:9000'")]
    [InlineData("--display", "tv", "Option '--display'")]
    public void ABadDeviceArgumentExitsTwoWithAMessageBeforeOpeningAnything(string option, string value, string message)
    {
        string db = Exrun.Temp("study.db");
        var r = RunWith(db, option, value);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Err);
        Assert.DoesNotContain("   at ", r.Err);
        Assert.False(File.Exists(db), "nothing is opened for a bad argument");
    }

    [Fact]
    public void EmulateOnAParadigmWithoutATrIsABadArgument()
    {
        string db = Exrun.Temp("study.db");
        var r = Exrun.Run(["run", "paradigms/social-feedback-pet.yaml", "--participant", "sub-61", "--session", "1", "--db", db,
            "--display", "offscreen", "--scanner", "emulate"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--scanner: 'emulate' needs the paradigm's TR", r.Err);
    }

    [Fact]
    public void AnUnknownTriggerKeyInAParadigmIsReportedByValidateAtItsLine()
    {
        string text = File.ReadAllText(Path.Combine(Exrun.Root, "paradigms", "social-feedback-fmri.yaml"));
        Assert.Contains("  trigger: key:5", text);
        // One level deeper than paradigms/: the relative paths need one more '../'.
        var dir = Path.Combine(Exrun.Root, "paradigms", $".broken-trigger-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var path = Path.Combine(dir, "bad-trigger.yaml");
            File.WriteAllText(path, text.Replace("  trigger: key:5", "  trigger: key:spac").Replace("../stimuli/", "../../stimuli/"));
            int line = Array.FindIndex(File.ReadAllLines(path), l => l.Contains("trigger: key:spac", StringComparison.Ordinal)) + 1;
            string relative = Path.GetRelativePath(Exrun.Root, path);
            var r = Exrun.Run("validate", relative);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains($"{relative}:{line}:", r.Out);
            Assert.Contains("'spac' is not a key name (did you mean 'space'?)", r.Out);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
