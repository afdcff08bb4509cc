using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Vocabulary;
using ExperimentRunner.Hardware.ResponseBoxes;

namespace ExperimentRunner.Hardware.Tests;

/// <summary>The --response-box grammar and the fORP's keyboard mode (issue 18, item 4).</summary>
public sealed class ResponseBoxSpecTests
{
    [Fact]
    public void AnXidSpecTakesAPathABaudRateAndAKeyMapWhosePairsFollowKeys()
    {
        var spec = ResponseBoxSpec.Parse("xid:/dev/ttyUSB0,baud=19200,keys=1:left,2:right,3:space");
        Assert.Equal(ResponseBoxKind.Xid, spec.Kind);
        Assert.Equal("/dev/ttyUSB0", spec.Path);
        Assert.Equal(19200, spec.Baud);
        Assert.Equal("left", spec.KeyOf("1"));
        Assert.Equal("space", spec.KeyOf("3"));
        Assert.Equal("4", spec.KeyOf("4"));
        Assert.Equal(115200, ResponseBoxSpec.Parse("xid:/dev/ttyUSB0").Baud);
    }

    [Fact]
    public void AnXidSimSpecTakesADriftInPpmAndAnOffset()
    {
        var spec = ResponseBoxSpec.Parse("xid-sim:drift=50ppm,offset=1000ms,keys=0:a");
        Assert.Equal(ResponseBoxKind.XidSim, spec.Kind);
        Assert.Equal(50, spec.DriftPpm);
        Assert.Equal(1000, spec.OffsetMs);
        Assert.Equal(-20, ResponseBoxSpec.Parse("xid-sim:drift=-20").DriftPpm);
    }

    [Theory]
    [InlineData("xid", "needs a device path")]
    [InlineData("xid:/dev/ttyUSB0,keys=9:left", "button '9' is not an XID key number (0–7)")]
    [InlineData("xid:/dev/ttyUSB0,keys=1:lefr", "'lefr' is not a key name (did you mean 'left'?)")]
    [InlineData("xid:/dev/ttyUSB0,keys=1", "'1' is not a button:key pair")]
    [InlineData("xid:/dev/ttyUSB0,baud=1234", "baud rate '1234' is not supported")]
    [InlineData("xid:/dev/ttyUSB0,trigger=5", "unknown setting 'trigger' for xid")]
    [InlineData("xid-sim:drift=fast", "drift=fast is not a number")]
    [InlineData("forp:keys=1:left,1:right", "button '1' is mapped twice")]
    [InlineData("forp:keys=5:left,trigger=5", "the trigger key '5' is also in keys=")]
    [InlineData("forpp", "unknown response box 'forpp' (did you mean 'forp'?)")]
    public void AMalformedSpecSaysWhatIsWrong(string text, string message)
    {
        var e = Assert.Throws<DeviceSpecException>(() => ResponseBoxSpec.Parse(text));
        Assert.Contains(message, e.Message);
    }

    private sealed class Keys(params InputEvent[] events) : IInput
    {
        public int Poll(Span<InputEvent> buffer)
        {
            events.CopyTo(buffer);
            int n = events.Length;
            events = [];
            return n;
        }
    }

    [Fact]
    public void AForpRenamesItsButtonsMarksThemAsFromTheBoxAndLeavesItsTriggerKeyAndTheKeyboardAlone()
    {
        var spec = ResponseBoxSpec.Parse("forp:keys=1:left,2:right,trigger=t");
        var input = new ForpInput(new Keys(
            new InputEvent(10, "1", true, InputSource.Keyboard),
            new InputEvent(20, "t", true, InputSource.Keyboard),
            new InputEvent(30, "2", false, InputSource.Keyboard),
            new InputEvent(40, "escape", true, InputSource.Keyboard)), spec);
        var buffer = new InputEvent[8];
        int n = input.Poll(buffer);
        Assert.Equal(4, n);
        Assert.Equal(new InputEvent(10, "left", true, InputSource.ResponseBox, Device: "forp"), buffer[0]);
        Assert.Equal(new InputEvent(20, "t", true, InputSource.Keyboard), buffer[1]);
        Assert.Equal(new InputEvent(30, "right", false, InputSource.ResponseBox, Device: "forp"), buffer[2]);
        Assert.Equal(new InputEvent(40, "escape", true, InputSource.Keyboard), buffer[3]);
        Assert.Equal("t", input.TriggerKey);
    }

    [Fact]
    public void AForpWithoutAMapTakesTheDigitsAsItsButtons()
    {
        var input = new ForpInput(new Keys(new InputEvent(10, "4", true, InputSource.Keyboard), new InputEvent(11, "a", true, InputSource.Keyboard)),
            ResponseBoxSpec.Parse("forp:trigger=5"));
        var buffer = new InputEvent[4];
        Assert.Equal(2, input.Poll(buffer));
        Assert.Equal(("4", "forp"), (buffer[0].Key, buffer[0].Device));
        Assert.Null(buffer[1].Device);
    }
}
