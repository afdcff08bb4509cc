using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Files;
using ExperimentRunner.Core.Planning;
using static ExperimentRunner.Storage.Export.ExportText;

namespace ExperimentRunner.Storage.Export;

// The events.tsv of each acquisition (one scanner series each).
internal static partial class BidsExporter
{
    private static readonly string[] EventColumns =
    [
        "onset", "duration", "trial_type", "response_time", "stim_file", "value", "event_type", "run", "acquisition", "block", "trial",
        "screen", "condition", "stimulus_id", "intended_onset", "onset_error_ms", "response", "prediction",
        "prediction_outcome", "rating_name", "rating_history", "marker_code", "missed_frame", "earlier_answer", "expectancy",
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
        ScreenJoins joins = data.Assembly.Joins(acquisition);
        IReadOnlyList<StoredEvent> own = joins.Events;
        var trials = data.Trials.Where(t => t.Run == run && t.Acquisition == acquisition.Number).ToDictionary(t => (t.Block, t.Trial));
        var missed = own.Where(x => x.Event.Kind == EventKind.MissedFrame).Select(x => (x.Event.Block, x.Event.Trial, x.Event.Screen)).ToHashSet();

        var rows = new List<(long OnsetNs, long Seq, string[] Values)>();
        // The answer each row carries (by the row's event sequence), for the response box columns.
        var answers = new Dictionary<long, ResponseEvent>();
        // What each trial_type means, for the sidecar's Levels: only labels that occur in this file.
        var levels = new Dictionary<string, string>(StringComparer.Ordinal);
        string acquisitionNumber = Int(acquisition.Number);
        string? scanPhase = ScanPhaseOf(own);
        foreach (StoredEvent se in own)
        {
            EventRecord e = se.Event;
            if (e.Kind is not (EventKind.ScreenOnset or EventKind.Response)) continue;
            // The run's file holds the run: self-paced phases after it (a break, the end) carry its run number but
            // are not part of the scanner series, and the wait screen up to t0 (unplanned: no intended onset, no
            // duration) is no modelled event.
            if (scanPhase is not null && e.Phase != scanPhase) continue;
            if (e.Kind == EventKind.ScreenOnset && e.IntendedNs == EventRecord.None && e.DurationNs == EventRecord.None) continue;
            trials.TryGetValue((e.Block, e.Trial), out TrialData? trial);
            string condition = Text(Present(e.Condition) ?? trial?.Condition);
            string stimulus = Text(Present(e.Stimulus) ?? trial?.Stimulus);
            PredictionEvent? choice = trial?.AnsweredPrediction;
            if (e.Kind == EventKind.ScreenOnset)
            {
                ScreenOnsetEvent onset = e.AsScreenOnset();
                string screen = Present(onset.Screen) ?? "screen";
                long rt = EventRecord.None;
                string? answer = null;
                if (joins.AnswerTo(e.Block, e.Trial, onset.Screen) is ResponseEvent r)
                {
                    rt = r.RtNs;
                    answer = r.Answer;
                    answers[se.Seq] = r;
                }
                if (choice is PredictionEvent ch && ch.Screen == onset.Screen)
                {
                    rt = ch.RtNs;
                    answer = ch.Response;
                }
                RatingEvent? rating = joins.RatingAt(onset.OnsetNs)?.AsRating();
                if (rating is RatingEvent rr) rt = rr.RtNs;
                if (!string.IsNullOrEmpty(onset.StimFile)) stimFiles.Add(onset.StimFile);
                string? trialCondition = e.Trial > 0 ? Present(onset.Condition) ?? Present(trial?.Condition) : null;
                string trialType = Present(onset.Label) ?? EventLabels.TrialType(trialCondition, screen, null);
                levels.TryAdd(trialType, trialCondition is null ? $"the screen '{screen}' outside trials"
                    : trialType == EventLabels.TrialType(trialCondition, screen, null) ? $"the screen '{screen}' of a trial in condition '{trialCondition}'"
                    : $"the paradigm's event '{trialType}' (screen '{screen}', declared with event:)");
                rows.Add((onset.OnsetNs - t0, se.Seq,
                [
                    Seconds(onset.OnsetNs, t0), Duration(onset.DurationNs), trialType,
                    Duration(rt), Text(onset.StimFile), rating is RatingEvent rv ? Number(rv.Value) : Missing, "screen",
                    Int(run), acquisitionNumber, Int(e.Block), Int(e.Trial), screen, condition, stimulus, Seconds(onset.IntendedNs, t0),
                    onset.IsPlanned ? Ms(onset.OnsetErrorNs) : Missing,
                    Text(answer), Text(choice?.Response), Text(trial?.PredictionOutcome),
                    Text(rating?.Name), Text(rating?.History), onset.Marker > 0 ? Int(onset.Marker) : Missing,
                    missed.Contains((e.Block, e.Trial, e.Screen)) ? "1" : "0",
                    Text(trial?.Expectancy?.Response), Text(trial?.Expectancy?.Text),
                    Scoring.Correct(joins.ScoredAt(onset.OnsetNs)),
                ]));
            }
            else
            {
                ResponseEvent response = e.AsResponse();
                answers[se.Seq] = response;
                levels.TryAdd(EventLabels.Response, "a key or button press (event_type response)");
                rows.Add((e.TimeNs - t0, se.Seq,
                [
                    Seconds(e.TimeNs, t0), "0.000000", EventLabels.Response, Duration(response.RtNs), Missing, Missing, "response",
                    Int(run), acquisitionNumber, Int(e.Block), Int(e.Trial), Text(response.Screen), condition, stimulus, Missing, Missing,
                    Text(response.Answer), Missing, Missing, Missing, Missing, Missing, Missing, Missing, Missing, Missing,
                ]));
            }
        }
        AddThrowRows(own, t0, run, acquisitionNumber, rows, levels);
        bool boxes = ResponseBoxColumns.AnyFromBox(answers.Values.Select(a => (ResponseEvent?)a));
        var table = new TableWriter(boxes ? [.. EventColumns, "correct", .. ResponseBoxColumns.Names] : [.. EventColumns, "correct"]);
        foreach (var row in rows.OrderBy(r => r.OnsetNs).ThenBy(r => r.Seq))
            table.Add(boxes ? [.. row.Values, .. ResponseBoxColumns.Values(answers.TryGetValue(row.Seq, out var a) ? a : null)] : row.Values);
        SaveTable(dir, name + ".tsv", table, files, root);

        int eventTypeAt = Array.IndexOf(EventColumns, "event_type"), conditionAt = Array.IndexOf(EventColumns, "condition");
        int screenAt = Array.IndexOf(EventColumns, "screen"), predictionAt = Array.IndexOf(EventColumns, "prediction");
        var trialTypes = levels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => (l.Key, l.Value)).ToList();
        var screens = rows.Where(r => r.Values[eventTypeAt] == "screen").Select(r => r.Values[screenAt]).Distinct().Order(StringComparer.Ordinal).ToList();
        // Levels of the rows written, never of other events (a block's "positivex20+negativex20" is no condition).
        var conditions = rows.Select(r => r.Values[conditionAt]).Where(v => v != Missing).Distinct().Order(StringComparer.Ordinal).ToHashSet();
        var predictions = rows.Select(r => r.Values[predictionAt]).Where(v => v != Missing).Distinct().Order(StringComparer.Ordinal).ToList();
        WriteJson(dir, name + ".json", files, w =>
        {
            EventsSidecar(w, data.Info, trialTypes, conditions, screens, predictions);
            Scoring.DescribeCorrect(w);
            if (boxes) ResponseBoxColumns.Describe(w);
        }, root);
    }

    /// <summary>The scan phase the acquisition's run belongs to (its RunStarted's phase), or null when it has none.</summary>
    private static string? ScanPhaseOf(IReadOnlyList<StoredEvent> own)
    {
        foreach (StoredEvent se in own)
            if (se.Event.Kind == EventKind.RunStarted) return Present(se.Event.Phase);
        return null;
    }
}
