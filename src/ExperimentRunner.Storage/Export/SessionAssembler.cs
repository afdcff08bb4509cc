using ExperimentRunner.Core.Events;

namespace ExperimentRunner.Storage.Export;

/// <summary>
/// One attempt at a run: the events (and flips) of run <see cref="Run"/> written by one start of the session, measured
/// from that attempt's own t0. A run done in one go has one acquisition; each resume that goes back into a run makes
/// a new one (the scanner records a new series). <see cref="Number"/> counts the attempts at the run from 1, in the order
/// they were made, including an attempt cut off before its t0 (<see cref="HasT0"/> false: no scanner series to match).
/// </summary>
public sealed class Acquisition
{
    internal Acquisition(int run, int number, long firstSeq)
    {
        Run = run;
        Number = number;
        FirstSeq = firstSeq;
    }

    /// <summary>The 1-based run of the paradigm.</summary>
    public int Run { get; }

    /// <summary>1 for the first attempt at the run, 2 for the next (after a resume), ….</summary>
    public int Number { get; }

    /// <summary>The sequence number of its first event: events and flip chunks of the run from here on belong to it
    /// until the next acquisition of the run begins.</summary>
    public long FirstSeq { get; }

    /// <summary>The attempt's t0, ns of the run clock: as its events carry it (<see cref="EventRecord.SinceT0Ns"/>), or in
    /// records written before 0.3 its RunStarted time; <see cref="EventRecord.None"/> when it never reached one
    /// (interrupted while it waited for the scanner).</summary>
    public long T0Ns { get; internal set; } = EventRecord.None;

    /// <summary>The sequence number of its RunStarted event; <see cref="EventRecord.None"/> without one.</summary>
    public long RunStartedSeq { get; internal set; } = EventRecord.None;

    public bool HasT0 => T0Ns != EventRecord.None;

    /// <summary>Whether any event other than an interruption note belongs to it yet (while assembling).</summary>
    internal bool HasWork { get; set; }
}

/// <summary>
/// A session's events turned into runs, acquisitions and trials: the one place that decides which t0 an event is
/// measured from and which trial a response or rating belongs to. Used by every export, the QC report, `db check`
/// and resume. Derived on read from the events as stored, so databases written before acquisitions existed read the
/// same way.
/// </summary>
/// <remarks>
/// The time base: an event of an acquisition is measured from the t0 it carries (<see cref="EventRecord.SinceT0Ns"/>,
/// written by the runner); an event without one (before 0.3, or written before its run's t0) from its acquisition's t0.
/// The rule: events are taken in the order written. An event of run R opens a new acquisition of R when R has none
/// yet, when an <see cref="EventKind.Interruption"/> (written as a resumed session starts) came after the current
/// acquisition of R had done anything, or when a second RunStarted of R arrives without one. So the wait for the
/// scanner and the dummy pulses before a resumed run's new t0 belong to the new attempt, and everything written before
/// the interruption stays with the attempt it happened in.
/// </remarks>
public sealed partial class SessionAssembly
{
    private readonly Acquisition?[] _byIndex;
    private readonly Dictionary<int, List<Acquisition>> _byRun;

    private SessionAssembly(IReadOnlyList<StoredEvent> events, long sessionStartNs, Acquisition?[] byIndex,
        List<Acquisition> acquisitions, Dictionary<int, List<Acquisition>> byRun)
    {
        Events = events;
        SessionStartNs = sessionStartNs;
        _byIndex = byIndex;
        _byRun = byRun;
        Acquisitions = acquisitions;
        Trials = BuildTrials();
        CompletedBlocks = events.Where(e => e.Event.Kind == EventKind.BlockEnded).Select(e => (e.Event.Run, e.Event.Block)).ToHashSet();
    }

    /// <summary>The session's events other than flips, in the order written.</summary>
    public IReadOnlyList<StoredEvent> Events { get; }

    /// <summary>The session's start, ns of the run clock: the time base of events outside runs.</summary>
    public long SessionStartNs { get; }

    /// <summary>Every acquisition, in the order each began.</summary>
    public IReadOnlyList<Acquisition> Acquisitions { get; }

    /// <summary>(run, block) pairs that have a BlockEnded event in any acquisition: what resume must not repeat.</summary>
    public IReadOnlySet<(int Run, int Block)> CompletedBlocks { get; }

    /// <summary>Trials (one per run, acquisition, block and trial), in run, acquisition, block, trial order.</summary>
    internal IReadOnlyList<TrialData> Trials { get; }

