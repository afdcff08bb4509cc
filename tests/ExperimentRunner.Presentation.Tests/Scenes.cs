using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Tests;

/// <summary>One scene of every kind, with pictures made on the spot.</summary>
internal sealed class Scenes
{
    public Scenes(string dir)
    {
        PhotoPath = TestSupport.Photo(dir, "profile.png", new SKColor(0x26, 0xA6, 0x9A));
        SelfPath = TestSupport.Photo(dir, "self.png", new SKColor(0xFF, 0xA7, 0x26), 480, 480);
        ImagePath = TestSupport.Photo(dir, "image.png", new SKColor(0x5C, 0x6B, 0xC0), 800, 450);
        Profile = TestSupport.Profile(PhotoPath);
    }

    public string PhotoPath { get; }
    public string SelfPath { get; }
    public string ImagePath { get; }
    public ProfileInfo Profile { get; }

    public static readonly FeedbackStyle Accept = new("Alex likes you!", FeedbackSymbol.Check, "#43A047");
    public static readonly FeedbackStyle Reject = new("Alex is not interested in you.", FeedbackSymbol.Cross, "#E53935");

    public static readonly RatingStyle Vas = new(RatingKind.Vas, 0, 100, "Not at all", "Extremely", []);
    public static readonly RatingStyle Likert = new(RatingKind.Likert, 1, 5, "Not at all", "Extremely",
        ["Not at all", "A little", "Moderately", "Quite a bit", "Extremely"]);

    public SceneSpec Fixation => new() { Key = "fixation", Kind = SceneKind.Fixation };

    public SceneSpec Text => new()
    {
        Key = "instructions", Kind = SceneKind.Text, Title = "Welcome",
        Body = "In this part you will see the profiles of people who took part in the study earlier. " +
               "For each one, you will learn whether that person would like to meet you.\n\nLie still and keep your eyes on the screen.",
        Footer = "Press any button to continue",
    };

    public SceneSpec ProfileScreen => new() { Key = "profile-p01", Kind = SceneKind.Profile, Profile = Profile };

    public SceneSpec Selection => new()
    {
        Key = "select-p01", Kind = SceneKind.Selection, Profile = Profile,
        Title = "Would you like to meet this person?",
        Options = ["Definitely yes", "Very likely yes", "Definitely no"],
    };

    public SceneSpec Question => new()
    {
        Key = "question-p01", Kind = SceneKind.Question, Profile = Profile,
        Body = "Do you think this person would like you?", Options = ["Yes", "No"],
    };

    public SceneSpec Feedback(FeedbackStyle style, bool withSelf = false) => new()
    {
        Key = $"feedback-{style.Symbol}-{withSelf}", Kind = SceneKind.Feedback, Profile = Profile, Feedback = style,
        ParticipantPhotoPath = withSelf ? SelfPath : null,
    };

    public SceneSpec Rating(RatingStyle scale) => new()
    {
        Key = $"rating-{scale.Kind}", Kind = SceneKind.Rating, Rating = scale,
        Body = "How good do you feel right now?", Footer = "1 = left   2 = right   3 = confirm",
    };

    public SceneSpec Questionnaire => new()
    {
        Key = "q-item-3", Kind = SceneKind.Questionnaire, Rating = Likert, Title = "Item 3 of 10",
        Body = "I tend to bounce back quickly after hard times.",
    };

    public SceneSpec Wait => new()
    {
        Key = "wait", Kind = SceneKind.Wait, Title = "Get ready",
        Body = "The scan is about to begin. Please keep your head still.",
    };

    public SceneSpec Image => new() { Key = "image", Kind = SceneKind.Image, ImagePath = ImagePath };

    public SceneSpec Blank => new() { Key = "blank", Kind = SceneKind.Blank };
}
