using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Files;
using static ExperimentRunner.Storage.Export.ExportText;

namespace ExperimentRunner.Storage.Export;

// The stimulus files the events name, copied into the dataset's stimuli/.
internal static partial class BidsExporter
{
    /// <summary>Writes the per-session stimuli the events name (stim_file session/…) from the study's copies into the
    /// dataset's /stimuli, and takes them out of <paramref name="stimFiles"/>.</summary>
    private static void CopyStoredStimuli(string root, IReadOnlyList<SessionData> sessions, SortedSet<string> stimFiles, List<string> files, List<string> notes)
    {
        foreach (string relative in stimFiles.Where(f => f.StartsWith("session/", StringComparison.Ordinal)).ToList())
        {
            stimFiles.Remove(relative);
            byte[]? data = sessions.Select(s => s.StoredStimulus(relative)).FirstOrDefault(d => d is not null);
            if (data is null || relative.Contains("..", StringComparison.Ordinal))
            {
                notes.Add($"stim_file '{relative}' (a per-session stimulus) has no copy in the study; not copied");
                continue;
            }
            string to = Path.Combine(root, "stimuli", relative);
            using (FileStream target = StudyFiles.CreateExportFile(to)) target.Write(data);
            files.Add(Relative(root, to));
        }
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
}