    /// <summary>The run starts: one per acquisition that reached its t0, in the order each began.</summary>
    public IReadOnlyList<StoredRun> Runs => Acquisitions.Where(a => a.HasT0).Select(a => new StoredRun(a.Run, a.T0Ns, a.RunStartedSeq, a.Number)).ToList();

    /// <summary>The run indices that have an event, ascending.</summary>
    public IEnumerable<int> RunIndices => _byRun.Keys.Order();

    /// <summary>Assembles a session from its events (in the order written, as <see cref="StudyReader.Events"/> gives them).</summary>
    public static SessionAssembly Of(IReadOnlyList<StoredEvent> events, long sessionStartNs)
    {
        var byIndex = new Acquisition?[events.Count];
        var all = new List<Acquisition>();
        var byRun = new Dictionary<int, List<Acquisition>>();
        var current = new Dictionary<int, Acquisition>();
        var closed = new HashSet<int>();
        for (int i = 0; i < events.Count; i++)
        {
            EventRecord e = events[i].Event;
            if (e.Kind == EventKind.Interruption)
            {
                // A new start of the session: every attempt that did something is over.
                foreach (Acquisition a in current.Values)
                    if (a.HasWork) closed.Add(a.Run);
            }
            if (e.Run <= 0) continue;
            bool exists = current.TryGetValue(e.Run, out Acquisition? acquisition);
            if (!exists || closed.Remove(e.Run) || (e.Kind == EventKind.RunStarted && acquisition!.RunStartedSeq != EventRecord.None))
            {
                acquisition = new Acquisition(e.Run, (acquisition?.Number ?? 0) + 1, events[i].Seq);
                current[e.Run] = acquisition;
                all.Add(acquisition);
                if (!byRun.TryGetValue(e.Run, out List<Acquisition>? list)) byRun.Add(e.Run, list = new List<Acquisition>());
                list.Add(acquisition);
            }
            // The t0 the runner stamped on the event; before 0.3 only the RunStarted event says it.
            if (!acquisition!.HasT0 && e.SinceT0Ns != EventRecord.None) acquisition.T0Ns = e.TimeNs - e.SinceT0Ns;
            if (e.Kind == EventKind.RunStarted)
            {
                if (!acquisition.HasT0) acquisition.T0Ns = e.AsRunStarted().T0Ns;
                acquisition.RunStartedSeq = events[i].Seq;
            }
            if (e.Kind != EventKind.Interruption) acquisition!.HasWork = true;
            byIndex[i] = acquisition;
        }
        return new SessionAssembly(events, sessionStartNs, byIndex, all, byRun);
    }

    /// <summary>The acquisition of the event at <paramref name="index"/> in <see cref="Events"/>; null outside runs.</summary>
    public Acquisition? AcquisitionOf(int index) => _byIndex[index];

    /// <summary>The acquisitions of <paramref name="run"/>, in order; empty when it has none.</summary>
    public IReadOnlyList<Acquisition> AcquisitionsOf(int run) => _byRun.TryGetValue(run, out List<Acquisition>? list) ? list : [];

    /// <summary>The acquisition of <paramref name="run"/> that something written at <paramref name="seq"/> belongs to
    /// (a flip chunk by its first sequence number): the latest one begun at or before it, else the first; null outside
    /// runs or for a run without events.</summary>
    public Acquisition? AcquisitionAt(int run, long seq)
    {
        if (run <= 0 || !_byRun.TryGetValue(run, out List<Acquisition>? list)) return null;
        Acquisition found = list[0];
        foreach (Acquisition a in list)
            if (a.FirstSeq <= seq) found = a;
        return found;
    }

    /// <summary>The time base of something in <paramref name="acquisition"/>: its t0, or the session's start outside runs
    /// and for an attempt that never reached t0.</summary>
    public long T0Or(Acquisition? acquisition) => acquisition is { HasT0: true } ? acquisition.T0Ns : SessionStartNs;

    /// <summary>The time base of the event at <paramref name="index"/> in <see cref="Events"/>: the t0 it carries, else its
    /// acquisition's (<see cref="T0Or"/>).</summary>
    public long T0Of(int index)
    {
        Acquisition? acquisition = _byIndex[index];
        EventRecord e = Events[index].Event;
        return acquisition is { HasT0: true } && e.SinceT0Ns != EventRecord.None ? e.TimeNs - e.SinceT0Ns : T0Or(acquisition);
    }

    /// <summary>Whether <paramref name="run"/> ended as planned (a RunEnded that was not cut short, nor left before its
    /// t0) in any attempt.</summary>
    public bool RunFinished(int run) => Events.Any(e => e.Event.Kind == EventKind.RunEnded && e.Event.Run == run && !e.Event.AsRunEnded().EndedEarly);

