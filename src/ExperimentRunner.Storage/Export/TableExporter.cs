using System.Text;
using ExperimentRunner.Core.Events;
using static ExperimentRunner.Storage.Export.ExportText;

namespace ExperimentRunner.Storage.Export;

/// <summary>Analysts' tables (TSV or CSV), every column documented in EXPORTS.md: <c>sessions</c> (provenance),
/// <c>trials</c> (wide: one row per trial), <c>events</c> (long: one row per event except flips) and <c>flips</c>.</summary>
internal static class TableExporter
{
    public static void Export(string root, IReadOnlyList<SessionData> sessions, char separator, List<string> files, Action<string, int> progress)
    {
        StudyFiles.EnsureFolder(root);
        string ext = separator == ',' ? ".csv" : ".tsv";
        void Save(TableWriter table, string name)
        {
            table.Write(Path.Combine(root, name + ext), separator);
            files.Add(name + ext);
        }

        Save(SessionsTable(sessions), "sessions");
        Save(TrialsTable(sessions), "trials");
        progress("trials", sessions.Count / 2);
        Save(EventsTable(sessions), "events");
        Save(FlipsTable(sessions), "flips");
        if (GameTables.GamesTable(sessions) is { } games) Save(games, "games");
        progress("events and flips", sessions.Count);
    }

    private static TableWriter SessionsTable(IReadOnlyList<SessionData> sessions)
    {
        var t = new TableWriter("participant_id", "session", "session_id", "task", "paradigm", "paradigm_sha256",
            "software_version", "software_commit", "seed", "mode", "timing", "expected_refresh_hz",
            "measured_refresh_hz", "display_resolution", "modality", "repetition_time", "trigger", "markers", "arm_code",
            "counterbalance", "started_utc", "overrides", "status", "end_reason", "resumes");
        foreach (SessionData s in sessions)
        {
            SessionInfo i = s.Info;
            t.Add(ParticipantId(i.ParticipantId), i.SessionLabel, i.SessionId, i.TaskLabel, Text(i.ParadigmName), i.ParadigmSha256,
                i.SoftwareVersion, Text(i.SoftwareCommit), i.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
                i.Mode, i.Timing, Number(i.ExpectedRefreshHz), Number(i.MeasuredRefreshHz),
                Text(i.DisplayResolution), Text(i.Modality), Number(i.RepetitionTimeS), Text(i.Trigger), Text(i.Markers),
                Text(i.ArmCode), Int(i.Counterbalance), i.StartedUtc, Text(i.Overrides), s.Session.Status,
                Text(s.Session.Reason), Int(s.Session.Resumes.Count));
        }
        return t;
    }

    /// <summary>Screen names of all trials in order of first appearance, made safe for column names.</summary>
    internal static List<string> ScreenColumns(IReadOnlyList<SessionData> sessions)
    {
        var names = new List<string>();
        foreach (SessionData s in sessions)
            foreach (TrialData trial in s.Trials)
                foreach (ScreenShown screen in trial.Screens)
                {
                    string name = ColumnName(screen.Screen);
                    if (!names.Contains(name)) names.Add(name);
                }
        return names;
    }

