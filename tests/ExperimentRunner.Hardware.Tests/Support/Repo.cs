namespace ExperimentRunner.Hardware.Tests.Support;

/// <summary>The repository this test runs from, found by its solution file above the test's binaries.</summary>
internal static class Repo
{
    /// <summary>The full path of a shipped paradigm file, e.g. "social-feedback-fmri.yaml".</summary>
    public static string Paradigm(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ExperimentRunner.sln"))) return Path.Combine(dir.FullName, "paradigms", name);
        throw new InvalidOperationException("repository root not found");
    }
}
