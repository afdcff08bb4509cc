using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Files;
using static ExperimentRunner.Storage.Export.ExportText;

namespace ExperimentRunner.Storage.Export;

/// <summary>
/// A BIDS 1.8.0 raw dataset of the selected sessions: per session and run
/// <c>sub-&lt;p&gt;/ses-&lt;s&gt;/beh/sub-&lt;p&gt;_ses-&lt;s&gt;_task-&lt;t&gt;_run-&lt;n&gt;_events.tsv</c> with a sidecar describing every
/// column, <c>_beh.tsv</c> tables for the selection phase and questionnaires, <c>participants.tsv</c>, per-subject
/// <c>_sessions.tsv</c>, <c>dataset_description.json</c> and a README. Or, with --into, events in <c>func/</c> beside
/// an existing dataset's BOLD runs after checking that their RepetitionTime agrees with the session's.
/// </summary>
internal static class BidsExporter
{
    public const string BidsVersion = "1.8.0";

    private static readonly string[] EventColumns =
    [
        "onset", "duration", "trial_type", "response_time", "stim_file", "value", "event_type", "run", "acquisition", "block", "trial",
        "screen", "condition", "stimulus_id", "intended_onset", "onset_error_ms", "response", "prediction",
        "prediction_outcome", "rating_name", "rating_history", "marker_code", "missed_frame",
    ];

    public static void Export(string root, IReadOnlyList<SessionData> sessions, string? stimuliRoot, List<string> files, List<string> notes, Action<string, int> progress)
    {
        var stimFiles = new SortedSet<string>(StringComparer.Ordinal);
        var labelled = Label(sessions);
        StudyFiles.EnsureFolder(root);

        WriteJson(root, "dataset_description.json", files, w =>
        {
            w.WriteString("Name", "ExperimentRunner export: " + string.Join(", ", sessions.Select(s => s.Info.ParadigmName).Distinct().Order(StringComparer.Ordinal)));
            w.WriteString("BIDSVersion", BidsVersion);
            w.WriteString("DatasetType", "raw");
            w.WriteStartArray("GeneratedBy");
            w.WriteStartObject();
            w.WriteString("Name", "ExperimentRunner");
            w.WriteString("Version", ExporterVersion);
            w.WriteString("Description", "exrun export --format bids, from a study database");
            w.WriteEndObject();
            w.WriteEndArray();
        });
        WriteText(root, "README", files, Readme(sessions));

        var participants = new TableWriter("participant_id");
        foreach (string sub in labelled.Select(l => l.Sub).Distinct().Order(StringComparer.Ordinal)) participants.Add("sub-" + sub);
        SaveTable(root, "participants.tsv", participants, files);
        WriteJson(root, "participants.json", files, w => Describe(w, "participant_id", "Participant", "Pseudonymous participant label (sub-<label>), as entered at the session start."));

        foreach (var group in labelled.GroupBy(l => l.Sub).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var table = new TableWriter("session_id", "exrun_session_id", "started_utc", "paradigm", "paradigm_sha256",
                "software_version", "seed", "mode", "timing", "measured_refresh_hz", "repetition_time", "arm_code",
                "counterbalance", "status");
            foreach (var (data, _, ses) in group.OrderBy(g => g.Ses, StringComparer.Ordinal))
            {
                SessionInfo i = data.Info;
                table.Add("ses-" + ses, i.SessionId, i.StartedUtc, Text(i.ParadigmName), i.ParadigmSha256, i.SoftwareVersion,
                    i.Seed.ToString(CultureInfo.InvariantCulture), i.Mode, i.Timing, Number(i.MeasuredRefreshHz),
                    i.RepetitionTimeS > 0 ? Number(i.RepetitionTimeS) : Missing, Text(i.ArmCode), Int(i.Counterbalance),
                    data.Session.Status);
            }
            string subDir = Path.Combine(root, "sub-" + group.Key);
            SaveTable(subDir, $"sub-{group.Key}_sessions.tsv", table, files, root);
            WriteJson(subDir, $"sub-{group.Key}_sessions.json", files, SessionsSidecar, root);
        }

        int done = 0;
        foreach (var (data, sub, ses) in labelled)
        {
            string dir = Path.Combine(root, $"sub-{sub}", $"ses-{ses}", "beh");
            string stem = $"sub-{sub}_ses-{ses}_task-{TaskLabel(data)}";
            foreach (int run in data.Assembly.RunIndices)
            {
                var scanned = Scanned(data, run, sub, ses, notes);
                foreach (Acquisition acquisition in scanned)
                {
                    string entities = scanned.Count > 1 ? $"_acq-attempt{acquisition.Number}_run-{run}" : $"_run-{run}";
                    WriteRunEvents(root, dir, $"{stem}{entities}_events", data, acquisition, files, stimFiles);
                }
            }
            WriteBehTables(root, dir, stem, data, files);
            progress($"sub-{sub} ses-{ses}", ++done);
        }
        CopyStimuli(root, stimuliRoot, stimFiles, files, notes);
    }

