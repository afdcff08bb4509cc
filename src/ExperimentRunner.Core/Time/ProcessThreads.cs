namespace ExperimentRunner.Core.Time;

/// <summary>The threads of this process, as Linux lists them in /proc/self/task.</summary>
internal static class ProcessThreads
{
    /// <summary>Each thread's id and name (15 characters at most); empty where /proc cannot be read.</summary>
    public static IEnumerable<(int Tid, string Name)> List()
    {
        string[] tasks;
        try { tasks = Directory.GetDirectories("/proc/self/task"); }
        catch (IOException) { yield break; }
        catch (UnauthorizedAccessException) { yield break; }
        foreach (var dir in tasks)
        {
            if (!int.TryParse(Path.GetFileName(dir), out int tid)) continue;
            string name;
            try { name = File.ReadAllText(Path.Combine(dir, "comm")).TrimEnd('\n'); }
            catch (IOException) { continue; } // the thread ended meanwhile
            catch (UnauthorizedAccessException) { continue; }
            yield return (tid, name);
        }
    }
}
