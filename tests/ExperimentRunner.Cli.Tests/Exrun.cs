using System.Diagnostics;

namespace ExperimentRunner.Cli.Tests;

/// <summary>Runs the real `exrun` as a process, as a user would, from the repository root.</summary>
public static class Exrun
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ExperimentRunner.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found");
    }

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "exrun.dll");

    public sealed record Result(int ExitCode, string Out, string Err, TimeSpan Elapsed);

    public static Result Run(params string[] args) => RunWith(null, args);

    public static Result RunWith(IDictionary<string, string>? env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env != null) foreach (var (k, v) in env) psi.Environment[k] = v;
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill(true);
            throw new TimeoutException($"exrun {string.Join(' ', args)} did not finish");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result, sw.Elapsed);
    }

    public static string Temp(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "exrun-tests", Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }
}
