using ExperimentRunner.Storage;
using ExperimentRunner.Storage.Report;

namespace ExperimentRunner.Cli.Report;

/// <summary>What a report wrote: the session, its QC, and the files (full paths), index first.</summary>
public sealed record ReportResult(SessionQc Qc, IReadOnlyList<string> Files);

/// <summary>
/// Writes a session's timing report into a folder: four PNG plots per run, index.md and index.html. The same database
/// gives the same bytes. Progress is reported as (steps done, steps in all).
/// </summary>
public static class SessionReport
{
    /// <summary>The session <paramref name="sessionId"/>, or the newest one when null (latest start; id breaks ties).</summary>
    public static StoredSession Pick(StudyReader reader, string? sessionId)
    {
        if (sessionId is not null)
        {
            StoredSession? s = reader.Session(sessionId);
            if (s is not null) return s;
            IReadOnlyList<StoredSession> all = reader.Sessions();
            string known = all.Count == 0 ? "the database holds no session"
                : "sessions there: " + string.Join(", ", all.Select(x => x.SessionId).Take(10)) + (all.Count > 10 ? $" and {all.Count - 10} more" : "");
            throw new ReportException($"no session '{sessionId}' in {reader.DatabasePath} ({known})");
        }
        return reader.Sessions()
            .OrderBy(s => s.Info.StartedUtc, StringComparer.Ordinal)
            .ThenBy(s => s.Info.SessionId, StringComparer.Ordinal)
            .LastOrDefault()
            ?? throw new ReportException($"{reader.DatabasePath} holds no session to report on");
    }

    public static ReportResult Write(StudyReader reader, StoredSession session, string outDir, Action<int, int>? progress = null)
    {
        SessionQc qc = TimingQc.Analyse(reader, session);
        var jobs = qc.Runs.SelectMany(r => QcPlots.ForRun(r, qc)).ToList();
        int total = jobs.Count + 2, done = 1;
        progress?.Invoke(done, total);
        StudyFiles.EnsureFolder(outDir);
        var files = new List<string>();
        foreach (var (plot, draw) in jobs)
        {
            string path = Path.Combine(outDir, plot.FileName);
            PrivateFiles.WriteAllBytes(path, draw());
            files.Add(path);
            progress?.Invoke(++done, total);
        }
        var plots = jobs.Select(j => j.Plot).ToList();
        string md = Path.Combine(outDir, QcIndex.MarkdownName), html = Path.Combine(outDir, QcIndex.HtmlName);
        PrivateFiles.WriteAllText(md, QcIndex.Markdown(qc, plots));
        PrivateFiles.WriteAllText(html, QcIndex.Html(qc, plots));
        files.InsertRange(0, [md, html]);
        progress?.Invoke(total, total);
        return new ReportResult(qc, files);
    }
}

/// <summary>The session asked for is not there (or there is none): the caller's input is wrong.</summary>
public sealed class ReportException(string message) : Exception(message);
