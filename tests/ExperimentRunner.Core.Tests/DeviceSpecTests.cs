using ExperimentRunner.Core.Vocabulary;

namespace ExperimentRunner.Core.Tests;

/// <summary>
/// The one grammar of device specifications (a paradigm's scanner.trigger, --scanner, --markers) and the one table of
/// key names: what they accept, and the message for what they do not.
/// </summary>
public sealed class DeviceSpecTests
{
    [Theory]
    [InlineData("", "the scanner trigger is empty; use emulate, key[:KEY], manual[:KEY] or serial:PATH[,baud=N][,byte=B]")]
    [InlineData("scanner", "unknown scanner trigger 'scanner'; use emulate, key[:KEY], manual[:KEY] or serial:PATH[,baud=N][,byte=B]")]
    [InlineData("serial:", "'serial:' needs a device path, e.g. serial:/dev/ttyUSB0")]
    [InlineData("serial:/dev/ttyS0,baud=12345", "'serial:/dev/ttyS0,baud=12345': baud rate '12345' is not supported; use one of 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600")]
    [InlineData("serial:/dev/ttyS0,byte=300", "'serial:/dev/ttyS0,byte=300': byte=300 is not a byte; use decimal (53), hex (0x35), a quoted character ('5') or any")]
    [InlineData("serial:/dev/ttyS0,parity=odd", "'serial:/dev/ttyS0,parity=odd': unknown serial setting 'parity'; use baud=N or byte=B")]
    [InlineData("serial:/dev/ttyS0,9600", "'serial:/dev/ttyS0,9600': '9600' is not a setting; settings look like name=value after a comma")]
    [InlineData("key:", "'key:': '' is not a key name; " + KeyNames.Hint)]
    [InlineData("key:notakey", "'key:notakey': 'notakey' is not a key name; " + KeyNames.Hint)]
    [InlineData("key:spac", "'key:spac': 'spac' is not a key name (did you mean 'space'?); " + KeyNames.Hint)]
    [InlineData("manual:f13", "'manual:f13': 'f13' is not a key name (did you mean 'f1'?); " + KeyNames.Hint)]
    [InlineData("emulate:3", "'emulate:3': emulate takes no argument (its period is the paradigm's TR)")]
    public void BadTriggerSpecsAreRejectedWithClearMessages(string spec, string message)
    {
        var e = Assert.Throws<DeviceSpecException>(() => TriggerSpec.Parse(spec));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void EmulateWithoutATrTellsTheOperatorToStartByHand()
    {
        var e = Assert.Throws<DeviceSpecException>(() => TriggerSpec.Parse("emulate").CheckTr(0));
        Assert.Contains("use manual", e.Message);
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
        var e = Assert.Throws<DeviceSpecException>(() => MarkerSpec.Parse(spec));
        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData("emulate", TriggerKind.Emulate, null, null, 9600, null)]
    [InlineData("key", TriggerKind.Key, "5", null, 9600, null)]
    [InlineData("KEY:T", TriggerKind.Key, "t", null, 9600, null)]
    [InlineData("manual", TriggerKind.Manual, "s", null, 9600, null)]
    [InlineData("manual:space", TriggerKind.Manual, "space", null, 9600, null)]
    [InlineData("serial:/dev/ttyUSB0", TriggerKind.Serial, null, "/dev/ttyUSB0", 9600, null)]
    [InlineData("serial:/dev/ttyUSB0,baud=115200,byte='5'", TriggerKind.Serial, null, "/dev/ttyUSB0", 115200, 0x35)]
    [InlineData("serial:/dev/ttyUSB0,byte=0x35", TriggerKind.Serial, null, "/dev/ttyUSB0", 9600, 0x35)]
    [InlineData("serial:/dev/ttyUSB0,byte=any", TriggerKind.Serial, null, "/dev/ttyUSB0", 9600, null)]
    public void GoodTriggerSpecsAreRead(string text, TriggerKind kind, string? key, string? path, int baud, int? triggerByte)
    {
        var spec = TriggerSpec.Parse(text);
        Assert.Equal((kind, key, path, baud, triggerByte), (spec.Kind, spec.Key, spec.Path, spec.Baud, spec.TriggerByte));
    }

    [Theory]
    [InlineData("udp:127.0.0.1:9000", MarkerKind.Udp, "127.0.0.1", 9000, null)]
    [InlineData("UDP:[::1]:9000", MarkerKind.Udp, "::1", 9000, null)]
    [InlineData("udp:eeg-host:9000", MarkerKind.Udp, "eeg-host", 9000, null)]
    [InlineData("serial:/dev/ttyUSB1,baud=57600", MarkerKind.Serial, null, 0, "/dev/ttyUSB1")]
    [InlineData("parport:/dev/parport0,pulse-ms=5", MarkerKind.ParallelPort, null, 0, "/dev/parport0")]
    public void GoodMarkerSpecsAreRead(string text, MarkerKind kind, string? host, int port, string? path)
    {
        var spec = MarkerSpec.Parse(text);
        Assert.Equal((kind, host, port, path), (spec.Kind, spec.Host, spec.Port, spec.Path));
    }

    [Fact]
    public void KeyNamesAreReadIgnoringCaseAsTheTablesOwnInstance()
    {
        Assert.True(KeyNames.TryNormalize(" Space ", out var space));
        Assert.Same(KeyNames.All.Single(n => n == "space"), space);
        Assert.False(KeyNames.IsKnown(KeyNames.Quit));
        Assert.False(KeyNames.IsKnown(KeyNames.MouseMove));
        Assert.False(KeyNames.IsKnown(KeyNames.Unknown));
        Assert.Equal(KeyNames.All.Count, KeyNames.All.Distinct().Count());
    }

    [Fact]
    public void TheParadigmReadmeListsEveryKeyName()
    {
        string readme = File.ReadAllText(Path.Combine(Repo.Root, "paradigms", "README.md"));
        foreach (var name in KeyNames.All)
        {
            bool inARange = name.Length == 1 || (name[0] == 'f' && name.Length <= 3 && char.IsAsciiDigit(name[1])); // 0–9, a–z, f1–f12
            if (!inARange) Assert.True(readme.Contains($"`{name}`", StringComparison.Ordinal), $"paradigms/README.md does not list `{name}`");
        }
        Assert.Contains("`0`–`9`, `a`–`z`", readme);
        Assert.Contains("`f1`–`f12`", readme);
    }
}
