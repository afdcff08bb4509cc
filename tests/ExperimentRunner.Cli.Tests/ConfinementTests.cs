using System.Diagnostics;

namespace ExperimentRunner.Cli.Tests;

/// <summary>
/// A paradigm reads nothing outside its folder and its stimuli root, whatever links its tree holds, and nothing that
/// is not a regular file: validate and preview refuse, with exit 2 and a located message, and never hang.
/// </summary>
public class ConfinementTests
{
    private const string PasswdFirstLine = "root:";

    internal static void MakeFifo(string path)
    {
        var mkfifo = Process.Start("mkfifo", [path]);
        Assert.True(mkfifo.WaitForExit(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, mkfifo.ExitCode);
    }

    /// <summary>Exit 2 within seconds, a located error containing <paramref name="message"/>, no stack trace, nothing of /etc/passwd.</summary>
    private static void Refused(Exrun.Result r, string message)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Out}{r.Err}");
        Assert.Contains(message, r.Out + r.Err);
        Assert.Matches(@"\.yaml:\d+:\d+: error: ", r.Out + r.Err);
        Assert.DoesNotContain("   at ", r.Out + r.Err);
        Assert.DoesNotContain(PasswdFirstLine, r.Out + r.Err);
        Assert.True(r.Elapsed < TimeSpan.FromSeconds(60), $"took {r.Elapsed}");
    }

    [Fact]
    public void AFolderLinkInsideTheStimuliRootLeadsNowhereOutside()
    {
        var tree = new ParadigmTree();
        File.CreateSymbolicLink(Path.Combine(tree.Stimuli, "ext"), "/etc");
        var table = tree.Paradigm("table", "table: ../stimuli/profiles/profiles.csv", "table: ../stimuli/ext/passwd");
        Refused(Exrun.Run("validate", table), "leading outside the paradigm's folder");
        var images = tree.Paradigm("images", "images: ../stimuli/profiles", "images: ../stimuli/ext");
        Refused(Exrun.Run("validate", images), "leading outside the paradigm's folder");
        // '..' after a linked folder is taken from the link's target, as the kernel does, not lexically.
        var dotdot = tree.Paradigm("dotdot", "font: ../stimuli/fonts/DejaVuSans.ttf", "font: ../stimuli/ext/../stimuli/fonts/DejaVuSans.ttf");
        Refused(Exrun.Run("validate", dotdot), "the font '../stimuli/ext/../stimuli/fonts/DejaVuSans.ttf' is a link (or lies in a linked folder) leading outside");
    }

    [Fact]
    public void AFileLinkOutOfTheTreeIsRefusedAsFontAndAsParticipantPhoto()
    {
        var tree = new ParadigmTree();
        File.CreateSymbolicLink(Path.Combine(tree.Stimuli, "fonts", "Evil.ttf"), "/etc/passwd");
        File.CreateSymbolicLink(Path.Combine(tree.Stimuli, "participant", "evil.png"), "/etc/passwd");
        var font = tree.Paradigm("font", "font: ../stimuli/fonts/DejaVuSans.ttf", "font: ../stimuli/fonts/Evil.ttf");
        Refused(Exrun.Run("validate", font), "the font '../stimuli/fonts/Evil.ttf' is a link");
        Refused(Exrun.Run("preview", font, "--screen", "fixation", "--out", Path.Combine(tree.Root, "f.png")), "is a link");
        var photo = tree.Paradigm("photo", "participant/self.png", "participant/evil.png");
        Refused(Exrun.Run("validate", photo), "the participant photo '../stimuli/participant/evil.png' is a link");
    }

    [Fact]
    public void ALinkInsideTheTreeToAnotherFileInsideIsFine()
    {
        var tree = new ParadigmTree();
        File.CreateSymbolicLink(Path.Combine(tree.Stimuli, "fonts", "Alias.ttf"), "DejaVuSans.ttf");
        var font = tree.Paradigm("alias", "font: ../stimuli/fonts/DejaVuSans.ttf", "font: ../stimuli/fonts/Alias.ttf");
        var r = Exrun.Run("validate", font);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
    }

    [Fact]
    public void ALinkedPhotoInTheProfileTableIsRefused()
    {
        var tree = new ParadigmTree();
        File.CreateSymbolicLink(Path.Combine(tree.Stimuli, "profiles", "out.png"), "/etc/passwd");
        string csv = tree.Table("linked", "out.png");
        var path = tree.Paradigm("linked", "profiles/profiles.csv", "profiles/" + csv);
        Refused(Exrun.Run("validate", path), "photo 'out.png' is a link");
    }

    [Fact]
    public void AFifoAsParadigmTableFontOrPhotoIsRefusedWithoutHanging()
    {
        var tree = new ParadigmTree();
        string fifoYaml = Path.Combine(tree.Paradigms, "fifo.yaml");
        MakeFifo(fifoYaml);
        var r = Exrun.Run("validate", fifoYaml);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("fifo.yaml:1:1: error: this file is a FIFO", r.Out);

        MakeFifo(Path.Combine(tree.Stimuli, "profiles", "fifo.csv"));
        var table = tree.Paradigm("table", "profiles/profiles.csv", "profiles/fifo.csv");
        Refused(Exrun.Run("validate", table), "the profile table '../stimuli/profiles/fifo.csv' is a FIFO");

        MakeFifo(Path.Combine(tree.Stimuli, "fonts", "Fifo.ttf"));
        var font = tree.Paradigm("font", "font: ../stimuli/fonts/DejaVuSans.ttf", "font: ../stimuli/fonts/Fifo.ttf");
        Refused(Exrun.Run("validate", font), "is a FIFO");
        Refused(Exrun.Run("preview", font, "--screen", "fixation", "--out", Path.Combine(tree.Root, "f.png")), "is a FIFO");

        MakeFifo(Path.Combine(tree.Stimuli, "profiles", "fifo.png"));
        var photo = tree.Paradigm("photo", "profiles/profiles.csv", "profiles/" + tree.Table("fifo-photo", "fifo.png"));
        Refused(Exrun.Run("validate", photo), "photo 'fifo.png' is a FIFO");
        Refused(Exrun.Run("preview", photo, "--screen", "profile", "--out", Path.Combine(tree.Root, "p.png")), "is a FIFO");
    }

    [Fact]
    public void TheDefaultFontAsAFifoFailsPreviewWithAMessage()
    {
        var tree = new ParadigmTree();
        string font = Path.Combine(tree.Stimuli, "fonts", "DejaVuSans.ttf");
        File.Delete(font);
        MakeFifo(font);
        var path = tree.Paradigm("default-font", "  font: ../stimuli/fonts/DejaVuSans.ttf\n", "");
        var r = Exrun.Run("preview", path, "--screen", "fixation", "--out", Path.Combine(tree.Root, "f.png"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.True(r.Err.Contains("is a FIFO (named pipe), not a regular file"), r.Err);
        Assert.DoesNotContain("Exception", r.Err);
        Assert.True(r.Elapsed < TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void DevZeroThroughALinkIsNeverRead()
    {
        var tree = new ParadigmTree();
        File.CreateSymbolicLink(Path.Combine(tree.Stimuli, "profiles", "zero.csv"), "/dev/zero");
        var table = tree.Paradigm("zero", "profiles/profiles.csv", "profiles/zero.csv");
        Refused(Exrun.Run("validate", table), "is a link");
        // The paradigm named on the command line may be anywhere, but must be a regular file.
        string zeroYaml = Path.Combine(tree.Paradigms, "zero.yaml");
        File.Delete(zeroYaml);
        File.CreateSymbolicLink(zeroYaml, "/dev/zero");
        var r = Exrun.Run("validate", zeroYaml);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("zero.yaml:1:1: error: this file is a character device", r.Out);
    }
}

/// <summary>A copy of paradigms/social-feedback-fmri.yaml and stimuli/ in a fresh folder, to add links and FIFOs to.</summary>
internal sealed class ParadigmTree
{
    public string Root { get; } = Path.GetDirectoryName(Exrun.Temp("x"))!;
    public string Stimuli => Path.Combine(Root, "stimuli");
    public string Paradigms => Path.Combine(Root, "paradigms");

    public ParadigmTree()
    {
        Copy(Path.Combine(Exrun.Root, "stimuli"), Stimuli);
        Directory.CreateDirectory(Paradigms);
    }

    /// <summary>The shipped fMRI paradigm with one replacement, written as paradigms/NAME.yaml.</summary>
    public string Paradigm(string name, string oldText, string newText)
    {
        string source = File.ReadAllText(Path.Combine(Exrun.Root, "paradigms", "social-feedback-fmri.yaml"));
        Assert.Contains(oldText, source);
        string path = Path.Combine(Paradigms, name + ".yaml");
        File.WriteAllText(path, source.Replace(oldText, newText));
        return path;
    }

    /// <summary>The profile table with the first profile's photo replaced, as stimuli/profiles/NAME.csv.</summary>
    public string Table(string name, string photo)
    {
        var lines = File.ReadAllLines(Path.Combine(Stimuli, "profiles", "profiles.csv"));
        var header = lines[0].Split(',');
        int iPhoto = Array.IndexOf(header, "photo");
        var first = lines[1].Split(',');
        first[iPhoto] = photo;
        lines[1] = string.Join(',', first);
        File.WriteAllLines(Path.Combine(Stimuli, "profiles", name + ".csv"), lines);
        return name + ".csv";
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        foreach (var d in Directory.GetDirectories(from)) Copy(d, Path.Combine(to, Path.GetFileName(d)));
    }
}
