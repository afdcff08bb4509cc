using System.Globalization;
using System.Text;

namespace ExperimentRunner.Storage.Export;

/// <summary>How values look in exported tables: invariant culture, "n/a" for missing, seconds with 6 decimals.</summary>
internal static class ExportText
{
    public const string Missing = "n/a";
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    public static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Seconds from <paramref name="baseNs"/> with 6 decimals (microseconds), or n/a.</summary>
    public static string Seconds(long ns, long baseNs) =>
        ns == Core.Events.EventRecord.None || baseNs == Core.Events.EventRecord.None ? Missing : ((ns - baseNs) / 1e9).ToString("F6", Invariant);

    /// <summary>A duration in seconds with 6 decimals, or n/a.</summary>
    public static string Duration(long ns) => ns == Core.Events.EventRecord.None ? Missing : (ns / 1e9).ToString("F6", Invariant);

    /// <summary>Milliseconds with 3 decimals, or n/a.</summary>
    public static string Ms(long ns) => ns == Core.Events.EventRecord.None ? Missing : (ns / 1e6).ToString("F3", Invariant);

    /// <summary>A number in its shortest exact form, or n/a for NaN.</summary>
    public static string Number(double v) => double.IsNaN(v) ? Missing : v.ToString("R", Invariant);

    public static string Int(long v) => v.ToString(Invariant);

    public static string Text(string? s) => string.IsNullOrEmpty(s) ? Missing : s;

    /// <summary>A BIDS label of <paramref name="text"/>: without the entity's <paramref name="prefix"/> ("sub-07" is
    /// label "07"), letters and digits only; empty when nothing is left.</summary>
    public static string Label(string text, string prefix)
    {
        if (text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && text.Length > prefix.Length) text = text[prefix.Length..];
        return new string(text.Where(char.IsAsciiLetterOrDigit).ToArray());
    }

    /// <summary>The participant_id of every exported table: <c>sub-&lt;label&gt;</c>, the same value as the BIDS
    /// participants.tsv, so tables join across formats; the id as entered when it has no letters or digits.</summary>
    public static string ParticipantId(string participant) =>
        Label(participant, "sub-") is { Length: > 0 } label ? "sub-" + label : participant;

    /// <summary>The text, or null when it is null or empty (the engine may log "" for "none").</summary>
    public static string? Present(string? s) => string.IsNullOrEmpty(s) ? null : s;
}

/// <summary>A table written as TSV (BIDS: no quoting; tabs and line breaks inside a value become spaces) or as CSV
/// (RFC 4180 quoting). Lines end in "\n"; UTF-8 without a byte-order mark.</summary>
internal sealed class TableWriter
{
    private readonly string[] _columns;
    private readonly List<string[]> _rows = new();

    public TableWriter(params string[] columns) => _columns = columns;

    public IReadOnlyList<string> Columns => _columns;
    public int RowCount => _rows.Count;

    public void Add(params string[] values)
    {
        if (values.Length != _columns.Length)
            throw new InvalidOperationException($"row has {values.Length} values for {_columns.Length} columns");
        for (int i = 0; i < values.Length; i++)
            if (string.IsNullOrEmpty(values[i])) values[i] = ExportText.Missing; // no empty cells (BIDS)
        _rows.Add(values);
    }

    public void Write(string path, char separator = '\t')
    {
        var sb = new StringBuilder();
        AppendLine(sb, _columns, separator);
        foreach (string[] row in _rows) AppendLine(sb, row, separator);
        using FileStream file = StudyFiles.CreateExportFile(path);
        byte[] bytes = ExportText.Utf8.GetBytes(sb.ToString());
        file.Write(bytes);
    }

    private static void AppendLine(StringBuilder sb, string[] values, char separator)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0) sb.Append(separator);
            sb.Append(separator == '\t' ? Tsv(values[i]) : Csv(values[i]));
        }
        sb.Append('\n');
    }

    private static string Tsv(string v) =>
        v.IndexOfAny(['\t', '\n', '\r']) < 0 ? v : v.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');

    private static string Csv(string v) =>
        v.IndexOfAny([',', '"', '\n', '\r']) < 0 ? v : "\"" + v.Replace("\"", "\"\"") + "\"";
}
