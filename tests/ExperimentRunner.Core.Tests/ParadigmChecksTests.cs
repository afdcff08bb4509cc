using System.Text;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;

namespace ExperimentRunner.Core.Tests;

/// <summary>What validate refuses because it could never take effect, and the tables and documents it reads strictly.</summary>
public class ParadigmChecksTests
{
    private const string Fmri = "social-feedback-fmri.yaml";
    private const string Judgment = "social-judgment-fmri.yaml";

    private static List<Diagnostic> Errors(string path)
    {
        var result = ParadigmLoader.Load(path);
        Assert.False(result.IsValid);
        var errors = result.Diagnostics.Where(d => d.Severity == Severity.Error).ToList();
        Assert.NotEmpty(errors);
        return errors;
    }

    [Fact]
    public void AMarkerForAScreenThatDoesNotExistIsAnErrorWithASuggestion()
    {
        var path = Variants.Replace(Fmri, "marker-typo.yaml", "  fixation: 10\n", "  fixaton: 10\n");
        var e = Assert.Single(Errors(path));
        Assert.Contains("no screen named 'fixaton' (did you mean 'fixation'?)", e.Message);
        Assert.Equal(Variants.LineOf(path, "fixaton: 10"), e.Pos.Line);
        Assert.Equal(3, e.Pos.Column);
    }

    [Fact]
    public void AMarkerNamingARatingIsRefusedWithWhereItsMarkerGoes()
    {
        var path = Variants.Replace(Fmri, "marker-rating.yaml", "markers:\n", "markers:\n  desire: 41\n");
        var e = Assert.Single(Errors(path));
        Assert.Contains("'desire' is a rating", e.Message);
        Assert.Contains("ratings.desire", e.Message);
    }

    [Fact]
    public void AMarkerForALeadInNoScanHasCanNeverBeSent()
    {
        var path = Variants.Replace(Fmri, "marker-no-lead-in.yaml", "      lead_in: 6s\n", "");
        var e = Assert.Single(Errors(path));
        Assert.Contains("marker 'lead_in' can never be sent: no scan has a 'lead_in'", e.Message);
        Assert.Equal(Variants.LineOf(path, "  lead_in: 1"), e.Pos.Line);
    }

    [Fact]
    public void AConditionMarkerShadowedByTheFeedbackScreensOwnMarkerIsAnErrorAtTheConditionsMarker()
    {
        var path = Variants.Replace(Fmri, "condition-marker.yaml", "        show: feedback\n        duration: 2.5s\n",
            "        show: feedback\n        duration: 2.5s\n        marker: 25\n");
        var errors = Errors(path);
        Assert.Equal(3, errors.Count);
        var acceptance = Assert.Single(errors, e => e.Message.Contains("condition 'acceptance'"));
        Assert.Contains("can never be sent", acceptance.Message);
        Assert.Equal(Variants.LineOf(path, "marker: 21"), acceptance.Pos.Line);
    }

    [Fact]
    public void AConditionMarkerWithoutAnyFeedbackScreenIsAnError()
    {
        // The judgment task without its feedback screen: the conditions' markers 21 and 22 would never reach the log.
        var path = Variants.Replace(Judgment, "no-feedback.yaml", "      - name: feedback\n        show: feedback\n        duration: 2s\n", "");
        var errors = Errors(path);
        Assert.Contains(errors, e => e.Message.Contains("the marker of condition 'positive' can never be sent"));
        Assert.Contains(errors, e => e.Message.Contains("the marker of condition 'negative' can never be sent"));
    }

    [Fact]
    public void AnImageOnAScreenThatDrawsNoImageIsRefused()
    {
        var photo = Path.Combine(Repo.Root, "stimuli", "participant", "self.png");
        var path = Variants.Replace(Fmri, "image-on-fixation.yaml", "        show: fixation\n", $"        show: fixation\n        image: {photo}\n");
        var e = Assert.Single(Errors(path));
        Assert.Contains("draws no 'image'", e.Message);
    }

