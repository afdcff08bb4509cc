using System.Text;

namespace ExperimentRunner.Core.Paradigm;

/// <summary>RFC 4180 CSV, UTF-8: the profile tables researchers edit in a spreadsheet.</summary>
public static class Csv
{
    public const int MaxRows = 100_000;

    /// <summary>
    /// Strict UTF-8 (a leading BOM dropped): a table saved in another encoding would otherwise be read with U+FFFD in
    /// place of its accents. Throws <see cref="FormatException"/> naming the 1-based line of the first invalid byte.
    /// </summary>
    public static string DecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) bytes = bytes[3..];
        var chars = new char[bytes.Length];
        var status = System.Text.Unicode.Utf8.ToUtf16(bytes, chars, out int read, out int written, replaceInvalidSequences: false);
        if (status != System.Buffers.OperationStatus.Done)
        {
            int line = 1;
            foreach (byte b in bytes[..read]) if (b == (byte)'\n') line++;
            throw new FormatException($"line {line}: byte {read + 1} is not UTF-8 text; save the table as UTF-8 (CSV UTF-8 in a spreadsheet)");
        }
        return new string(chars, 0, written);
    }

    /// <summary>Parses rows; throws <see cref="FormatException"/> with the 1-based line of an unterminated quote.</summary>
    public static List<string[]> Parse(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        int line = 1, quoteLine = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else quoted = false;
                }
                else
                {
                    if (c == '\n') line++;
                    field.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"': quoted = true; quoteLine = line; break;
                case ',': row.Add(field.ToString()); field.Clear(); break;
                case '\r': break;
                case '\n':
                    row.Add(field.ToString()); field.Clear();
                    if (!(row.Count == 1 && row[0].Length == 0)) rows.Add([.. row]);
                    row.Clear();
                    line++;
                    if (rows.Count > MaxRows) throw new FormatException($"more than {MaxRows:N0} rows");
                    break;
                default: field.Append(c); break;
            }
        }
        if (quoted) throw new FormatException($"line {quoteLine}: a quoted field is never closed");
        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            rows.Add([.. row]);
        }
        return rows;
    }
}
