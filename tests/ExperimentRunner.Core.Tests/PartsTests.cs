using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Simulation;

namespace ExperimentRunner.Core.Tests;

/// <summary>Screens composed from declared parts (<c>show: parts</c>): loaded, checked, filled for a trial, run.</summary>
public class PartsTests
{
    private const string Faces = "face-judgment-fmri.yaml";

    private static string EveryPart => Path.Combine(Repo.Root, "tests", "Fixtures", "parts", "every-part.yaml");

    private static ParadigmModel Load(string path)
    {
        var result = ParadigmLoader.Load(path);
        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
        return result.Paradigm!;
    }

    private static List<Diagnostic> Errors(string path)
    {
        var result = ParadigmLoader.Load(path);
        var errors = result.Diagnostics.Where(d => d.Severity == Severity.Error).ToList();
        Assert.NotEmpty(errors);
        return errors;
    }

    /// <summary>The face paradigm with one piece of its text replaced, written where its stimuli paths still resolve.</summary>
    private static string FacesWith(string fileName, string oldText, string newText) => Variants.Replace(Faces, fileName, oldText, newText);

    [Fact]
    public void TheShippedFaceJudgmentIsBuiltFromPartsWithFacesThatHaveNoNameOrAge()
    {
        var p = Load(Repo.Paradigm(Faces));
        Assert.All(p.ProfileRows, r => { Assert.Equal("", r.Name); Assert.Equal(0, r.Age); Assert.Equal("", r.Bio); });
        var screens = p.Trials["face_trial"].Screens.ToDictionary(s => s.Name);
        Assert.Equal(SceneKind.Parts, screens["face"].Show);
        Assert.Equal([typeof(ImagePart), typeof(TextPart), typeof(ChoicesPart)], screens["face"].Parts.Select(x => x.GetType()));
        Assert.True(screens["face"].ShowsProfile);
        Assert.Equal(["yes", "no"], screens["face"].Responses);
        Assert.True(screens["feedback"].ShowsFeedback);
        // The feedback parts screen takes its condition's marker, as a feedback screen does.
        var plan = Planner.Make(p, new SessionFacts("sub-01"));
        var feedback = plan.Runs.First().Events.Where(e => e.Screen == "feedback").ToList();
        Assert.All(feedback, e => Assert.Equal(p.Conditions[e.Condition].Marker, e.Marker));
        Assert.All(feedback, e => Assert.NotNull(e.ProfileId));
    }

    [Fact]
    public void EveryPartKindLoadsWithItsPlacement()
    {
        var p = Load(EveryPart);
        var screens = p.Trials["parts_trial"].Screens.ToDictionary(s => s.Name);
        var shapes = screens["shapes"].Parts.Cast<ShapePart>().ToList();
        Assert.Equal([ShapeKind.Fixation, ShapeKind.Arrow, ShapeKind.Arrow, ShapeKind.Rectangle, ShapeKind.Circle, ShapeKind.Check, ShapeKind.Cross], shapes.Select(s => s.Shape));
        Assert.Equal(ArrowDirection.Up, shapes[2].Direction);
        Assert.Equal(new NormBox(0.35, 0.25, 0.05, 0.15), shapes[2].Box);
        Assert.False(shapes[3].Filled);
        var texts = screens["photo_text"].Parts.OfType<TextPart>().ToList();
        Assert.Equal("#B0000000", texts[0].Backdrop);
        Assert.Equal(TextAnchor.Top, texts[1].Anchor);
        Assert.Equal(0.8, texts[1].Size);
        var cards = screens["card"].Parts.OfType<ProfilePart>().ToList();
        Assert.Equal(CardFields.Photo | CardFields.Name | CardFields.Age, cards[0].Fields);
        Assert.Equal(CardFields.Name | CardFields.Bio, cards[1].Fields);
        Assert.Equal(["Meet", "Pass"], screens["card"].Parts.OfType<ChoicesPart>().Single().Labels);
        // A rating part makes the screen a rating: its duration is the rating's time limit.
        Assert.Equal("liking", screens["liking"].Rating);
        Assert.Equal(6_000_000_000, ((FixedDuration)screens["liking"].Duration).Ns);
    }

