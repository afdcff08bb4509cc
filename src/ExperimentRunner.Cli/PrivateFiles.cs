using System.Text;
using ExperimentRunner.Storage;

namespace ExperimentRunner.Cli;

/// <summary>
/// Files the command line writes that hold a participant's data (a plan, a report): owner-only (0600), in folders
/// created owner-only (0700) where missing, like the database and its exports.
/// </summary>
public static class PrivateFiles
{
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, new UTF8Encoding(false).GetBytes(text));

    public static void WriteAllBytes(string path, byte[] bytes)
    {
        using var file = StudyFiles.CreateExportFile(path);
        // An existing file keeps its mode on truncation: narrow it too.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file.SafeFileHandle, StudyFiles.OwnerFile);
        file.Write(bytes);
    }
}
