using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Core.Vocabulary;
using ExperimentRunner.Hardware.ResponseBoxes;
using ExperimentRunner.Hardware.Tests.Support;

namespace ExperimentRunner.Hardware.Tests;

/// <summary>A Cedrus XID box read through its emulated twin on a pseudo-terminal: alignment, drift, key map (issue 18, item 4).</summary>
public sealed class XidResponseBoxTests
{
    internal static ResponseBoxSpec Spec(string text = "xid-sim") => ResponseBoxSpec.Parse(text);

    /// <summary>Waits until the box decoded <paramref name="count"/> key events, then polls them.</summary>
    internal static List<InputEvent> Take(XidResponseBox box, long count)
    {
        Assert.True(Wait.Until(() => box.Decoded >= count, TimeSpan.FromSeconds(10)), $"the box decoded {box.Decoded} of {count} events");
        var buffer = new InputEvent[256];
        int n = box.Poll(buffer);
        return buffer[..n].ToList();
    }

    [Fact]
    public void APressCarriesTheBoxTimerAndItsTimeIsTheBoxTimeAlignedToOurClock()
    {
        var clock = new VirtualClock();
        using var emulator = new XidEmulator(clock, driftPpm: 0, offsetMs: 123_456);
        using var box = new XidResponseBox(emulator.Path, Spec("xid-sim:keys=1:left,2:right"), clock);
        Assert.Equal(XidEmulator.ProductName, box.Product);
        Assert.True(emulator.Resets >= 1, "opening resets the box's timer");
        long press = clock.NowNs + 1_234_567_890;
        clock.Advance(1_250_000_000); // the bytes arrive 15 ms after the press
        emulator.Press(2, press);
        var e = Assert.Single(Take(box, 1));
        Assert.Equal("right", e.Key);
        Assert.True(e.IsDown);
        Assert.Equal(InputSource.ResponseBox, e.Source);
        Assert.Equal("xid", e.Device);
        Assert.Equal(1234, e.DeviceTimeMs); // the timer, reset at opening: not the power-on offset
        Assert.Equal(clock.NowNs, e.ArrivalNs);
        Assert.InRange(press - e.TimeNs, -500_000, 500_000); // the box counts whole milliseconds: the middle of its reading
    }

    [Fact]
    public void TimerQueriesMeasureTheBoxClocksDriftAndPressesLateInTheSessionStayAligned()
    {
        var clock = new VirtualClock();
        using var emulator = new XidEmulator(clock, driftPpm: 100);
        using var box = new XidResponseBox(emulator.Path, Spec(), clock) { AutoQuery = false };
        Assert.True(box.AnswersTimerQueries);
        for (int i = 0; i < 300; i++)
        {
            clock.Advance(2_000_000_000);
            Assert.True(box.TryQueryNow());
            Assert.True(Wait.Until(() => !box.QueryPending, TimeSpan.FromSeconds(5)));
        }
        // 600 s at +100 ppm: the box's timer is 60 ms ahead of ours; uncorrected, this press would be 60 ms late.
        long press = clock.NowNs + 3_000_000;
        clock.Advance(4_000_000);
        emulator.Press(1, press);
        var e = Assert.Single(Take(box, 1));
        Assert.InRange(press - e.TimeNs, -1_000_000, 1_000_000);
        var drift = box.Drift;
        Assert.InRange(drift.DriftPpm, 98, 102);
        Assert.True(drift.Queries > 250, drift.ToString());
    }

    [Fact]
    public void ABoxThatDoesNotAnswerTimerQueriesHasItsDriftEstimatedFromTheLowerEnvelopeOfItsPresses()
    {
        var clock = new VirtualClock();
        using var emulator = new XidEmulator(clock, driftPpm: -40) { AnswersTimerQueries = false };
        using var box = new XidResponseBox(emulator.Path, Spec(), clock);
        Assert.False(box.AnswersTimerQueries);
        var random = new Random(7);
        long start = clock.NowNs;
        var errors = new List<long>();
        for (int i = 0; i < 120; i++)
        {
            long press = start + (i + 1) * 5_000_000_000L + random.Next(0, 2_000_000_000);
            long arrival = press + random.Next(0, 16_700_000); // a frame's worth of scatter, one-sided
            clock.SleepUntil(arrival);
            emulator.Press(i % 4, press);
            var e = Assert.Single(Take(box, i + 1));
            errors.Add(press - e.TimeNs);
        }
        var drift = box.Drift;
        Assert.InRange(drift.DriftPpm, -43, -37);
        Assert.Equal(120, drift.Presses);
        // Late presses (the drift applied) are placed within 2 ms; uncorrected they would be 24 ms early by the end.
        Assert.All(errors.Skip(60), error => Assert.InRange(error, -2_000_000, 2_000_000));
    }

    [Fact]
    public void ReleasesComeThroughAsKeyUpsAndButtonsWithoutAMapAreTheirOwnDigits()
    {
        var clock = new VirtualClock();
        using var emulator = new XidEmulator(clock);
        using var box = new XidResponseBox(emulator.Path, Spec(), clock);
        emulator.Press(3, clock.NowNs);
        emulator.Press(3, clock.NowNs, pressed: false);
        var events = Take(box, 2);
        Assert.Equal([("3", true), ("3", false)], events.Select(e => (e.Key, e.IsDown)));
    }
}
