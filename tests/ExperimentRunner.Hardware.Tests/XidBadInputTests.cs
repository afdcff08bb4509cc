using ExperimentRunner.Core.Time;
using ExperimentRunner.Hardware.ResponseBoxes;
using ExperimentRunner.Hardware.Tests.Support;
using static ExperimentRunner.Hardware.Tests.XidResponseBoxTests;

namespace ExperimentRunner.Hardware.Tests;

/// <summary>A box that never answers, sends garbage, floods or vanishes: a clear message, presses kept (issue 18, bad input).</summary>
public sealed class XidBadInputTests
{
    [Fact]
    public void ABoxThatDoesNotAnswerTheProtocolQueryIsRefusedWithWhatToCheck()
    {
        var clock = new MonotonicClock();
        using var emulator = new XidEmulator(clock) { AnswersProtocol = false };
        var e = Assert.Throws<HardwareException>(() => new XidResponseBox(emulator.Path, Spec(), clock));
        Assert.Contains("does not answer the XID protocol query", e.Message);
        Assert.Contains("XID mode", e.Message);
        Assert.Contains("baud rate", e.Message);
    }

    [Fact]
    public void APortThatDoesNotExistOrIsNoTerminalIsRefusedByName()
    {
        var clock = new MonotonicClock();
        var missing = Assert.Throws<HardwareException>(() => new XidResponseBox("/dev/ttyUSB-none", Spec(), clock));
        Assert.Contains("serial port /dev/ttyUSB-none does not exist (check the cable and --response-box)", missing.Message);
        var notTty = Assert.Throws<HardwareException>(() => new XidResponseBox("/dev/null", Spec(), clock));
        Assert.Contains("/dev/null is not a serial port", notTty.Message);
    }

    [Fact]
    public void GarbageIsSkippedAndCountedAndThePressesAroundItAreKept()
    {
        var clock = new VirtualClock();
        using var emulator = new XidEmulator(clock);
        using var box = new XidResponseBox(emulator.Path, Spec(), clock);
        clock.Advance(1_000_000_000);
        emulator.Press(1, clock.NowNs);
        // Noise on the line: bytes out of protocol, among them a 'k' whose "timer" is nowhere near the box's.
        emulator.SendRaw([0x00, 0xFF, (byte)'x', (byte)'k', 0x10, 0xFF, 0xFF, 0xFF, 0x7F, 0x42]);
        emulator.Press(2, clock.NowNs);
        var events = Take(box, 2);
        Assert.Equal(["1", "2"], events.Select(e => e.Key));
        Assert.Equal(10, box.GarbageBytes);
        Assert.NotNull(box.Fault);
        Assert.Contains("10 byte(s) outside the XID protocol were skipped", box.Fault);
        Assert.Contains("check the baud rate", box.Fault);
    }

    [Fact]
    public void AFloodIsCutAtTwentyPressesASecondAndSaysWhatToCheck()
    {
        var clock = new VirtualClock();
        using var emulator = new XidEmulator(clock);
        using var box = new XidResponseBox(emulator.Path, Spec(), clock);
        clock.Advance(1_000_000_000);
        for (int i = 0; i < 100; i++) emulator.Press(i % 8, clock.NowNs);
        var taken = Take(box, 100);
        Assert.Equal(XidResponseBox.FloodPressesPerSecond, taken.Count);
        Assert.Equal(80, box.FloodDropped);
        Assert.Contains("response box flood: 80 press(es) beyond 20 a second were not taken", box.Fault);
        Assert.Contains("stuck or bouncing button", box.Fault);
        // A second later the box is heard again.
        clock.Advance(1_000_000_000);
        emulator.Press(5, clock.NowNs);
        Assert.Equal("5", Assert.Single(Take(box, 101)).Key);
    }

    [Fact]
    public void ABoxThatVanishesIsAFaultAndWhenItReturnsItIsReopenedAndAlignedAgain()
    {
        var clock = new VirtualClock();
        string link = Path.Combine(Path.GetTempPath(), $"h18b-xid-{Guid.NewGuid():N}");
        using var emulator = new XidEmulator(clock, driftPpm: 0, linkPath: link);
        using var box = new XidResponseBox(link, Spec(), clock);
        emulator.Press(1, clock.NowNs);
        Assert.Single(Take(box, 1));

        emulator.Vanish();
        Assert.True(Wait.Until(() => box.Fault?.Contains("was lost") == true, TimeSpan.FromSeconds(10)), box.Fault ?? "no fault");
        Assert.Contains("check its USB cable and power", box.Fault);
        Assert.Contains("everything recorded is kept", box.Fault);

        clock.Advance(60_000_000_000);
        int resets = emulator.Resets;
        emulator.Return();
        Assert.True(Wait.Until(() => box.Fault?.Contains("has reconnected") == true, TimeSpan.FromSeconds(10)), box.Fault ?? "no fault");
        Assert.True(Wait.Until(() => emulator.Resets > resets, TimeSpan.FromSeconds(10)), "the returned box's timer is reset again");
        long press = clock.NowNs + 500_000_000;
        clock.Advance(510_000_000);
        emulator.Press(2, press);
        var e = Assert.Single(Take(box, 2));
        Assert.InRange(press - e.TimeNs, -500_000, 500_000);
    }
}