    public static void ExportInto(string root, IReadOnlyList<SessionData> sessions, string? stimuliRoot, List<string> files, List<string> notes, Action<string, int> progress)
    {
        var stimFiles = new SortedSet<string>(StringComparer.Ordinal);
        if (!File.Exists(Path.Combine(root, "dataset_description.json")))
            throw new ExportException($"{root} is not a BIDS dataset (it has no dataset_description.json)");
        var labelled = Label(sessions);
        var plan = new List<(SessionData Data, string Dir, string Stem, Acquisition Acquisition, string EventsName)>();
        var problems = new List<string>();
        foreach (var (data, sub, ses) in labelled)
        {
            string subDir = Path.Combine(root, "sub-" + sub);
            if (!Directory.Exists(subDir))
            {
                problems.Add($"the dataset has no sub-{sub}");
                continue;
            }
            string sesDir = Path.Combine(subDir, "ses-" + ses);
            if (!Directory.Exists(sesDir))
            {
                if (Directory.EnumerateDirectories(subDir, "ses-*").Any())
                {
                    problems.Add($"the dataset has no sub-{sub}/ses-{ses}");
                    continue;
                }
                sesDir = subDir;
            }
            string funcDir = Path.Combine(sesDir, "func");
            string task = TaskLabel(data);
            var bolds = Directory.Exists(funcDir)
                ? Directory.EnumerateFiles(funcDir).Where(f => f.EndsWith("_bold.nii.gz", StringComparison.Ordinal) || f.EndsWith("_bold.nii", StringComparison.Ordinal))
                    .Select(f => (Path: f, Entities: Entities(Path.GetFileName(f))))
                    .Where(b => b.Entities.TryGetValue("task", out string? t) && t == task)
                    .OrderBy(b => b.Path, StringComparer.Ordinal)
                    .ToList()
                : [];
            var runs = data.Assembly.RunIndices.Where(r => data.Assembly.AcquisitionsOf(r).Any(a => a.HasT0)).ToList();
            foreach (int run in runs)
            {
                var scanned = Scanned(data, run, sub, ses, notes);
                if (scanned.Count != 1)
                {
                    notes.Add($"sub-{sub} ses-{ses} run {run} was resumed: its {scanned.Count} acquisitions are {scanned.Count} scanner series, and which BOLD file holds which is not known here; its events were not written (export with --format bids, then place each _acq-attempt<n>_ file beside its series)");
                    continue;
                }
                var matching = bolds.Where(b => RunOf(b.Entities) == run || (RunOf(b.Entities) is null && runs.Count == 1)).ToList();
                if (matching.Count == 0)
                {
                    notes.Add($"sub-{sub} ses-{ses} run {run}: no task-{task} BOLD run in {Relative(root, funcDir)}; its events were not written");
                    continue;
                }
                foreach (var bold in matching)
                {
                    double? tr = RepetitionTime(root, bold.Path, bold.Entities);
                    string name = Path.GetFileName(bold.Path);
                    if (tr is null)
                        notes.Add($"{name}: no RepetitionTime found in its sidecars; not compared with the session's {Number(data.Info.RepetitionTimeS)} s");
                    else if (Math.Abs(tr.Value - data.Info.RepetitionTimeS) > 5e-4)
                        problems.Add($"{name} has RepetitionTime {Number(tr.Value)} s but session {data.Info.SessionId} ran with TR {Number(data.Info.RepetitionTimeS)} s");
                }
                string eventsName = EventsNameFor(Path.GetFileName(matching[0].Path));
                plan.Add((data, funcDir, $"sub-{sub}_ses-{ses}_task-{task}", scanned[0], eventsName));
            }
        }
        if (problems.Count > 0)
            throw new ExportException("nothing written: " + string.Join("; ", problems));

        int done = 0;
        foreach (var (data, dir, _, acquisition, eventsName) in plan)
        {
            WriteRunEvents(root, dir, eventsName, data, acquisition, files, stimFiles);
            progress($"{eventsName}", ++done);
        }
        foreach (var (data, sub, ses) in labelled)
        {
            string sesDir = Path.Combine(root, "sub-" + sub, "ses-" + ses);
            if (!Directory.Exists(sesDir)) sesDir = Path.Combine(root, "sub-" + sub);
            string stem = sesDir.EndsWith("ses-" + ses, StringComparison.Ordinal) ? $"sub-{sub}_ses-{ses}_task-{TaskLabel(data)}" : $"sub-{sub}_task-{TaskLabel(data)}";
            WriteBehTables(root, Path.Combine(sesDir, "beh"), stem, data, files);
        }
        CopyStimuli(root, stimuliRoot, stimFiles, files, notes);
    }