    internal static string ColumnName(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text.ToLowerInvariant()) sb.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        return sb.Length == 0 ? "screen" : sb.ToString();
    }

    private static TableWriter TrialsTable(IReadOnlyList<SessionData> sessions)
    {
        List<string> screens = ScreenColumns(sessions);
        var columns = new List<string> { "participant_id", "session", "session_id", "task", "run", "acquisition", "block", "trial", "condition", "stimulus_id", "stim_file" };
        foreach (string screen in screens)
        {
            columns.Add(screen + "_intended_onset");
            columns.Add(screen + "_onset");
        }
        columns.AddRange(["response", "response_screen", "response_time", "choice", "choice_screen", "choice_time",
            "prediction_outcome", "rating_name", "rating", "rating_time", "rating_history", "missed_frames", "earlier_answer", "expectancy"]);
        columns.AddRange(Scoring.TrialColumns);
        bool boxes = ResponseBoxColumns.AnyFromBox(sessions.SelectMany(s => s.Trials).Select(trial => trial.Response?.AsResponse()));
        if (boxes) columns.AddRange(ResponseBoxColumns.Names);
        var t = new TableWriter(columns.ToArray());
        foreach (SessionData s in sessions)
        {
            foreach (TrialData trial in s.Trials)
            {
                var row = new List<string>
                {
                    ParticipantId(s.Info.ParticipantId), s.Info.SessionLabel, s.Info.SessionId, s.Info.TaskLabel, Int(trial.Run),
                    Int(trial.Acquisition), Int(trial.Block), Int(trial.Trial), Text(trial.Condition), Text(trial.Stimulus), Text(trial.StimFile),
                };
                foreach (string screen in screens)
                {
                    ScreenShown? shown = trial.Screens.Cast<ScreenShown?>().FirstOrDefault(x => ColumnName(x!.Value.Screen) == screen);
                    row.Add(shown is null ? Missing : Seconds(shown.Value.IntendedNs, trial.T0Ns));
                    row.Add(shown is null ? Missing : Seconds(shown.Value.OnsetNs, trial.T0Ns));
                }
                ResponseEvent? r = trial.Response?.AsResponse();
                PredictionEvent? c = trial.Choice?.AsPrediction();
                RatingEvent? g = trial.Rating?.AsRating();
                row.Add(Text(r?.Response));
                row.Add(Text(r?.Screen));
                row.Add(r is { } response ? Duration(response.RtNs) : Missing);
                row.Add(Text(c?.Response));
                row.Add(Text(c?.Screen));
                row.Add(c is { } prediction ? Duration(prediction.RtNs) : Missing);
                row.Add(Text(trial.PredictionOutcome));
                row.Add(Text(g?.Name));
                row.Add(g is { } rating ? Number(rating.Value) : Missing);
                row.Add(g is { } rated ? Duration(rated.RtNs) : Missing);
                row.Add(Text(g?.History));
                row.Add(Int(trial.MissedFrames));
                row.Add(Text(trial.Expectancy?.Response));
                row.Add(Text(trial.Expectancy?.Text));
                row.AddRange(Scoring.TrialValues(trial));
                if (boxes) row.AddRange(ResponseBoxColumns.Values(r));
                t.Add(row.ToArray());
            }
        }
        return t;
    }

    private static TableWriter EventsTable(IReadOnlyList<SessionData> sessions)
    {
        var t = new TableWriter("participant_id", "session", "session_id", "seq", "kind", "phase", "run", "acquisition",
            "block", "trial", "screen", "condition", "stimulus_id", "response", "time", "time_base", "intended_time",
            "onset_error_ms", "duration", "response_time", "value", "code", "text");
        foreach (SessionData s in sessions)
        {
            string participant = ParticipantId(s.Info.ParticipantId);
            for (int index = 0; index < s.Events.Count; index++)
            {
                StoredEvent se = s.Events[index];
                EventRecord e = se.Event;
                Acquisition? acquisition = s.Assembly.AcquisitionOf(index);
                long t0 = s.Assembly.T0Of(index);
                // Only where intended is a deadline for the same moment; for a Rating it is the rating's onset.
                bool timed = e.Kind is EventKind.ScreenOnset or EventKind.MissedFrame or EventKind.Audio;
                long error = !timed || e.IntendedNs == EventRecord.None ? EventRecord.None : e.TimeNs - e.IntendedNs;
                t.Add(participant, s.Info.SessionLabel, s.Info.SessionId, Int(se.Seq), e.Kind.ToString(),
                    Text(e.Phase), Int(e.Run), Int(acquisition?.Number ?? 0), Int(e.Block), Int(e.Trial), Text(e.Screen),
                    Text(e.Condition), Text(e.Stimulus), Text(e.Response), Seconds(e.TimeNs, t0), TimeBase(acquisition),
                    Seconds(e.IntendedNs, t0), Ms(error), Duration(e.DurationNs), Duration(e.RtNs), Number(e.Value),
                    Int(e.Code), Text(e.Text));
            }
        }
        return t;
    }

    private static TableWriter FlipsTable(IReadOnlyList<SessionData> sessions)
    {
        var t = new TableWriter("participant_id", "session", "session_id", "run", "acquisition", "frame", "time", "time_base",
            "intended_time", "late_ms");
        foreach (SessionData s in sessions)
        {
            string participant = ParticipantId(s.Info.ParticipantId);
            foreach (FlipChunk chunk in s.FlipChunks())
            {
                Acquisition? acquisition = s.Assembly.AcquisitionAt(chunk.Run, chunk.FirstSeq);
                long t0 = s.Assembly.T0Or(acquisition);
                string run = Int(chunk.Run), number = Int(acquisition?.Number ?? 0), timeBase = TimeBase(acquisition);
                for (int i = 0; i < chunk.TimeNs.Length; i++)
                {
                    long intended = i < chunk.IntendedNs.Length ? chunk.IntendedNs[i] : EventRecord.None;
                    long frame = i < chunk.Frame.Length ? chunk.Frame[i] : -1;
                    t.Add(participant, s.Info.SessionLabel, s.Info.SessionId, run, number,
                        frame < 0 ? Missing : Int(frame), Seconds(chunk.TimeNs[i], t0), timeBase,
                        Seconds(intended, t0), Ms(intended == EventRecord.None ? EventRecord.None : chunk.TimeNs[i] - intended));
                }
            }
        }
        return t;
    }

    /// <summary>run_t0 inside an acquisition that reached its t0; session_start outside runs and before any t0.</summary>
    private static string TimeBase(Acquisition? acquisition) => acquisition is { HasT0: true } ? "run_t0" : "session_start";
}
