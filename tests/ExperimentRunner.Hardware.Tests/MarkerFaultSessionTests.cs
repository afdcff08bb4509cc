using ExperimentRunner.Cli.Operator;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Simulation;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Hardware.Markers;
using ExperimentRunner.Hardware.Tests.Support;
using Spectre.Console;

namespace ExperimentRunner.Hardware.Tests;

/// <summary>A marker link that dies mid-run reaches the operator and the record: issue 13, item 5.</summary>
public sealed class MarkerFaultSessionTests
{
    /// <summary>Keeps the events, and runs an action (on the runner's thread) at the second marked screen.</summary>
    private sealed class SinkWithHook(Action atSecondMarkedScreen) : IEventSink
    {
        private int _marked;
        public MemoryEventSink Memory { get; } = new();
        public void SessionStarted(SessionInfo info) => Memory.SessionStarted(info);
        public void SessionEnded(SessionEnd end) => Memory.SessionEnded(end);
        public bool Flush(TimeSpan timeout) => true;
        public void Dispose() { }

        public void Write(in EventRecord e)
        {
            Memory.Write(e);
            if (e.Kind != EventKind.ScreenOnset || e.AsScreenOnset().Marker <= 0 || ++_marked != 2) return;
            atSecondMarkedScreen();
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

    [SocatFact]
    public void ASerialMarkerLinkThatDiesMidRunIsASessionWarningAndShowsInTheLiveView()
    {
        var plan = Planner.Make(ParadigmLoader.Load(Repo.Paradigm("social-feedback-fmri.yaml")).Paradigm!, new SessionFacts("sub-01"));
        var p = plan.Paradigm;
        var pty = new PtyPair();
        try
        {
            using var reader = new PtyReader(pty.B);
            using var output = MarkerOutputs.Parse($"serial:{pty.A}", new MarkerOutputOptions { Clock = new MonotonicClock() });
            var sink = new SinkWithHook(() =>
            {
                // The first marked screen's marker went out while the link lived.
                Assert.NotEmpty(reader.WaitFor(1, TimeSpan.FromSeconds(10)));
                // Then the cable is pulled: socat ends, the pseudo-terminal hangs up. The next marker fails on the output's
                // thread; wait for that here so the run's next screen boundary deterministically sees the fault.
                pty.Kill();
                output.Send(new MarkerMessage(1, "probe", 0, 0));
                Assert.True(Wait.Until(() => output.Fault != null, TimeSpan.FromSeconds(10)), "the dead link should set a fault");
            });
            var clock = new VirtualClock();
            var trigger = new ScannerEmulator(clock, p.Scanner.TrNs);
            var live = new LiveStatus();
            var devices = new SessionDevices
            {
                Clock = clock,
                Display = new SimulatedDisplay(clock, p.Display.ExpectedRefreshHz, [], 0, 1, p.Display.Width, p.Display.Height),
                Input = new SimulatedParticipant(clock, p, new ResponderPolicy(), 2),
                Trigger = trigger,
                Sink = sink,
                Markers = [output],
            };
            new SessionRunner(plan, devices, new SessionOptions { SessionId = "s1", Mode = "run", Live = live }).Run();

            var warnings = sink.Memory.Events.Where(e => e.Kind == EventKind.Warning && e.Text!.StartsWith("marker output: serial ", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(warnings);
            // The latest fault is what a boundary sees: the lost port, or the failed reopening of it by a later marker.
            Assert.Contains(warnings, w => w.Text!.Contains($"serial port {pty.A} was lost", StringComparison.Ordinal)
                                           || w.Text!.Contains($"serial port {pty.A} does not exist", StringComparison.Ordinal));

            string view = Render(new LiveView(live, clock, new DeviceFaults(trigger, devices.Markers)));
            Assert.Contains("device fault", view);
            Assert.Contains($"marker output: serial {pty.A}", view);
        }
        finally
        {
            pty.Dispose();
        }
    }
}
