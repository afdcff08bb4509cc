using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Simulation;

namespace ExperimentRunner.Core.Tests;

public class SimulationTests
{
    private static ParadigmModel Load(string name)
    {
        var result = ParadigmLoader.Load(Repo.Paradigm(name));
        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
        return result.Paradigm!;
    }

    private static (SessionResult, MemoryEventSink, Plan, SessionRunner) Simulate(string name, SimulationSettings? settings = null, IOperatorControl? op = null, string participant = "sub-01")
    {
        var paradigm = Load(name);
        var plan = Planner.Make(paradigm, new SessionFacts(participant));
        var sink = new MemoryEventSink();
        var (result, runner) = Simulator.Run(plan, sink, settings ?? new SimulationSettings(), new SessionOptions { SessionId = "s1", Mode = "simulate" }, op);
        return (result, sink, plan, runner);
    }

    [Theory]
    [InlineData("social-feedback-fmri.yaml")]
    [InlineData("social-feedback-pet.yaml")]
    [InlineData("social-judgment-fmri.yaml")]
    [InlineData("social-judgment-control-fmri.yaml")]
    public void ASimulatedSessionShowsEveryScreenOnThePlannedFrame(string paradigm)
    {
        var (result, sink, plan, _) = Simulate(paradigm);
        Assert.Equal(SessionStatus.Completed, result.Status);
        var onsets = sink.Events.Where(e => e.Kind == EventKind.ScreenOnset && e.Run > 0 && e.IntendedNs != EventRecord.None).ToList();
        int planned = plan.Runs.Sum(r => r.Events.Count);
        Assert.Equal(planned, onsets.Count);
        // Frame-locked: each screen appears on the flip nearest its intended onset (t0 + plan), i.e. on the plan's frame.
        const long period = 16_666_667;
        // The pulse that is t0 is seen only after the flip that follows it, so a screen planned at t0 itself appears on
        // the next flip (1–2 frames after t0); every later one is on its frame.
        var t0 = sink.Events.Where(e => e.Kind == EventKind.RunStarted).ToDictionary(e => e.Run, e => e.TimeNs);
        var timed = onsets.Where(e => e.IntendedNs - t0[e.Run] >= 2 * period).ToList();
        Assert.All(onsets.Except(timed), e => Assert.InRange(e.TimeNs - e.IntendedNs, 0, 2 * period));
        Assert.All(timed, e => Assert.True(Math.Abs(e.TimeNs - e.IntendedNs) <= period / 2, e.ToString()));
        var plannedFrames = plan.Runs.SelectMany(r => r.Events).Where(e => e.OnsetNs >= 2 * period).Select(e => e.OnsetFrame).ToList();
        var actualFrames = timed.Select(e => (long)Math.Round((e.TimeNs - t0[e.Run]) / (1e9 / 60))).ToList();
        Assert.Equal(plannedFrames, actualFrames);
        Assert.Equal(0, result.MissedFrames);
    }

    [Fact]
    public void DroppedFramesDelayOnlyTheScreenTheyHit()
    {
        var clean = Simulate("social-feedback-fmri.yaml");
        var cleanOnsets = clean.Item2.Events.Where(e => e.Kind == EventKind.ScreenOnset && e.Run > 0).ToList();
        // Drop the flip exactly on a planned onset in run 1 and some others.
        var run1 = clean.Item2.Events.Where(e => e.Kind == EventKind.Flip && e.Run == 1).ToList();
        long target = cleanOnsets[10].TimeNs;
        long flipIndex = (long)run1.First(f => f.TimeNs == target).Value - 1;
        var (result, sink, _, _) = Simulate("social-feedback-fmri.yaml", new SimulationSettings { DropFrames = [flipIndex, flipIndex + 500, flipIndex + 1000] });
        var onsets = sink.Events.Where(e => e.Kind == EventKind.ScreenOnset && e.Run > 0).ToList();
        Assert.Equal(cleanOnsets.Count, onsets.Count);
        Assert.Equal(3, result.MissedFrames);
        Assert.Equal(3, sink.Events.Count(e => e.Kind == EventKind.MissedFrame));
        // The screen whose flip was dropped is one frame late; every other onset is exactly where it was without drops.
        Assert.Equal(cleanOnsets[10].TimeNs + 16_666_667, onsets[10].TimeNs);
        int lateCount = 0;
        for (int i = 0; i < onsets.Count; i++)
        {
            long shift = onsets[i].TimeNs - cleanOnsets[i].TimeNs;
            Assert.True(shift == 0 || shift == 16_666_667, $"onset {i} moved by {shift} ns");
            if (shift != 0) lateCount++;
        }
        Assert.InRange(lateCount, 1, 3);
        Assert.Equal(cleanOnsets[11].TimeNs, onsets[11].TimeNs);
    }
}
