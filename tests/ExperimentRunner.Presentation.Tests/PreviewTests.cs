using ExperimentRunner.Core.Devices;
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
