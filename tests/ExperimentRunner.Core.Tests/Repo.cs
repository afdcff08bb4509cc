namespace ExperimentRunner.Core.Tests;

/// <summary>Paths in the repository, found from the test's folder.</summary>
public static class Repo
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ExperimentRunner.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found");
    }

    public static string Paradigm(string name) => Path.Combine(Root, "paradigms", name);

    public static IEnumerable<string> ShippedParadigms() =>
        Directory.GetFiles(Path.Combine(Root, "paradigms"), "*.yaml").OrderBy(f => f, StringComparer.Ordinal);
}
