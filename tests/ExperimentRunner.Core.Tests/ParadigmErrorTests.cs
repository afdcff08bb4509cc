using System.Diagnostics;
using ExperimentRunner.Core.Paradigm;

namespace ExperimentRunner.Core.Tests;

/// <summary>Every class of error in a paradigm file gets a located message, all at once, never an exception.</summary>
public class ParadigmErrorTests
{
    private const string Fmri = "social-feedback-fmri.yaml";

    private static IReadOnlyList<Diagnostic> Errors(string path)
    {
        var sw = Stopwatch.StartNew();
        var result = ParadigmLoader.Load(path);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), "loading must take seconds at most");
        Assert.False(result.IsValid);
        var errors = result.Diagnostics.Where(d => d.Severity == Severity.Error).ToList();
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.True(e.Pos.Line >= 1 && e.Pos.Column >= 1));
        return errors;
    }

    [Theory]
    [MemberData(nameof(Shipped))]
    public void EveryShippedParadigmIsValid(string file)
    {
        var result = ParadigmLoader.Load(file);
        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
    }

    public static IEnumerable<object[]> Shipped() => Repo.ShippedParadigms().Select(f => new object[] { f });

    [Fact]
    public void ATabInTheIndentationIsReportedOnItsLine()
    {
        var path = Variants.Replace(Fmri, "tab.yaml", "\n  name: social-feedback-fmri", "\n\tname: social-feedback-fmri");
        var e = Assert.Single(Errors(path));
        Assert.Contains("tab", e.Message);
        Assert.Equal(Variants.LineOf(path, "\tname: social-feedback-fmri"), e.Pos.Line);
    }

    [Fact]
    public void ATruncatedFileIsReportedNotThrown()
    {
        var text = Variants.Shipped(Fmri);
        var path = Variants.Write("truncated.yaml", text[..text.IndexOf("      - {id: res2", StringComparison.Ordinal)] + "      - {id: res2, text: I ten");
        var errors = Errors(path);
        Assert.Contains(errors, e => e.Message.Contains("truncated", StringComparison.Ordinal) || e.Message.Contains("malformed", StringComparison.Ordinal));
    }

    [Fact]
    public void ANegativeDurationIsAnErrorAtItsValue()
    {
        var path = Variants.Replace(Fmri, "negative.yaml", "        duration: 2s", "        duration: -2s");
        var e = Assert.Single(Errors(path));
        Assert.Contains("negative", e.Message);
        Assert.Equal(Variants.LineOf(path, "duration: -2s"), e.Pos.Line);
    }

    [Fact]
    public void APathLeavingTheTreeIsRefused()
    {
        var path = Variants.Replace(Fmri, "escape.yaml", "  participant_photo: " + Path.Combine(Repo.Root, "stimuli") + "/participant/self.png", "  participant_photo: ../../../../../../../../etc/passwd");
        var e = Assert.Single(Errors(path));
        Assert.Contains("leaves the paradigm's folder", e.Message);
        Assert.Equal(Variants.LineOf(path, "/etc/passwd"), e.Pos.Line);
    }

    [Fact]
    public void ADuplicateKeyNamesBothLines()
    {
        var path = Variants.Replace(Fmri, "duplicate.yaml", "  dummy_scans: 4\n", "  dummy_scans: 4\n  dummy_scans: 5\n");
        var e = Assert.Single(Errors(path));
        Assert.Contains("duplicate key 'dummy_scans'", e.Message);
        Assert.Contains($"line {Variants.LineOf(path, "dummy_scans: 4")}", e.Message);
    }

    [Fact]
    public void AnUnknownKeyGetsASuggestion()
    {
        var path = Variants.Replace(Fmri, "unknown.yaml", "        duration: 2s", "        duraton: 2s");
        var errors = Errors(path);
        Assert.Contains(errors, e => e.Message.Contains("unknown key 'duraton'") && e.Message.Contains("did you mean 'duration'?"));
    }

    [Fact]
    public void AnAliasBombIsRefusedQuickly()
    {
        var bomb = "version: 1\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n" +
                   "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n" +
                   "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n";
        var e = Assert.Single(Errors(Variants.Write("bomb.yaml", bomb)));
        Assert.Contains("alias bomb", e.Message);
    }

    [Fact]
    public void AnEmptyFileSaysSo()
    {
        var e = Assert.Single(Errors(Variants.Write("empty.yaml", "")));
        Assert.Contains("empty", e.Message);
        Assert.Equal(1, e.Pos.Line);
    }

    [Fact]
    public void AMissingImageFileIsAnError()
    {
        var path = Variants.Replace(Fmri, "missing-file.yaml", "/participant/self.png", "/participant/nobody.png");
        var e = Assert.Single(Errors(path));
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void AProfileTableWithoutABioColumnIsAnError()
    {
        var dir = Path.Combine(Repo.Root, "stimuli", "profiles");
        var table = Variants.Write("no-bio.csv", "id,photo,name,age\np001,images/p001.png,April,43\n");
        var text = Variants.Shipped(Fmri).Replace($"table: {dir}/profiles.csv", $"table: {table}");
        // The cards show bios, so the column is required here (a table of faces needs only id and photo).
        var e = Assert.Single(Errors(Variants.Write("no-bio.yaml", text)), d => d.Message.Contains("lacks column(s) bio"));
        Assert.Contains("which the card of screen 'profile' shows", e.Message);
    }

    [Fact]
    public void ARunLongerThanItsVolumesIsAnError()
    {
        var path = Variants.Replace(Fmri, "short.yaml", "  volumes: 150", "  volumes: 60");
        var e = Assert.Single(Errors(path));
        Assert.Contains("60 volumes × 2 s = 120 s", e.Message);
    }

    [Fact]
    public void AJitterMeanOutsideItsRangeIsAnError()
    {
        var path = Variants.Replace(Fmri, "jitter.yaml", "{exponential: {mean: 3s, min: 2s, max: 6s}}", "{exponential: {mean: 7s, min: 2s, max: 6s}}");
        var e = Assert.Single(Errors(path));
        Assert.Contains("lies outside its range", e.Message);
    }

    [Fact]
    public void AnUnsatisfiableConditionConstraintIsAnError()
    {
        var path = Variants.Replace("social-judgment-fmri.yaml", "unsat.yaml", "mix: {positive: 20, negative: 20}", "mix: {positive: 36, negative: 4}");
        var errors = Errors(path);
        Assert.Contains(errors, e => e.Message.Contains("unsatisfiable") && e.Message.Contains("max_same_in_row: 3"));
    }

    [Fact]
    public void TooFewProfilesForUniqueTargetsIsAnError()
    {
        var path = Variants.Replace(Fmri, "few.yaml", "      profiles: 40\n", "      profiles: 10\n");
        var errors = Errors(path);
        Assert.Contains(errors, e => e.Message.Contains("unsatisfiable") && e.Message.Contains("unique_profiles"));
    }

    [Fact]
    public void EveryProblemIsReportedAtOnce()
    {
        var text = Variants.Shipped(Fmri).Replace("        duration: 2s", "        duration: -2s").Replace("  volumes: 150", "  volumez: 150")
            .Replace("condition: rejection", "condition: rejectoin");
        var errors = Errors(Variants.Write("many.yaml", text));
        Assert.Contains(errors, e => e.Message.Contains("negative"));
        Assert.Contains(errors, e => e.Message.Contains("did you mean 'volumes'?"));
        Assert.Contains(errors, e => e.Message.Contains("did you mean 'rejection'?"));
    }

    [Fact]
    public void AnUnsupportedVersionIsNamed()
    {
        var path = Variants.Replace(Fmri, "v2.yaml", "version: 1", "version: 2");
        Assert.Contains(Errors(path), e => e.Message.Contains("version 2 is not supported"));
    }

    [Fact]
    public void ObjectConstructingTagsAreRefused()
    {
        var path = Variants.Replace(Fmri, "tag.yaml", "  title: Social feedback", "  title: !!python/object:os.system Social feedback");
        Assert.Contains(Errors(path), e => e.Message.Contains("not allowed"));
    }

    [Fact]
    public void AbsurdCountsAreRefused()
    {
        var path = Variants.Replace(Fmri, "huge.yaml", "condition: acceptance, trials: 8", "condition: acceptance, trials: 100000000");
        Assert.Contains(Errors(path), e => e.Message.Contains("between 0 and 1000"));
    }

    [Fact]
    public void AQuestionnairePhaseWithoutAnyRatingIsAValidateErrorNotACrashAtRunTime()
    {
        // Its answers move with the first rating's keys: without a rating the session could not take one.
        var text = Variants.Shipped("cyberball-fmri.yaml");
        int ratingsAt = text.IndexOf("\nratings:\n", StringComparison.Ordinal), questionnairesAt = text.IndexOf("\nquestionnaires:\n", StringComparison.Ordinal);
        Assert.True(ratingsAt > 0 && questionnairesAt > ratingsAt);
        text = text[..ratingsAt] + "\n" + text[questionnairesAt..];
        text = text.Replace("  - rating:\n      name: mood_after\n      ratings: [mood]\n", "");
        var path = Variants.Write("questionnaire-no-rating.yaml", text);
        var result = ParadigmLoader.Load(path);
        Assert.False(result.IsValid);
        var e = Assert.Single(result.Diagnostics, d => d.Severity == Severity.Error);
        Assert.Contains("a questionnaire phase needs a rating", e.Message);
        Assert.Equal(Variants.LineOf(path, "  - questionnaire:") + 1, e.Pos.Line);
    }

    [Fact]
    public void AQuestionWithoutExpectsInAFileWithFeedbackIsWarnedThatItsPredictionOutcomeIsNa()
    {
        // Version 0.1 derived the outcome from the first option and the symbol; such a file still runs, with n/a outcomes.
        var text = Variants.Shipped("social-judgment-fmri.yaml").Replace("        expects: {\"yes\": positive, \"no\": negative}\n", "");
        var path = Variants.Write("question-without-expects.yaml", text);
        var result = ParadigmLoader.Load(path);
        Assert.True(result.IsValid);
        var w = Assert.Single(result.Diagnostics, d => d.Severity == Severity.Warning);
        Assert.Contains("screen 'question' asks a question whose options declare no 'expects:'", w.Message);
        Assert.Contains("expects: {yes: positive, no: negative}", w.Message);
        Assert.Equal(Variants.LineOf(path, "      - name: question"), w.Pos.Line);
    }

    [Fact]
    public void AFeedbackConditionWithoutValenceBesideAQuestionThatExpectsIsWarned()
    {
        var text = Variants.Shipped("social-judgment-fmri.yaml").Replace("    valence: negative\n", "");
        var path = Variants.Write("condition-without-valence.yaml", text);
        var result = ParadigmLoader.Load(path);
        Assert.True(result.IsValid);
        var w = Assert.Single(result.Diagnostics, d => d.Severity == Severity.Warning);
        Assert.Contains("condition 'negative' has feedback but no 'valence:'", w.Message);
    }

    [Fact]
    public void NoShippedParadigmHasAPredictionWithoutItsDeclarations()
    {
        foreach (var file in Repo.ShippedParadigms())
            Assert.DoesNotContain(ParadigmLoader.Load(file).Diagnostics, d => d.Message.Contains("prediction_outcome", StringComparison.Ordinal));
    }
}
