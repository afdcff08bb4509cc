namespace ExperimentRunner.Cli.Tests;

/// <summary>exrun design through the command line: shipped fMRI paradigms, PET, participants and search.</summary>
public class DesignCliTests
{
    [Theory]
    [InlineData("social-feedback-fmri.yaml", 2)]
    [InlineData("social-judgment-fmri.yaml", 1)]
    public void DesignWorksOnEveryShippedFmriParadigmAndWritesItsPictures(string paradigm, int runs)
    {
        string dir = Path.GetDirectoryName(Exrun.Temp("design"))!;
        var r = Exrun.Run("design", $"paradigms/{paradigm}", "--participant", "sub-01", "--out", dir);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        // The paradigm's own contrasts, no flags needed.
        Assert.DoesNotContain("no contrasts declared", r.Out);
        Assert.Contains("efficiency", r.Out);
        for (int run = 1; run <= runs; run++)
        {
            Assert.Contains($"run {run}: ", r.Out);
            foreach (string picture in new[] { "design-matrix", "regressors", "correlations" })
            {
                var png = File.ReadAllBytes(Path.Combine(dir, $"run-{run}_{picture}.png"));
                Assert.True(png.Length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', $"run-{run}_{picture}.png");
            }
            Assert.True(File.Exists(Path.Combine(dir, $"run-{run}_design.tsv")));
        }
        string html = File.ReadAllText(Path.Combine(dir, "index.html"));
        Assert.Contains("run-1_design-matrix.png", html);
        Assert.Contains("run-1_design-matrix.png", File.ReadAllText(Path.Combine(dir, "index.md")));
    }

    [Fact]
    public void DesignOfAPetParadigmSaysTheCheckDoesNotApplyWithExitTwo()
    {
        var r = Exrun.Run("design", "paradigms/social-feedback-pet.yaml", "--participant", "sub-01");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("PET", r.Err);
        Assert.Contains("does not apply", r.Err);
        Assert.DoesNotContain("   at ", r.Err);
    }

    [Fact]
    public void ManyParticipantsGiveTheSpreadAndASearchGivesASeedWithoutChangingAnything()
    {
        string path = Path.Combine(Exrun.Root, "paradigms", "social-judgment-fmri.yaml");
        string before = File.ReadAllText(path);
        var r = Exrun.Run("design", "paradigms/social-judgment-fmri.yaml", "--participant", "sub-01", "--participants", "12",
            "--search", "10", "--criterion", "max-correlation", "--contrast", "negative_feedback - positive_feedback");
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        Assert.Contains("over 12 participants (sub-01 … sub-12), session efficiency min / median / max:", r.Out);
        Assert.Contains("search over 10 other seeds for sub-01, criterion max-correlation", r.Out);
        Assert.Equal(before, File.ReadAllText(path));

        var bad = Exrun.Run("design", "paradigms/social-judgment-fmri.yaml", "--participant", "sub-01", "--contrast", "negative_feedback - postive_feedback");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("did you mean 'positive_feedback'", bad.Err);
    }
}
