using ExperimentRunner.Core.Devices;
using ExperimentRunner.Presentation.Composition;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Tests;

/// <summary>A paradigm's <c>caption</c> is the line under the photo on every profile card.</summary>
public sealed class CaptionTests
{
    private static byte[] Pixels(SceneSpec scene)
    {
        using var composer = new SceneComposer(TestSupport.Style(1280, 720), 1280, 720);
        using var images = new ImageStore();
        using var bitmap = composer.Compose(scene, images, out _);
        return bitmap.Bytes;
    }

    [Fact]
    public void TheCaptionIsDrawnOnTheCardOfProfileAndFeedbackScreens()
    {
        var scenes = new Scenes(TestSupport.TempDir());
        var p = scenes.Profile;
        foreach (var scene in new[] { scenes.ProfileScreen, scenes.Feedback(Scenes.Reject), scenes.Selection, scenes.Question })
        {
            var byDefault = Pixels(scene);
            // No caption is "name, age"; a caption of "name, age" draws the same; another caption draws otherwise.
            Assert.Equal(byDefault, Pixels(scene with { Caption = $"{p.Name}, {p.Age}" }));
            Assert.NotEqual(byDefault, Pixels(scene with { Caption = p.Name }));
        }
    }
}
