using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Simulation;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Core.Tests;

/// <summary>The frame loop allocates nothing between screen changes: flip, poll input, triggers, operator, log.</summary>
public class FrameLoopAllocationTests
{
    /// <summary>Counts what the runner allocates from one flip to the next when no screen changed in between.</summary>
    private sealed class MeasuringDisplay(IClock clock, bool sameSceneIsSteady = false) : IDisplay
    {
        private readonly SimulatedDisplay _inner = new(clock, 60);
        private long _lastFlipAllocated = -1;
        private bool _showed;
        private SceneSpec? _scene;
        public long SteadyFrames, SteadyBytes, AllocFrames;
        public List<long> Sizes = new(100);

        public double RefreshHz => _inner.RefreshHz;
        public long PeriodNs => _inner.PeriodNs;
        public string Timing => _inner.Timing;
        public (int Width, int Height) Size => _inner.Size;
        public void Prepare(IReadOnlyCollection<SceneSpec> scenes, IProgress<int>? progress = null) => _showed = true;

        public void Show(SceneSpec scene, in SceneState state)
        {
            // An animated screen (the ball of a ball-toss game) is shown again every frame with a new state: with
            // sameSceneIsSteady only a change of scene ends a steady stretch, so the animation's frames are measured too.
            if (!sameSceneIsSteady || !ReferenceEquals(scene, _scene)) _showed = true;
            _scene = scene;
            _inner.Show(scene, state);
        }

        public long Flip()
        {
            long now = GC.GetAllocatedBytesForCurrentThread();
            if (_lastFlipAllocated >= 0 && !_showed)
            {
                SteadyFrames++;
                SteadyBytes += now - _lastFlipAllocated;
                if (now - _lastFlipAllocated > 0) { AllocFrames++; if (Sizes.Count < 20) Sizes.Add(now - _lastFlipAllocated); }
            }
            _showed = false;
            long t = _inner.Flip();
            _lastFlipAllocated = GC.GetAllocatedBytesForCurrentThread();
            return t;
        }

        public void Dispose() { }
    }

    /// <summary>
    /// Runs a session and measures its steady frames. A loop that allocates does so in every run. Now and then (about
    /// one run in ten, at a moment no input of ours decides) the runtime allocates a few KB on this thread in one
    /// frame; such a one-off is told apart by measuring the same session again, at most twice. Every run's sizes are
    /// returned for the message.
    /// </summary>
    private static (SessionResult Result, MeasuringDisplay Display, List<string> Sizes) Measured(Func<(SessionResult, MeasuringDisplay)> run)
    {
        var (result, display) = run();
        var sizes = new List<string> { string.Join(",", display.Sizes) };
        for (int again = 0; again < 2 && display.SteadyBytes != 0; again++)
        {
            (result, display) = run();
            sizes.Add(string.Join(",", display.Sizes));
        }
        return (result, display, sizes);
    }

    /// <summary>A sink that keeps nothing (a list growing would allocate): the store's own Write is tested for zero allocation.</summary>
    private sealed class CountingSink : IEventSink
    {
        public long Count;
        public void SessionStarted(SessionInfo info) { }
        public void Write(in EventRecord e) => Count++;
        public void SessionEnded(SessionEnd end) { }
        public bool Flush(TimeSpan timeout) => true;
        public void Dispose() { }
    }

    /// <summary>
    /// Keys through an <see cref="InputRing"/> as the XInput2 reader hands them over: here the simulated participant's
    /// presses are written into the ring on the frame-loop thread (the reader writes from its own) and read back by Poll.
    /// </summary>
    private sealed class RingInput(IInput source) : IInput
    {
        private readonly InputRing _ring = new(64);
        private readonly InputEvent[] _staging = new InputEvent[64];
        public long Passed;

        public string Timing => InputTimings.XInput2;

        public int Poll(Span<InputEvent> buffer)
        {
            int n = source.Poll(_staging);
            for (int i = 0; i < n; i++) _ring.TryWrite(_staging[i]);
            int read = _ring.Read(buffer);
            Passed += read;
            return read;
        }

        public void SceneShown(SceneSpec scene, long onsetNs, long timeLimitNs, double cursorStart) => source.SceneShown(scene, onsetNs, timeLimitNs, cursorStart);
    }

