using ExperimentRunner.Core.Events;

namespace ExperimentRunner.Storage.Export;

// Which response and which rating belong to each screen of an acquisition: decided here once, for every export.
public sealed partial class SessionAssembly
{
    private readonly Dictionary<Acquisition, ScreenJoins> _joins = new();

    /// <summary>The events of <paramref name="acquisition"/>, in the order written.</summary>
    internal IReadOnlyList<StoredEvent> EventsOf(Acquisition acquisition) => Joins(acquisition).Events;

    /// <summary>The responses and ratings of <paramref name="acquisition"/>'s screens (built once, when first asked).</summary>
    internal ScreenJoins Joins(Acquisition acquisition)
    {
        if (!_joins.TryGetValue(acquisition, out ScreenJoins? joins))
        {
            var own = new List<StoredEvent>();
            for (int i = 0; i < Events.Count; i++)
                if (_byIndex[i] == acquisition) own.Add(Events[i]);
            _joins.Add(acquisition, joins = new ScreenJoins(own));
        }
        return joins;
    }
}

/// <summary>
/// The screens of one acquisition and what answered them: the first response a screen took in its window (a key
/// pressed outside the window never answers it), and the rating given on it (joined by the screen's onset, which the
/// rating carries; a rating without one, in old records, goes to the last screen that began before it).
/// </summary>
internal sealed class ScreenJoins
{
    private readonly Dictionary<(int Block, int Trial, string? Screen), ResponseEvent> _answers = new();
    private readonly Dictionary<long, EventRecord> _ratings = new();
    private readonly Dictionary<long, EventRecord> _scored = new();

    public ScreenJoins(IReadOnlyList<StoredEvent> events)
    {
        Events = events;
        var unplaced = new List<EventRecord>();
        foreach (StoredEvent se in events)
        {
            EventRecord e = se.Event;
            switch (e.Kind)
            {
                case EventKind.Response:
                    ResponseEvent response = e.AsResponse();
                    if (response.InWindow) _answers.TryAdd((e.Block, e.Trial, e.Screen), response);
                    break;
                case EventKind.Scored:
                    ScoredEvent scored = e.AsScored();
                    if (scored.ScreenOnsetNs != EventRecord.None) _scored.TryAdd(scored.ScreenOnsetNs, e);
                    break;
                case EventKind.Rating:
                    RatingEvent rating = e.AsRating();
                    if (rating.ScreenOnsetNs != EventRecord.None) _ratings.TryAdd(rating.ScreenOnsetNs, e);
                    else unplaced.Add(e);
                    break;
            }
        }
        var onsets = events.Where(x => x.Event.Kind == EventKind.ScreenOnset).Select(x => x.Event.TimeNs).Order().ToList();
        foreach (EventRecord r in unplaced)
        {
            long began = r.RtNs != EventRecord.None ? r.TimeNs - r.RtNs : r.TimeNs;
            long owner = onsets.LastOrDefault(t => t <= began + 1_000_000, EventRecord.None);
            if (owner != EventRecord.None) _ratings.TryAdd(owner, r);
        }
    }

    /// <summary>The acquisition's events, in the order written.</summary>
    public IReadOnlyList<StoredEvent> Events { get; }

    /// <summary>The scoring of the screen whose onset was <paramref name="onsetNs"/>; null when it was not scored.</summary>
    /// <summary>The acquisition scored at least one screen (<c>correct:</c> in the paradigm).</summary>
    public bool AnyScored => _scored.Count > 0;

    public ScoredEvent? ScoredAt(long onsetNs) => _scored.TryGetValue(onsetNs, out EventRecord e) ? e.AsScored() : null;

    /// <summary>The first response screen <paramref name="screen"/> of (block, trial) took in its window; null if none.</summary>
    public ResponseEvent? AnswerTo(int block, int trial, string? screen) =>
        _answers.TryGetValue((block, trial, screen), out ResponseEvent r) ? r : null;

    /// <summary>The rating given on the screen whose onset was <paramref name="onsetNs"/>; null if none.</summary>
    public EventRecord? RatingAt(long onsetNs) => _ratings.TryGetValue(onsetNs, out EventRecord r) ? r : null;
}
