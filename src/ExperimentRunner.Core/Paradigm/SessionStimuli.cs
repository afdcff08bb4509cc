namespace ExperimentRunner.Core.Paradigm;

/// <summary>
/// One per-session stimulus as the operator gave it: the slot, the file, its SHA-256 and the path it has under the
/// exported dataset's stimuli/ folder (BIDS stim_file): <c>session/&lt;sha256&gt;.&lt;ext&gt;</c>, a name that says
/// nothing about the person in the picture.
/// </summary>
public sealed record SessionStimulus(string Slot, string Path, string Sha256, string StimFile);

/// <summary>The per-session stimuli of a paradigm (<c>session_stimuli:</c>) and how a session fills them.</summary>
public static class SessionStimuli
{
    /// <summary>Reads <c>NAME=PATH</c> as given to --stimulus.</summary>
    /// <exception cref="FormatException">Not NAME=PATH.</exception>
    public static (string Slot, string Path) ParseArgument(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0 || eq == text.Length - 1) throw new FormatException($"--stimulus '{text}': write NAME=PATH, e.g. --stimulus partner=/data/sub-01/partner.png");
        return (text[..eq].Trim(), text[(eq + 1)..].Trim());
    }

    /// <summary>The dataset path of a session stimulus: under session/, named by its hash, with its extension.</summary>
    public static string StimFileOf(string sha256, string path) =>
        $"session/{sha256}{System.IO.Path.GetExtension(path).ToLowerInvariant()}";

    /// <summary>
    /// The paradigm as this session shows it: every screen of a slot shows the operator's file, and the files join
    /// <see cref="ParadigmModel.StimulusFiles"/> so preflight decodes and counts them. The text and hash stay the file's.
    /// </summary>
    public static ParadigmModel Fill(ParadigmModel paradigm, IReadOnlyList<SessionStimulus> given)
    {
        if (paradigm.SessionStimulusSlots.Count == 0) return paradigm;
        var bySlot = given.ToDictionary(g => g.Slot, StringComparer.Ordinal);
        var trials = paradigm.Trials.ToDictionary(kv => kv.Key, kv => kv.Value with
        {
            Screens = kv.Value.Screens.Select(s => s.ImageSlot is { } slot && bySlot.TryGetValue(slot, out var file) ? s with { Image = file.Path } : s).ToList(),
        }, StringComparer.Ordinal);
        var files = paradigm.StimulusFiles.Concat(given.Select(g => new StimulusFile(StimulusKind.Image, g.Path, new SourcePos("--stimulus", 1, 1),
            $"the session stimulus '{g.Slot}' given with --stimulus {g.Slot}=…"))).ToList();
        return paradigm with { Trials = trials, StimulusFiles = files };
    }

    /// <summary>The slots the paradigm declares that <paramref name="given"/> does not fill.</summary>
    public static IReadOnlyList<string> Missing(ParadigmModel paradigm, IEnumerable<string> given)
    {
        var set = given.ToHashSet(StringComparer.Ordinal);
        return paradigm.SessionStimulusSlots.Where(s => !set.Contains(s)).ToList();
    }
}
