using System.Diagnostics;
using System.Globalization;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Storage;
using ExperimentRunner.Storage.Report;

namespace ExperimentRunner.Benchmarks;

/// <summary>
/// Issue 17's "done when": `exrun run` offscreen for S seconds (default 60), as an operator starts it (its own process,
/// preflight, the operator's plain progress, the store logging every flip), the fMRI paradigm with the simulated
/// responder, optionally with a competing nice-10 load on every core (<c>--load</c>). The missed frames are read back
/// from the session's database, as <c>exrun report</c> counts them.
/// </summary>
public static class SessionBenchmark
{
    /// <summary>Set by `session --seconds S`.</summary>
    public const string SecondsVariable = "EXRUN_BENCH_SECONDS";

    public static void Run(BenchContext ctx)
    {
        string? exrun = FindExrun();
        if (exrun is null)
        {
            Console.WriteLine("  exrun is not built: dotnet build -c Release src/ExperimentRunner.Cli");
            ctx.Add("session", "(not run)", "exrun is not built");
            return;
        }
        int seconds = int.TryParse(Environment.GetEnvironmentVariable(SecondsVariable), CultureInfo.InvariantCulture, out int s) && s > 0 ? s : ctx.Quick ? 20 : 60;
        bool withLoad = Environment.GetEnvironmentVariable(FramesBenchmark.LoadVariable) == "1";
        string paradigm = Path.Combine(Scenario.RepoRoot, "paradigms", "social-feedback-fmri.yaml");
        string dir = Scenario.TempDir("session");
        // The database goes with the benchmark's scratch folder; exrun's output is kept for a look afterwards.
        string db = Path.Combine(dir, "study.db"), log = Path.Combine(Path.GetTempPath(), $"exrun-bench-session-{Environment.ProcessId}.log");
        Console.WriteLine($"  exrun        {exrun}");
        Console.WriteLine($"  run          {Path.GetFileName(paradigm)} offscreen for {seconds} s, simulated responder{(withLoad ? $", {Environment.ProcessorCount} busy processes at nice 10 (one per core)" : ", no competing load")}");

        var start = new ProcessStartInfo(exrun)
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            WorkingDirectory = Scenario.RepoRoot,
        };
        foreach (string a in new[]
                 {
                     "run", paradigm, "--participant", "sub-01", "--session", "1", "--display", "offscreen", "--db", db,
                     "--max-seconds", seconds.ToString(CultureInfo.InvariantCulture), "--responder", "default", "--override", "all",
                 })
            start.ArgumentList.Add(a);

        // Steal (the hypervisor running other work on this VM's CPUs) is machine-wide: sampled here, matched with exrun's
        // missed frames afterwards (both read CLOCK_MONOTONIC).
        using var steal = new StealSampler();
        long stealBefore = steal.ReadStealMs(), stealDuring;
        using (var load = withLoad ? CompetingLoad.Start(Environment.ProcessorCount) : null)
        {
            if (load != null) Thread.Sleep(1000); // let the load reach the scheduler's steady state
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {exrun}");
            process.StandardInput.Close();
            var stderr = process.StandardError.ReadToEndAsync();
            File.WriteAllText(log, process.StandardOutput.ReadToEnd() + stderr.Result);
            process.WaitForExit();
            stealDuring = steal.ReadStealMs() - stealBefore;
            Console.WriteLine($"  exrun exited {process.ExitCode} (load {Machine.Load()}); its output: {log}");
            Console.WriteLine($"  machine      the hypervisor ran other work on this VM's CPUs (steal) for {(stealBefore < 0 ? "? (no /proc/stat)" : $"{stealDuring} ms")} while exrun ran (both CPUs together, 10 ms ticks)");
            if (process.ExitCode != 0) throw new InvalidOperationException($"exrun run exited {process.ExitCode}: see {log}");
        }

        using var reader = StudyReader.Open(db);
        var session = reader.Sessions().Single();
        var qc = TimingQc.Analyse(reader, session);
        long flips = reader.FlipChunks(session.SessionId).Sum(c => (long)c.TimeNs.Length);
        int missed = qc.MissedFramesOutsideRuns + qc.Runs.Sum(r => r.MissedFrames);
        Console.WriteLine($"  session      {session.SessionId} ({session.Status}); {flips} flips logged; timing verdict {QcIndex.Word(qc.Verdict)}; " +
            $"missed frames in scan runs {qc.Runs.Sum(r => r.MissedFrames)}, outside them {qc.MissedFramesOutsideRuns}");
        foreach (var r in qc.Runs)
            Console.WriteLine($"  run {r.Run}        missed frames {r.MissedFrames}, |onset error| p99 {r.Onsets.AbsP99Ms:0.000} ms");
        // Each missed frame with the events just before it: what the frame loop was doing when it was late.
        var events = reader.Events(session.SessionId).Select(e => e.Event).OrderBy(e => e.TimeNs).ToList();
        long firstNs = events.Count > 0 ? events[0].TimeNs : 0;
        var missedFrames = events.Where(e => e.Kind == EventKind.MissedFrame).ToList();
        long Stolen(EventRecord m) => steal.StealBetween(m.IntendedNs - 2 * 16_666_667L, m.TimeNs + StealSampler.EveryMs * 1_000_000L);
        if (missedFrames.Count > 0)
            Console.WriteLine($"  missed frames with steal on the machine around them (from 2 periods before the deadline to {StealSampler.EveryMs} ms after the flip): {missedFrames.Count(m => Stolen(m) > 0)} of {missedFrames.Count}");
        foreach (var m in missedFrames.Take(10))
        {
            var before = events.Where(e => e.TimeNs < m.IntendedNs && e.Kind != EventKind.MissedFrame).TakeLast(3)
                .Select(e => $"{e.Kind}{(e.Screen is { } sc ? " " + sc : "")} {(e.TimeNs - m.IntendedNs) / 1e6:0.0} ms");
            long stolen = Stolen(m);
            Console.WriteLine($"    missed frame at {(m.TimeNs - firstNs) / 1e9:0.000} s on '{m.Screen}', {m.Value:0.00} periods late{(stolen > 0 ? $", steal {stolen} ms around it" : stolen == 0 ? ", no steal around it" : "")}; before its deadline: {string.Join(", ", before)}");
        }
        string label = withLoad ? $" (nice-10 load x{Environment.ProcessorCount})" : "";
        ctx.Add("session", $"missed frames in {seconds} s of run{label}", $"{missed} of {flips} flips", "0", missed == 0);
    }

    /// <summary>The built CLI: Release if built, else Debug.</summary>
    private static string? FindExrun()
    {
        foreach (string config in new[] { "Release", "Debug" })
        {
            string path = Path.Combine(Scenario.RepoRoot, "src", "ExperimentRunner.Cli", "bin", config, "net10.0", "exrun");
            if (File.Exists(path)) return path;
        }
        return null;
    }
}
