using System.Globalization;
using System.Text;

namespace ExperimentRunner.Presentation.Stimuli;

/// <summary>One row of <c>profiles.csv</c>. <see cref="Photo"/> is relative to the table's folder, with '/' separators.</summary>
public sealed record GeneratedProfile(string Id, string Photo, string Name, int Age, string Bio);

/// <summary>
/// The profile table, <c>profiles.csv</c>: UTF-8 without a byte-order mark, a header row, LF line ends, quoting as in
/// RFC 4180 (stimuli/README.md describes its columns).
/// </summary>
public static class ProfileTableWriter
{
    public const string FileName = "profiles.csv";
    public const string Header = "id,photo,name,age,bio";

    /// <summary>The table as RFC 4180 CSV (fields with a comma, quote or line break are quoted, quotes doubled), LF line ends.</summary>
    public static string ToCsv(IEnumerable<GeneratedProfile> rows)
    {
        var sb = new StringBuilder();
        sb.Append(Header).Append('\n');
        foreach (var r in rows)
        {
            sb.Append(Quote(r.Id)).Append(',').Append(Quote(r.Photo)).Append(',').Append(Quote(r.Name)).Append(',')
              .Append(r.Age.ToString(CultureInfo.InvariantCulture)).Append(',').Append(Quote(r.Bio)).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Writes <paramref name="rows"/> to <paramref name="path"/> as <see cref="ToCsv"/> gives them, without a byte-order mark.</summary>
    public static void Write(string path, IEnumerable<GeneratedProfile> rows) =>
        File.WriteAllText(path, ToCsv(rows), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));

    /// <summary>The table of faces without name, age or bio: <c>faces.csv</c> with the header <c>id,photo</c>.</summary>
    public const string FacesFileName = "faces.csv";
    public const string FacesHeader = "id,photo";

    /// <summary>Writes the id and photo of <paramref name="rows"/> as <see cref="FacesHeader"/> says, UTF-8 without a byte-order mark, LF line ends.</summary>
    public static void WriteFaces(string path, IEnumerable<GeneratedProfile> rows)
    {
        var sb = new StringBuilder();
        sb.Append(FacesHeader).Append('\n');
        foreach (var r in rows) sb.Append(Quote(r.Id)).Append(',').Append(Quote(r.Photo)).Append('\n');
        File.WriteAllText(path, sb.ToString(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";
}