    [Fact]
    public void KeysHandedOverThroughTheInputRingAllocateNothingPerEvent()
    {
        var paradigm = ParadigmLoader.Load(Repo.Paradigm("social-feedback-fmri.yaml")).Paradigm!;
        var plan = Planner.Make(paradigm, new SessionFacts("sub-01"));
        (SessionResult, MeasuringDisplay, RingInput) RunOnce()
        {
            var clock = new VirtualClock();
            var measuring = new MeasuringDisplay(clock);
            var ring = new RingInput(new SimulatedParticipant(clock, paradigm, new ResponderPolicy { Stray = 0.3 }, 1));
            var devices = new SessionDevices
            {
                Clock = clock, Display = measuring, Sink = new CountingSink(), Input = ring,
                Trigger = new ScannerEmulator(clock, paradigm.Scanner.TrNs, dropout: 0, seed: 3),
                Operator = new ScriptedOperator([]),
            };
            return (new SessionRunner(plan, devices, new SessionOptions { SessionId = "s", Mode = "run" }).Run(), measuring, ring);
        }
        RingInput input = null!;
        var (result, display, sizes) = Measured(() => { var (r, d, i) = RunOnce(); input = i; return (r, d); });
        Assert.Equal(SessionStatus.Completed, result.Status);
        Assert.True(input.Passed > 200, $"{input.Passed} key events through the ring");
        Assert.True(display.SteadyBytes == 0, $"{display.AllocFrames} frames allocated in each of {sizes.Count} runs: {string.Join(" | ", sizes)}");
    }

    [Fact]
    public void ThousandsOfSteadyFramesAllocateNothing()
    {
        var paradigm = ParadigmLoader.Load(Repo.Paradigm("social-feedback-fmri.yaml")).Paradigm!;
        var plan = Planner.Make(paradigm, new SessionFacts("sub-01"));
        (SessionResult, MeasuringDisplay) RunOnce()
        {
            var clock = new VirtualClock();
            var measuring = new MeasuringDisplay(clock);
            var devices = new SessionDevices
            {
                Clock = clock, Display = measuring, Sink = new CountingSink(),
                Input = new SimulatedParticipant(clock, paradigm, new ResponderPolicy(), 1),
                Trigger = new ScannerEmulator(clock, paradigm.Scanner.TrNs, dropout: 0.05, seed: 3),
                Operator = new ScriptedOperator([]),
            };
            return (new SessionRunner(plan, devices, new SessionOptions { SessionId = "s", Mode = "simulate" }).Run(), measuring);
        }
        var (result, display, sizes) = Measured(RunOnce);
        Assert.Equal(SessionStatus.Completed, result.Status);
        Assert.True(display.SteadyFrames > 20_000, $"{display.SteadyFrames} steady frames");
        Assert.True(display.SteadyBytes == 0, $"{display.AllocFrames} frames allocated in each of {sizes.Count} runs: {string.Join(" | ", sizes)}");
    }

    [Fact]
    public void TheFramesOfABallTossGameAllocateNothingWhileTheBallFlies()
    {
        var paradigm = ParadigmLoader.Load(Repo.Paradigm("cyberball-fmri.yaml")).Paradigm!;
        var plan = Planner.Make(paradigm, new SessionFacts("sub-01"));
        (SessionResult, MeasuringDisplay) RunOnce()
        {
            var clock = new VirtualClock();
            var measuring = new MeasuringDisplay(clock, sameSceneIsSteady: true);
            var devices = new SessionDevices
            {
                Clock = clock, Display = measuring, Sink = new CountingSink(),
                Input = new SimulatedParticipant(clock, paradigm, new ResponderPolicy { Miss = 0.1 }, 1),
                Trigger = new ScannerEmulator(clock, paradigm.Scanner.TrNs, dropout: 0.05, seed: 3),
                Operator = new ScriptedOperator([]),
            };
            return (new SessionRunner(plan, devices, new SessionOptions { SessionId = "s", Mode = "simulate" }).Run(), measuring);
        }
        var (result, display, sizes) = Measured(RunOnce);
        Assert.Equal(SessionStatus.Completed, result.Status);
        // Three games of 110 s at 60 Hz: throws, flights, the participant's turns and timeouts all in steady frames.
        Assert.True(display.SteadyFrames > 19_000, $"{display.SteadyFrames} steady frames");
        Assert.True(display.SteadyBytes == 0, $"{display.AllocFrames} frames allocated in each of {sizes.Count} runs: {string.Join(" | ", sizes)}");
    }
}
