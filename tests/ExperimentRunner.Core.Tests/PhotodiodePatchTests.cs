using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Simulation;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Core.Vocabulary;

namespace ExperimentRunner.Core.Tests;

/// <summary>display.photodiode in a paradigm, the sensor grammar, and the simulated sensor (issue 18).</summary>
public class PhotodiodePatchTests
{
    private const string Fmri = "social-feedback-fmri.yaml";
    private const string Anchor = "  height: 720\n";

    private static string WithPatch(string fileName, string block) => Variants.Replace(Fmri, fileName, Anchor, Anchor + block);

    [Fact]
    public void AParadigmWithoutAPatchHasNone()
    {
        var result = ParadigmLoader.Load(Path.Combine(Repo.Root, "paradigms", Fmri));
        Assert.True(result.IsValid);
        Assert.Null(result.Paradigm!.Display.Photodiode);
    }

    [Fact]
    public void ADeclaredPatchIsReadWithItsCornerSizeAndMarkedScreens()
    {
        var path = WithPatch("patch.yaml", "  photodiode:\n    corner: bottom-right\n    size: 80\n    screens: [feedback, image]\n");
        var result = ParadigmLoader.Load(path);
        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
        var patch = result.Paradigm!.Display.Photodiode!;
        Assert.True(patch.Enabled);
        Assert.Equal(PatchCorner.BottomRight, patch.Corner);
        Assert.Equal(80, patch.SizePx);
        Assert.True(patch.Marks(SceneKind.Feedback));
        Assert.False(patch.Marks(SceneKind.Fixation));
        Assert.Equal((1200, 640, 80), patch.Rect(1280, 720));
    }

    [Fact]
    public void APatchMarkingAllScreensMarksEveryKind()
    {
        var result = ParadigmLoader.Load(WithPatch("patch-all.yaml", "  photodiode: {screens: all}\n"));
        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
        var patch = result.Paradigm!.Display.Photodiode!;
        Assert.All(Enum.GetValues<SceneKind>(), k => Assert.True(patch.Marks(k)));
        Assert.Equal(PatchCorner.TopLeft, patch.Corner);
    }

    [Fact]
    public void BadPatchValuesAreErrorsAtTheirLineAndColumnWithSuggestions()
    {
        var path = WithPatch("patch-bad.yaml", "  photodiode:\n    corner: top-lef\n    size: 0\n    screens: [feedbak]\n    colour: white\n");
        var result = ParadigmLoader.Load(path);
        Assert.False(result.IsValid);
        var errors = result.Diagnostics.Where(d => d.Severity == Severity.Error).ToList();
        var corner = Assert.Single(errors, e => e.Message.Contains("'corner'", StringComparison.Ordinal));
        Assert.Equal((Variants.LineOf(path, "    corner: top-lef"), 13), (corner.Pos.Line, corner.Pos.Column));
        Assert.Contains("top-left", corner.Message);
        var size = Assert.Single(errors, e => e.Message.Contains("'size'", StringComparison.Ordinal));
        Assert.Equal(Variants.LineOf(path, "    size: 0"), size.Pos.Line);
        var screen = Assert.Single(errors, e => e.Message.Contains("'feedbak'", StringComparison.Ordinal));
        Assert.Equal(Variants.LineOf(path, "    screens: [feedbak]"), screen.Pos.Line);
        Assert.Contains("did you mean 'feedback'", screen.Message);
        var unknown = Assert.Single(errors, e => e.Message.Contains("'colour'", StringComparison.Ordinal));
        Assert.Equal((Variants.LineOf(path, "    colour: white"), 5), (unknown.Pos.Line, unknown.Pos.Column));
    }

    [Theory]
    [InlineData("sim", PhotodiodeKind.Simulated)]
    [InlineData("sim:lag=10ms,jitter=500us,miss=0.1,seed=3", PhotodiodeKind.Simulated)]
    [InlineData("serial:/dev/ttyACM0,baud=115200", PhotodiodeKind.Serial)]
    [InlineData("key:1", PhotodiodeKind.Key)]
    public void SensorSpecificationsAreRead(string text, PhotodiodeKind kind) => Assert.Equal(kind, PhotodiodeSpec.Parse(text).Kind);

    [Fact]
    public void TheSimulatedSensorsSettingsAreReadInTheirUnits()
    {
        var spec = PhotodiodeSpec.Parse("sim:lag=10ms,jitter=500us,miss=0.1,seed=3");
        Assert.Equal((10_000_000L, 500_000L, 0.1, 3), (spec.LagNs, spec.JitterNs, spec.Miss, spec.Seed));
        Assert.Equal(115200, PhotodiodeSpec.Parse("serial:/dev/ttyACM0,baud=115200").Baud);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("serail:/dev/ttyUSB0", "did you mean 'serial'")]
    [InlineData("sim:lag=fast", "not a duration")]
    [InlineData("sim:lagg=4ms", "did you mean 'lag'")]
    [InlineData("sim:miss=2", "probability")]
    [InlineData("serial:", "device path")]
    [InlineData("serial:/dev/ttyUSB0,baud=7", "not supported")]
    [InlineData("key:", "the key")]
    public void BadSensorSpecificationsSayWhatIsWrong(string text, string expected)
    {
        var e = Assert.Throws<DeviceSpecException>(() => PhotodiodeSpec.Parse(text));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void TheSimulatedSensorSeesEachChangeAtItsFlipPlusLagOnceTheClockHasPassedIt()
    {
        var clock = new VirtualClock(0);
        using var sensor = new SimulatedPhotodiode(PhotodiodeSpec.Parse("sim:lag=4.5ms,jitter=0"), clock);
        Span<LightEdge> edges = stackalloc LightEdge[8];
        sensor.Flipped(1_000_000, false); // no change: no edge
        sensor.Flipped(2_000_000, true);
        Assert.Equal(0, sensor.Poll(edges));
        clock.SleepUntil(6_500_000);
        Assert.Equal(1, sensor.Poll(edges));
        Assert.Equal(new LightEdge(6_500_000, true), edges[0]);
        sensor.Flipped(10_000_000, false);
        clock.SleepUntil(20_000_000);
        Assert.Equal(1, sensor.Poll(edges));
        Assert.False(edges[0].Light);
    }
}
