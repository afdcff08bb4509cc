using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Simulation;
using ExperimentRunner.Storage.Export;

namespace ExperimentRunner.Storage.Tests;

/// <summary>
/// The plan is the researcher's proof of what will happen, and a simulated session the proof that it does: every
/// shipped paradigm, simulated the way `exrun simulate` does it (virtual clock, simulated devices) into a study
/// database, read back and assembled, equals its plan event by event.
/// </summary>
public sealed class RoundTripTests
{
    private static string Paradigms => Path.Combine(BidsValidatorTests.RepositoryRoot(), "paradigms");

    public static TheoryData<string> ShippedParadigms()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.GetFiles(Paradigms, "*.yaml").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(file));
        return data;
    }

    private static ParadigmModel Load(string path) => ParadigmLoader.Load(path).Paradigm ?? throw new InvalidOperationException(path);

    /// <summary>Simulates a session of <paramref name="file"/> into a fresh study; its plan, runner and the study's path.</summary>
    private static (Plan Plan, SessionRunner Runner, SessionResult Result, string Db) Simulate(TempFolder temp, string file, Func<EventRecord, EventRecord>? stored = null)
    {
        Plan plan = Planner.Make(Load(Path.Combine(Paradigms, file)), new SessionFacts("sub-01", "1", 7));
        string db = temp.File("study.db");
        var options = new SessionOptions { SessionId = "sub-01_ses-1_roundtrip", Mode = "simulate" };
        using var store = LiteDbStore.Open(db);
        IEventSink sink = stored is null ? store : new Rewriting(store, stored);
        var (result, runner) = Simulator.Run(plan, sink, new SimulationSettings(), options);
        Assert.True(store.Flush(TimeSpan.FromSeconds(30)));
        return (plan, runner, result, db);
    }

    [Theory]
    [MemberData(nameof(ShippedParadigms))]
    public void A_simulated_session_assembled_equals_its_plan_event_by_event(string file)
    {
        using var temp = new TempFolder();
        var (plan, runner, result, db) = Simulate(temp, file);
        Assert.Equal(SessionStatus.Completed, result.Status);
        using var reader = StudyReader.Open(db);
        StoredSession session = Assert.Single(reader.Sessions());
        Assert.Equal("completed", session.Status);
        SessionAssembly assembly = reader.Assemble(session.SessionId);
        IReadOnlyList<StoredEvent> events = assembly.Events;

        // Phases: each planned phase started and ended once, in the plan's order.
        Assert.Equal(plan.Phases.Select(p => p.Spec.Name), events.Where(e => e.Event.Kind == EventKind.PhaseStarted).Select(e => e.Event.AsPhaseStarted().Phase));
        Assert.Equal(plan.Phases.Select(p => p.Spec.Name), events.Where(e => e.Event.Kind == EventKind.PhaseEnded).Select(e => e.Event.AsPhaseEnded().Phase));

        // Runs: one acquisition each, reaching its t0, in the plan's order; nothing else.
        Assert.Equal(plan.Runs.Select(r => (r.Index, 1, true)), assembly.Acquisitions.Select(a => (a.Run, a.Number, a.HasT0)));
        Assert.Empty(events.Where((e, i) => e.Event.Kind == EventKind.ScreenOnset && e.Event.AsScreenOnset().IsPlanned && assembly.AcquisitionOf(i) is null));

        var targets = runner.Targets;
        foreach (PlannedRun run in plan.Runs)
        {
            Acquisition acquisition = assembly.AcquisitionsOf(run.Index).Single();
            var own = Enumerable.Range(0, events.Count).Where(i => assembly.AcquisitionOf(i) == acquisition).ToList();

            // Every planned screen once, in order, at its planned onset from t0, with its duration, condition and stimulus.
            var expected = run.Events.Select(e => (e.Block, e.Trial, e.Screen, OnsetNs: e.OnsetNs, e.DurationNs, Condition: ExportText.Present(e.Condition),
                Stimulus: e.ProfileId ?? (e.TargetSlot >= 0 ? targets[e.TargetSlot % targets.Count].Id : null))).ToList();
            var shown = own.Where(i => events[i].Event.Kind == EventKind.ScreenOnset && events[i].Event.AsScreenOnset().IsPlanned)
                .Select(i => (events[i].Event, T0: assembly.T0Of(i)))
                .Select(x => (x.Event.Block, x.Event.Trial, x.Event.AsScreenOnset().Screen!, OnsetNs: x.Event.AsScreenOnset().IntendedNs - x.T0,
                    x.Event.AsScreenOnset().DurationNs, Condition: ExportText.Present(x.Event.AsScreenOnset().Condition), Stimulus: x.Event.AsScreenOnset().StimulusId))
                .ToList();
            Assert.Equal(expected.Count, shown.Count);
            for (int k = 0; k < expected.Count; k++) Assert.Equal(expected[k], shown[k]);

            // Blocks: each planned block started and ended once, in order.
            var blocks = run.Blocks.Select(b => b.Index).ToList();
            Assert.Equal(blocks, own.Where(i => events[i].Event.Kind == EventKind.BlockStarted).Select(i => events[i].Event.AsBlockStarted().Block));
            Assert.Equal(blocks, own.Where(i => events[i].Event.Kind == EventKind.BlockEnded).Select(i => events[i].Event.Block));

            // Trials: the assembler's trials are the plan's, each with its condition and every screen of it.
            var plannedTrials = run.Events.Where(e => e.Trial > 0).GroupBy(e => (e.Block, e.Trial))
                .Select(g => (g.Key.Block, g.Key.Trial, ExportText.Present(g.First().Condition), string.Join(",", g.Select(e => e.Screen)))).ToList();
            var trials = assembly.Trials.Where(t => t.Run == run.Index)
                .Select(t => (t.Block, t.Trial, t.Condition, string.Join(",", t.Screens.Select(s => s.Screen)))).ToList();
            Assert.Equal(plannedTrials, trials);
            Assert.All(assembly.Trials.Where(t => t.Run == run.Index), t => Assert.Equal(acquisition.T0Ns, t.T0Ns));

            // Time from t0: every event of the run from its t0 on carries it, as the runner knew it (also those written
            // after the run that still carry its number, such as a rating phase after the scan).
            int started = own.First(i => events[i].Event.Kind == EventKind.RunStarted);
            Assert.All(own.Where(i => i >= started), i => Assert.Equal(events[i].Event.TimeNs - acquisition.T0Ns, events[i].Event.SinceT0Ns));
        }
        // Nothing planned outside the runs, and the session's planned screens are exactly the plan's.
        Assert.Equal(plan.Runs.Sum(r => r.Events.Count), events.Count(e => e.Event.Kind == EventKind.ScreenOnset && e.Event.AsScreenOnset().IsPlanned));
        Assert.All(events.Where(e => e.Event.Run == 0), e => Assert.Equal(EventRecord.None, e.Event.SinceT0Ns));
    }

    /// <summary>Records written before events carried their time from t0 are assembled from their runs' RunStarted
    /// events: a study without the field exports exactly as one with it.</summary>
    [Fact]
    public void A_study_without_times_from_t0_exports_the_same_as_one_with_them()
    {
        using var with = new TempFolder();
        using var without = new TempFolder();
        Simulate(with, "social-feedback-fmri.yaml");
        Simulate(without, "social-feedback-fmri.yaml", e => e with { SinceT0Ns = EventRecord.None });
        using (var reader = StudyReader.Open(without.File("study.db")))
            Assert.All(reader.Events(reader.Sessions().Single().SessionId), e => Assert.Equal(EventRecord.None, e.Event.SinceT0Ns));
        foreach (ExportFormat format in new[] { ExportFormat.Tsv, ExportFormat.Bids })
        {
            ExportTests.Export(with.File("study.db"), format, with.File(format.ToString()));
            ExportTests.Export(without.File("study.db"), format, without.File(format.ToString()));
            // (sessions.tsv holds each session's wall-clock start, which differs.)
            foreach (string f in Directory.GetFiles(with.File(format.ToString()), "*.tsv", SearchOption.AllDirectories).Where(f => !f.EndsWith("sessions.tsv", StringComparison.Ordinal)))
            {
                string other = Path.Combine(without.File(format.ToString()), Path.GetRelativePath(with.File(format.ToString()), f));
                Assert.True(File.ReadAllText(f) == File.ReadAllText(other), $"{Path.GetFileName(f)} differs");
            }
        }
    }

    /// <summary>Passes every event on to the store, changed as a study of an older version would hold it.</summary>
    private sealed class Rewriting(IEventSink inner, Func<EventRecord, EventRecord> change) : IEventSink
    {
        public void SessionStarted(SessionInfo info) => inner.SessionStarted(info);
        public void Write(in EventRecord e) => inner.Write(change(e));
        public void SessionEnded(SessionEnd end) => inner.SessionEnded(end);
        public bool Flush(TimeSpan timeout) => inner.Flush(timeout);
        public void Dispose() { }
    }
}
