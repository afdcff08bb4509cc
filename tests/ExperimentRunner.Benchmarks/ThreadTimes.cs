using System.Globalization;

namespace ExperimentRunner.Benchmarks;

/// <summary>CPU time of the process's threads by name (from /proc/self/task; 10 ms resolution), for "where the CPU goes".</summary>
public static class ThreadTimes
{
    /// <summary>CPU ms (user + system) per thread name, trailing digits folded ("exrun-compose-0" and -1 are "exrun-compose-*").</summary>
    public static Dictionary<string, double> Take()
    {
        var byName = new Dictionary<string, double>(StringComparer.Ordinal);
        try
        {
            foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                try
                {
                    string stat = File.ReadAllText(Path.Combine(task, "stat"));
                    int open = stat.IndexOf('('), close = stat.LastIndexOf(')');
                    string name = stat[(open + 1)..close];
                    string trimmed = name.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9');
                    if (trimmed.Length < name.Length) name = trimmed + "*";
                    string[] f = stat[(close + 2)..].Split(' ');
                    double ms = (long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture)) * 10.0;
                    byName[name] = byName.GetValueOrDefault(name) + ms;
                }
                catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException) { /* a thread that ended */ }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* no /proc */ }
        return byName;
    }

    /// <summary>"name 0.12 s, …" for the threads that used CPU between the two snapshots, most first (ended threads are missing).</summary>
    public static string Describe(Dictionary<string, double> before, Dictionary<string, double> after) =>
        string.Join(", ", after.Select(kv => (Name: kv.Key, Ms: kv.Value - before.GetValueOrDefault(kv.Key)))
            .Where(r => r.Ms > 0).OrderByDescending(r => r.Ms).Select(r => $"{r.Name} {r.Ms / 1000:0.00} s"));
}
