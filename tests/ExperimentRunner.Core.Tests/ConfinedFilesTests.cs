using ExperimentRunner.Core.Files;

namespace ExperimentRunner.Core.Tests;

/// <summary>The one component every paradigm file read goes through: real paths, regular files, bounded reads.</summary>
public class ConfinedFilesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("exrun-confined-").FullName;

    public void Dispose() => Directory.Delete(_root, true);

    private string At(params string[] parts) => Path.Combine([_root, .. parts]);

    [Fact]
    public void DotDotAfterALinkedFolderIsTakenFromTheLinksTarget()
    {
        Directory.CreateDirectory(At("tree", "stimuli"));
        Directory.CreateDirectory(At("outside", "deep"));
        File.WriteAllText(At("outside", "secret.txt"), "secret");
        File.WriteAllText(At("tree", "stimuli", "secret.txt"), "fine");
        Directory.CreateSymbolicLink(At("tree", "stimuli", "ext"), At("outside", "deep"));
        // Lexically stimuli/ext/../secret.txt is stimuli/secret.txt; the kernel reads outside/secret.txt.
        Assert.Equal(At("outside", "secret.txt"), ConfinedFiles.TryRealPath(At("tree", "stimuli", "ext", "..", "secret.txt")));
        var files = new ConfinedFiles(At("tree"));
        var check = files.Check(At("tree", "stimuli", "ext", "..", "secret.txt"));
        Assert.Equal(Refusal.LinksOutside, check.Refusal);
        var e = Assert.Throws<ConfinedFileException>(() => files.ReadAllBytes(At("tree", "stimuli", "ext", "..", "secret.txt"), 100));
        Assert.DoesNotContain("secret\n", e.Message);
    }

    [Fact]
    public void ALinkedRootIsResolvedSoItsOwnFilesStayInside()
    {
        Directory.CreateDirectory(At("real", "stimuli"));
        File.WriteAllText(At("real", "stimuli", "a.csv"), "id\n");
        Directory.CreateSymbolicLink(At("stimuli-link"), At("real", "stimuli"));
        var files = new ConfinedFiles(At("stimuli-link"));
        var check = files.Check(At("stimuli-link", "a.csv"));
        Assert.True(check.Ok, check.Refusal.ToString());
        Assert.Equal(At("real", "stimuli", "a.csv"), check.RealPath);
    }

    [Fact]
    public void LinkLoopsAndNonRegularFilesAreRefusedWithoutOpening()
    {
        File.CreateSymbolicLink(At("a"), At("b"));
        File.CreateSymbolicLink(At("b"), At("a"));
        var files = new ConfinedFiles(_root);
        Assert.Equal(Refusal.TooManyLinks, files.Check(At("a")).Refusal);
        Directory.CreateDirectory(At("folder"));
        Assert.Equal(Refusal.WrongKind, files.Check(At("folder")).Refusal);
        Assert.True(files.Check(At("folder"), directory: true).Ok);
        Assert.Equal(Refusal.Missing, files.Check(At("nothing")).Refusal);
        Assert.Equal(FileKind.CharacterDevice, FileKinds.Of("/dev/zero"));
        var e = Assert.Throws<ConfinedFileException>(() => RegularFile.ReadAllBytes("/dev/zero", 1024));
        Assert.Contains("character device", e.Message);
    }

    [Fact]
    public void AReadStopsAtTheCap()
    {
        File.WriteAllBytes(At("big.bin"), new byte[5000]);
        var e = Assert.Throws<ConfinedFileException>(() => RegularFile.ReadAllBytes(At("big.bin"), 4096));
        Assert.Contains("larger than 4 KiB", e.Message);
        Assert.Equal(5000, RegularFile.ReadAllBytes(At("big.bin"), 5000).Length);
    }
}