    [Fact]
    public void AMisspeltPlaceholderInTheCaptionOrAFeedbackIsAnError()
    {
        var text = Variants.Shipped(Fmri).Replace("  caption: \"{name}, {age}\"", "  caption: \"{nam}, {age}\"")
            .Replace("feedback: \"{name} is interested in you!\"", "feedback: \"{Name} is interested in you!\"");
        var errors = Errors(Variants.Write("placeholder.yaml", text));
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Message.Contains("the caption has '{nam}', which is no placeholder (did you mean 'name'?)"));
        Assert.Contains(errors, e => e.Message.Contains("the feedback of condition 'acceptance' has '{Name}'"));
    }

    [Fact]
    public void AFileThatIsOnlyADocumentMarkerGetsALocatedMessage()
    {
        var e = Assert.Single(Errors(Variants.Write("dashes.yaml", "---\n")));
        Assert.Equal((1, 1), (e.Pos.Line, e.Pos.Column));
        Assert.Contains("empty YAML document", e.Message);
    }

    [Fact]
    public void AListOrAValueInsteadOfAParadigmGetsALocatedMessage()
    {
        Assert.Contains("no paradigm", Assert.Single(Errors(Variants.Write("list.yaml", "- version: 1\n"))).Message);
        Assert.Contains("no paradigm", Assert.Single(Errors(Variants.Write("scalar.yaml", "hello\n"))).Message);
    }

    [Fact]
    public void AnUnclosedBracketThatStopsTheYamlScannerIsALocatedError()
    {
        // Found by the fuzz test: YamlDotNet throws InvalidOperationException here, not a YamlException.
        var path = Variants.Replace(Judgment, "unclosed.yaml", "  pause: p\n", "  [pause: p\n");
        var e = Assert.Single(Errors(path));
        Assert.Contains("could not read on", e.Message);
        Assert.InRange(e.Pos.Line, Variants.LineOf(path, "abort: escape"), Variants.LineOf(path, "[pause: p") + 2);
    }

    [Fact]
    public void AMistakeUnderAnAnchorIsReportedOnceHoweverOftenItIsUsed()
    {
        var text = Variants.Shipped(Fmri)
            .Replace("        - {label: accept, condition: acceptance, trials: 8}", "        - &b {label: accept, condition: acceptance, trials: 8, colour: red}")
            .Replace("        - {label: reject, condition: rejection, trials: 8}", "        - *b")
            .Replace("        - {label: neutral, condition: neutral, trials: 6}", "        - *b");
        var errors = Errors(Variants.Write("anchor.yaml", text));
        Assert.Single(errors, e => e.Message.Contains("unknown key 'colour'"));
    }

    private static string WithTable(string fileName, byte[] table)
    {
        var tablePath = Variants.WriteBytes(fileName + ".csv", table);
        var dir = Path.Combine(Repo.Root, "stimuli", "profiles");
        var text = Variants.Shipped(Fmri).Replace($"table: {dir}/profiles.csv", $"table: {tablePath}");
        return Variants.Write(fileName + ".yaml", text);
    }

    [Fact]
    public void AProfileTableWithOnlyAHeaderIsAnError()
    {
        var path = WithTable("header-only", "id,photo,name,age,bio\n"u8.ToArray());
        Assert.Contains(Errors(path), e => e.Message.Contains("has a header but no profiles") && e.Pos.Line == Variants.LineOf(path, "table:"));
    }

    [Fact]
    public void AProfileTableThatIsNotUtf8IsAnErrorNamingTheLine()
    {
        var bytes = new List<byte>();
        bytes.AddRange("id,photo,name,age,bio\np001,images/p001.png,April,43,Likes hiking\np002,images/p002.png,Ren"u8.ToArray());
        bytes.Add(0xE9); // 'é' in Latin-1: not UTF-8
        bytes.AddRange(",30,Reads\n"u8.ToArray());
        var path = WithTable("latin1", bytes.ToArray());
        var e = Assert.Single(Errors(path), e => e.Message.Contains("UTF-8"));
        Assert.Contains("line 3", e.Message);
    }

    [Fact]
    public void AnAbsurdlyLongBioIsAnError()
    {
        var table = "id,photo,name,age,bio\np001,images/p001.png,April,43," + new string('x', 1_000_000) + "\n";
        var path = WithTable("long-bio", Encoding.UTF8.GetBytes(table));
        Assert.Contains(Errors(path), e => e.Message.Contains("the bio is 1,000,000 characters"));
    }

    [Fact]
    public void EveryFileASessionOpensIsListedWithThePositionOfItsKey()
    {
        var result = ParadigmLoader.Load(Repo.Paradigm(Fmri));
        var files = result.Paradigm!.StimulusFiles;
        Assert.Equal(60, files.Count(f => f.Kind == StimulusKind.Image && f.What.StartsWith("the photo of profile", StringComparison.Ordinal)));
        Assert.Single(files, f => f.What == "the participant photo");
        Assert.Single(files, f => f.Kind == StimulusKind.Sound);
        var font = Assert.Single(files, f => f.Kind == StimulusKind.Font);
        Assert.Equal(Variants.LineOf(Repo.Paradigm(Fmri), "font: ../stimuli/fonts"), font.Pos.Line);
    }

    private static double MeanIsiSeconds(string durationYaml)
    {
        var text = Variants.Shipped(Judgment)
            .Replace("        duration: {uniform: [1s, 3s]}", $"        duration: {durationYaml}")
            .Replace("  volumes: 270", "  volumes: 0"); // no redraws to fit the volumes: those would favour short draws
        var result = ParadigmLoader.Load(Variants.Write($"jitter-{Math.Abs(durationYaml.GetHashCode())}.yaml", text));
        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
        var durations = new List<long>();
        for (int p = 1; p <= 100; p++)
        {
            var plan = Planner.Make(result.Paradigm!, new SessionFacts($"sub-{p:000}", "1"));
            durations.AddRange(plan.Runs.SelectMany(r => r.Events).Where(e => e.Screen == "isi").Select(e => e.DurationNs));
        }
        Assert.Equal(4000, durations.Count);
        return durations.Average() / 1e9;
    }

    [Fact]
    public void TheRealisedMeanIsWhatTheDrawsAverage()
    {
        // 4,000 draws, standard error about 0.025 s.
        Assert.InRange(MeanIsiSeconds("{exponential: {realised_mean: 4s, min: 2s, max: 8s}}"), 3.9, 4.1);
    }

    [Fact]
    public void AnExponentialMeanIsTheMeanBeforeTruncationAsVersionOneAlwaysMeant()
    {
        // {mean: 4s, min: 2s, max: 8s} draws average 2 + 2 − 6 / (e³ − 1) ≈ 3.686 s, as paradigms/README.md says.
        double expected = 2 + ExponentialJitter.TruncatedMean(2, 6);
        Assert.InRange(expected, 3.68, 3.69);
        Assert.InRange(MeanIsiSeconds("{exponential: {mean: 4s, min: 2s, max: 8s}}"), expected - 0.1, expected + 0.1);
    }

    [Fact]
    public void ARealisedMeanAboveTheMiddleOfItsRangeIsAnError()
    {
        var path = Variants.Replace(Judgment, "realised-too-high.yaml", "        duration: {uniform: [1s, 3s]}",
            "        duration: {exponential: {realised_mean: 5s, min: 2s, max: 8s}}");
        Assert.Contains("must lie between min and the middle of min and max", Assert.Single(Errors(path)).Message);
    }

    [Fact]
    public void MeanAndRealisedMeanTogetherAreRefused()
    {
        var path = Variants.Replace(Judgment, "both-means.yaml", "        duration: {uniform: [1s, 3s]}",
            "        duration: {exponential: {mean: 4s, realised_mean: 3s, min: 2s, max: 8s}}");
        Assert.Contains("not both", Assert.Single(Errors(path)).Message);
    }
}
