using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Files;
using static ExperimentRunner.Storage.Export.ExportText;

namespace ExperimentRunner.Storage.Export;

// --into: events beside an existing dataset's BOLD runs, matched by their entities and RepetitionTime.
internal static partial class BidsExporter
{
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
}
