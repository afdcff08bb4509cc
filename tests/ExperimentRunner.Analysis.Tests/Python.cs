using System.Diagnostics;

namespace ExperimentRunner.Analysis.Tests;

/// <summary>A python3 that can import numpy (env PYTHON, then PATH, then /usr/bin/python3, Debian's python3-numpy).</summary>
public static class Python
{
    public static string? WithNumpy { get; } = Find();

    public static bool OnCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    private static string? Find()
    {
        var candidates = new List<string?> { Environment.GetEnvironmentVariable("PYTHON") };
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
            if (dir.Length > 0) candidates.Add(Path.Combine(dir, "python3"));
        candidates.Add("/usr/bin/python3");
        foreach (string? python in candidates.Distinct())
        {
            if (string.IsNullOrEmpty(python) || !File.Exists(python)) continue;
            if (Run(python, ["-c", "import numpy"]).Code == 0) return python;
        }
        return null;
    }

    public static (int Code, string Stdout, string Stderr) Run(string python, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{python} did not finish within 2 minutes");
        }
        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }
}

/// <summary>A theory that needs python3 with numpy: skipped with a message when missing, except on CI.</summary>
public sealed class NumpyTheoryAttribute : TheoryAttribute
{
    public NumpyTheoryAttribute()
    {
        if (Python.WithNumpy is null && !Python.OnCi)
            Skip = "python3 with numpy not found (apt install python3-numpy, or set PYTHON)";
    }
}
