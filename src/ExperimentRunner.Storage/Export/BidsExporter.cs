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
internal static partial class BidsExporter
{
    public const string BidsVersion = "1.8.0";

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
        CopyStoredStimuli(root, sessions, stimFiles, files, notes);
        CopyStimuli(root, stimuliRoot, stimFiles, files, notes);
    }

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

    private static string ExporterVersion =>
        typeof(BidsExporter).Assembly.GetName().Version is Version v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.0.0";

    private static string Readme(IReadOnlyList<SessionData> sessions) =>
        "# ExperimentRunner export\n\n" +
        "Behavioural events of social-feedback sessions recorded with ExperimentRunner, exported from its study database.\n\n" +
        "- Onsets are seconds from each run's t0: the first counted scanner pulse after the dummy scans, or the operator's start where no scanner sends pulses.\n" +
        "- Screen onsets are the completion times of the display flips that showed them; intended_onset is the plan's onset (non-slip timing).\n" +
        "- Every column is described in the sidecar JSON beside its table.\n" +
        "- Participant and session labels are pseudonymous.\n\n" +
        $"Paradigms: {string.Join(", ", sessions.Select(s => s.Info.ParadigmName).Distinct().Order(StringComparer.Ordinal))}.\n";
}