    private List<TrialData> BuildTrials()
    {
        var trials = new Dictionary<(int, int, int, int), TrialData>();
        var order = new List<TrialData>();
        for (int i = 0; i < Events.Count; i++)
        {
            StoredEvent s = Events[i];
            EventRecord e = s.Event;
            Acquisition? acquisition = _byIndex[i];
            if (acquisition is null || e.Trial <= 0) continue;
            var key = (e.Run, acquisition.Number, e.Block, e.Trial);
            if (!trials.TryGetValue(key, out TrialData? t))
            {
                t = new TrialData(e.Run, acquisition.Number, e.Block, e.Trial, T0Or(acquisition));
                trials.Add(key, t);
                order.Add(t);
            }
            t.Condition ??= ExportText.Present(e.Condition);
            if (e.Kind is EventKind.TrialStarted or EventKind.ScreenOnset) t.Stimulus ??= ExportText.Present(e.Stimulus);
            switch (e.Kind)
            {
                case EventKind.ScreenOnset:
                    ScreenOnsetEvent onset = e.AsScreenOnset();
                    t.Screens.Add(new ScreenShown(ExportText.Present(onset.Screen) ?? "screen", onset.IntendedNs, onset.OnsetNs, onset.DurationNs, onset.StimFile, s.Seq));
                    t.StimFile ??= ExportText.Present(onset.StimFile);
                    break;
                case EventKind.Response:
                    t.Response ??= e;
                    break;
                case EventKind.Choice:
                    t.Choice ??= e;
                    break;
                case EventKind.Scored:
                    t.Scored.Add(e);
                    break;
                case EventKind.Expectancy:
                    t.Expectancy ??= e;
                    break;
                case EventKind.MissedFrame:
                    t.MissedFrames++;
                    break;
            }
        }
        // A rating belongs to the trial whose screen it was given on (ScreenJoins.RatingAt), in the same acquisition.
        foreach (TrialData t in order)
        {
            Acquisition a = AcquisitionsOf(t.Run).First(x => x.Number == t.Acquisition);
            foreach (ScreenShown screen in t.Screens)
                if (t.Rating is null && Joins(a).RatingAt(screen.OnsetNs) is { } rating) t.Rating = rating;
        }
        return order.OrderBy(t => t.Run).ThenBy(t => t.Acquisition).ThenBy(t => t.Block).ThenBy(t => t.Trial).ToList();
    }
}

/// <summary>A screen of a trial: planned and actual onsets (ns, run clock), planned duration (ns).</summary>
internal readonly record struct ScreenShown(string Screen, long IntendedNs, long OnsetNs, long DurationNs, string? StimFile, long Seq);

/// <summary>Everything one trial of one acquisition did, gathered from its events.</summary>
internal sealed class TrialData(int run, int acquisition, int block, int trial, long t0Ns)
{
    public int Run { get; } = run;
    public int Acquisition { get; } = acquisition;
    public int Block { get; } = block;
    public int Trial { get; } = trial;
    /// <summary>The acquisition's t0 (ns, run clock) that this trial's onsets are measured from.</summary>
    public long T0Ns { get; } = t0Ns;
    public string? Condition { get; set; }
    public string? Stimulus { get; set; }
    public string? StimFile { get; set; }
    public List<ScreenShown> Screens { get; } = new();
    public EventRecord? Response { get; set; }
    public EventRecord? Choice { get; set; }
    public EventRecord? Rating { get; set; }
    public int MissedFrames { get; set; }
    /// <summary>The outcomes of the trial's scored screens (<c>correct:</c>), in the order shown.</summary>
    public List<EventRecord> Scored { get; } = new();

    /// <summary>The trial's expectancy from an earlier answer (a scan's <c>earlier:</c>), or null.</summary>
    public EventRecord? Expectancy { get; set; }

    /// <summary>"consistent" or "violated" as the engine decided it (<see cref="PredictionOutcomes.Of"/>): on the
    /// prediction (the option's <c>expects:</c> against the condition's <c>valence:</c>), else on the expectancy from an
    /// earlier answer; null without either.</summary>
    public string? PredictionOutcome => Choice is { } c && c.IsPrediction() && c.AsPrediction().Outcome.Name() is { } named ? named
        : Expectancy?.AsExpectancy().Confirms switch { true => "consistent", false => "violated", null => null };

    /// <summary>The trial's prediction when it was answered; null otherwise.</summary>
    public PredictionEvent? AnsweredPrediction => Choice is { } c && c.IsPrediction() && c.AsPrediction() is { Answered: true } p ? p : null;
}
