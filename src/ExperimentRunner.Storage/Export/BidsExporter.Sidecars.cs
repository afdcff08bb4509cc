using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Files;
using static ExperimentRunner.Storage.Export.ExportText;

namespace ExperimentRunner.Storage.Export;

// The JSON sidecars that describe every column of the events and sessions tables.
internal static partial class BidsExporter
{
    private static void EventsSidecar(Utf8JsonWriter w, SessionInfo info, List<(string Level, string Meaning)> trialTypes, HashSet<string> conditions, List<string> screens, List<string> predictions)
    {
        Describe(w, "onset", "Onset", "Time of the event from the run's t0 (the first counted scanner pulse after the dummy scans, or the operator's start where no scanner sends pulses). For a screen: the completion of the display flip that showed it. For a response: when the key came off the input queue.", "s");
        Describe(w, "duration", "Duration", "Planned duration of the screen (its actual end is the next screen's onset); 0 for a response.", "s");
        DescribeLevels(w, "trial_type", "Trial type", "One label per modelled event, to fit as is: the screen's declared event label, else <condition>_<screen> for a screen of a trial, else the screen's name (lead-in, lead-out, rest, a rating between blocks); \"response\" for a key or button press, which no screen carries.",
            trialTypes);
        Describe(w, "response_time", "Response time", "From the onset of the screen the answer belongs to until the answer (a key press, a yes/no prediction, or the confirmation of a rating); n/a when no answer came in time (a miss) or none was asked for.", "s");
        Describe(w, "stim_file", "Stimulus file", "The image shown on this screen, relative to the dataset's /stimuli folder (the paradigm's stimuli root); n/a for screens without an image.");
        Describe(w, "value", "Rating value", "The final value of the rating given on this screen (scale as in the paradigm); n/a on other rows and when the rating timed out.");
        DescribeLevels(w, "event_type", "Event type", "What the row records.", [("screen", "a screen appeared"), ("response", "a key or button press"), .. ThrowEventTypes(trialTypes)]);
        Describe(w, "run", "Run", "1-based run index within the session (also in the file name).");
        Describe(w, "acquisition", "Acquisition", "Which attempt at the run this file records: 1 for the first, one more for each resume that went back into the run (each attempt is its own scanner series with its own t0; a run with several has one file per attempt, named _acq-attempt<n>).");
        Describe(w, "block", "Block", "1-based block index within the run; 0 outside blocks.");
        Describe(w, "trial", "Trial", "1-based trial index within the block; 0 outside trials.");
        DescribeLevels(w, "screen", "Screen", "The screen of the trial, by its name in the paradigm (for a response: the screen it fell in).",
            screens.Select(s => (s, $"the paradigm's '{s}' screen")).ToList());
        w.WritePropertyName("condition");
        w.WriteStartObject();
        w.WriteString("LongName", "Condition");
        w.WriteString("Description", "The trial's condition in the paradigm; n/a outside trials.");
        if (conditions.Count > 0)
        {
            w.WriteStartObject("Levels");
            foreach (string c in conditions.Order(StringComparer.Ordinal)) w.WriteString(c, $"condition '{c}' of the paradigm");
            w.WriteEndObject();
        }
        w.WriteEndObject();
        Describe(w, "stimulus_id", "Stimulus identifier", "The profile (or other stimulus) shown in the trial, by its id in the paradigm.");
        Describe(w, "intended_onset", "Intended onset", "The onset the plan scheduled, from the run's t0 (non-slip timing: from the plan, never from the previous trial's end).", "s");
        Describe(w, "onset_error_ms", "Onset error", "onset minus intended_onset: how late the flip that showed the screen was.", "ms");
        Describe(w, "response", "Response", "The answer given on this screen (the key's name, or the prediction yes/no); n/a when none.");
        DescribeLevels(w, "prediction", "Prediction", "The participant's answer to the trial's prediction question (e.g. will this person like me?), as the paradigm names its options; repeated on every screen row of the trial; n/a when none was given.",
            predictions.Select(p => (p, $"the paradigm's '{p}' option")).ToList());
        DescribeLevels(w, "prediction_outcome", "Prediction outcome", "Whether the feedback matched what the participant expected: the valence the paradigm declares for the prediction's option (expects:) or for the earlier answer (earlier_answer), against the valence of the trial's condition (valence:); repeated on every screen row of the trial; n/a without a prediction or without declared valences.",
            [("consistent", "the feedback matched the expectation"), ("violated", "the feedback contradicted the expectation")]);
        Describe(w, "rating_name", "Rating name", "The rating scale given on this screen, by its name in the paradigm.");
        Describe(w, "rating_history", "Rating cursor history", "Every cursor position of the rating as ms:value pairs separated by ';', in milliseconds from the rating's onset.");
        Describe(w, "marker_code", "Marker code", "The event marker code sent to other equipment (EEG, physiology) at this screen's onset; n/a when none was sent.");
        Describe(w, "earlier_answer", "Earlier answer", "The answer the participant gave this trial's profile in the selection phase the scan takes its targets from (earlier:), often in an earlier session; repeated on every screen row of the trial; n/a otherwise.");
        DescribeLevels(w, "expectancy", "Expectancy", "The feedback the earlier answer expects, as the paradigm declares it (expects: on the choice); n/a when it declares none.",
            [("positive", "the answer expects acceptance"), ("negative", "the answer expects rejection")]);
        DescribeLevels(w, "missed_frame", "Missed frame", "1 when a flip of this screen came later than its deadline by more than half a refresh period.",
            [("0", "no missed frame"), ("1", "at least one missed frame")]);

        w.WriteStartObject("StimulusPresentation");
        w.WriteString("OperatingSystem", info.OperatingSystem ?? $"not recorded by ExperimentRunner {info.SoftwareVersion}");
        w.WriteString("SoftwareName", "ExperimentRunner");
        w.WriteString("SoftwareVersion", info.SoftwareCommit is null ? info.SoftwareVersion : $"{info.SoftwareVersion} ({info.SoftwareCommit})");
        double refresh = info.MeasuredRefreshHz > 0 ? info.MeasuredRefreshHz : info.ExpectedRefreshHz;
        if (refresh > 0) w.WriteNumber("ScreenRefreshRate", Math.Round(refresh, 3));
        if (Resolution(info.DisplayResolution) is (int width, int height))
        {
            w.WriteStartArray("ScreenResolution");
            w.WriteNumberValue(width);
            w.WriteNumberValue(height);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void SessionsSidecar(Utf8JsonWriter w)
    {
        Describe(w, "session_id", "Session", "BIDS session label (ses-<label>).");
        Describe(w, "exrun_session_id", "ExperimentRunner session id", "The session's id in the study database.");
        Describe(w, "started_utc", "Start time", "Wall-clock start of the session, ISO 8601 UTC.");
        Describe(w, "paradigm", "Paradigm", "The paradigm's name.");
        Describe(w, "paradigm_sha256", "Paradigm hash", "SHA-256 of the paradigm file's text as run.");
        Describe(w, "software_version", "Software version", "ExperimentRunner's version that ran the session.");
        Describe(w, "seed", "Seed", "The random seed of the session's plan.");
        DescribeLevels(w, "mode", "Mode", "How the session ran.", [("run", "a real session"), ("simulate", "simulated devices")]);
        DescribeLevels(w, "timing", "Timing", "How flips were timed.", [("vsync", "flips wait for vertical blank"), ("unsynchronised", "flips paced on the clock"), ("virtual", "a simulated display")]);
        Describe(w, "measured_refresh_hz", "Measured refresh rate", "The display's refresh rate measured from timed flips at start-up.", "Hz");
        Describe(w, "repetition_time", "Repetition time", "The scanner's nominal TR the session ran with; n/a without a scanner.", "s");
        Describe(w, "arm_code", "Arm code", "Blinded arm code of a double-blind study, exported as stored; n/a when none.");
        Describe(w, "counterbalance", "Counterbalancing index", "The block order index given to this participant.");
        Describe(w, "status", "Status", "How the session ended, as stored: completed; stopped (by the operator or a time limit); aborted (by the operator); crashed (an error ended it); interrupted (found unfinished later); running (never ended: killed or still running).");
    }

    private static (int, int)? Resolution(string text)
    {
        string[] parts = text.Split('x', 'X', '×');
        return parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int w)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int h) ? (w, h) : null;
    }

    private static void Describe(Utf8JsonWriter w, string column, string longName, string description, string? units = null)
    {
        w.WritePropertyName(column);
        w.WriteStartObject();
        w.WriteString("LongName", longName);
        w.WriteString("Description", description);
        if (units is not null) w.WriteString("Units", units);
        w.WriteEndObject();
    }

    private static void DescribeLevels(Utf8JsonWriter w, string column, string longName, string description, List<(string Level, string Meaning)> levels)
    {
        w.WritePropertyName(column);
        w.WriteStartObject();
        w.WriteString("LongName", longName);
        w.WriteString("Description", description);
        if (levels.Count > 0)
        {
            w.WriteStartObject("Levels");
            foreach ((string level, string meaning) in levels) w.WriteString(level, meaning);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }
}
