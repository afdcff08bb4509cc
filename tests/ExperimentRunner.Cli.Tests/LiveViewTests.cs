using ExperimentRunner.Cli.Operator;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Time;
using Spectre.Console;

namespace ExperimentRunner.Cli.Tests;

/// <summary>The operator's live view reads a status and a clock given from outside, so it renders the same in a test.</summary>
public class LiveViewTests
{
    private static string Render(LiveStatus status, IClock clock)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(writer), Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 100;
        console.Write(new LiveView(status, clock).Render());
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
}
