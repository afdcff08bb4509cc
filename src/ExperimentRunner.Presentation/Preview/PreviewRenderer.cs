using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Presentation.Composition;
using ExperimentRunner.Presentation.Gl;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Preview;

/// <summary>What a preview did.</summary>
/// <param name="Path">The PNG written.</param>
/// <param name="UsedGl">True when the frame came from the real GL pipeline (offscreen); false for Skia-only composition.</param>
/// <param name="Note">Why GL was not used (to tell the user), or null.</param>
/// <param name="Layout">Where the parts of the screen are, pixels.</param>
public sealed record PreviewResult(string Path, bool UsedGl, string? Note, SceneLayout Layout);

/// <summary>
/// Renders one screen to a PNG, as the participant would see it: through an offscreen GL display (the same
/// composition, textures and overlays as a run), or, where GL cannot start, through Skia alone, saying so.
/// For <c>exrun preview</c>.
/// </summary>
public static class PreviewRenderer
{
    /// <summary>
    /// Draws <paramref name="scene"/> with its dynamic <paramref name="state"/> at the style's size and saves it to
    /// <paramref name="outPath"/> (PNG; folders created). Throws <see cref="SceneCompositionException"/> when the
    /// screen itself cannot be composed (a missing photo…), with the screen's key in the message.
    /// </summary>
    /// <param name="useGl">False to skip GL and compose with Skia only.</param>
    public static PreviewResult RenderToPng(DisplayStyle style, SceneSpec scene, SceneState state, string outPath, bool useGl = true)
    {
        string? note = null;
        if (useGl)
        {
            GlDisplay? display = null;
            try
            {
                display = new GlDisplay(style, new GlDisplayOptions { Mode = DisplayMode.Offscreen, MeasureRefresh = false, Title = "ExperimentRunner preview" });
            }
            catch (Exception e) when (e is GlUnavailableException or DllNotFoundException or EntryPointNotFoundException or PlatformNotSupportedException)
            {
                note = $"OpenGL is not available here ({e.Message}); the preview was composed with Skia only (same layout, no GL).";
            }
            if (display is not null)
            {
                using (display)
                {
                    display.Prepare([scene]);
                    display.Show(scene, state);
                    display.SavePng(outPath);
                    return new PreviewResult(outPath, true, null, display.LayoutOf(scene.Key)!);
                }
            }
        }
        return RenderWithSkia(style, scene, state, outPath, note);
    }

    private static PreviewResult RenderWithSkia(DisplayStyle style, SceneSpec scene, SceneState state, string outPath, string? note)
    {
        using var composer = new SceneComposer(style, style.Width, style.Height);
        using var images = new ImageStore();
        using var bitmap = composer.Compose(scene, images, out var layout);
        using (var canvas = new SKCanvas(bitmap)) composer.DrawOverlays(canvas, layout, state);
        RgbaImage.FromBitmap(bitmap).SavePng(outPath);
        return new PreviewResult(outPath, false, note, layout);
    }
}
