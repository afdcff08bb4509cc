using System.Text.RegularExpressions;
using ExperimentRunner.Storage;

namespace ExperimentRunner.Cli.Tests;

/// <summary>
/// Participant data stays with its owner: every file and folder exrun writes for a session is owner-only, the host name
/// is stored and exported nowhere, and text from files or arguments cannot drive the operator's terminal.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class PrivacyTests
{
    private const string Pet = "paradigms/social-feedback-pet.yaml";

    private static void AllOwnerOnly(string root)
    {
        Assert.Equal(StudyFiles.OwnerFolder, File.GetUnixFileMode(root));
        foreach (var dir in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories))
            Assert.True(File.GetUnixFileMode(dir) == StudyFiles.OwnerFolder, $"{dir}: {File.GetUnixFileMode(dir)}");
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            Assert.True(File.GetUnixFileMode(file) == StudyFiles.OwnerFile, $"{file}: {File.GetUnixFileMode(file)}");
    }

    [Fact]
    public void EverythingWrittenForASessionIsOwnerOnlyFoldersCreatedOnTheWayToo()
    {
        string top = Path.GetDirectoryName(Exrun.Temp("x"))!;
        string db = Path.Combine(top, "db", "nested", "study.db");
        var r = Exrun.Run("simulate", Pet, "--participant", "sub-01", "--db", db);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        AllOwnerOnly(Path.Combine(top, "db"));

        // plan --out into folders that do not exist yet: created, owner-only.
        r = Exrun.Run("plan", Pet, "--participant", "sub-01", "--format", "tsv", "--out", Path.Combine(top, "plans", "new", "plan.tsv"));
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        AllOwnerOnly(Path.Combine(top, "plans"));

        r = Exrun.Run("report", "--db", db, "--out", Path.Combine(top, "report", "sub-01"));
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        AllOwnerOnly(Path.Combine(top, "report"));

        foreach (var format in new[] { "bids", "tsv", "json" })
        {
            r = Exrun.Run("export", "--db", db, "--format", format, "--out", Path.Combine(top, "export-" + format, format), "--stimuli", "stimuli");
            Assert.True(r.ExitCode == 0, r.Out + r.Err);
            AllOwnerOnly(Path.Combine(top, "export-" + format));
        }
    }

    [Fact]
    public void AnExistingPlanFileIsNarrowedToTheOwner()
    {
        string path = Exrun.Temp("plan.json");
        File.WriteAllText(path, "old");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var r = Exrun.Run("plan", Pet, "--participant", "sub-01", "--format", "json", "--out", path);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        Assert.Equal(StudyFiles.OwnerFile, File.GetUnixFileMode(path));
    }

    [Fact]
    public void TheHostNameIsStoredAndExportedNowhere()
    {
        string top = Path.GetDirectoryName(Exrun.Temp("x"))!;
        string db = Path.Combine(top, "study.db");
        Assert.Equal(0, Exrun.Run("simulate", Pet, "--participant", "sub-01", "--db", db).ExitCode);
        using (var reader = StudyReader.Open(db))
        {
            string machine = reader.Sessions().Single().Info.Machine;
            Assert.Matches("^machine-[0-9a-f]{8}$", machine);
            Assert.NotEqual(Environment.MachineName, machine);
        }
        Assert.Equal(0, Exrun.Run("report", "--db", db, "--out", Path.Combine(top, "report")).ExitCode);
        foreach (var format in new[] { "bids", "tsv", "csv", "json" })
            Assert.Equal(0, Exrun.Run("export", "--db", db, "--format", format, "--out", Path.Combine(top, format)).ExitCode);

        var host = new Regex($@"(?<![A-Za-z0-9_.+/-]){Regex.Escape(Environment.MachineName)}(?![A-Za-z0-9_+/-])");
        var texts = Directory.EnumerateFiles(top, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetExtension(f) is ".tsv" or ".csv" or ".json" or ".md" or ".html").ToList();
        Assert.NotEmpty(texts);
        foreach (var file in texts)
        {
            string text = File.ReadAllText(file);
            Assert.False(host.IsMatch(text), $"{file} holds the host name");
            Assert.DoesNotMatch(@"(?i)""machine""|\tmachine\t|,machine,|\| machine \||machine-[0-9a-f]{8}", text);
        }
    }

    [Fact]
    public void ControlCharactersFromArgumentsAndFilesAreShownNeverSentToTheTerminal()
    {
        const string Title = "\u001b]0;PWNED\u0007";
        var r = Exrun.Run("simulate", Pet, "--participant", "sub-" + Title + "01", "--db", Exrun.Temp("study.db"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(@"sub-\x1B]0;PWNED\x0701", r.Err);
        Assert.DoesNotContain('\u001b', r.Out + r.Err);
        Assert.DoesNotContain('\u0007', r.Out + r.Err);

        var tree = new ParadigmTree();
        File.WriteAllText(Path.Combine(tree.Stimuli, "profiles", "evil.csv"), $"id,photo,name,age,\u001b[2J{Title}\u009b2J\np1,images/p001.png,A,30,x\n");
        var path = tree.Paradigm("evil", "profiles/profiles.csv", "profiles/evil.csv");
        r = Exrun.Run("validate", path);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(@"\x1B[2J\x1B]0;PWNED\x07\x9B2J", r.Out);
        Assert.DoesNotContain('\u001b', r.Out + r.Err);
        Assert.DoesNotContain('\u009b', r.Out + r.Err);
    }

    [Fact]
    public void ThePathErrorNamesTheRealFolderNotDot()
    {
        string dir = Path.GetDirectoryName(Exrun.Temp("x"))!;
        string path = Path.Combine(dir, "alone.yaml");
        File.WriteAllText(path, File.ReadAllText(Path.Combine(Exrun.Root, "paradigms", "social-feedback-fmri.yaml"))
            .Replace("participant_photo: ../stimuli/participant/self.png", "participant_photo: ../../../../../../../etc/passwd"));
        var r = Exrun.Run("validate", path);
        Assert.Equal(2, r.ExitCode);
        string line = r.Out.Split('\n').Single(l => l.Contains("the participant photo"));
        Assert.Contains($"leaves the paradigm's folder ({dir})", line);
        Assert.DoesNotContain("(.)", r.Out);
    }
}

/// <summary>What the operator sees when something goes wrong: a message, an exit code, no colour codes in a pipe.</summary>
[Collection("real time")]
public class MessageTests
{
    [Fact]
    public void ARunWhoseOutputIsAPipeWritesNoColourCodes()
    {
        var r = Exrun.Run("run", "paradigms/social-feedback-fmri.yaml", "--participant", "sub-53", "--session", "1", "--db", Exrun.Temp("study.db"),
            "--display", "offscreen", "--scanner", "emulate", "--max-seconds", "1", "--markers", "serial:/dev/ttyDOES-NOT-EXIST");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("FAIL", r.Out);
        Assert.DoesNotContain('\u001b', r.Out + r.Err);
    }

    [Fact]
    public void PlanOutIntoAMissingFolderCreatesIt()
    {
        string path = Path.Combine(Path.GetDirectoryName(Exrun.Temp("x"))!, "newdir", "plan.json");
        var r = Exrun.Run("plan", "paradigms/social-feedback-fmri.yaml", "--participant", "sub-01", "--format", "json", "--out", path);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        Assert.True(File.Exists(path));
    }
}
