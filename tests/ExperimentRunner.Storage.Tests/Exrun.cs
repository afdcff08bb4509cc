using System.Diagnostics;

namespace ExperimentRunner.Storage.Tests;

/// <summary>The exrun command as a process: env EXRUN_DLL, else the Cli project's build output of this configuration.</summary>
public static class Exrun
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    public static string Dll { get; } = Find();

    private static string Find()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("EXRUN_DLL");
        if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            string candidate = Path.Combine(dir, "src", "ExperimentRunner.Cli", "bin", Configuration, "net10.0", "exrun.dll");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("exrun.dll not found: build src/ExperimentRunner.Cli or set EXRUN_DLL");
    }

    public static ProcessStartInfo StartInfo(string workingDir, IReadOnlyDictionary<string, string?>? env, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            WorkingDirectory = workingDir,
        };
        start.ArgumentList.Add(Dll);
        foreach (string a in args) start.ArgumentList.Add(a);
        start.Environment.Remove(StudyFiles.PasswordVariable);
        if (env is not null) foreach (var (k, v) in env) start.Environment[k] = v;
        return start;
    }

    /// <summary>Runs exrun to the end: exit code, standard output, standard error.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(string workingDir, IReadOnlyDictionary<string, string?>? env, params string[] args)
    {
        using var process = Process.Start(StartInfo(workingDir, env, args))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("exrun did not finish within 3 minutes");
        }
        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }
}
