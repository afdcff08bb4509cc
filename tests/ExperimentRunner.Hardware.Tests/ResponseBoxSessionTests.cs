using ExperimentRunner.Cli.Operator;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Simulation;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Core.Vocabulary;
using ExperimentRunner.Hardware.ResponseBoxes;
using ExperimentRunner.Hardware.Tests.Support;
using Spectre.Console;

namespace ExperimentRunner.Hardware.Tests;

/// <summary>A simulated session answering through the XID box's pty twin, and a box that vanishes mid-run (issue 18).</summary>
public sealed class ResponseBoxSessionTests
{
    /// <summary>Keeps the events, and runs an action once, at the given response.</summary>
    private sealed class SinkWithHook(int atResponse, Action action) : IEventSink
    {
        private int _responses;
        public MemoryEventSink Memory { get; } = new();
        public void SessionStarted(SessionInfo info) => Memory.SessionStarted(info);
        public void SessionEnded(SessionEnd end) => Memory.SessionEnded(end);
        public bool Flush(TimeSpan timeout) => true;
        public void Dispose() { }

        public void Write(in EventRecord e)
        {
            Memory.Write(e);
            if (e.Kind == EventKind.Response && ++_responses == atResponse) action();
        }
    }

    private static string Render(LiveView view)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(writer), Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 400;
        console.Write(view.Render());
        return writer.ToString();
    }

    [Fact]
    public void ABoxThatVanishesMidRunIsASessionWarningAndTheLiveViewShowsItAndTheSessionGoesOnWithItsData()
    {
        var plan = Planner.Make(ParadigmLoader.Load(Repo.Paradigm("face-judgment-fmri.yaml")).Paradigm!, new SessionFacts("sub-01"));
        var p = plan.Paradigm;
        var clock = new VirtualClock();
        var spec = ResponseBoxSpec.Parse("xid-sim");
        // Through a link of its own: once unplugged, the box's attempts to reopen never reach another test's pty that
        // happens to get the same /dev/pts number.
        using var emulator = new XidEmulator(clock, linkPath: Path.Combine(Path.GetTempPath(), $"h18b-xid-{Guid.NewGuid():N}"));
        using var box = new XidResponseBox(emulator.Path, spec, clock);
        var sink = new SinkWithHook(5, () =>
        {
            emulator.Vanish(); // the USB cable is pulled after the fifth answer
            Assert.True(Wait.Until(() => box.Fault != null, TimeSpan.FromSeconds(10)), "the lost box should set a fault");
        });
        var trigger = new ScannerEmulator(clock, p.Scanner.TrNs);
        var live = new LiveStatus();
        var input = new XidSimulatedInput(new SimulatedParticipant(clock, p, new ResponderPolicy(), 2), emulator, box, spec, clock);
        var devices = new SessionDevices
        {
            Clock = clock,
            Display = new SimulatedDisplay(clock, p.Display.ExpectedRefreshHz, [], 0, 1, p.Display.Width, p.Display.Height),
            Input = input,
            Trigger = trigger,
            Sink = sink,
        };
        var result = new SessionRunner(plan, devices, new SessionOptions { SessionId = "s1", Mode = "simulate", Live = live }).Run();

        Assert.Equal(SessionStatus.Completed, result.Status);
        var responses = sink.Memory.Events.Where(e => e.Kind == EventKind.Response).Select(e => e.AsResponse()).ToList();
        Assert.Equal(5, responses.Count); // what came before the loss is kept; nothing came after it
        Assert.All(responses, r => Assert.True(r.Device == "xid" && r.HasDeviceTime && r.ArrivalNs >= r.TimeNs));
        var warning = Assert.Single(sink.Memory.Events, e => e.Kind == EventKind.Warning && e.Text!.StartsWith("response box: ", StringComparison.Ordinal));
        Assert.Contains($"{emulator.Path}: the response box was lost", warning.Text);
        Assert.Contains("check its USB cable and power", warning.Text);
        Assert.True(sink.Memory.Events.Count(e => e.Kind == EventKind.ScreenOnset) > 100, "the session went on to its end");

        string view = Render(new LiveView(live, clock, new DeviceFaults(trigger, [], input)));
        Assert.Contains("device fault", view);
        Assert.Contains("response box:", view);
    }
}
