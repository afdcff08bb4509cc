using System.Diagnostics;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Presentation.Stimuli;

namespace ExperimentRunner.Benchmarks;

/// <summary>
/// Files the benchmarks share: the repository, a scratch folder (removed at exit), 300 generated profiles, and the
/// long PET paradigm variant, laid out like the repository (paradigms/ beside stimuli/) so its relative paths hold.
/// </summary>
public static class Scenario
{
    public const int GeneratedProfiles = 300;
    public const int GeneratorSeed = 1;

    public static string RepoRoot { get; } = FindRoot();

    public static string PetParadigm => Path.Combine(RepoRoot, "paradigms", "social-feedback-pet.yaml");

    private static readonly Lazy<string> Scratch = new(() =>
    {
        string dir = Path.Combine(Path.GetTempPath(), "exrun-bench", Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        return dir;
    });

    public static string TempDir(string name)
    {
        string dir = Path.Combine(Scratch.Value, name);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A folder of 300 already generated profiles that a parent process hands to its children.</summary>
    public const string ProfilesVariable = "EXRUN_BENCH_PROFILES";

    private static readonly Lazy<string> Generated = new(() =>
    {
        string? given = Environment.GetEnvironmentVariable(ProfilesVariable);
        if (!string.IsNullOrEmpty(given) && File.Exists(Path.Combine(given, ProfileTableWriter.FileName))) return given;
        string dir = TempDir("profiles-300");
        var watch = Stopwatch.StartNew();
        ProfileGenerator.Generate(GeneratedProfiles, GeneratorSeed, dir);
        Console.WriteLine($"  (generated {GeneratedProfiles} profiles, seed {GeneratorSeed}, in {watch.Elapsed.TotalSeconds:0.0} s: not timed)");
        return dir;
    });

    /// <summary>A folder with profiles.csv and images/ for 300 generated profiles (made once per process).</summary>
    public static string GeneratedProfilesDir => Generated.Value;

    /// <summary>The shipped PET paradigm, loaded; throws with the loader's messages when invalid.</summary>
    public static ParadigmModel Load(string path)
    {
        var result = ParadigmLoader.Load(path);
        if (!result.IsValid)
            throw new InvalidOperationException($"{path} does not load:\n  " + string.Join("\n  ", result.Diagnostics.Select(d => d.ToString())));
        return result.Paradigm!;
    }

    /// <summary>
    /// The PET paradigm with its trial counts multiplied (the shipped one is about 18 minutes; ×4.2 makes about 60) and
    /// the selection phase showing <paramref name="selectionProfiles"/> profiles, in a scratch tree
    /// (name/paradigms/x.yaml beside name/stimuli/) whose profiles come from <paramref name="profilesDir"/>.
    /// </summary>
    public static string PetVariant(string name, double trialScale, int selectionProfiles, string profilesDir)
    {
        string root = TempDir(name);
        string stimuli = Path.Combine(root, "stimuli");
        CopyTree(Path.Combine(RepoRoot, "stimuli", "fonts"), Path.Combine(stimuli, "fonts"));
        CopyTree(Path.Combine(RepoRoot, "stimuli", "participant"), Path.Combine(stimuli, "participant"));
        CopyTree(profilesDir, Path.Combine(stimuli, "profiles"));
        string text = File.ReadAllText(PetParadigm);
        text = Replace(text, "{label: baseline, condition: neutral, trials: 12}", $"{{label: baseline, condition: neutral, trials: {Scale(12, trialScale)}}}");
        text = Replace(text, "{label: rejection, condition: rejection, trials: 20}", $"{{label: rejection, condition: rejection, trials: {Scale(20, trialScale)}}}");
        text = Replace(text, "{label: acceptance, condition: acceptance, trials: 20}", $"{{label: acceptance, condition: acceptance, trials: {Scale(20, trialScale)}}}");
        text = Replace(text, "      profiles: 50\n", $"      profiles: {selectionProfiles}\n");
        string paradigms = Path.Combine(root, "paradigms");
        Directory.CreateDirectory(paradigms);
        string path = Path.Combine(paradigms, $"social-feedback-pet-{name}.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    private static int Scale(int trials, double scale) => (int)Math.Round(trials * scale);

    private static string Replace(string text, string from, string to)
    {
        if (!text.Contains(from, StringComparison.Ordinal))
            throw new InvalidOperationException($"the PET paradigm no longer contains '{from.Trim()}': update Scenario.PetVariant");
        return text.Replace(from, to, StringComparison.Ordinal);
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    /// <summary>The profiles of a generated table (id,photo,name,age,bio) with absolute photo paths.</summary>
    public static IReadOnlyList<ProfileInfo> ReadProfiles(string dir)
    {
        var rows = Csv.Parse(File.ReadAllText(Path.Combine(dir, ProfileTableWriter.FileName)));
        return rows.Skip(1).Where(r => r.Length >= 5)
            .Select(r => new ProfileInfo(r[0], r[2], int.Parse(r[3], System.Globalization.CultureInfo.InvariantCulture), r[4], Path.Combine(dir, r[1])))
            .ToList();
    }

    /// <summary>A session record for benchmarks that drive a store directly.</summary>
    public static SessionInfo Session(string id, long startNs, double hz, string timing) => new()
    {
        SessionId = id,
        ParticipantId = "sub-bench",
        SessionLabel = "1",
        ParadigmName = "benchmark",
        TaskLabel = "benchmark",
        ParadigmText = "benchmark",
        ParadigmSha256 = "0",
        SoftwareVersion = "0.1.0",
        Seed = 1,
        Machine = Environment.MachineName,
        OperatingSystem = Machine.Os(),
        Mode = "benchmark",
        ExpectedRefreshHz = hz,
        MeasuredRefreshHz = hz,
        Timing = timing,
        StartedUtc = DateTime.UtcNow.ToString("O"),
        StartedNs = startNs,
    };

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ExperimentRunner.sln"))) return dir.FullName;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ExperimentRunner.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("the repository root (ExperimentRunner.sln) is not above the current folder or the program");
    }
}
