using ExperimentRunner.Core.Devices;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Composition;

// Photos (issue 17): Skia's Mitchell cubic through an antialiased rounded clip took about 11 ms of a profile card's
// 13.5 ms of composition. The same resampling done in two separable passes (MitchellResampler) and blended straight
// into the screen's bitmap through the clip's coverage (computed by Skia once per size and place of photo) takes about
// 2–3 ms and leaves the same pixels within one level (the same sums in another order; PhotoResamplingTests bounds it).
public sealed partial class SceneComposer
{
    private readonly MitchellResampler _resampler = new();
    private readonly Dictionary<(SKRect Rect, float Radius), MitchellResampler.Coverage> _photoCoverage = new();
    /// <summary>The bitmap the screen being composed is drawn into, when <see cref="Compose(SceneSpec, ImageStore, out SceneLayout)"/>
    /// made it (photos may then be blended straight into its pixels); null otherwise.</summary>
    private SKBitmap? _target;

    /// <summary>Photos resampled by <see cref="MitchellResampler"/> (true, the default) or by Skia (false: for the tests
    /// and the benchmark that compare the two).</summary>
    internal bool FastPhotos { get; set; } = true;

    /// <summary>Photos drawn by <see cref="MitchellResampler"/> so far (for the tests: the fast way was taken).</summary>
    internal int PhotosResampled { get; private set; }

    /// <summary>Draws an image cropped to fill <paramref name="rect"/> (centred, a little above centre for faces), with rounded corners.</summary>
    private void DrawPhoto(SKCanvas canvas, PixelRect rect, SKImage image, float radius)
    {
        float scale = Math.Max(rect.Width / image.Width, rect.Height / image.Height);
        float srcW = rect.Width / scale, srcH = rect.Height / scale;
        float srcX = (image.Width - srcW) / 2;
        float srcY = (image.Height - srcH) * 0.4f;
        var src = new SKRect(srcX, srcY, srcX + srcW, srcY + srcH);
        var dst = ToSk(rect);
        using var clip = new SKRoundRect(dst, radius);
        if (TryBlendPhoto(canvas, image, src, dst, clip)) return;
        canvas.Save();
        canvas.ClipRoundRect(clip, SKClipOperation.Intersect, antialias: true);
        using var paint = new SKPaint { IsAntialias = true };
        canvas.DrawImage(image, src, dst, new SKSamplingOptions(SKCubicResampler.Mitchell), paint);
        canvas.Restore();
    }

    /// <summary>The photo resampled and blended into the target bitmap's pixels, when the canvas draws on it unmoved and
    /// unclipped and the photo lies within it; false (nothing drawn) otherwise, and Skia draws it.</summary>
    private bool TryBlendPhoto(SKCanvas canvas, SKImage image, SKRect src, SKRect dst, SKRoundRect clip)
    {
        if (!FastPhotos || _target is null || !canvas.TotalMatrix.IsIdentity || !canvas.IsClipRect
            || canvas.DeviceClipBounds != new SKRectI(0, 0, _target.Width, _target.Height)
            || dst.Left < 0 || dst.Top < 0 || dst.Right > _target.Width || dst.Bottom > _target.Height
            || src.Width <= 0 || src.Height <= 0 || dst.Width <= 0 || dst.Height <= 0)
            return false;
        using var pixels = image.PeekPixels();
        if (pixels is null || pixels.ColorType != SKColorType.Rgba8888 || pixels.AlphaType != SKAlphaType.Premul) return false;
        var key = (dst, clip.Radii[0].X);
        if (!_photoCoverage.TryGetValue(key, out var coverage))
        {
            if (_photoCoverage.Count >= 16) _photoCoverage.Clear();
            coverage = MitchellResampler.Coverage.Of(dst, clip);
            _photoCoverage[key] = coverage;
        }
        using var target = _target.PeekPixels();
        _resampler.Draw(target, pixels, src, dst, coverage);
        PhotosResampled++;
        return true;
    }
}
