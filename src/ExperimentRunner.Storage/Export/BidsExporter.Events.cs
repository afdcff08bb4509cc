using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Files;
using static ExperimentRunner.Storage.Export.ExportText;

namespace ExperimentRunner.Storage.Export;

// The events.tsv of each acquisition (one scanner series each).
internal static partial class BidsExporter
{
    private static readonly string[] EventColumns =
    [
        "onset", "duration", "trial_type", "response_time", "stim_file", "value", "event_type", "run", "acquisition", "block", "trial",
        "screen", "condition", "stimulus_id", "intended_onset", "onset_error_ms", "response", "prediction",
        "prediction_outcome", "rating_name", "rating_history", "marker_code", "missed_frame",
    ];

    /// <summary>The acquisitions of <paramref name="run"/> that reached their t0 (each one scanner series); a note for
    /// each attempt cut off before its t0, which has no events file.</summary>
    private static List<Acquisition> Scanned(SessionData data, int run, string sub, string ses, List<string> notes)
    {
        foreach (Acquisition a in data.Assembly.AcquisitionsOf(run).Where(a => !a.HasT0))
            notes.Add($"sub-{sub} ses-{ses} run {run}, acquisition {a.Number}: interrupted before its t0 (while it waited for the scanner); no events file (its events are in the tsv/json exports)");
        return data.Assembly.AcquisitionsOf(run).Where(a => a.HasT0).ToList();
    }

