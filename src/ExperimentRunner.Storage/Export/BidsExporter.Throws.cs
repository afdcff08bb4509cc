using ExperimentRunner.Core.Events;
using static ExperimentRunner.Storage.Export.ExportText;

namespace ExperimentRunner.Storage.Export;

// Ball-toss games (Cyberball): one events.tsv row per throw, labelled so an analyst can model it directly.
internal static partial class BidsExporter
{
    /// <summary>The throw labels (trial_type of a throw row) and what each means, for the sidecar.</summary>
    internal static readonly IReadOnlyDictionary<string, string> ThrowTrialTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ball_to_participant"] = "a ball-toss throw by another player to the participant (onset: the flip the ball left on; duration: its flight to the flip it arrived on)",
        ["ball_to_other"] = "a ball-toss throw by another player to a player other than the participant (onset: release; duration: flight)",
        ["participant_throw"] = "the participant's throw (onset: release; duration: flight; response_time: from the ball's arrival at the participant to their choice, n/a when the time limit passed and the ball was thrown for them)",
    };

    /// <summary>The event_type level of throw rows, for a sidecar whose file has any (none otherwise: other files stay as they were).</summary>
    private static (string, string)[] ThrowEventTypes(List<(string Level, string Meaning)> trialTypes) =>
        trialTypes.Any(t => ThrowTrialTypes.ContainsKey(t.Level)) ? [("throw", "a throw of a ball-toss game (Cyberball)")] : [];

    /// <summary>
    /// A row per throw of the acquisition's games (event_type "throw"): onset the release, duration the flight (n/a
    /// when the game's screen ended with the ball in the air), trial_type the label, response_time the participant's
    /// choice time, stimulus_id the thrower, response the receiver.
    /// </summary>
    private static void AddThrowRows(IReadOnlyList<StoredEvent> own, long t0, int run, string acquisitionNumber, List<(long OnsetNs, long Seq, string[] Values)> rows,
        Dictionary<string, string> levels)
    {
        // The row has the events file's columns and, last, `correct` (n/a: a throw is not scored).
        string[] columns = [.. EventColumns, "correct"];
        int Col(string name) => Array.IndexOf(columns, name);
        var games = new HashSet<(string, string, string)>();
        foreach (StoredEvent se in own)
        {
            EventRecord e = se.Event;
            if (e.Kind != EventKind.Throw) continue;
            ThrowEvent th = e.AsThrow();
            var values = new string[columns.Length];
            Array.Fill(values, Missing);
            void Set(string column, string value)
            {
                int at = Col(column);
                if (at >= 0) values[at] = value;
            }
            Set("onset", Seconds(th.ReleaseNs, t0));
            Set("duration", Duration(th.FlightNs));
            Set("trial_type", Text(th.Label));
            if (th.Label != null) levels.TryAdd(th.Label, ThrowTrialTypes.TryGetValue(th.Label, out string? meaning) ? meaning : "a ball-toss throw");
            Set("response_time", Duration(th.RtNs));
            Set("event_type", "throw");
            Set("run", Int(run));
            Set("acquisition", acquisitionNumber);
            Set("block", Int(e.Block));
            Set("trial", Int(e.Trial));
            Set("screen", Text(e.Screen));
            Set("condition", Text(e.Condition));
            Set("stimulus_id", Text(th.Thrower));
            Set("intended_onset", Seconds(th.PlannedReleaseNs, t0));
            Set("onset_error_ms", th.PlannedReleaseNs == EventRecord.None ? Missing : Ms(th.ReleaseNs - th.PlannedReleaseNs));
            Set("response", Text(th.Receiver));
            rows.Add((e.TimeNs - t0, se.Seq, values));
            games.Add((Int(e.Block), Int(e.Trial), Text(e.Screen)));
        }
        // A game's screen row would otherwise carry the participant's first choice as the screen's answer: the
        // choices belong to the participant_throw rows.
        int block = Col("block"), trial = Col("trial"), screen = Col("screen"), eventType = Col("event_type"), rt = Col("response_time"), response = Col("response");
        if (games.Count == 0 || block < 0 || trial < 0 || screen < 0 || eventType < 0) return;
        foreach (var row in rows)
        {
            var v = row.Values;
            if (v[eventType] != "screen" || !games.Contains((v[block], v[trial], v[screen]))) continue;
            if (rt >= 0) v[rt] = Missing;
            if (response >= 0) v[response] = Missing;
        }
    }
}

/// <summary>
/// The games table of the TSV/CSV export: one row per ball-toss game (a ball_toss screen), with its throw count and
/// the count and share of throws the participant received. Null when the study has no games.
/// </summary>
internal static class GameTables
{
    public static TableWriter? GamesTable(IReadOnlyList<SessionData> sessions)
    {
        var t = new TableWriter("participant_id", "session", "session_id", "phase", "run", "block", "trial", "condition", "schedule",
            "throws", "received", "share_received", "participant_throws", "participant_timeouts", "mean_participant_rt");
        bool any = false;
        foreach (SessionData s in sessions)
        {
            var throws = new List<EventRecord>();
            foreach (StoredEvent se in s.Events)
            {
                EventRecord e = se.Event;
                if (e.Kind == EventKind.Throw) { throws.Add(e); continue; }
                if (e.Kind != EventKind.GameEnded) continue;
                any = true;
                var own = throws.Where(x => x.Run == e.Run && x.Block == e.Block && x.Trial == e.Trial && x.Screen == e.Screen).ToList();
                throws.Clear();
                var mine = own.Select(x => x.AsThrow()).Where(x => x.Label == "participant_throw").ToList();
                var rts = mine.Where(x => x.RtNs != EventRecord.None).Select(x => x.RtNs / 1e9).ToList();
                GameEndedEvent ended = e.AsGameEnded();
                int made = ended.Made, received = ended.Received;
                t.Add(ParticipantId(s.Info.ParticipantId), s.Info.SessionLabel, s.Info.SessionId, Text(e.Phase), Int(e.Run), Int(e.Block), Int(e.Trial),
                    Text(e.Condition), Text(ended.Schedule), Int(made), Int(received), made == 0 ? Missing : Number(Math.Round((double)received / made, 6)),
                    Int(mine.Count), Int(mine.Count(x => x.End == ThrowEnd.TimedOut)), rts.Count == 0 ? Missing : Number(Math.Round(rts.Average(), 6)));
            }
        }
        return any ? t : null;
    }
}
