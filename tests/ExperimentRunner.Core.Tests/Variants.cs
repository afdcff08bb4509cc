namespace ExperimentRunner.Core.Tests;

/// <summary>Broken variants of the shipped paradigms, written to a scratch folder where paths still resolve.</summary>
public static class Variants
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "variants");

    /// <summary>The shipped paradigm's text with its relative stimuli paths made absolute (so it can live elsewhere).</summary>
    public static string Shipped(string name) =>
        File.ReadAllText(Repo.Paradigm(name)).Replace("../stimuli/", Path.Combine(Repo.Root, "stimuli") + "/");

    public static string Write(string fileName, string text)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, fileName);
        File.WriteAllText(path, text);
        return path;
    }

    public static string WriteBytes(string fileName, byte[] bytes)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, fileName);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public static string Replace(string name, string fileName, string oldText, string newText)
    {
        var text = Shipped(name);
        Assert.Contains(oldText, text);
        return Write(fileName, text.Replace(oldText, newText));
    }

    /// <summary>The 1-based line of the first occurrence of <paramref name="needle"/> in a file.</summary>
    public static int LineOf(string path, string needle)
    {
        var lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++) if (lines[i].Contains(needle, StringComparison.Ordinal)) return i + 1;
        throw new InvalidOperationException($"'{needle}' not in {path}");
    }
}
