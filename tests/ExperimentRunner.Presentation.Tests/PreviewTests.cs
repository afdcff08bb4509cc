using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Presentation.Preview;
using static ExperimentRunner.Presentation.Tests.TestSupport;

namespace ExperimentRunner.Presentation.Tests;

public sealed class PreviewTests
{
    /// <summary>Set EXRUN_PREVIEW_DIR to keep the pictures (to look at them).</summary>
    private static string OutDir() => Environment.GetEnvironmentVariable("EXRUN_PREVIEW_DIR") is { Length: > 0 } d ? d : TempDir();

    [Theory]
    [InlineData("dark-1080p")]
    [InlineData("light-1024x768")]
    public void EveryKindOfScreenRendersToAPngThroughOffscreenGl(string look)
    {
        string dir = Path.Combine(OutDir(), look);
        Directory.CreateDirectory(dir);
        var scenes = new Scenes(TempDir());
        var style = look == "dark-1080p"
            ? Style(1920, 1080)
            : Style(1024, 768) with { Background = "#F4F1EC", Foreground = "#1F2328", Accent = "#3F51B5" };
        var cases = new (SceneSpec Scene, SceneState State, string Name)[]
        {
            (scenes.Fixation, SceneState.Default, "fixation"),
            (scenes.Text, SceneState.Default, "text"),
            (scenes.ProfileScreen, SceneState.Default, "profile"),
            (scenes.Selection, SceneState.Default with { Highlight = 1 }, "selection"),
            (scenes.Question, SceneState.Default, "question"),
            (scenes.Feedback(Scenes.Accept), SceneState.Default, "feedback-accept"),
            (scenes.Feedback(Scenes.Reject, withSelf: true), SceneState.Default, "feedback-reject-self"),
            (scenes.Rating(Scenes.Vas), SceneState.Default with { Cursor = 70 }, "rating-vas"),
            (scenes.Rating(Scenes.Likert), SceneState.Default with { Cursor = 4 }, "rating-likert"),
            (scenes.Questionnaire, SceneState.Default with { Cursor = 2 }, "questionnaire"),
            (scenes.Wait, SceneState.Default with { Counter = 3 }, "wait"),
            (scenes.Image, SceneState.Default, "image"),
        };
        foreach (var (scene, state, name) in cases)
        {
            string path = Path.Combine(dir, name + ".png");
            var result = PreviewRenderer.RenderToPng(style, scene, state, path);
            Assert.True(result.UsedGl, result.Note);
            Assert.True(new FileInfo(path).Length > 1000, name);
            if (Environment.GetEnvironmentVariable("EXRUN_PREVIEW_DIR") is { Length: > 0 })
                PreviewRenderer.RenderToPng(style, scene, state, Path.Combine(dir, name + "-skia.png"), useGl: false);
        }
    }
}

public sealed class EdgeCasePreviewTests
{
    [Fact]
    public void LongTextsAndOddPhotosStayInsideTheScreen()
    {
        string dir = Path.Combine(Environment.GetEnvironmentVariable("EXRUN_PREVIEW_DIR") is { Length: > 0 } d ? d : TempDir(), "edge");
        Directory.CreateDirectory(dir);
        string tmp = TempDir();
        string wide = Photo(tmp, "wide.png", new SkiaSharp.SKColor(0x8D, 0x6E, 0x63), 1200, 500);
        var style = Style(1280, 720);
        var profile = new ProfileInfo("p2", "Maximilian-Alexander Featherstonehaugh", 34, "", wide);
        string longText = string.Join(" ", Enumerable.Repeat("This sentence is part of a very long instruction that a researcher pasted without thinking about the screen.", 14));
        var cases = new (SceneSpec Scene, SceneState State, string Name)[]
        {
            (new SceneSpec { Key = "t", Kind = SceneKind.Text, Title = "A title that is itself rather long, to see how it wraps on the screen", Body = longText, Footer = "Press 1 to continue" }, SceneState.Default, "long-text"),
            (new SceneSpec { Key = "s", Kind = SceneKind.Selection, Profile = profile, Options = ["Definitely yes, I would love to meet this person soon", "Maybe", "No"] }, SceneState.Default with { Highlight = 0 }, "long-options"),
            (new SceneSpec { Key = "q", Kind = SceneKind.Questionnaire, Title = "Item 12 of 25", Body = longText[..600], Rating = new RatingStyle(RatingKind.Likert, 0, 6, "Strongly disagree", "Strongly agree", []) }, SceneState.Default with { Cursor = 6 }, "long-item"),
            (new SceneSpec { Key = "f", Kind = SceneKind.Feedback, Profile = profile, Feedback = new FeedbackStyle("Maximilian-Alexander would very likely not want to meet you", FeedbackSymbol.Cross, "#E53935") }, SceneState.Default, "long-feedback"),
            (new SceneSpec { Key = "w", Kind = SceneKind.Wait, Body = "Waiting for the scanner…" }, SceneState.Default with { Counter = 123456 }, "wait-big-counter"),
        };
        foreach (var (scene, state, name) in cases)
        {
            var result = Preview.PreviewRenderer.RenderToPng(style, scene, state, Path.Combine(dir, name + ".png"));
            var l = result.Layout;
            foreach (var r in new[] { l.Title, l.Body, l.Message, l.Photo })
                if (!r.IsEmpty)
                    Assert.True(r.X >= 0 && r.Y >= 0 && r.Right <= style.Width + 0.5f && r.Bottom <= style.Height + 0.5f, $"{name}: {r} leaves the screen");
            foreach (var r in l.Options) Assert.True(r.Bottom <= style.Height, $"{name}: option {r}");
            Assert.Equal(name is "long-text" or "long-item", l.TextTruncated);
        }
    }
}
