using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Paradigm;

namespace ExperimentRunner.Cli.Tests;

/// <summary><c>exrun preview</c> draws every screen of a paradigm by its name; <c>stimuli generate --faces</c> makes faces.</summary>
public sealed class PreviewEveryScreenTests
{
    private static string EveryPart => Path.Combine(Exrun.Root, "tests", "Fixtures", "parts", "every-part.yaml");

    public static TheoryData<string> Paradigms()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(Exrun.Root, "paradigms"), "*.yaml").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(f));
        data.Add("every-part");
        return data;
    }

    private static bool IsPng(string path) =>
        File.ReadAllBytes(path) is { Length: > 8 } b && b[0] == 0x89 && b[1] == (byte)'P' && b[2] == (byte)'N' && b[3] == (byte)'G';

    [Theory]
    [MemberData(nameof(Paradigms))]
    public void EveryScreenOfEveryShippedParadigmPreviewsToAPng(string name)
    {
        string file = name == "every-part" ? EveryPart : Path.Combine(Exrun.Root, "paradigms", name);
        var p = ParadigmLoader.Load(file).Paradigm!;
        var screens = ScreenCatalog.All(p);
        // Every trial screen of every trial is among them, images, texts and parts included.
        foreach (var s in p.Trials.Values.SelectMany(t => t.Screens))
            Assert.Contains(screens, e => e.Name == s.Name || e.Name.EndsWith("." + s.Name, StringComparison.Ordinal));
        string dir = Exrun.Temp("preview-all-" + Path.GetFileNameWithoutExtension(name));
        var r = Exrun.Run("preview", file, "--all", "--no-gl", "--out", dir);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        var pngs = Directory.GetFiles(dir, "*.png");
        Assert.Equal(screens.Count, pngs.Length);
        Assert.All(pngs, f => Assert.True(IsPng(f), f));
    }

    [Theory]
    [InlineData("note")]
    [InlineData("picture")]
    [InlineData("card")]
    [InlineData("parts_trial.liking")]
    [InlineData("bye")]
    public void AScreenPreviewsByItsNameIncludingTextAndImageScreens(string screen)
    {
        string png = Path.Combine(Exrun.Temp("preview-name"), screen + ".png");
        var r = Exrun.Run("preview", EveryPart, "--screen", screen, "--no-gl", "--out", png);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        Assert.True(IsPng(png));
    }

    [Fact]
    public void AMisspeltScreenNameIsRefusedWithASuggestion()
    {
        var r = Exrun.Run("preview", Path.Combine(Exrun.Root, "paradigms", "face-judgment-fmri.yaml"), "--screen", "fce", "--out", Path.Combine(Exrun.Temp("preview-bad"), "x.png"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("no screen named 'fce' (did you mean 'face'?)", r.Err);
        Assert.DoesNotContain("   at ", r.Err);
    }

    [Fact]
    public void StimuliGenerateMakesFacesWithoutNameOrAge()
    {
        string dir = Exrun.Temp("faces");
        var r = Exrun.Run("stimuli", "generate", "--faces", "--count", "3", "--seed", "7", "--out", dir);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        Assert.Equal(["id,photo", "f001,images/f001.png", "f002,images/f002.png", "f003,images/f003.png"], File.ReadAllLines(Path.Combine(dir, "faces.csv")));
        Assert.All(Directory.GetFiles(Path.Combine(dir, "images")), f => Assert.True(IsPng(f)));
        Assert.Equal(3, Directory.GetFiles(Path.Combine(dir, "images")).Length);
        // The shipped faces are this command's output.
        var again = Exrun.Temp("faces-shipped");
        Assert.Equal(0, Exrun.Run("stimuli", "generate", "--faces", "--count", "40", "--seed", "2026", "--out", again).ExitCode);
        Assert.Equal(File.ReadAllText(Path.Combine(Exrun.Root, "stimuli", "faces", "faces.csv")), File.ReadAllText(Path.Combine(again, "faces.csv")));
    }
}
