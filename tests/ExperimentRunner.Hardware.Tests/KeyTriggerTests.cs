using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Hardware.Triggers;

namespace ExperimentRunner.Hardware.Tests;

public sealed class KeyTriggerTests
{
    private static InputEvent Down(string key, long ms) => new(ms * Ns.PerMs, key, true, InputSource.Keyboard);
    private static InputEvent Up(string key, long ms) => new(ms * Ns.PerMs, key, false, InputSource.Keyboard);

    [Fact]
    public void KeyDownsOfTheTriggerKeyArePulsesAnsweredAtOnceAndNothingWaitsForPolling()
    {
        using var source = new KeyTriggerSource("5", trNs: 2 * Ns.PerSecond);
        source.Arm(0);

        Assert.Equal(KeyOffer.Pulse, source.OfferKey(Down("5", 1000)));
        Assert.Equal(KeyOffer.Consumed, source.OfferKey(Up("5", 1030)));
        Assert.Equal(KeyOffer.Pulse, source.OfferKey(Down("5", 3000)));
        Span<long> buffer = stackalloc long[8];
        Assert.Equal(0, source.Poll(buffer));
    }

    [Fact]
    public void OtherKeysAreNotConsumed()
    {
        using var source = new KeyTriggerSource("t");
        source.Arm(0);

        Assert.Equal(KeyOffer.NotMine, source.OfferKey(Down("1", 10)));
        Assert.Equal(KeyOffer.Pulse, source.OfferKey(Down("T", 20)));
    }

    [Fact]
    public void PressesBeforeArmingAreConsumedButNotCounted()
    {
        using var source = new KeyTriggerSource("5");
        Assert.Equal(KeyOffer.Consumed, source.OfferKey(Down("5", 10)));
        source.Arm(500 * Ns.PerMs);
        Assert.Equal(KeyOffer.Consumed, source.OfferKey(Down("5", 400)));
    }

    [Fact]
    public void AKeyRepeatingFasterThanTheGuardCountsOnceAndRaisesAFault()
    {
        using var source = new KeyTriggerSource("5", trNs: 2 * Ns.PerSecond);
        source.Arm(0);
        int pulses = 0;
        for (int i = 0; i < 5; i++) pulses += source.OfferKey(Down("5", 1000 + 30 * i)) == KeyOffer.Pulse ? 1 : 0;

        Assert.Equal(1, pulses);
        Assert.Equal(4, source.SuppressedPulses);
        Assert.Equal("trigger flood: 4 pulse(s) came within 100 ms of the previous one and were not counted " +
                     "(does the scanner send one trigger per slice, or is the trigger key or byte wrong?)", source.Fault);
    }

    [Fact]
    public void TheFloodGuardIsAFifthOfAShortTr()
    {
        Assert.Equal(100 * Ns.PerMs, new PulseGate(2 * Ns.PerSecond).GuardNs);
        Assert.Equal(100 * Ns.PerMs, new PulseGate(500 * Ns.PerMs).GuardNs);
        Assert.Equal(60 * Ns.PerMs, new PulseGate(300 * Ns.PerMs).GuardNs);
        Assert.Equal(100 * Ns.PerMs, new PulseGate(0).GuardNs);
    }

    [Fact]
    public void AContinuousBurstNeverLetsALaterPulseThrough()
    {
        // Slice triggers 50 ms apart: measured from the last pulse seen, not the last counted, so none passes.
        var gate = new PulseGate(2 * Ns.PerSecond);
        int counted = 0;
        for (int i = 0; i < 100; i++) counted += gate.Accept(i * 50 * Ns.PerMs) ? 1 : 0;
        Assert.Equal(1, counted);
        Assert.Equal(99, gate.Suppressed);
    }

    [Fact]
    public void OfferingKeysDoesNotAllocate()
    {
        using var source = new KeyTriggerSource("5");
        source.Arm(0);
        var down = Down("5", 0);
        source.OfferKey(down);
        _ = source.Fault;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 1; i < 1000; i++)
        {
            down = Down("5", i * 1000);
            source.OfferKey(in down);
            _ = source.Fault;
        }
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}

public sealed class ManualTriggerTests
{
    [Fact]
    public void OnlyTheFirstPressAfterArmingStartsTheRun()
    {
        using var source = new ManualTriggerSource("s");
        Assert.Equal(KeyOffer.Consumed, source.OfferKey(new InputEvent(5, "s", true, InputSource.Keyboard)));
        source.Arm(10);
        Assert.Equal(KeyOffer.Pulse, source.OfferKey(new InputEvent(20, "s", true, InputSource.Keyboard)));
        Assert.True(source.Started);
        Assert.Equal(KeyOffer.Consumed, source.OfferKey(new InputEvent(40, "s", true, InputSource.Keyboard)));
        Assert.Equal(KeyOffer.NotMine, source.OfferKey(new InputEvent(50, "space", true, InputSource.Keyboard)));
        Span<long> buffer = stackalloc long[4];
        Assert.Equal(0, source.Poll(buffer));
    }
}

public sealed class EmulatedTriggerTests
{
    [Fact]
    public void EmulateGivesTheScannerEmulatorOnTheRunClock()
    {
        var clock = new VirtualClock(0);
        using var source = TriggerSources.Parse("emulate", new TriggerOptions { Clock = clock, TrNs = 2 * Ns.PerSecond });
        Span<long> buffer = stackalloc long[8];
        source.Arm(0);
        Assert.Equal(0, source.Poll(buffer));
        clock.Advance(5 * Ns.PerSecond);
        Assert.Equal(3, source.Poll(buffer));
        Assert.Equal([1 * Ns.PerSecond, 3 * Ns.PerSecond, 5 * Ns.PerSecond], buffer[..3].ToArray());
        Assert.StartsWith("emulate tr=2s", source.Description);
    }
}
