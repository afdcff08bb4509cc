using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Presentation.Composition;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Tests;

/// <summary>Wrapping costs about the text's length: a 1 MB bio is composed, not measured a million times over.</summary>
public sealed class TextWrapTests
{
    private const int Megabyte = 1_000_000;

    private static long CharsMeasuredWhile(Action wrap)
    {
        long before = TextBlock.MeasuredChars;
        wrap();
        return TextBlock.MeasuredChars - before;
    }

    [Fact]
    public void AMegabyteWordIsWrappedInLinearWork()
    {
        using var face = SKTypeface.FromFile(TestSupport.FontPath);
        string word = new('x', Megabyte);
        TextBlock? block = null;
        long measured = CharsMeasuredWhile(() => block = TextBlock.Create(word, face, 20, 400, 1.3f, int.MaxValue, false));
        // Every line is measured a few times over (gallop, then bisect); quadratic wrapping measured ~10^10 characters.
        Assert.True(measured < 40L * Megabyte, $"{measured:N0} characters measured");
        Assert.Equal(Megabyte, block!.Lines.Sum(l => l.Length));
        using var font = new SKFont(face, 20);
        Assert.All(block.Lines.Take(50), l => Assert.True(font.MeasureText(l) <= 400, l));
        Assert.True(font.MeasureText(block.Lines[0] + "x") > 400, "a line holds as much as fits");
    }

    [Fact]
    public void AMegabyteWordCutToAFewLinesCostsLittleMoreThanOneMeasurement()
    {
        using var face = SKTypeface.FromFile(TestSupport.FontPath);
        TextBlock? block = null;
        long measured = CharsMeasuredWhile(() => block = TextBlock.Create(new string('x', Megabyte), face, 20, 400, 1.3f, 4, false));
        Assert.True(measured < 3L * Megabyte, $"{measured:N0} characters measured");
        Assert.Equal(4, block!.Lines.Count);
        Assert.True(block.Truncated);
        Assert.EndsWith("…", block.Lines[^1]);
    }

    [Fact]
    public void AMegabyteOfWordsIsWrappedInLinearWork()
    {
        using var face = SKTypeface.FromFile(TestSupport.FontPath);
        string text = string.Join(' ', Enumerable.Repeat("lorem ipsum-dolor", Megabyte / 18));
        TextBlock? block = null;
        long measured = CharsMeasuredWhile(() => block = TextBlock.Create(text, face, 20, 400, 1.3f, int.MaxValue, false));
        Assert.True(measured < 80L * Megabyte, $"{measured:N0} characters measured");
        Assert.Equal(text.Replace(" ", ""), string.Concat(block!.Lines).Replace(" ", ""));
    }

    [Fact]
    public void AProfileCardWithAMegabyteBioIsComposed()
    {
        var scenes = new Scenes(TestSupport.TempDir());
        var profile = scenes.Profile with { Bio = new string('y', Megabyte) };
        using var composer = new SceneComposer(TestSupport.Style(1280, 720), 1280, 720);
        using var images = new ImageStore();
        long measured = CharsMeasuredWhile(() =>
        {
            using var bitmap = composer.Compose(new SceneSpec { Key = "long-bio", Kind = SceneKind.Profile, Profile = profile }, images, out _);
        });
        Assert.True(measured < 20L * Megabyte, $"{measured:N0} characters measured");
    }
}
