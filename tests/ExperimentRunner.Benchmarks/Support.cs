using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;

namespace ExperimentRunner.Benchmarks;

/// <summary>One printed figure of a benchmark, with its target (if any) and whether it met it.</summary>
public sealed record Figure(string Benchmark, string Name, string Value, string Target, bool? Pass)
{
    public string Verdict => Pass switch { true => "pass", false => "MISS", null => "-" };
}

/// <summary>What a benchmark gets: the run mode and where to put its figures.</summary>
public sealed class BenchContext(bool quick, int? flips)
{
    public bool Quick { get; } = quick;
    /// <summary>Flips for the frames benchmark, when given on the command line.</summary>
    public int? Flips { get; } = flips;
    public List<Figure> Figures { get; } = new();

    public void Add(string benchmark, string name, string value, string target = "", bool? pass = null)
    {
        Figures.Add(new Figure(benchmark, name, value, target, pass));
        Console.WriteLine($"  {name,-38} {value}{(target.Length > 0 ? $"   (target {target}: {(pass == true ? "pass" : "MISS")})" : "")}");
    }

    public static string F(double value, string format = "0.000") => value.ToString(format, CultureInfo.InvariantCulture);
}

/// <summary>The machine a figure was taken on, its load, and the process's memory.</summary>
public static class Machine
{
    /// <summary>Waits until the JIT compiled nothing for half a second (at most 10 s).</summary>
    public static void WaitForJit()
    {
        var watch = Stopwatch.StartNew();
        long before = System.Runtime.JitInfo.GetCompiledMethodCount();
        while (watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            Thread.Sleep(500);
            long now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now == before) return;
            before = now;
        }
    }

    public static string CpuModel()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("model name", StringComparison.Ordinal)) return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    public static string Os()
    {
        string pretty = "";
        try
        {
            foreach (string line in File.ReadLines("/etc/os-release"))
                if (line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal)) pretty = line["PRETTY_NAME=".Length..].Trim('"') + "; ";
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        string kernel = "";
        try { kernel = "; Linux " + File.ReadAllText("/proc/sys/kernel/osrelease").Trim(); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return pretty.Length > 0 ? pretty.TrimEnd(' ', ';') + kernel : RuntimeInformation.OSDescription + kernel;
    }

    public static string MemTotal()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/meminfo"))
                if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                {
                    long kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                    return $"{kb / 1024.0 / 1024.0:0.0} GiB";
                }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return "?";
    }

    /// <summary>The 1, 5 and 15 minute load averages and running/total tasks, as /proc/loadavg gives them.</summary>
    public static string Load()
    {
        try
        {
            string[] parts = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return $"{parts[0]} {parts[1]} {parts[2]} (1/5/15 min; {Environment.ProcessorCount} cores)";
        }
        catch (IOException) { return "?"; }
        catch (UnauthorizedAccessException) { return "?"; }
    }

    public static void PrintHeader()
    {
        Console.WriteLine("ExperimentRunner benchmarks");
        Console.WriteLine($"  date (UTC)   {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}");
        Console.WriteLine($"  CPU          {CpuModel()}, {Environment.ProcessorCount} cores visible, {MemTotal()} RAM");
        Console.WriteLine($"  OS           {Os()}");
        Console.WriteLine($"  .NET         {RuntimeInformation.FrameworkDescription} ({RuntimeInformation.RuntimeIdentifier}); " +
            $"GC {(GCSettings.IsServerGC ? "server" : "workstation")}, {GCSettings.LatencyMode}; " +
            $"Stopwatch {Stopwatch.Frequency} Hz, high resolution {Stopwatch.IsHighResolution}");
        Console.WriteLine($"  load         {Load()}");
    }

    /// <summary>
    /// Resets the kernel's peak resident set (VmHWM, what <see cref="Process.PeakWorkingSet64"/> reads) to the current
    /// resident set, so a benchmark's peak is its own and not an earlier one's (Linux 4.0+: /proc/self/clear_refs).
    /// </summary>
    public static bool ResetPeakWorkingSet()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    public static long WorkingSet()
    {
        using var p = Process.GetCurrentProcess();
        return p.WorkingSet64;
    }

    public static long PeakWorkingSet()
    {
        using var p = Process.GetCurrentProcess();
        return p.PeakWorkingSet64;
    }

    public static TimeSpan CpuTime()
    {
        using var p = Process.GetCurrentProcess();
        return p.TotalProcessorTime;
    }

    public static string MiB(long bytes) => $"{bytes / 1024.0 / 1024.0:0.0} MiB";

    /// <summary>Collects everything collectable, so a following measurement starts from a settled heap.</summary>
    public static void Settle()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    }
}

/// <summary>Summary statistics of a sample of nanosecond values.</summary>
public sealed class Sample
{
    private readonly double[] _sorted;

    public Sample(ReadOnlySpan<long> valuesNs)
    {
        _sorted = new double[valuesNs.Length];
        for (int i = 0; i < valuesNs.Length; i++) _sorted[i] = valuesNs[i];
        Array.Sort(_sorted);
        if (_sorted.Length == 0) return;
        double sum = 0;
        foreach (double v in _sorted) sum += v;
        Mean = sum / _sorted.Length;
        double sq = 0;
        foreach (double v in _sorted) sq += (v - Mean) * (v - Mean);
        Sd = _sorted.Length > 1 ? Math.Sqrt(sq / (_sorted.Length - 1)) : 0;
    }

    public int Count => _sorted.Length;
    public double Mean { get; }
    public double Sd { get; }
    public double Min => _sorted.Length > 0 ? _sorted[0] : double.NaN;
    public double Max => _sorted.Length > 0 ? _sorted[^1] : double.NaN;

    /// <summary>The p-th percentile (0–100), nearest rank.</summary>
    public double Percentile(double p)
    {
        if (_sorted.Length == 0) return double.NaN;
        int rank = (int)Math.Ceiling(p / 100.0 * _sorted.Length);
        return _sorted[Math.Clamp(rank - 1, 0, _sorted.Length - 1)];
    }

    /// <summary>"mean m, SD s, p50 a, p99 b, max c" in milliseconds.</summary>
    public string Ms() =>
        $"mean {BenchContext.F(Mean / 1e6)} ms, SD {BenchContext.F(Sd / 1e6)}, p50 {BenchContext.F(Percentile(50) / 1e6)}, " +
        $"p99 {BenchContext.F(Percentile(99) / 1e6)}, max {BenchContext.F(Max / 1e6)} (n={Count})";
}