    /// <summary>Copies the stimulus files the events name (stim_file, relative to the stimuli root) into the dataset's
    /// /stimuli, where BIDS looks for them. Paths that would leave the root are refused.</summary>
    private static void CopyStimuli(string root, string? stimuliRoot, SortedSet<string> stimFiles, List<string> files, List<string> notes)
    {
        if (stimFiles.Count == 0) return;
        if (stimuliRoot is null || !Directory.Exists(stimuliRoot))
        {
            notes.Add($"{stimFiles.Count} stimulus files named in stim_file were not copied into stimuli/: give the stimuli folder with --stimuli DIR (or set EXRUN_STIMULI); until then bids-validator reports STIMULUS_FILE_MISSING");
            return;
        }
        string source = Path.GetFullPath(stimuliRoot);
        var confined = new ConfinedFiles(source);
        var missing = new List<string>();
        foreach (string relative in stimFiles)
        {
            string from = Path.GetFullPath(Path.Combine(source, relative));
            if (Path.IsPathRooted(relative) || !from.StartsWith(Path.TrimEndingDirectorySeparator(source) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                notes.Add($"stim_file '{relative}' leaves the stimuli folder; not copied");
                continue;
            }
            var check = confined.Check(from);
            if (check.Refusal == Refusal.Missing)
            {
                missing.Add(relative);
                continue;
            }
            if (!check.Ok)
            {
                notes.Add($"stim_file '{relative}' {check.Reason("the stimuli folder")}; not copied");
                continue;
            }
            string to = Path.Combine(root, "stimuli", relative);
            using (FileStream target = StudyFiles.CreateExportFile(to))
            using (FileStream input = RegularFile.OpenRead(check.RealPath))
                input.CopyTo(target);
            files.Add(Relative(root, to));
        }
        if (missing.Count > 0)
            notes.Add($"{missing.Count} stimulus files are not in {source} (first: {missing[0]}); bids-validator will report them missing");
    }

    // ---- events.tsv ------------------------------------------------------------------------------------------

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
                    Seconds(e.TimeNs, t0), Duration(e.DurationNs), Present(e.Condition) ?? Present(trial?.Condition) ?? screen,
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

    private static void EventsSidecar(Utf8JsonWriter w, SessionInfo info, List<string> trialTypes, HashSet<string> conditions, List<string> screens, List<string> predictions)
    {
        Describe(w, "onset", "Onset", "Time of the event from the run's t0 (the first counted scanner pulse after the dummy scans, or the operator's start where no scanner sends pulses). For a screen: the completion of the display flip that showed it. For a response: when the key came off the input queue.", "s");
        Describe(w, "duration", "Duration", "Planned duration of the screen (its actual end is the next screen's onset); 0 for a response.", "s");
        w.WritePropertyName("trial_type");
        w.WriteStartObject();
        w.WriteString("LongName", "Trial type");
        w.WriteString("Description", "The trial's condition for a screen within a condition; the screen's name for a screen outside any condition; \"response\" for a key or button press.");
        w.WriteStartObject("Levels");
        foreach (string level in trialTypes)
            w.WriteString(level, level == "response" ? "a key or button press (event_type response)"
                : conditions.Contains(level) ? $"a screen of a trial in condition '{level}'" : $"the screen '{level}' outside any condition");
        w.WriteEndObject();
        w.WriteEndObject();
        Describe(w, "response_time", "Response time", "From the onset of the screen the answer belongs to until the answer (a key press, a yes/no prediction, or the confirmation of a rating); n/a when no answer came in time (a miss) or none was asked for.", "s");
        Describe(w, "stim_file", "Stimulus file", "The image shown on this screen, relative to the dataset's /stimuli folder (the paradigm's stimuli root); n/a for screens without an image.");
        Describe(w, "value", "Rating value", "The final value of the rating given on this screen (scale as in the paradigm); n/a on other rows and when the rating timed out.");
        DescribeLevels(w, "event_type", "Event type", "What the row records.", [("screen", "a screen appeared"), ("response", "a key or button press")]);
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
            predictions.Select(p => (p, p switch
            {
                "yes" => "predicted acceptance (positive feedback)",
                "no" => "predicted rejection (negative feedback)",
                _ => $"the paradigm's '{p}' option",
            })).ToList());
        DescribeLevels(w, "prediction_outcome", "Prediction outcome", "Whether the feedback matched the prediction: yes + acceptance or no + rejection is consistent, the others violated; repeated on every screen row of the trial; n/a without a prediction.",
            [("consistent", "the feedback matched the prediction"), ("violated", "the feedback contradicted the prediction")]);
        Describe(w, "rating_name", "Rating name", "The rating scale given on this screen, by its name in the paradigm.");
        Describe(w, "rating_history", "Rating cursor history", "Every cursor position of the rating as ms:value pairs separated by ';', in milliseconds from the rating's onset.");
        Describe(w, "marker_code", "Marker code", "The event marker code sent to other equipment (EEG, physiology) at this screen's onset; n/a when none was sent.");
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

    // ---- beh tables ------------------------------------------------------------------------------------------

    private static void WriteBehTables(string root, string dir, string stem, SessionData data, List<string> files)
    {
        var choices = data.Events.Where(s => s.Event.Kind == EventKind.Choice && s.Event.Trial == 0).ToList();
        if (choices.Count > 0)
        {
            var table = new TableWriter("choice_index", "phase", "screen", "stimulus_id", "choice", "response_time");
            int index = 0;
            foreach (StoredEvent s in choices)
                table.Add(Int(++index), Text(s.Event.Phase), Text(s.Event.Screen), Text(s.Event.Stimulus), Text(s.Event.Response), Duration(s.Event.RtNs));
            SaveTable(dir, $"{stem}_acq-selection_beh.tsv", table, files, root);
            var levels = choices.Select(s => s.Event.Response).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
            WriteJson(dir, $"{stem}_acq-selection_beh.json", files, w =>
            {
                Describe(w, "choice_index", "Choice index", "1-based order of the choice in the session.");
                Describe(w, "phase", "Phase", "The paradigm phase the choice was made in (e.g. selection).");
                Describe(w, "screen", "Screen", "The screen the choice was made on, by its name in the paradigm.");
                Describe(w, "stimulus_id", "Stimulus identifier", "The profile chosen about, by its id in the paradigm.");
                DescribeLevels(w, "choice", "Choice", "The participant's choice about the profile.", levels.Select(l => (l, $"the paradigm's '{l}' answer")).ToList());
                Describe(w, "response_time", "Response time", "From the profile's onset until the choice; n/a when none.", "s");
            }, root);
        }

        var answers = data.Events.Where(s => s.Event.Kind == EventKind.Questionnaire).ToList();
        if (answers.Count > 0)
        {
            var table = new TableWriter("questionnaire", "item", "row_type", "answer", "response_time");
            foreach (StoredEvent s in answers)
            {
                bool score = s.Event.Screen == "score";
                table.Add(Text(score ? s.Event.Stimulus : s.Event.Screen), score ? "score" : Text(s.Event.Stimulus),
                    score ? "score" : "item", Number(s.Event.Value), Duration(s.Event.RtNs));
            }
            SaveTable(dir, $"{stem}_acq-questionnaire_beh.tsv", table, files, root);
            WriteJson(dir, $"{stem}_acq-questionnaire_beh.json", files, w =>
            {
                Describe(w, "questionnaire", "Questionnaire", "The questionnaire, by its name in the paradigm.");
                Describe(w, "item", "Item", "The item's id in the paradigm; \"score\" for the questionnaire's computed score.");
                DescribeLevels(w, "row_type", "Row type", "Whether the row is one answer or the computed score.", [("item", "one item's answer"), ("score", "the score computed by the paradigm's rule (reverse-scored items included)")]);
                Describe(w, "answer", "Answer", "The item's answer on its scale, or the computed score; n/a when not answered.");
                Describe(w, "response_time", "Response time", "From the item's onset until the answer; n/a for scores.", "s");
            }, root);
        }
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

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static string ExporterVersion =>
        typeof(BidsExporter).Assembly.GetName().Version is Version v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.0.0";

    private static List<(SessionData Data, string Sub, string Ses)> Label(IReadOnlyList<SessionData> sessions)
    {
        var result = new List<(SessionData, string, string)>();
        var seen = new Dictionary<(string, string), string>();
        foreach (SessionData s in sessions)
        {
            // "sub-07" is already a BIDS entity: its label is "07", not "sub07".
            string sub = BidsLabel(s.Info.ParticipantId, "sub-", "participant");
            string ses = BidsLabel(s.Info.SessionLabel, "ses-", "session label");
            if (seen.TryGetValue((sub, ses), out string? other))
                throw new ExportException($"sessions {other} and {s.Info.SessionId} are both sub-{sub} ses-{ses}; export one of them with --session <session id>");
            seen.Add((sub, ses), s.Info.SessionId);
            result.Add((s, sub, ses));
        }
        return result;
    }

    private static string BidsLabel(string text, string prefix, string what)
    {
        string label = ExportText.Label(text, prefix);
        if (label.Length == 0) throw new ExportException($"the {what} '{text}' has no letters or digits for a BIDS label");
        return label;
    }

    private static string TaskLabel(SessionData s) => BidsLabel(s.Info.TaskLabel, "", "task label");

    private static (int, int)? Resolution(string text)
    {
        string[] parts = text.Split('x', 'X', '×');
        return parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int w)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int h) ? (w, h) : null;
    }