    /// <summary>The events of one acquisition: the rows of exactly one scanner series, in seconds from its own t0.</summary>
    private static void WriteRunEvents(string root, string dir, string name, SessionData data, Acquisition acquisition, List<string> files, ISet<string> stimFiles)
    {
        int run = acquisition.Run;
        long t0 = acquisition.T0Ns;
        var own = Enumerable.Range(0, data.Events.Count).Where(i => data.Assembly.AcquisitionOf(i) == acquisition).Select(i => data.Events[i]).ToList();
        var trials = data.Trials.Where(t => t.Run == run && t.Acquisition == acquisition.Number).ToDictionary(t => (t.Block, t.Trial));
        var missed = new HashSet<(int, int, string?)>();
        var responses = new Dictionary<(int, int, string?), EventRecord>();
        var ratings = new Dictionary<long, EventRecord>();
        var unplacedRatings = new List<EventRecord>();
        foreach (StoredEvent se in own)
        {
            EventRecord e = se.Event;
            switch (e.Kind)
            {
                case EventKind.MissedFrame:
                    missed.Add((e.Block, e.Trial, e.Screen));
                    break;
                case EventKind.Response:
                    // The first answer within the screen's window (Code 0) wins over keys pressed outside it.
                    var key = (e.Block, e.Trial, e.Screen);
                    if (!responses.TryGetValue(key, out EventRecord first) || (first.Code != 0 && e.Code == 0)) responses[key] = e;
                    break;
                case EventKind.Rating:
                    if (e.IntendedNs != EventRecord.None) ratings.TryAdd(e.IntendedNs, e);
                    else unplacedRatings.Add(e);
                    break;
            }
        }
        // A rating without its onset goes to the last screen that began before it did.
        var screenOnsets = own.Where(x => x.Event.Kind == EventKind.ScreenOnset).Select(x => x.Event.TimeNs).Order().ToList();
        foreach (EventRecord r in unplacedRatings)
        {
            long began = r.RtNs != EventRecord.None ? r.TimeNs - r.RtNs : r.TimeNs;
            long owner = screenOnsets.LastOrDefault(t => t <= began + 1_000_000, EventRecord.None);
            if (owner != EventRecord.None) ratings.TryAdd(owner, r);
        }

        var rows = new List<(long OnsetNs, long Seq, string[] Values)>();
        string acquisitionNumber = Int(acquisition.Number);
        foreach (StoredEvent se in own)
        {
            EventRecord e = se.Event;
            if (e.Kind is not (EventKind.ScreenOnset or EventKind.Response)) continue;
            trials.TryGetValue((e.Block, e.Trial), out TrialData? trial);
            string condition = Text(Present(e.Condition) ?? trial?.Condition);
            string stimulus = Text(Present(e.Stimulus) ?? trial?.Stimulus);
            EventRecord? choice = trial?.Choice is EventRecord c && c.Code == 0 ? c : null;
            if (e.Kind == EventKind.ScreenOnset)
            {
                string screen = Present(e.Screen) ?? "screen";
                long rt = EventRecord.None;
                string? answer = null;
                if (responses.TryGetValue((e.Block, e.Trial, e.Screen), out EventRecord r) && r.Code == 0)
                {
                    rt = r.RtNs;
                    answer = r.Response ?? r.Text;
                }
                if (choice is EventRecord ch && ch.Screen == e.Screen)
                {
                    rt = ch.RtNs;
                    answer = ch.Response;
                }
                EventRecord? rating = ratings.TryGetValue(e.TimeNs, out EventRecord g) ? g : null;
                if (rating is EventRecord rr) rt = rr.RtNs;
                if (!string.IsNullOrEmpty(e.Text)) stimFiles.Add(e.Text);
                rows.Add((e.TimeNs - t0, se.Seq,
                [
                    Seconds(e.TimeNs, t0), Duration(e.DurationNs), TrialTypes.Of(Present(e.Condition) ?? trial?.Condition, screen),
                    Duration(rt), Text(e.Text), rating is null ? Missing : Number(rating.Value.Value), "screen",
                    Int(run), acquisitionNumber, Int(e.Block), Int(e.Trial), screen, condition, stimulus, Seconds(e.IntendedNs, t0),
                    e.IntendedNs == EventRecord.None ? Missing : Ms(e.TimeNs - e.IntendedNs),
                    Text(answer), Text(choice?.Response), Text(trial?.PredictionOutcome),
                    Text(rating?.Screen), Text(rating?.Text), e.Code > 0 ? Int(e.Code) : Missing,
                    missed.Contains((e.Block, e.Trial, e.Screen)) ? "1" : "0",
                ]));
            }
            else
            {
                rows.Add((e.TimeNs - t0, se.Seq,
                [
                    Seconds(e.TimeNs, t0), "0.000000", "response", Duration(e.RtNs), Missing, Missing, "response",
                    Int(run), acquisitionNumber, Int(e.Block), Int(e.Trial), Text(e.Screen), condition, stimulus, Missing, Missing,
                    Text(e.Response ?? e.Text), Missing, Missing, Missing, Missing, Missing, Missing,
                ]));
            }
        }
        var table = new TableWriter(EventColumns);
        foreach (var row in rows.OrderBy(r => r.OnsetNs).ThenBy(r => r.Seq)) table.Add(row.Values);
        SaveTable(dir, name + ".tsv", table, files, root);

        int trialTypeAt = Array.IndexOf(EventColumns, "trial_type"), eventTypeAt = Array.IndexOf(EventColumns, "event_type");
        int screenAt = Array.IndexOf(EventColumns, "screen"), predictionAt = Array.IndexOf(EventColumns, "prediction");
        var trialTypes = rows.Select(r => r.Values[trialTypeAt]).Distinct().Order(StringComparer.Ordinal).ToList();
        var screens = rows.Where(r => r.Values[eventTypeAt] == "screen").Select(r => r.Values[screenAt]).Distinct().Order(StringComparer.Ordinal).ToList();
        var conditions = own.Where(x => !string.IsNullOrEmpty(x.Event.Condition)).Select(x => x.Event.Condition!)
            .Distinct().Order(StringComparer.Ordinal).ToHashSet();
        var predictions = rows.Select(r => r.Values[predictionAt]).Where(v => v != Missing).Distinct().Order(StringComparer.Ordinal).ToList();
        WriteJson(dir, name + ".json", files, w => EventsSidecar(w, data.Info, trialTypes, conditions, screens, predictions), root);
    }
}
