using ExperimentRunner.Hardware.Tests.Support;
using ExperimentRunner.Cli.Commands;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Simulation;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Hardware.Triggers;

namespace ExperimentRunner.Hardware.Tests;

/// <summary>A key trigger in a whole session: its pulses are counted the moment they are offered, and are never responses.</summary>
public sealed class KeyTriggerSessionTests
{
    /// <summary>A trigger-to-USB converter typing "5" every TR from 1 s on, stamped at the pulse's own time.</summary>
    private sealed class ScannerKeys(IClock clock, long trNs) : IInput
    {
        private long _nextNs = Ns.PerSecond;

        public List<long> Sent { get; } = [];

        public int Poll(Span<InputEvent> buffer)
        {
            int n = 0;
            while (n < buffer.Length && _nextNs <= clock.NowNs)
            {
                buffer[n++] = new InputEvent(_nextNs, "5", true, InputSource.Keyboard);
                Sent.Add(_nextNs);
                _nextNs += trNs;
            }
            return n;
        }
    }

    [Fact]
    public void KeyPulsesCountAtTheirOwnTimeAndNeverAsResponses()
    {
        var plan = Planner.Make(ParadigmLoader.Load(Repo.Paradigm("social-feedback-fmri.yaml")).Paradigm!, new SessionFacts("sub-01"));
        var p = plan.Paradigm;
        var clock = new VirtualClock();
        var keys = new ScannerKeys(clock, p.Scanner.TrNs);
        var sink = new MemoryEventSink();
        var devices = new SessionDevices
        {
            Clock = clock,
            Display = new SimulatedDisplay(clock, p.Display.ExpectedRefreshHz, [], 0, 1, p.Display.Width, p.Display.Height),
            Input = new CombinedInput(keys, new SimulatedParticipant(clock, p, new ResponderPolicy(), 2)),
            Trigger = TriggerSources.Parse(p.Scanner.Trigger, new TriggerOptions { Clock = clock, TrNs = p.Scanner.TrNs }),
            Sink = sink,
        };
        var result = new SessionRunner(plan, devices, new SessionOptions { SessionId = "s1", Mode = "run" }).Run();

        Assert.Equal(SessionStatus.Completed, result.Status);
        var pulses = sink.Events.Where(e => e.Kind == EventKind.Pulse).ToList();
        Assert.NotEmpty(pulses);
        Assert.All(pulses, e => Assert.Contains(e.TimeNs, keys.Sent)); // each at its key's own time
        var runs = sink.Events.Where(e => e.Kind == EventKind.RunStarted).ToList();
        Assert.Equal(plan.Runs.Count(), runs.Count);
        foreach (var run in runs)
        {
            // t0 is the fifth pulse of the run: four dummies, then volume 0.
            var ofRun = pulses.Where(e => e.Run == run.Run).ToList();
            Assert.Equal(4, ofRun.TakeWhile(e => e.AsPulse().IsDummy).Count());
            Assert.Equal(0, ofRun[4].AsPulse().Volume);
            Assert.Equal(ofRun[4].TimeNs, run.TimeNs);
        }
        Assert.Equal(0, result.MissingPulses);
        Assert.DoesNotContain(sink.Events, e => e.Kind == EventKind.Response && e.Text == "5");
    }
}
