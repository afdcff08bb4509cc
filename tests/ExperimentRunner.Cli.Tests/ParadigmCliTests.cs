namespace ExperimentRunner.Cli.Tests;

/// <summary>validate, plan and graph through the command line: exit codes, located errors, identical bytes.</summary>
public class ParadigmCliTests
{
    [Fact]
    public void ValidatePassesEveryShippedParadigm()
    {
        var files = Directory.GetFiles(Path.Combine(Exrun.Root, "paradigms"), "*.yaml").Select(f => Path.GetRelativePath(Exrun.Root, f)).ToArray();
        var r = Exrun.Run(["validate", .. files]);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        Assert.Equal(files.Length, r.Out.Split('\n').Count(l => l.EndsWith(")") && l.Contains(": valid (")));
    }

    public static IEnumerable<object[]> Broken() =>
    [
        ["tab", "\n  name: social-feedback-fmri", "\n\tname: social-feedback-fmri", "tab character"],
        ["negative", "        duration: 2s", "        duration: -2s", "negative"],
        ["escape", "  participant_photo: ../stimuli/participant/self.png", "  participant_photo: ../../../../../../etc/passwd", "leaves the paradigm's folder"],
        ["duplicate", "  dummy_scans: 4\n", "  dummy_scans: 4\n  dummy_scans: 4\n", "duplicate key"],
        ["unknown", "        duration: 2s", "        duratoin: 2s", "did you mean 'duration'?"],
        ["truncated", "questionnaires:", "questionnaires:\n  resilience: {title: \"About", "malformed"],
    ];

    [Theory]
    [MemberData(nameof(Broken))]
    public void ABrokenVariantGetsALocatedErrorAndExitTwo(string name, string oldText, string newText, string message)
    {
        // Variants live beside the shipped ones so their relative stimuli paths still resolve; removed afterwards.
        var source = File.ReadAllText(Path.Combine(Exrun.Root, "paradigms", "social-feedback-fmri.yaml"));
        Assert.Contains(oldText, source);
        var text = source.Replace(oldText, newText);
        if (name == "truncated") text = text[..(text.IndexOf("questionnaires:", StringComparison.Ordinal) + 50)];
        var dir = Path.Combine(Exrun.Root, "paradigms", $".broken-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            // One level deeper than paradigms/: the relative paths need one more '../'.
            var path = Path.Combine(dir, name + ".yaml");
            File.WriteAllText(path, text.Replace("../stimuli/", "../../stimuli/"));
            var r = Exrun.Run("validate", Path.GetRelativePath(Exrun.Root, path));
            Assert.Equal(2, r.ExitCode);
            Assert.Matches(@"\.yaml:\d+:\d+: error: ", r.Out);
            Assert.Contains(message, r.Out);
            Assert.DoesNotContain("   at ", r.Out + r.Err);
            Assert.True(r.Elapsed < TimeSpan.FromSeconds(20));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void AnEmptyFileAndAnAliasBombGetExitTwo()
    {
        var empty = Exrun.Temp("empty.yaml");
        File.WriteAllText(empty, "");
        var r = Exrun.Run("validate", empty);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(":1:1: error: the file is empty", r.Out);

        var bomb = Exrun.Temp("bomb.yaml");
        var lines = new List<string> { "version: 1", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]" };
        for (int i = 1; i < 9; i++) lines.Add($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]");
        File.WriteAllLines(bomb, lines);
        r = Exrun.Run("validate", bomb);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("alias bomb", r.Out);
        Assert.True(r.Elapsed < TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void AMissingFileIsExitTwoAndBadArgumentsAreExitTwo()
    {
        var r = Exrun.Run("validate", "paradigms/nope.yaml");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("no such file", r.Out);
        r = Exrun.Run("plan", "paradigms/social-feedback-fmri.yaml");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--participant", r.Err);
        r = Exrun.Run("plan", "paradigms/social-feedback-fmri.yaml", "--participant", "Jane Doe");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("pseudonymous", r.Err);
    }

    [Fact]
    public void PlanIsByteIdenticalForOneParticipantAndDiffersBetweenTwo()
    {
        var a = Exrun.Run("plan", "paradigms/social-feedback-fmri.yaml", "--participant", "sub-01", "--format", "tsv");
        var b = Exrun.Run("plan", "paradigms/social-feedback-fmri.yaml", "--participant", "sub-01", "--format", "tsv");
        var c = Exrun.Run("plan", "paradigms/social-feedback-fmri.yaml", "--participant", "sub-02", "--format", "tsv");
        Assert.Equal(0, a.ExitCode);
        Assert.Equal(a.Out, b.Out);
        Assert.NotEqual(a.Out, c.Out);
        var header = a.Out.Split('\n').First(l => !l.StartsWith('#'));
        Assert.Equal("phase\trun\tblock\ttrial\tcondition\tscreen\trole\tstimulus\tonset\tonset_frame\tduration\tduration_frames\tmarker\trow\tcorrect", header);
        var json1 = Exrun.Temp("plan.json");
        var json2 = Exrun.Temp("plan.json");
        Assert.Equal(0, Exrun.Run("plan", "paradigms/social-judgment-fmri.yaml", "--participant", "sub-05", "--format", "json", "--out", json1).ExitCode);
        Assert.Equal(0, Exrun.Run("plan", "paradigms/social-judgment-fmri.yaml", "--participant", "sub-05", "--format", "json", "--out", json2).ExitCode);
        Assert.Equal(File.ReadAllBytes(json1), File.ReadAllBytes(json2));
    }

    [Fact]
    public void GraphDrawsEachShippedParadigm()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(Exrun.Root, "paradigms"), "*.yaml"))
        {
            var dot = Exrun.Run("graph", file, "--format", "dot");
            Assert.Equal(0, dot.ExitCode);
            Assert.StartsWith("digraph", dot.Out.TrimStart());
            var mermaid = Exrun.Run("graph", file, "--format", "mermaid");
            Assert.Equal(0, mermaid.ExitCode);
            Assert.StartsWith("stateDiagram-v2", mermaid.Out.TrimStart());
        }
    }
}
