using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Simulation;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Core.Tests;

/// <summary>A device's fault reaches the session's warnings (and, through <see cref="DeviceFaults"/>, the operator).</summary>
public sealed class DeviceFaultTests
{
    /// <summary>A marker output whose link dies after a number of markers.</summary>
    private sealed class DyingMarkerOutput(int diesAfter) : IMarkerOutput
    {
        public int Sent { get; private set; }
        public string Description => "test link";
        public string? Fault { get; private set; }

        public void Send(in MarkerMessage marker)
        {
            if (++Sent > diesAfter) Fault ??= "test link: the link died; markers are not sent";
        }

        public void Dispose() { }
    }

    private static (MemoryEventSink Sink, DyingMarkerOutput Output) RunWith(DyingMarkerOutput output)
    {
        var sink = new MemoryEventSink();
        RunSimulated(output, sink);
        return (sink, output);
    }

    /// <summary>The fMRI paradigm simulated on the virtual clock with <paramref name="output"/> as its one marker output.</summary>
    internal static void RunSimulated(IMarkerOutput output, IEventSink sink)
    {
        var plan = Planner.Make(ParadigmLoader.Load(Repo.Paradigm("social-feedback-fmri.yaml")).Paradigm!, new SessionFacts("sub-01"));
        var p = plan.Paradigm;
        var clock = new VirtualClock();
        var devices = new SessionDevices
        {
            Clock = clock,
            Display = new SimulatedDisplay(clock, p.Display.ExpectedRefreshHz, [], 0, 1, p.Display.Width, p.Display.Height),
            Input = new SimulatedParticipant(clock, p, new ResponderPolicy(), 2),
            Trigger = new ScannerEmulator(clock, p.Scanner.TrNs),
            Sink = sink,
            Markers = [output],
        };
        new SessionRunner(plan, devices, new SessionOptions { SessionId = "s1", Mode = "simulate" }).Run();
    }

    [Fact]
    public void AMarkerLinkThatDiesMidRunIsWarnedOnceInTheSessionsEvents()
    {
        var (sink, output) = RunWith(new DyingMarkerOutput(diesAfter: 5));
        Assert.True(output.Sent > 10, "the paradigm sends markers after the link died");
        var warning = Assert.Single(sink.Events, e => e.Kind == EventKind.Warning && e.Text!.Contains("the link died"));
        Assert.Equal("marker output: test link: the link died; markers are not sent", warning.Text);
        // Logged at the first screen boundary after the death, not at the session's end.
        Assert.Contains(sink.Events, e => e.Kind == EventKind.ScreenOnset && e.TimeNs > warning.TimeNs);
    }

    [Fact]
    public void AHealthyMarkerLinkWarnsNothing()
    {
        var (sink, _) = RunWith(new DyingMarkerOutput(diesAfter: int.MaxValue));
        Assert.DoesNotContain(sink.Events, e => e.Kind == EventKind.Warning && e.Text!.StartsWith("marker output", StringComparison.Ordinal));
    }

    private sealed class FaultyTrigger : ITriggerSource
    {
        public string? Now;
        public string Description => "test trigger";
        public string? Fault => Now;
        public void Arm(long nowNs) { }
        public int Poll(Span<long> pulseTimesNs) => 0;
        public void Dispose() { }
    }

    [Fact]
    public void EachNewFaultIsTakenOnceAndAClearedFaultThatReturnsIsNewsAgain()
    {
        var trigger = new FaultyTrigger();
        var marker = new DyingMarkerOutput(diesAfter: 0);
        var faults = new DeviceFaults(trigger, [marker]);
        Assert.False(faults.TryTakeChange(out _));
        Assert.Empty(faults.Current());

        trigger.Now = "port lost";
        marker.Send(default);
        Assert.True(faults.TryTakeChange(out var first));
        Assert.Equal("scanner trigger: port lost", first);
        Assert.True(faults.TryTakeChange(out var second));
        Assert.Equal("marker output: test link: the link died; markers are not sent", second);
        Assert.False(faults.TryTakeChange(out _));
        Assert.Equal(["scanner trigger: port lost", "marker output: test link: the link died; markers are not sent"], faults.Current());

        trigger.Now = null;
        Assert.False(faults.TryTakeChange(out _));
        trigger.Now = "port lost";
        Assert.True(faults.TryTakeChange(out var again));
        Assert.Equal("scanner trigger: port lost", again);
    }
}
