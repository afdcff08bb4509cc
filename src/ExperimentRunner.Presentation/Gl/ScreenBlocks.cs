using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Gl;

/// <summary>
/// A composed screen cut into square blocks of <see cref="BlockPx"/> screen pixels, each with a 64-bit hash of its
/// pixels as the participant sees them (issue 17). Two screens of one size whose hashes agree in a block show the same
/// pixels there, so when one follows the other only the blocks that differ need drawing: two selection cards differ in
/// their photo, their text and one line of the question, about a third of the screen, and llvmpipe's copy of a new
/// card, the frame most often late under load, shrinks with it. Computed once per screen, on the compose threads,
/// from the whole composed bitmap (outside the uploaded crop it is the background, which the frame's clear draws).
/// The hash is XXH3 (64 bits, the lowest bit set so that 0 can mean "not yet known") of the block's pixels: a block
/// wrongly thought unchanged needs two different 32×32 pictures with equal hashes, a chance of about 2⁻⁶³ per block
/// compared.
/// </summary>
internal sealed class ScreenBlocks
{
    /// <summary>Side of a block, screen pixels: fine enough to leave a card's unchanged frame and question out, coarse
    /// enough that comparing two 1280×720 screens is 920 comparisons.</summary>
    public const int BlockPx = 32;

    /// <summary>Screen size, pixels.</summary>
    public int Width { get; }
    public int Height { get; }
    /// <summary>Blocks across and down (the last ones may be cut by the screen's edge).</summary>
    public int Columns { get; }
    public int Rows { get; }
    private readonly ulong[] _hashes;

    private ScreenBlocks(int width, int height, ulong[] hashes)
    {
        Width = width;
        Height = height;
        Columns = (width + BlockPx - 1) / BlockPx;
        Rows = (height + BlockPx - 1) / BlockPx;
        _hashes = hashes;
    }

    /// <summary>The hash of block (<paramref name="column"/>, <paramref name="row"/>), row 0 at the top.</summary>
    public ulong this[int column, int row] => _hashes[row * Columns + column];

    /// <summary>True when both cut a screen of the same size into the same blocks.</summary>
    public bool SameGrid(ScreenBlocks other) => Width == other.Width && Height == other.Height;

    /// <summary>The blocks of an RGBA8888 bitmap of tightly packed rows; null for another kind of bitmap. Outside
    /// <paramref name="content"/> (x, y, width, height) every pixel is <paramref name="background"/> (as
    /// TextureCache.ContentBounds finds them), so blocks wholly outside it are not read.</summary>
    public static ScreenBlocks? Of(SKBitmap bitmap, (int X, int Y, int Width, int Height) content, uint background)
    {
        if (bitmap.ColorType != SKColorType.Rgba8888 || bitmap.RowBytes != 4 * bitmap.Width || bitmap.Width == 0 || bitmap.Height == 0) return null;
        ReadOnlySpan<uint> pixels;
        unsafe { pixels = new ReadOnlySpan<uint>((void*)bitmap.GetPixels(), bitmap.Width * bitmap.Height); }
        return Of(pixels, bitmap.Width, bitmap.Height, content, background);
    }

    /// <summary>The blocks of <paramref name="width"/> × <paramref name="height"/> pixels, rows top first, packed.</summary>
    public static ScreenBlocks Of(ReadOnlySpan<uint> pixels, int width, int height) => Of(pixels, width, height, (0, 0, width, height), 0);

    /// <inheritdoc cref="Of(SKBitmap, ValueTuple{int, int, int, int}, uint)"/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ScreenBlocks Of(ReadOnlySpan<uint> pixels, int width, int height, (int X, int Y, int Width, int Height) content, uint background)
    {
        if (pixels.Length < width * height) throw new ArgumentException("fewer pixels than width × height", nameof(pixels));
        int columns = (width + BlockPx - 1) / BlockPx, rows = (height + BlockPx - 1) / BlockPx;
        var hashes = new ulong[columns * rows];
        // A block's rows are gathered into one run and hashed at once: XxHash3 is fastest on long inputs.
        Span<uint> block = stackalloc uint[BlockPx * BlockPx];
        // The hash of a block of background only, by its size (the last column and row may be cut): 0 when not yet known.
        Span<ulong> plain = stackalloc ulong[4];
        plain.Clear();
        for (int row = 0; row < rows; row++)
        {
            int y0 = row * BlockPx, lines = Math.Min(height, y0 + BlockPx) - y0;
            bool rowOutside = y0 + lines <= content.Y || y0 >= content.Y + content.Height;
            for (int c = 0; c < columns; c++)
            {
                int x0 = c * BlockPx, across = Math.Min(width, x0 + BlockPx) - x0;
                Span<uint> run = block[..(lines * across)];
                if (rowOutside || x0 + across <= content.X || x0 >= content.X + content.Width)
                {
                    int shape = (across == BlockPx ? 0 : 1) + (lines == BlockPx ? 0 : 2);
                    if (plain[shape] == 0)
                    {
                        run.Fill(background);
                        plain[shape] = Hash(run);
                    }
                    hashes[row * columns + c] = plain[shape];
                    continue;
                }
                for (int y = 0; y < lines; y++) pixels.Slice((y0 + y) * width + x0, across).CopyTo(block.Slice(y * across));
                hashes[row * columns + c] = Hash(run);
            }
        }
        return new ScreenBlocks(width, height, hashes);
    }

    /// <summary>Never 0, which <see cref="Of(ReadOnlySpan{uint}, int, int, ValueTuple{int, int, int, int}, uint)"/> keeps for "not yet known".</summary>
    private static ulong Hash(ReadOnlySpan<uint> run) => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(run)) | 1;
}
