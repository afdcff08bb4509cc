using System.Diagnostics;

namespace ExperimentRunner.Benchmarks;

/// <summary>Runs one benchmark in a child process (this program with --child) and takes its figures back.</summary>
public static class ChildProcess
{

    public static string Encode(Figure f) =>
        string.Join('\t', "##figure", f.Benchmark, f.Name, f.Value, f.Target, f.Pass switch { true => "1", false => "0", null => "" });

    /// <summary>Runs the benchmark; true when its process exited 0. A process that died without saying why gets a row.</summary>
    public static bool Run(string name, bool quick, int? flips, BenchContext ctx)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(name);
        start.ArgumentList.Add("--child");
        if (quick) start.ArgumentList.Add("--quick");
        if (flips is int n) { start.ArgumentList.Add("--flips"); start.ArgumentList.Add(n.ToString(System.Globalization.CultureInfo.InvariantCulture)); }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        string? line;
        while ((line = process.StandardOutput.ReadLine()) != null)
        {
            if (line.StartsWith("##figure\t", StringComparison.Ordinal))
            {
                string[] f = line.Split('\t');
                if (f.Length >= 6)
                    ctx.Figures.Add(new Figure(f[1], f[2], f[3], f[4], f[5] switch { "1" => true, "0" => false, _ => null }));
            }
            else Console.WriteLine(line);
        }
        process.WaitForExit();
        if (process.ExitCode == 0) return true;
        if (!ctx.Figures.Any(f => f.Benchmark == name && f.Pass == false && f.Name == "(did not run)"))
            ctx.Figures.Add(new Figure(name, "(did not run)", $"its process exited with {process.ExitCode}", "", false));
        return false;
    }
}
