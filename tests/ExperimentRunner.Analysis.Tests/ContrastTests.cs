using ExperimentRunner.Analysis.Design;
using ExperimentRunner.Core.Paradigm;

namespace ExperimentRunner.Analysis.Tests;

/// <summary>Contrasts as written in a paradigm's design: section or on the command line, and their errors.</summary>
public class ContrastTests
{
    [Theory]
    [InlineData("rejection - acceptance", "rejection:1 acceptance:-1")]
    [InlineData("2*a - b - c", "a:2 b:-1 c:-1")]
    [InlineData("0.5 a + 0.5 b", "a:0.5 b:0.5")]
    [InlineData("-a + b", "a:-1 b:1")]
    [InlineData("a + a - b", "a:2 b:-1")]
    [InlineData("acceptance+rejection", "acceptance+rejection:1")]
    public void AContrastReadsAsWeightsOnLabels(string text, string expected)
    {
        var c = ContrastParser.Parse(text, null, out string? error);
        Assert.Null(error);
        Assert.Equal(expected, string.Join(" ", c!.Terms.Select(t => $"{t.Label}:{t.Weight.ToString(System.Globalization.CultureInfo.InvariantCulture)}")));
    }

    [Fact]
    public void BadContrastsInAParadigmAreErrorsAtTheirLineAndColumn()
    {
        var result = TestParadigms.TryLoad(TestParadigms.EventRelated("2s", extra: """
            design:
              contrasts: ["a - b", "a -", "a - a", {x: 1}]
              high_pass: 2s
              temporal_derivativ: true
            """));
        Assert.False(result.IsValid);
        var errors = result.Diagnostics.Where(d => d.Severity == Severity.Error).Select(d => d.ToString()).ToList();
        string line = $"{result.Diagnostics[0].Pos.File}:";
        int at = TestParadigms.EventRelated("2s").Split('\n').Length + 1;
        Assert.Contains(errors, e => e.StartsWith($"{line}{at}:") && e.Contains("'a -' is not a term"));
        Assert.Contains(errors, e => e.StartsWith($"{line}{at}:") && e.Contains("cancel out"));
        Assert.Contains(errors, e => e.StartsWith($"{line}{at}:") && e.Contains("each contrast is a text"));
        Assert.Contains(errors, e => e.StartsWith($"{line}{at + 1}:") && e.Contains("would filter out the responses"));
        Assert.Contains(errors, e => e.StartsWith($"{line}{at + 2}:") && e.Contains("did you mean 'temporal_derivative'"));
    }

    [Fact]
    public void AHighPassValueThatRunsOverSeveralLinesIsOneLocatedLine()
    {
        // What a fuzzed copy of a shipped paradigm once did: list items indented under high_pass join its value.
        var result = TestParadigms.TryLoad(TestParadigms.EventRelated("2s", extra: "design:\n  high_pass: 128s\n\n    - a + b\n"));
        var error = Assert.Single(result.Diagnostics, d => d.Severity == Severity.Error);
        Assert.DoesNotContain("\n", error.ToString());
        Assert.Contains("design.high_pass must be one duration", error.Message);
    }

    [Fact]
    public void AContrastNamingNoModelledLabelIsAnErrorAtItsPositionWithASuggestion()
    {
        var paradigm = TestParadigms.Load(TestParadigms.EventRelated("2s", extra: """
            design:
              contrasts: ["a_stim - b_stm", "a_stim - a_iti"]
            """));
        var e = Assert.Throws<DesignException>(() => DesignCheck.Run(paradigm, new DesignOptions { ParticipantId = "sub-01" }));
        Assert.False(e.NotApplicable);
        var lines = e.Message.Split('\n');
        int at = TestParadigms.EventRelated("2s").Split('\n').Length + 1;
        Assert.Contains(lines, l => l.StartsWith($"{paradigm.FilePath}:{at}:") && l.Contains("'b_stm'") && l.Contains("did you mean 'b_stim'"));
        Assert.Contains(lines, l => l.Contains("'a_iti'") && l.Contains("is baseline"));
    }

    [Fact]
    public void ContrastsOnTheCommandLineReplaceTheParadigmsAndAreCheckedToo()
    {
        var paradigm = TestParadigms.Load(TestParadigms.EventRelated("{uniform: [2s, 6s]}", extra: """
            design:
              contrasts: ["a_stim - b_stim"]
            """));
        var report = DesignCheck.Run(paradigm, new DesignOptions { ParticipantId = "sub-01", Contrasts = ["b_stim - a_stim", "a_stim"] });
        Assert.Equal(["b_stim - a_stim", "a_stim"], report.Settings.Contrasts.Select(c => c.Text));
        var e = Assert.Throws<DesignException>(() => DesignCheck.Run(paradigm, new DesignOptions { ParticipantId = "sub-01", Contrasts = ["a_stim - c"] }));
        Assert.StartsWith("--contrast 'a_stim - c' names 'c'", e.Message);
        // A contrast that does not read is an error too, never a silent fall-back to the default contrasts.
        var unread = Assert.Throws<DesignException>(() => DesignCheck.Run(paradigm, new DesignOptions { ParticipantId = "sub-01", Contrasts = ["a -"] }));
        Assert.StartsWith("--contrast 'a -': 'a -' in contrast 'a -' is not a term", unread.Message);
    }

    [Fact]
    public void WithoutContrastsEachLabelIsOneAgainstTheBaseline()
    {
        var paradigm = TestParadigms.Load(TestParadigms.EventRelated("{uniform: [2s, 6s]}"));
        var report = DesignCheck.Run(paradigm, new DesignOptions { ParticipantId = "sub-01" });
        Assert.True(report.Settings.ContrastsDefaulted);
        Assert.Equal(["a_stim", "b_stim"], report.Settings.Contrasts.Select(c => c.Text));
    }

    [Fact]
    public void RegressorsCarryTheLabelsTheBidsExportWrites()
    {
        // The fMRI paradigm shipped: its feedback trials are labelled by the exporter's rule, fixation is baseline.
        var paradigm = ParadigmLoader.Load(TestParadigms.Shipped("social-feedback-fmri.yaml")).Paradigm!;
        var plan = ExperimentRunner.Core.Planning.Planner.Make(paradigm, new("sub-01"));
        var expected = plan.Runs.SelectMany(r => r.Events)
            .Where(e => e.Role is ExperimentRunner.Core.Planning.PlannedRole.Screen or ExperimentRunner.Core.Planning.PlannedRole.Rating && e.Template?.Show != SceneKind.Fixation)
            .Select(e => ExperimentRunner.Core.Planning.EventLabels.TrialType(e)).Order(StringComparer.Ordinal).Distinct().ToList();
        var report = DesignCheck.Run(paradigm, new DesignOptions { ParticipantId = "sub-01" });
        Assert.Equal(expected, report.First.Runs.SelectMany(r => r.Regressors).Distinct().Order(StringComparer.Ordinal).ToList());
    }
}
