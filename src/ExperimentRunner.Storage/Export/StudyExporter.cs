namespace ExperimentRunner.Storage.Export;

/// <summary>Formats of <c>exrun export</c>.</summary>
public enum ExportFormat { Bids, Tsv, Csv, Json }

/// <summary>What to export and where.</summary>
public sealed record ExportOptions
{
    public required ExportFormat Format { get; init; }

    /// <summary>The output folder (created owner-only when missing). Not used with <see cref="IntoBidsRoot"/>.</summary>
    public string? OutDir { get; init; }

    /// <summary>Only this participant (with or without "sub-").</summary>
    public string? Participant { get; init; }

    /// <summary>Only this session: its label (with or without "ses-") or its session id.</summary>
    public string? Session { get; init; }

    /// <summary>BIDS only: an existing dataset whose <c>func/*_bold.nii[.gz]</c> get our events beside them.</summary>
    public string? IntoBidsRoot { get; init; }

    /// <summary>BIDS only: the folder stim_file paths are relative to (the paradigm's stimuli root); the files named
    /// are copied into the dataset's /stimuli. Null: none copied (a note says so).</summary>
    public string? StimuliRoot { get; init; }

    /// <summary>Told after each session: (what, done, total).</summary>
    public Action<string, int, int>? Progress { get; init; }
}

/// <summary>What an export wrote (paths relative to its root, sorted) and what it wants people to know.</summary>
public sealed record ExportResult(string Root, IReadOnlyList<string> Files, IReadOnlyList<string> Notes);

/// <summary>An export that cannot be done as asked (nothing selected, a TR that disagrees): a message for people.</summary>
public sealed class ExportException(string message) : Exception(message);

/// <summary>The entry point of every export. Same database and options, same bytes: rows are sorted, nothing carries
/// the time of the export.</summary>
public static class StudyExporter
{
    public static ExportResult Export(StudyReader reader, ExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<StoredSession> sessions = reader.Sessions(options.Participant, options.Session);
        if (sessions.Count == 0)
        {
            string filter = options.Participant is null && options.Session is null ? ""
                : $" matching{(options.Participant is null ? "" : $" participant {options.Participant}")}{(options.Session is null ? "" : $" session {options.Session}")}";
            throw new ExportException($"{reader.DatabasePath} has no sessions{filter}");
        }
        if (options.IntoBidsRoot is not null && options.Format != ExportFormat.Bids)
            throw new ExportException("--into works with --format bids only");
        if (options.IntoBidsRoot is null && string.IsNullOrEmpty(options.OutDir))
            throw new ExportException("give the output folder with --out");

        var data = new List<SessionData>();
        for (int i = 0; i < sessions.Count; i++)
        {
            data.Add(new SessionData(reader, sessions[i]));
            options.Progress?.Invoke($"reading sub-{sessions[i].Info.ParticipantId} ses-{sessions[i].Info.SessionLabel}", i + 1, sessions.Count * 2);
        }

        var files = new List<string>();
        var notes = new List<string>();
        string root;
        void Report(string what, int done) => options.Progress?.Invoke(what, sessions.Count + done, sessions.Count * 2);
        switch (options.Format)
        {
            case ExportFormat.Bids when options.IntoBidsRoot is not null:
                root = Path.GetFullPath(options.IntoBidsRoot);
                BidsExporter.ExportInto(root, data, options.StimuliRoot, files, notes, Report);
                break;
            case ExportFormat.Bids:
                root = Path.GetFullPath(options.OutDir!);
                BidsExporter.Export(root, data, options.StimuliRoot, files, notes, Report);
                break;
            case ExportFormat.Tsv:
            case ExportFormat.Csv:
                root = Path.GetFullPath(options.OutDir!);
                TableExporter.Export(root, data, options.Format == ExportFormat.Csv ? ',' : '\t', files, Report);
                break;
            default:
                root = Path.GetFullPath(options.OutDir!);
                JsonExporter.Export(root, reader, data, files, Report);
                break;
        }
        files.Sort(StringComparer.Ordinal);
        return new ExportResult(root, files, notes);
    }

    /// <summary>Parses a --format value; null when unknown.</summary>
    public static ExportFormat? ParseFormat(string? text) => text?.ToLowerInvariant() switch
    {
        "bids" => ExportFormat.Bids,
        "tsv" => ExportFormat.Tsv,
        "csv" => ExportFormat.Csv,
        "json" => ExportFormat.Json,
        _ => null,
    };
}
