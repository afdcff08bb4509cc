using System.Security.Cryptography;
using System.Text;
using ExperimentRunner.Core.Files;

namespace ExperimentRunner.Core.Paradigm;

/// <summary>The result of loading a paradigm: the model when valid, and every problem found.</summary>
public sealed record LoadResult(ParadigmModel? Paradigm, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool IsValid => Paradigm != null && Diagnostics.All(d => d.Severity != Severity.Error);

    /// <summary>
    /// Every image, sound and font the file names that exists inside the tree, found even when the paradigm has other
    /// errors, so that a decoder outside Core can check them all at once.
    /// </summary>
    public IReadOnlyList<StimulusFile> StimulusFiles { get; init; } = [];
}

/// <summary>
/// Loads and checks a paradigm file. Untrusted input: runs no code, reads no file outside the paradigm's folder and
/// the stimuli root, bounds every count, and reports every problem at once with file:line:col.
/// </summary>
public static partial class ParadigmLoader
{
    public const int CurrentVersion = 1;
    public const int MaxTrialsPerBlock = 1000;
    public const int MaxBlocks = 200;
    public const int MaxRuns = 20;
    /// <summary>Longest bio in a profile table, characters: a card shows a few lines of it.</summary>
    public const int MaxBioLength = 2_000;
    public const int MaxNameLength = 100;
    public const int MaxCaptionLength = 500;

    private static readonly string[] TopKeys =
    [
        "version", "metadata", "display", "responses", "keys", "scanner", "stimuli", "session", "conditions",
        "markers", "ratings", "questionnaires", "trials", "phases", "session_stimuli", "games", "design",
    ];

    /// <summary>Loads a file. <paramref name="stimuliRoot"/> defaults to the nearest 'stimuli' folder above the file.</summary>
    public static LoadResult Load(string path, string? stimuliRoot = null)
    {
        var d = new Diagnostics();
        string display = Path.GetRelativePath(Environment.CurrentDirectory, Path.GetFullPath(path));
        if (display.StartsWith("..", StringComparison.Ordinal)) display = Path.GetFullPath(path);
        var start = new SourcePos(display, 1, 1);
        if (Directory.Exists(path))
        {
            d.Error(start, "this is a folder; give paradigm files, e.g. paradigms/*.yaml");
            return new LoadResult(null, d.Items);
        }
        if (!File.Exists(path))
        {
            d.Error(start, "no such file");
            return new LoadResult(null, d.Items);
        }
        byte[] bytes;
        try
        {
            bytes = RegularFile.ReadAllBytes(path, YamlTree.MaxBytes);
        }
        catch (ConfinedFileException e)
        {
            d.Error(start, e.Message.StartsWith(path, StringComparison.Ordinal) ? "this file" + e.Message[path.Length..] + "; a paradigm file is a few KiB of YAML" : e.Message);
            return new LoadResult(null, d.Items);
        }
        catch (IOException e)
        {
            d.Error(start, $"the file cannot be read: {e.Message}");
            return new LoadResult(null, d.Items);
        }
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            d.Error(start, "the file is not UTF-8 text");
            return new LoadResult(null, d.Items);
        }
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
        stimuliRoot ??= FindStimuliRoot(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var root = YamlTree.Parse(display, text, d);
        if (root == null) return new LoadResult(null, d.Sorted().ToList());
        var binder = new Binder(d, display, Path.GetDirectoryName(Path.GetFullPath(path))!, stimuliRoot);
        var model = binder.Bind(root, Path.GetFullPath(path), text, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        if (model != null && !d.HasErrors)
        {
            Planning.Planner.Check(model, d);
            if (!d.HasErrors)
            {
                try
                {
                    // A trial plan proves that the randomisation constraints can be met; with counterbalanced block
                    // orders, one plan per order (participants 1…n), since the limits on repeats hold across blocks.
                    int orders = model.Phases.OfType<ScanPhase>().Where(s => s.Order is BlockOrder.LatinSquare or BlockOrder.Abba)
                        .Select(s => s.Order == BlockOrder.Abba ? 2 : s.Blocks.Count).DefaultIfEmpty(1).Max();
                    for (int participant = 1; participant <= Math.Min(orders, 24); participant++)
                        Planning.Planner.Make(model, new Planning.SessionFacts($"validate-{participant}"));
                }
                catch (Planning.PlanException e)
                {
                    d.Error(e.Pos, e.Message);
                }
            }
        }
        var sorted = d.Sorted().ToList();
        return new LoadResult(d.HasErrors ? null : model, sorted) { StimulusFiles = binder.Files };
    }

    /// <summary>The nearest folder named 'stimuli' beside the paradigm's folder or an ancestor; else the paradigm's folder.</summary>
    public static string FindStimuliRoot(string paradigmDir)
    {
        var env = Environment.GetEnvironmentVariable("EXRUN_STIMULI");
        if (!string.IsNullOrEmpty(env)) return Path.GetFullPath(env);
        for (var dir = new DirectoryInfo(paradigmDir); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "stimuli");
            if (Directory.Exists(candidate)) return candidate;
        }
        return paradigmDir;
    }
}