    [Fact]
    public void APartsScreenIsFilledForItsTrialsProfileAndCondition()
    {
        var p = Load(EveryPart);
        var template = p.Trials["parts_trial"].Screens.Single(s => s.Name == "message");
        var photo = p.Trials["parts_trial"].Screens.Single(s => s.Name == "photo_text");
        var profile = p.ProfileRows[0];
        PlannedEvent Event(ScreenSpec t, string condition) => new()
        {
            Run = 1, Block = 1, Trial = 1, Condition = condition, Screen = t.Name, Role = PlannedRole.Screen, Template = t,
            OnsetNs = 0, DurationNs = 1, OnsetFrame = 0, DurationFrames = 1,
        };
        var factory = new SceneFactory(p);
        var positive = factory.ForEvent(Event(template, "positive"), profile);
        Assert.Equal(SceneKind.Parts, positive.Kind);
        var symbol = Assert.IsType<ShapePart>(positive.Parts[0]);
        Assert.Equal(ShapeKind.Check, symbol.Shape);
        Assert.Equal("#43A047", symbol.Color);
        var message = Assert.IsType<TextPart>(positive.Parts[1]);
        Assert.Equal($"{profile.Name} would like to meet you.", message.Text);
        Assert.Equal("#43A047", message.Color);
        // A condition without feedback shows no symbol and an empty message.
        var neutral = factory.ForEvent(Event(template, "neutral"), profile);
        Assert.Equal("", Assert.Single(neutral.Parts.OfType<TextPart>()).Text);
        Assert.Empty(neutral.Parts.OfType<ShapePart>());
        var photoScene = factory.ForEvent(Event(photo, "positive"), profile);
        Assert.Equal(profile.PhotoPath, photoScene.Parts.OfType<ImagePart>().First().Source);
        Assert.Equal($"Under the photo: {profile.Name}, {profile.Age}", photoScene.Parts.OfType<TextPart>().ElementAt(1).Text);
        Assert.True(photoScene.PartsShowPhoto);
        // The card's caption is the paradigm's caption, which names only fields the card shows.
        var card = factory.ForEvent(Event(p.Trials["parts_trial"].Screens.Single(s => s.Name == "card"), "positive"), profile);
        Assert.Equal([$"{profile.Name} ({profile.Age})", profile.Name], card.Parts.OfType<ProfilePart>().Select(c => c.Caption));
        Assert.Equal(["1", "2"], card.OptionKeys);
    }

    [Fact]
    public void ARatingPartIsAnsweredAndRecordedAsARating()
    {
        var p = Load(EveryPart);
        var sink = new MemoryEventSink();
        var (result, _) = Simulator.Run(Planner.Make(p, new SessionFacts("sub-01")), sink, new SimulationSettings(), new SessionOptions { SessionId = "s1", Mode = "simulate" });
        Assert.Equal(SessionStatus.Completed, result.Status);
        var ratings = sink.Events.Where(e => e.Kind == EventKind.Rating && e.Screen == "liking").ToList();
        Assert.Equal(4, ratings.Count);
        Assert.All(ratings, r => Assert.InRange(r.Value, 1, 5));
        // Every screen that shows the trial's photo records it as the stimulus file.
        var onsets = sink.Events.Where(e => e.Kind == EventKind.ScreenOnset && e.Screen is "photo_text" or "card" or "liking").ToList();
        Assert.All(onsets, e => Assert.StartsWith("profiles/images/", e.Text));
        Assert.All(sink.Events.Where(e => e.Kind == EventKind.ScreenOnset && e.Screen is "shapes" or "message"), e => Assert.Null(e.Text));
    }

    [Fact]
    public void AnUnknownPartKeyIsAnErrorAtItsPositionWithASuggestion()
    {
        var path = FacesWith("part-colr.yaml", "            color: feedback", "            colr: feedback");
        var e = Assert.Single(Errors(path));
        Assert.Contains("unknown key 'colr' in the text part of screen 'feedback'", e.Message);
        Assert.Contains("(did you mean 'color'?)", e.Message);
        Assert.Equal(Variants.LineOf(path, "colr: feedback"), e.Pos.Line);
        Assert.Equal(13, e.Pos.Column);
    }

    [Fact]
    public void APartWithoutAKindNamesTheKinds()
    {
        var path = FacesWith("part-imag.yaml", "          - image: \"{photo}\"\n            fit: cover\n            at: [0.5, 0.37]", "          - imag: \"{photo}\"\n            fit: cover\n            at: [0.5, 0.37]");
        var errors = Errors(path);
        Assert.Contains(errors, e => e.Message.Contains("unknown key 'imag'") && e.Message.Contains("(did you mean 'image'?)") && e.Pos.Line == Variants.LineOf(path, "imag"));
        Assert.Contains(errors, e => e.Message.Contains("needs one of image, text, shape, rating, choices, profile"));
    }

