using ExperimentRunner.Cli.Operator;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Time;
using Spectre.Console;

namespace ExperimentRunner.Cli.Tests;

/// <summary>The operator's live view reads a status and a clock given from outside, so it renders the same in a test.</summary>
public class LiveViewTests
{
    private static string Render(LiveStatus status, IClock clock, DeviceFaults? faults = null)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(writer), Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 200;
        console.Write(new LiveView(status, clock, faults).Render());
        return writer.ToString();
    }

    [Fact]
    public void TheViewShowsWhereTheSessionIsAndWhatWentWrong()
    {
        var clock = new VirtualClock(10_000_000_000);
        var status = new LiveStatus
        {
            Phase = "feedback", Screen = "feedback", Condition = "rejection", Run = 1, Block = 2, Blocks = 3, Trial = 5,
            VolumesReceived = 40, VolumesExpected = 150, MissingPulses = 2, RunStartNs = 2_000_000_000, RunDurationNs = 300_000_000_000,
            SessionStartNs = 0, MissedFrames = 1, Responses = 12, MissedResponses = 1, LastResponse = "button1", LastRtNs = 640_000_000,
            Warnings = 1, LastWarning = "no scanner trigger 30 s after the wait screen", State = "feedback: profile",
        };
        string text = Render(status, clock);
        Assert.Contains("1 / 2 of 3 / 5", text);
        Assert.Contains("feedback, rejection", text);
        Assert.Contains("40 of 150, 2 missing", text);
        Assert.Contains("8.0 s / 292.0 s", text);
        Assert.Contains("button1, 640 ms", text);
        Assert.Contains("no scanner trigger", text);
        Assert.Contains("running", text);
        Assert.Contains("feedback: profile", text);

        clock.Advance(1_000_000_000);
        status.Paused = true;
        text = Render(status, clock);
        Assert.Contains("PAUSED", text);
        Assert.Contains("9.0 s / 291.0 s", text);
    }

    [Fact]
    public void AbortAsksForConfirmation()
    {
        var status = new LiveStatus { AbortPending = true };
        Assert.Contains("press a again to confirm", Render(status, new VirtualClock()));
    }

    private sealed class Link(string description) : IMarkerOutput, ITriggerSource
    {
        public string? Problem;
        public string Description => description;
        public string? Fault => Problem;
        public void Send(in MarkerMessage marker) { }
        public void Arm(long nowNs) { }
        public int Poll(Span<long> pulseTimesNs) => 0;
        public void Dispose() { }
    }

    [Fact]
    public void EveryDevicesFaultShowsAsItIsNowWithoutWaitingForTheRunner()
    {
        var trigger = new Link("trigger");
        var marker = new Link("udp 127.0.0.1:9000");
        var faults = new DeviceFaults(trigger, [marker]);
        var status = new LiveStatus { WaitingForScanner = true };
        Assert.DoesNotContain("device fault", Render(status, new VirtualClock(), faults));

        marker.Problem = "udp 127.0.0.1:9000: sending marker 'feedback' failed: Network is unreachable";
        trigger.Problem = "serial port /dev/ttyUSB0 was lost (hang-up) 3.0 s after arming: no pulses are counted until it comes back (check the cable)";
        string text = Render(status, new VirtualClock(), faults);
        Assert.Contains("scanner trigger: serial port /dev/ttyUSB0 was lost", text);
        Assert.Contains("marker output: udp 127.0.0.1:9000: sending marker 'feedback' failed", text);
    }
}
