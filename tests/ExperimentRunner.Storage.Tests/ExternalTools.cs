using System.Diagnostics;

namespace ExperimentRunner.Storage.Tests;

/// <summary>The outside programs some tests check our files with: the npm bids-validator 1.x and pandas.</summary>
public static class ExternalTools
{
    public static bool OnCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The bids-validator: env BIDS_VALIDATOR, else on PATH, else node_modules/.bin of the repository
    /// (<c>npm install --no-save bids-validator@1</c> at its root); null when none.</summary>
    public static string? BidsValidator { get; } = FindBidsValidator();

    /// <summary>A python3 that can import pandas (env PYTHON, then PATH, then /usr/bin/python3); null when none.</summary>
    public static string? PythonWithPandas { get; } = FindPython();

    private static string? FindBidsValidator()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("BIDS_VALIDATOR");
        if (!string.IsNullOrEmpty(fromEnv)) return File.Exists(fromEnv) ? fromEnv : null;
        string? onPath = OnPath("bids-validator");
        if (onPath is not null) return onPath;
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            // .ci/setup installs it into the repository's .tools/ folder.
            foreach (string candidate in new[] { Path.Combine(dir, "node_modules", ".bin", "bids-validator"), Path.Combine(dir, ".tools", "node_modules", ".bin", "bids-validator") })
                if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static string? FindPython()
    {
        var candidates = new List<string?> { Environment.GetEnvironmentVariable("PYTHON"), OnPath("python3"), "/usr/bin/python3" };
        foreach (string? python in candidates.Distinct())
        {
            if (string.IsNullOrEmpty(python) || !File.Exists(python)) continue;
            (int code, _, _) = Run(python, ["-c", "import pandas"], TimeSpan.FromSeconds(60));
            if (code == 0) return python;
        }
        return null;
    }

    private static string? OnPath(string name)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length == 0) continue;
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    public static (int ExitCode, string Stdout, string Stderr) Run(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish within {timeout.TotalSeconds} s");
        }
        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }
}

/// <summary>A test that needs the bids-validator: skipped with a message when it is missing, except on CI (env
/// CI=true), where it runs and fails.</summary>
public sealed class BidsValidatorFactAttribute : FactAttribute
{
    public BidsValidatorFactAttribute()
    {
        string? configured = Environment.GetEnvironmentVariable("BIDS_VALIDATOR");
        if (ExternalTools.BidsValidator is null && !ExternalTools.OnCi)
            Skip = string.IsNullOrEmpty(configured)
                ? "bids-validator not found: set BIDS_VALIDATOR, put it on PATH, or run `npm install --no-save bids-validator@1` at the repository root (.ci/setup installs it into .tools/)"
                : $"BIDS_VALIDATOR is {configured}, which does not exist (run .ci/setup, or npm install --no-save bids-validator@1)";
    }
}

/// <summary>A test that needs python3 with pandas: skipped with a message when missing, except on CI.</summary>
public sealed class PandasFactAttribute : FactAttribute
{
    public PandasFactAttribute()
    {
        if (ExternalTools.PythonWithPandas is null && !ExternalTools.OnCi)
            Skip = "python3 with pandas not found (apt install python3-pandas, or set PYTHON)";
    }
}
