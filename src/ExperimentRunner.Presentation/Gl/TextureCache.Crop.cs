using ExperimentRunner.Presentation.Composition;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Gl;

// Uploading only what differs from the background (issue 17): a profile card covers about a third of a 1280×720 screen,
// and every frame starts by clearing to the background colour anyway, so the texture holds the smallest rectangle
// outside which the composed screen is all background, drawn at its place. The frame is the same, pixel for pixel (a
// texture drawn 1:1 at whole-pixel offsets samples exactly its texels), with a third of the bytes to upload and to hold.
internal sealed partial class TextureCache
{
    /// <summary>Crop screens to what differs from the background (true, the default) or upload them whole (false, for the tests).</summary>
    internal bool Crop { get; set; } = true;

    /// <summary>What <see cref="Add"/> needs to know of a composed screen besides its pixels: the rectangle to upload
    /// and its blocks' hashes (null when blocks are off). Thread-safe: the compose threads work it out in parallel.</summary>
    internal readonly record struct Analysis(int X, int Y, int Width, int Height, ScreenBlocks? Blocks);

    /// <summary>Compare new screens block by block with the one before (true, the default; <c>EXRUN_BLOCK_DIFF=0</c>
    /// turns it off: a new screen is drawn whole).</summary>
    internal bool Blocks { get; set; } = Environment.GetEnvironmentVariable("EXRUN_BLOCK_DIFF") != "0";

    private Analysis Analyse(SKBitmap bitmap)
    {
        var background = _composer.Palette.Background;
        (int X, int Y, int Width, int Height) content = Crop ? ContentBounds(bitmap, background) : (0, 0, bitmap.Width, bitmap.Height);
        return new Analysis(content.X, content.Y, content.Width, content.Height, Blocks ? ScreenBlocks.Of(bitmap, content, PixelOf(background)) : null);
    }

    /// <summary>Uploads a composed screen (its opaque part that differs from the background) and records it under
    /// <paramref name="key"/>; <paramref name="analysis"/>, when the caller has it, saves working it out again.</summary>
    private void Add(string key, SKBitmap bitmap, SceneLayout layout, Analysis? analysis = null)
    {
        (int x, int y, int w, int h, ScreenBlocks? blocks) = analysis ?? Analyse(bitmap);
        nint first = bitmap.GetPixels() + y * bitmap.RowBytes + x * 4;
        uint tex = _renderer.Upload(w, h, first, bitmap.RowBytes / 4);
        // The budget still counts each screen whole, as Prepare's check of a set against it does, so how many screens
        // one Prepare takes stays as documented; the bytes actually held on the GPU are counted apart (TexelBytes).
        long bytes = 4L * bitmap.Width * bitmap.Height;
        _entries[key] = new Entry
        {
            Texture = tex, Layout = layout, Bytes = bytes, LastUsed = ++_clock, Generation = _generation, X = x, Y = y, Width = w, Height = h, Blocks = blocks,
        };
        UsedBytes += bytes;
    }

    /// <summary>Bytes of the textures as uploaded (cropped), for the tests and the benchmarks.</summary>
    internal long TexelBytes
    {
        get
        {
            long sum = 0;
            foreach (Entry e in _entries.Values) sum += 4L * e.Width * e.Height;
            return sum;
        }
    }

    /// <summary>An opaque colour as a pixel of an RGBA8888 bitmap read as one 32-bit word.</summary>
    private static uint PixelOf(SKColor color)
    {
        uint pixel = color.Red | ((uint)color.Green << 8) | ((uint)color.Blue << 16) | 0xFF000000u;
        return BitConverter.IsLittleEndian ? pixel : System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(pixel);
    }

    /// <summary>The smallest rectangle outside which every pixel of an RGBA8888 bitmap is the opaque background
    /// colour; a 1×1 rectangle at the origin when all of it is (a blank screen); the whole bitmap when the background is
    /// not opaque (the frame's clear colour could not stand for it).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static (int X, int Y, int Width, int Height) ContentBounds(SKBitmap bitmap, SKColor background)
    {
        int width = bitmap.Width, height = bitmap.Height;
        if (background.Alpha != 255 || bitmap.ColorType != SKColorType.Rgba8888 || bitmap.RowBytes != 4 * width) return (0, 0, width, height);
        uint bg = PixelOf(background);
        ReadOnlySpan<uint> pixels;
        unsafe { pixels = new ReadOnlySpan<uint>((void*)bitmap.GetPixels(), width * height); }
        int top = 0;
        while (top < height && pixels.Slice(top * width, width).IndexOfAnyExcept(bg) < 0) top++;
        if (top == height) return (0, 0, 1, 1);
        int bottom = height - 1;
        while (pixels.Slice(bottom * width, width).IndexOfAnyExcept(bg) < 0) bottom--;
        int left = width, right = -1;
        for (int row = top; row <= bottom; row++)
        {
            ReadOnlySpan<uint> line = pixels.Slice(row * width, width);
            int first = line[..left].IndexOfAnyExcept(bg);
            if (first >= 0) left = first;
            int last = line[(right + 1)..].LastIndexOfAnyExcept(bg);
            if (last >= 0) right = right + 1 + last;
        }
        return (left, top, right - left + 1, bottom - top + 1);
    }
}
