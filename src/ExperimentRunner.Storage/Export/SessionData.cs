using ExperimentRunner.Core.Events;

namespace ExperimentRunner.Storage.Export;

/// <summary>A screen of a trial: planned and actual onsets (ns, run clock), planned duration (ns).</summary>
internal readonly record struct ScreenShown(string Screen, long IntendedNs, long OnsetNs, long DurationNs, string? StimFile, long Seq);

/// <summary>Everything one trial did, gathered from its events.</summary>
internal sealed class TrialData(int run, int block, int trial, long t0Ns)
{
    public int Run { get; } = run;
    public int Block { get; } = block;
    public int Trial { get; } = trial;
    /// <summary>The run's t0 (ns, run clock) that this trial's onsets are measured from.</summary>
    public long T0Ns { get; } = t0Ns;
    public string? Condition { get; set; }
    public string? Stimulus { get; set; }
    public string? StimFile { get; set; }
    public List<ScreenShown> Screens { get; } = new();
    public EventRecord? Response { get; set; }
    public EventRecord? Choice { get; set; }
    public EventRecord? Rating { get; set; }
    public int MissedFrames { get; set; }

    /// <summary>"consistent" when a yes/no prediction agrees with the feedback (yes + acceptance, no + rejection),
    /// "violated" when not, null when there was no prediction or the condition is neither.</summary>
    public string? PredictionOutcome
    {
        get
        {
            // The engine stores the outcome it derived from the condition's feedback symbol; trust it when present.
            if (Choice?.Text is "consistent" or "violated") return Choice.Value.Text;
            string? answer = Choice?.Response?.ToLowerInvariant();
            if (answer is not ("yes" or "no") || Condition is null) return null;
            string c = Condition.ToLowerInvariant();
            bool accepted = c.Contains("accept"), rejected = c.Contains("reject");
            if (accepted == rejected) return null;
            return (answer == "yes") == accepted ? "consistent" : "violated";
        }
    }
}

/// <summary>One session as exports see it: provenance, events in order, run t0s, trials.</summary>
internal sealed class SessionData
{
    private readonly StudyReader _reader;

    public SessionData(StudyReader reader, StoredSession session)
    {
        _reader = reader;
        Session = session;
        Events = reader.Events(session.SessionId);
        Runs = StudyReader.RunsOf(Events);
        Trials = BuildTrials();
    }

    public StoredSession Session { get; }
    public SessionInfo Info => Session.Info;
    public IReadOnlyList<StoredEvent> Events { get; }
    public IReadOnlyList<StoredRun> Runs { get; }
    public IReadOnlyList<TrialData> Trials { get; }

    /// <summary>The session's flip chunks, read when asked (an hour is 216,000 flips).</summary>
    public IReadOnlyList<FlipChunk> FlipChunks() => _reader.FlipChunks(Session.SessionId);

    /// <summary>The run indices that have a RunStarted, ascending.</summary>
    public IEnumerable<int> RunIndices => Runs.Select(r => r.Run).Where(r => r > 0).Distinct().Order();

    /// <summary>The t0 (ns) for an event of <paramref name="run"/> written at <paramref name="seq"/>: the latest start
    /// of that run written before it (a run restarted after an interruption has a new t0), else its first start.
    /// For events outside runs (run 0) and runs without a start: the session's start, <see cref="SessionInfo.StartedNs"/>.</summary>
    public long T0For(int run, long seq)
    {
        long t0 = EventRecord.None;
        foreach (StoredRun r in Runs)
        {
            if (r.Run != run) continue;
            if (t0 == EventRecord.None || r.Seq <= seq) t0 = r.T0Ns;
        }
        return t0 == EventRecord.None ? Info.StartedNs : t0;
    }

    public bool HasT0(int run) => Runs.Any(r => r.Run == run);

    private List<TrialData> BuildTrials()
    {
        var trials = new Dictionary<(int, int, int), TrialData>();
        var order = new List<TrialData>();
        var ratings = new List<EventRecord>();
        foreach (StoredEvent s in Events)
        {
            EventRecord e = s.Event;
            if (e.Kind == EventKind.Rating && e.Run > 0) ratings.Add(e);
            if (e.Trial <= 0 || e.Run <= 0) continue;
            var key = (e.Run, e.Block, e.Trial);
            if (!trials.TryGetValue(key, out TrialData? t))
            {
                t = new TrialData(e.Run, e.Block, e.Trial, T0For(e.Run, s.Seq));
                trials.Add(key, t);
                order.Add(t);
            }
            t.Condition ??= ExportText.Present(e.Condition);
            if (e.Kind is EventKind.TrialStarted or EventKind.ScreenOnset) t.Stimulus ??= ExportText.Present(e.Stimulus);
            switch (e.Kind)
            {
                case EventKind.ScreenOnset:
                    t.Screens.Add(new ScreenShown(ExportText.Present(e.Screen) ?? "screen", e.IntendedNs, e.TimeNs, e.DurationNs, e.Text, s.Seq));
                    t.StimFile ??= ExportText.Present(e.Text);
                    break;
                case EventKind.Response:
                    t.Response ??= e;
                    break;
                case EventKind.Choice:
                    t.Choice ??= e;
                    break;
                case EventKind.MissedFrame:
                    t.MissedFrames++;
                    break;
            }
        }
        // A rating belongs to the trial whose screen it was given on: the rating's IntendedNs is that screen's onset.
        foreach (EventRecord r in ratings)
        {
            TrialData? owner = r.IntendedNs == EventRecord.None ? null
                : order.FirstOrDefault(t => t.Run == r.Run && t.Screens.Any(x => x.OnsetNs == r.IntendedNs));
            if (owner is null && r.Trial > 0) trials.TryGetValue((r.Run, r.Block, r.Trial), out owner);
            if (owner is not null) owner.Rating ??= r;
        }
        return order.OrderBy(t => t.Run).ThenBy(t => t.Block).ThenBy(t => t.Trial).ToList();
    }
}
