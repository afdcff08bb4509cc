using ExperimentRunner.Core.Time;
using ExperimentRunner.Hardware.Markers;
using ExperimentRunner.Hardware.Triggers;

namespace ExperimentRunner.Hardware.Tests;

public sealed class SpecParsingTests
{
    private static readonly TriggerOptions Triggers = new() { Clock = new MonotonicClock(), TrNs = 2 * Ns.PerSecond };
    private static readonly MarkerOutputOptions Markers = new() { Clock = new MonotonicClock() };

    [Theory]
    [InlineData("", "the scanner trigger is empty; use emulate, key[:KEY], manual[:KEY] or serial:PATH[,baud=N][,byte=B]")]
    [InlineData("scanner", "unknown scanner trigger 'scanner'; use emulate, key[:KEY], manual[:KEY] or serial:PATH[,baud=N][,byte=B]")]
    [InlineData("serial:", "'serial:' needs a device path, e.g. serial:/dev/ttyUSB0")]
    [InlineData("serial:/dev/ttyS0,baud=12345", "'serial:/dev/ttyS0,baud=12345': baud rate '12345' is not supported; use one of 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600")]
    [InlineData("serial:/dev/ttyS0,byte=300", "'serial:/dev/ttyS0,byte=300': byte=300 is not a byte; use decimal (53), hex (0x35), a quoted character ('5') or any")]
    [InlineData("serial:/dev/ttyS0,parity=odd", "'serial:/dev/ttyS0,parity=odd': unknown serial setting 'parity'; use baud=N or byte=B")]
    [InlineData("serial:/dev/ttyS0,9600", "'serial:/dev/ttyS0,9600': '9600' is not a setting; settings look like name=value after a comma")]
    [InlineData("key:", "'key:': '' is not a key name; use a key such as 5, t or space")]
    [InlineData("emulate:3", "'emulate:3': emulate takes no argument (its period is the paradigm's TR)")]
    public void BadTriggerSpecsAreRejectedWithClearMessages(string spec, string message)
    {
        var e = Assert.Throws<DeviceSpecException>(() => TriggerSources.Parse(spec, Triggers));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void EmulateWithoutATrTellsTheOperatorToStartByHand()
    {
        var e = Assert.Throws<DeviceSpecException>(() => TriggerSources.Parse("emulate", Triggers with { TrNs = 0 }));
        Assert.Contains("use --scanner manual", e.Message);
    }

    [Theory]
    [InlineData("key", "key 5")]
    [InlineData("key:T", "key t")]
    [InlineData("manual", "manual start key s")]
    [InlineData("manual:space", "manual start key space")]
    public void GoodTriggerSpecsGiveTheRightSource(string spec, string description)
    {
        using var source = TriggerSources.Parse(spec, Triggers);
        Assert.Equal(description, source.Description);
    }

    [Theory]
    [InlineData("udp", "marker output 'udp' is not understood; use udp:HOST:PORT, serial:PATH[,baud=N] or parport:PATH[,pulse-ms=MS]")]
    [InlineData("tcp:127.0.0.1:9000", "unknown marker output 'tcp:127.0.0.1:9000'; use udp:HOST:PORT, serial:PATH[,baud=N] or parport:PATH[,pulse-ms=MS]")]
    [InlineData("udp:127.0.0.1", "marker output 'udp:127.0.0.1' needs a host and a port: udp:HOST:PORT, e.g. udp:127.0.0.1:9000")]
    [InlineData("udp::9000", "marker output 'udp::9000' has no host: udp:HOST:PORT, e.g. udp:127.0.0.1:9000")]
    [InlineData("udp:127.0.0.1:70000", "marker output 'udp:127.0.0.1:70000': '70000' is not a port number (1–65535)")]
    [InlineData("udp:127.0.0.1:port", "marker output 'udp:127.0.0.1:port': 'port' is not a port number (1–65535)")]
    [InlineData("serial:", "marker output 'serial:' needs a device path, e.g. serial:/dev/ttyUSB0")]
    [InlineData("serial:/dev/ttyS0,byte=5", "marker output 'serial:/dev/ttyS0,byte=5': unknown serial setting 'byte'; use baud=N")]
    [InlineData("parport:", "marker output 'parport:' needs a device path, e.g. parport:/dev/parport0")]
    [InlineData("parport:/dev/parport0,pulse-ms=0", "marker output 'parport:/dev/parport0,pulse-ms=0': pulse-ms=0 must be a number of milliseconds above 0 and at most 1000")]
    [InlineData("parport:/dev/parport0,width=5", "marker output 'parport:/dev/parport0,width=5': unknown parallel-port setting 'width'; use pulse-ms=MS")]
    public void BadMarkerSpecsAreRejectedWithClearMessages(string spec, string message)
    {
        var e = Assert.Throws<DeviceSpecException>(() => MarkerOutputs.Parse(spec, Markers));
        Assert.Equal(message, e.Message);
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
