using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Files;
using static ExperimentRunner.Storage.Export.ExportText;

namespace ExperimentRunner.Storage.Export;

// Writing the dataset's files: tables, JSON, text, and their paths relative to the root.
internal static partial class BidsExporter
{
    private static void SaveTable(string dir, string name, TableWriter table, List<string> files, string? root = null)
    {
        StudyFiles.EnsureFolder(dir);
        string path = Path.Combine(dir, name);
        table.Write(path);
        files.Add(Relative(root ?? dir, path));
    }

    private static void WriteJson(string dir, string name, List<string> files, Action<Utf8JsonWriter> body, string? root = null)
    {
        StudyFiles.EnsureFolder(dir);
        string path = Path.Combine(dir, name);
        using FileStream file = StudyFiles.CreateExportFile(path);
        using (var w = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        file.WriteByte((byte)'\n');
        files.Add(Relative(root ?? dir, path));
    }

    private static void WriteText(string dir, string name, List<string> files, string text)
    {
        string path = Path.Combine(dir, name);
        using FileStream file = StudyFiles.CreateExportFile(path);
        file.Write(Utf8.GetBytes(text));
        files.Add(name);
    }

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');
}