    [Theory]
    [InlineData("          - image: \"{photo}\"", "          - image: \"{phto}\"", "'{phto}', which is no placeholder (did you mean 'photo'?)")]
    [InlineData("          - text: Do you think this person would like you?", "          - text: Do you think {nme} would like you?", "'{nme}', which is no placeholder (did you mean 'name'?)")]
    [InlineData("          - text: \"{feedback}\"", "          - text: \"{feedbak}\"", "(did you mean 'feedback'?)")]
    public void AMisspeltPlaceholderInAPartIsAnError(string oldText, string newText, string expected)
    {
        var path = FacesWith($"part-placeholder-{expected.Length}.yaml", oldText, newText);
        var e = Errors(path).First(d => d.Message.Contains("no placeholder"));
        Assert.Contains(expected, e.Message);
        Assert.Equal(Variants.LineOf(path, newText.Trim()), e.Pos.Line);
    }

    [Theory]
    [InlineData("            at: [0.5, 0.71]", "            at: [1.5, 0.71]", "'at' must be two numbers [x, y] from 0 to 1")]
    [InlineData("            size: [0.44, 0.1]", "            size: [0, 0.1]", "'size' must be two numbers")]
    [InlineData("          - shape: symbol", "          - shape: sybmol", "(did you mean 'symbol'?)")]
    [InlineData("          - choices: [\"yes\", \"no\"]", "          - choices: [\"yes\", \"noo\"]", "'noo' is not a response (did you mean 'no'?)")]
    [InlineData("            layout: horizontal", "            layout: sideways", "it must be one of vertical, horizontal")]
    [InlineData("            color: feedback", "            color: green", "write a colour as '#RRGGBB' or 'feedback'")]
    public void APartValueOutOfItsRangeIsAnErrorAtItsKey(string oldText, string newText, string expected)
    {
        var path = FacesWith($"part-range-{Math.Abs(expected.GetHashCode() % 1000)}.yaml", oldText, newText);
        var e = Assert.Single(Errors(path));
        Assert.Contains(expected, e.Message);
        Assert.Equal(Variants.LineOf(path, newText.Trim()), e.Pos.Line);
    }

    [Fact]
    public void ARatingPartNamesADefinedRating()
    {
        var path = FacesWith("part-rating.yaml", "          - shape: symbol\n", "          - rating: mod\n          - shape: symbol\n");
        var e = Assert.Single(Errors(path));
        Assert.Contains("no rating named 'mod' (did you mean 'mood'?)", e.Message);
    }

    [Fact]
    public void AProfileCardFieldIsOneOfPhotoNameAgeBio()
    {
        var path = FacesWith("part-card.yaml", "          - shape: symbol\n", "          - profile: [photo, nam]\n          - shape: symbol\n");
        var errors = Errors(path);
        Assert.Contains(errors, e => e.Message.Contains("'nam' is no field of a profile card (did you mean 'name'?)"));
    }

    [Fact]
    public void PartsBelongToPartsScreensAndAPartsScreenHasThem()
    {
        var onFixation = FacesWith("parts-on-fixation.yaml", "        show: fixation\n        duration: {uniform: [1s, 3s]}",
            "        show: fixation\n        duration: {uniform: [1s, 3s]}\n        parts:\n          - shape: fixation");
        Assert.Contains("shows fixation, which has no 'parts'", Assert.Single(Errors(onFixation)).Message);
        var empty = FacesWith("parts-none.yaml", "      - name: iti\n        show: fixation", "      - name: iti\n        show: parts");
        Assert.Contains("parts screen 'iti' needs 'parts'", Assert.Single(Errors(empty)).Message);
    }

    [Fact]
    public void AMisspeltPlaceholderInAScreensTextIsAnError()
    {
        var path = Variants.Replace("social-judgment-fmri.yaml", "text-nme.yaml", "text: Do you think this person would like you?", "text: Do you think {nme} would like you?");
        var e = Assert.Single(Errors(path));
        Assert.Contains("screen 'question' uses '{nme}'", e.Message);
        Assert.Contains("(did you mean 'name'?)", e.Message);
        Assert.Equal(Variants.LineOf(path, "{nme}"), e.Pos.Line);
    }

    [Fact]
    public void AFaceTableWithoutNamesCannotFillANameAScreenShows()
    {
        var path = FacesWith("faces-name.yaml", "          - text: Do you think this person would like you?", "          - text: Do you think {name} would like you?");
        var e = Assert.Single(Errors(path));
        Assert.Contains("faces.csv lacks column(s) name, which a text part of screen 'face' shows", e.Message);
    }
}
