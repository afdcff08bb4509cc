using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ExperimentRunner.Benchmarks;

/// <summary>
/// <c>exrun simulate paradigms/social-feedback-fmri.yaml --participants sub-01..sub-100</c> (issue 17: 100 participants
/// into one database in 60 s wall on 2 cores), run as the user runs it: the CLI's own build, in a process of its own.
/// </summary>
public static partial class CohortBenchmark
{
    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSec, UserUsec, SysSec, SysUsec;
        public long MaxRss, IxRss, IdRss, IsRss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NvCsw, NivCsw;
    }

    [LibraryImport("libc", EntryPoint = "getrusage")] private static partial int GetRUsage(int who, out RUsage usage);

    /// <summary>CPU seconds of the children that ended and were waited for (RUSAGE_CHILDREN).</summary>
    private static double ChildrenCpu() =>
        GetRUsage(-1, out var u) == 0 ? u.UserSec + u.SysSec + (u.UserUsec + u.SysUsec) / 1e6 : double.NaN;

    public static void Run(BenchContext ctx)
    {
        int participants = ctx.Quick ? 10 : 100;
        string? dll = FindExrun();
        const string b = "simulation";
        string what = $"simulate --participants sub-01..sub-{participants:000} (fMRI paradigm, one database)";
        if (dll is null)
        {
            ctx.Add(b, what, "not run: build the CLI first (dotnet build -c Release src/ExperimentRunner.Cli)");
            return;
        }
        string db = Path.Combine(Scenario.TempDir("cohort"), "study.db");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Scenario.RepoRoot };
        foreach (string a in new[] { dll, "simulate", "paradigms/social-feedback-fmri.yaml", "--participants", $"sub-01..sub-{participants:000}", "--db", db })
            start.ArgumentList.Add(a);
        double cpu0 = ChildrenCpu();
        var wall = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        double seconds = wall.Elapsed.TotalSeconds;
        double cpu = ChildrenCpu() - cpu0;
        string summary = stdout.Result.Split('\n').FirstOrDefault(l => l.Contains("sessions", StringComparison.Ordinal))?.Trim() ?? "";
        if (process.ExitCode != 0) throw new InvalidOperationException($"exrun simulate --participants exited {process.ExitCode}: {stderr.Result.Trim()}");
        Console.WriteLine($"  cohort       {summary}");
        Console.WriteLine($"               {Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(dll)))} build of the CLI; database {Machine.MiB(new FileInfo(db).Length)}");
        ctx.Add(b, what, $"{BenchContext.F(seconds, "0.0")} s wall, {BenchContext.F(cpu, "0.0")} CPU s (load {Machine.Load().Split(' ')[0]})",
            participants == 100 ? "<= 60 s wall" : "", participants == 100 ? seconds <= 60 : null);
    }

    /// <summary>The CLI's build output: Release first, else Debug; null when neither is built.</summary>
    private static string? FindExrun()
    {
        foreach (string configuration in new[] { "Release", "Debug" })
        {
            string candidate = Path.Combine(Scenario.RepoRoot, "src", "ExperimentRunner.Cli", "bin", configuration, "net10.0", "exrun.dll");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
