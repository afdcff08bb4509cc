using ExperimentRunner.Core.Time;
using ExperimentRunner.Hardware.Markers;
using ExperimentRunner.Hardware.Tests.Support;
using ExperimentRunner.Hardware.Triggers;

namespace ExperimentRunner.Hardware.Tests;

/// <summary>Devices built from parsed specifications (the grammar itself is tested in Core: DeviceSpecTests).</summary>
public sealed class SpecParsingTests
{
    private static readonly TriggerOptions Triggers = new() { Clock = new MonotonicClock(), TrNs = 2 * Ns.PerSecond };
    private static readonly MarkerOutputOptions Markers = new() { Clock = new MonotonicClock() };

    [Theory]
    [InlineData("key", "key 5")]
    [InlineData("key:T", "key t")]
    [InlineData("manual", "manual start key s")]
    [InlineData("manual:space", "manual start key space")]
    [InlineData("manual:S", "manual start key s")]
    public void GoodTriggerSpecsGiveTheRightSource(string spec, string description)
    {
        using var source = TriggerSources.Parse(spec, Triggers);
        Assert.Equal(description, source.Description);
    }

    [Theory]
    [InlineData("udp:127.0.0.1:9000", "udp 127.0.0.1:9000")]
    [InlineData("udp:[::1]:9000", "udp [::1]:9000")]
    [InlineData("UDP:localhost:9000", "udp 127.0.0.1:9000")]
    public void UdpSpecsGiveTheRightTarget(string spec, string description)
    {
        using var output = MarkerOutputs.Parse(spec, Markers);
        Assert.Equal(description, output.Description);
    }

    [SocatFact]
    public void EveryBaudRateTheGrammarAcceptsOpensAPort()
    {
        using var pty = new PtyPair();
        foreach (int baud in Core.Vocabulary.SerialSettings.SupportedBauds)
        {
            using var output = MarkerOutputs.Parse($"serial:{pty.A},baud={baud}", Markers);
            Assert.Contains(baud.ToString(System.Globalization.CultureInfo.InvariantCulture), output.Description);
        }
    }

    [Fact]
    public void AKeyTriggerSourceRefusesANameOutsideTheKeyTable()
    {
        var e = Assert.Throws<Core.Vocabulary.DeviceSpecException>(() => new KeyTriggerSource("notakey"));
        Assert.StartsWith("'notakey' is not a key name", e.Message);
    }

    [Fact]
    public void AMissingMarkerSerialPortGivesAClearMessage()
    {
        var e = Assert.Throws<HardwareException>(() => MarkerOutputs.Parse("serial:/dev/ttyDoesNotExist9", Markers));
        Assert.Equal("serial port /dev/ttyDoesNotExist9 does not exist (check the cable and --markers)", e.Message);
    }

    [Fact]
    public void AMissingParallelPortGivesAClearMessage()
    {
        var e = Assert.Throws<HardwareException>(() => MarkerOutputs.Parse("parport:/dev/parportDoesNotExist9", Markers));
        Assert.StartsWith("parallel port /dev/parportDoesNotExist9 does not exist (check the card and --markers", e.Message);
    }

    [Fact]
    public void AFileThatIsNotAParallelPortIsRefused()
    {
        string file = Path.GetTempFileName();
        try
        {
            var e = Assert.Throws<HardwareException>(() => MarkerOutputs.Parse($"parport:{file}", Markers));
            Assert.Equal($"{file} is not a parallel port (ppdev) device; use a path such as /dev/parport0 in --markers parport:PATH", e.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void WhenOneOfSeveralOutputsFailsTheOthersAreClosedAndTheErrorNamesTheBadOne()
    {
        var e = Assert.Throws<HardwareException>(() => MarkerOutputs.ParseAll(["udp:127.0.0.1:9000", "serial:/dev/ttyDoesNotExist9"], Markers));
        Assert.Contains("/dev/ttyDoesNotExist9", e.Message);
    }
}
