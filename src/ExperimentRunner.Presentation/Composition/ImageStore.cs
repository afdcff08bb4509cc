using ExperimentRunner.Core.Files;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Composition;

/// <summary>
/// Decodes each image file once (PNG, JPEG, WebP…), honouring a JPEG's EXIF orientation, and keeps it for the
/// compositions that follow. Used during <c>Prepare</c> only: decoding never happens in a frame loop.
/// </summary>
public sealed class ImageStore : IDisposable
{
    private readonly Dictionary<string, SKImage> _images = new(StringComparer.Ordinal);

    /// <summary>The decoded image. Throws <see cref="FileNotFoundException"/> or <see cref="InvalidDataException"/> naming the file.</summary>
    public SKImage Get(string path)
    {
        if (_images.TryGetValue(path, out var image)) return image;
        image = Decode(path);
        _images[path] = image;
        return image;
    }

    public static SKImage Decode(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Image not found: {path}", path);
        byte[] bytes;
        try { bytes = RegularFile.ReadAllBytes(path, FileLimits.Image); }
        catch (ConfinedFileException e) { throw new InvalidDataException($"Image could not be read: {e.Message}", e); }
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data)
            ?? throw new InvalidDataException($"Image could not be read (not a PNG/JPEG, or damaged): {path}");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        // Decoded straight into the memory the image keeps (an upright image: nearly all): no second copy of its pixels.
        using var pixels = SKData.Create(info.BytesSize64);
        var result = codec.GetPixels(info, pixels.Data);
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
            throw new InvalidDataException($"Image could not be decoded ({result}): {path}");
        if (codec.EncodedOrigin is SKEncodedOrigin.TopLeft or SKEncodedOrigin.Default)
            return SKImage.FromPixels(info, pixels, info.RowBytes)
                   ?? throw new InvalidDataException($"Image could not be decoded: {path}");
        using var raw = new SKBitmap();
        raw.InstallPixels(info, pixels.Data, info.RowBytes);
        using var oriented = Orient(raw, codec.EncodedOrigin);
        return SKImage.FromBitmap(oriented!);
    }

    /// <summary>A copy turned upright for an EXIF orientation, or null when it is already upright.</summary>
    private static SKBitmap? Orient(SKBitmap src, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or SKEncodedOrigin.Default) return null;
        bool swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        int w = swap ? src.Height : src.Width, h = swap ? src.Width : src.Height;
        var dst = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(dst);
        switch (origin)
        {
            case SKEncodedOrigin.TopRight: canvas.Scale(-1, 1, w / 2f, 0); break;
            case SKEncodedOrigin.BottomRight: canvas.RotateDegrees(180, w / 2f, h / 2f); break;
            case SKEncodedOrigin.BottomLeft: canvas.Scale(1, -1, 0, h / 2f); break;
            // transpose: (x, y) → (y, x)
            case SKEncodedOrigin.LeftTop: canvas.Scale(-1, 1, w / 2f, 0); canvas.Translate(w, 0); canvas.RotateDegrees(90); break;
            case SKEncodedOrigin.RightTop: canvas.Translate(w, 0); canvas.RotateDegrees(90); break;
            // transverse: (x, y) → (w − y, h − x)
            case SKEncodedOrigin.RightBottom: canvas.Translate(w, h); canvas.Scale(-1, 1); canvas.RotateDegrees(-90); break;
            case SKEncodedOrigin.LeftBottom: canvas.Translate(0, h); canvas.RotateDegrees(-90); break;
        }
        canvas.DrawBitmap(src, 0, 0);
        return dst;
    }

    public void Dispose()
    {
        foreach (var image in _images.Values) image.Dispose();
        _images.Clear();
    }
}
