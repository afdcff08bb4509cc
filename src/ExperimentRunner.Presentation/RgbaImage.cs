using SkiaSharp;

namespace ExperimentRunner.Presentation;

/// <summary>A picture read back from the screen: RGBA bytes, rows top first, <see cref="Width"/> × 4 bytes per row.</summary>
public sealed class RgbaImage(int width, int height, byte[] pixels)
{
    public int Width { get; } = width;
    public int Height { get; } = height;
    public byte[] Pixels { get; } = pixels;

    /// <summary>The colour at (x, y), pixels from the top-left.</summary>
    public SKColor GetPixel(int x, int y)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height) throw new ArgumentOutOfRangeException(nameof(x), $"({x}, {y}) is outside {Width}×{Height}");
        int i = (y * Width + x) * 4;
        return new SKColor(Pixels[i], Pixels[i + 1], Pixels[i + 2], Pixels[i + 3]);
    }

    /// <summary>Copies the pixels of an (RGBA8888 or BGRA8888) bitmap.</summary>
    public static RgbaImage FromBitmap(SKBitmap bitmap)
    {
        using var rgba = bitmap.ColorType == SKColorType.Rgba8888 ? null : bitmap.Copy(SKColorType.Rgba8888);
        var src = rgba ?? bitmap;
        var bytes = new byte[src.Width * src.Height * 4];
        var span = src.GetPixelSpan();
        int stride = src.RowBytes, row = src.Width * 4;
        for (int y = 0; y < src.Height; y++) span.Slice(y * stride, row).CopyTo(bytes.AsSpan(y * row, row));
        return new RgbaImage(src.Width, src.Height, bytes);
    }

    /// <summary>Saves as PNG (opaque), creating the folder when needed.</summary>
    public unsafe void SavePng(string path)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        var info = new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        fixed (byte* p = Pixels)
        {
            using var pixmap = new SKPixmap(info, (nint)p, Width * 4);
            using var data = pixmap.Encode(SKEncodedImageFormat.Png, 100)
                ?? throw new IOException($"The picture could not be encoded as PNG for {path}");
            using var file = File.Create(path);
            data.SaveTo(file);
        }
    }
}
