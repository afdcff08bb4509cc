using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Simulation;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Storage.Export;
using ExperimentRunner.Storage.Resume;

namespace ExperimentRunner.Storage.Tests;

public sealed class ResumeBeforeT0Tests
{
    /// <summary>A session stopped while its first run waited for the scanner (no t0 came) did not finish that run: a
    /// resume goes back into it rather than on to the next run (0.2 counted a run so closed as finished).</summary>
    [Fact]
    public void A_run_left_while_it_waited_for_the_scanner_is_resumed_not_skipped()
    {
        string file = Path.Combine(BidsValidatorTests.RepositoryRoot(), "paradigms", "social-feedback-fmri.yaml");
        Plan plan = Planner.Make(ParadigmLoader.Load(file).Paradigm!, new SessionFacts("sub-01", "1", 5));
        var sink = new MemoryEventSink();
        // One pulse and no more: the four dummy scans never end, so run 1 never reaches its t0; the time limit stops it.
        var settings = new SimulationSettings { ScannerStopsAfter = 1 };
        var options = new SessionOptions { SessionId = "s", Mode = "simulate", MaxDurationNs = Ns.FromSeconds(900) };
        var (result, _) = Simulator.Run(plan, sink, settings, options);
        Assert.Equal(SessionStatus.Stopped, result.Status);
        var runEnded = Assert.Single(sink.Events, e => e.Kind == EventKind.RunEnded);
        Assert.True(runEnded.AsRunEnded().EndedEarly);
        Assert.DoesNotContain(sink.Events, e => e.Kind == EventKind.RunStarted);

        var record = SessionAssembly.Of(sink.Events.Select((e, i) => new StoredEvent(i, e)).ToList(), sink.Info!.StartedNs);
        Assert.False(record.RunFinished(1));
        var (point, explanation) = SessionResume.Continuation(plan, record);
        Assert.NotNull(point);
        Assert.Equal((1, 1), (point.Run, point.Block));
        Assert.Equal("continues with run 1 from its start", explanation);
    }
}