    private static Dictionary<string, string> Entities(string fileName)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        string stem = fileName.Split('.')[0];
        foreach (string part in stem.Split('_'))
        {
            int dash = part.IndexOf('-');
            if (dash > 0) result[part[..dash]] = part[(dash + 1)..];
        }
        return result;
    }

    private static int? RunOf(Dictionary<string, string> entities) =>
        entities.TryGetValue("run", out string? r) && int.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : null;

    /// <summary>The events file name for a BOLD file: the same entities without echo/part, suffix events.</summary>
    private static string EventsNameFor(string boldName)
    {
        string stem = boldName[..boldName.IndexOf("_bold.nii", StringComparison.Ordinal)];
        var parts = stem.Split('_').Where(p => !p.StartsWith("echo-", StringComparison.Ordinal) && !p.StartsWith("part-", StringComparison.Ordinal));
        return string.Join('_', parts) + "_events";
    }

    /// <summary>The BOLD run's RepetitionTime (s) from its sidecar, or by BIDS inheritance from the nearest
    /// <c>*_bold.json</c> whose entities all match; null when none says.</summary>
    private static double? RepetitionTime(string root, string boldPath, Dictionary<string, string> entities)
    {
        string exact = boldPath[..boldPath.IndexOf(".nii", StringComparison.Ordinal)] + ".json";
        var candidates = new List<string>();
        if (File.Exists(exact)) candidates.Add(exact);
        for (string? dir = Path.GetDirectoryName(boldPath); dir is not null && dir.Length >= root.Length; dir = Path.GetDirectoryName(dir))
        {
            foreach (string json in Directory.EnumerateFiles(dir, "*_bold.json").Order(StringComparer.Ordinal))
            {
                if (json == exact) continue;
                var e = Entities(Path.GetFileName(json));
                if (e.All(kv => entities.TryGetValue(kv.Key, out string? v) && v == kv.Value)) candidates.Add(json);
            }
            if (string.Equals(Path.TrimEndingDirectorySeparator(dir), Path.TrimEndingDirectorySeparator(root), StringComparison.Ordinal)) break;
        }
        foreach (string json in candidates)
        {
            try
            {
                using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(json));
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("RepetitionTime", out JsonElement tr)
                    && tr.ValueKind == JsonValueKind.Number)
                    return tr.GetDouble();
            }
            catch (JsonException e)
            {
                throw new ExportException($"{json} is not valid JSON: {e.Message}");
            }
        }
        return null;
    }

    private static string Readme(IReadOnlyList<SessionData> sessions) =>
        "# ExperimentRunner export\n\n" +
        "Behavioural events of social-feedback sessions recorded with ExperimentRunner, exported from its study database.\n\n" +
        "- Onsets are seconds from each run's t0: the first counted scanner pulse after the dummy scans, or the operator's start where no scanner sends pulses.\n" +
        "- Screen onsets are the completion times of the display flips that showed them; intended_onset is the plan's onset (non-slip timing).\n" +
        "- Every column is described in the sidecar JSON beside its table.\n" +
        "- Participant and session labels are pseudonymous.\n\n" +
        $"Paradigms: {string.Join(", ", sessions.Select(s => s.Info.ParadigmName).Distinct().Order(StringComparer.Ordinal))}.\n";

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

    private static void SaveTable(string dir, string name, TableWriter table, List<string> files, string? root = null)
    {
        StudyFiles.EnsureFolder(dir);
        string path = Path.Combine(dir, name);
        table.Write(path);
        files.Add(Relative(root ?? dir, path));
    }

    private static void WriteJson(string dir, string name, List<string> files, Action<Utf8JsonWriter> body, string? root = null)
    {
        StudyFiles.EnsureFolder(dir);
        string path = Path.Combine(dir, name);
        using FileStream file = StudyFiles.CreateExportFile(path);
        using (var w = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        file.WriteByte((byte)'\n');
        files.Add(Relative(root ?? dir, path));
    }

    private static void WriteText(string dir, string name, List<string> files, string text)
    {
        string path = Path.Combine(dir, name);
        using FileStream file = StudyFiles.CreateExportFile(path);
        file.Write(Utf8.GetBytes(text));
        files.Add(name);
    }

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');
}
