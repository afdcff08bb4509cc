using System.Numerics;
using System.Runtime.CompilerServices;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Gl;

/// <summary>
/// A composed screen cut into square blocks of <see cref="BlockPx"/> screen pixels, each with a 64-bit hash of its
/// pixels as the participant sees them (issue 17). Two screens of one size whose hashes agree in a block show the same
/// pixels there, so when one follows the other only the blocks that differ need drawing: two selection cards differ in
/// their photo, their text and one line of the question, about a third of the screen, and llvmpipe's copy of a new
/// card, the frame most often late under load, shrinks with it. Computed once per screen, on the compose threads,
/// from the whole composed bitmap (outside the uploaded crop it is the background, which the frame's clear draws).
/// The hash is xxHash64's round over four lanes with its avalanche at the end: a block wrongly thought unchanged needs
/// two different 32×32 pictures with equal 64-bit hashes, a chance of about 2⁻⁶⁴ per block compared.
/// </summary>
internal sealed class ScreenBlocks
{
    /// <summary>Side of a block, screen pixels: fine enough to leave a card's unchanged frame and question out, coarse
    /// enough that comparing two 1280×720 screens is 920 comparisons.</summary>
    public const int BlockPx = 32;

    private const ulong Prime1 = 0x9E3779B185EBCA87UL, Prime2 = 0xC2B2AE3D27D4EB4FUL, Prime3 = 0x165667B19E3779F9UL;

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

    /// <summary>The blocks of an RGBA8888 bitmap of tightly packed rows; null for another kind of bitmap.</summary>
    public static ScreenBlocks? Of(SKBitmap bitmap)
    {
        if (bitmap.ColorType != SKColorType.Rgba8888 || bitmap.RowBytes != 4 * bitmap.Width || bitmap.Width == 0 || bitmap.Height == 0) return null;
        ReadOnlySpan<uint> pixels;
        unsafe { pixels = new ReadOnlySpan<uint>((void*)bitmap.GetPixels(), bitmap.Width * bitmap.Height); }
        return Of(pixels, bitmap.Width, bitmap.Height);
    }

    /// <summary>The blocks of <paramref name="width"/> × <paramref name="height"/> pixels, rows top first, packed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ScreenBlocks Of(ReadOnlySpan<uint> pixels, int width, int height)
    {
        if (pixels.Length < width * height) throw new ArgumentException("fewer pixels than width × height", nameof(pixels));
        int columns = (width + BlockPx - 1) / BlockPx, rows = (height + BlockPx - 1) / BlockPx;
        var hashes = new ulong[columns * rows];
        // Four lanes a block across one band of block rows, so each row is read once, left to right.
        Span<ulong> lanes = columns * 4 <= 512 ? stackalloc ulong[columns * 4] : new ulong[columns * 4];
        for (int row = 0; row < rows; row++)
        {
            for (int c = 0; c < columns; c++)
            {
                lanes[4 * c] = unchecked(Prime1 + Prime2);
                lanes[4 * c + 1] = Prime2;
                lanes[4 * c + 2] = 0;
                lanes[4 * c + 3] = unchecked(0 - Prime1);
            }
            int y0 = row * BlockPx, y1 = Math.Min(height, y0 + BlockPx);
            for (int y = y0; y < y1; y++)
            {
                ReadOnlySpan<uint> line = pixels.Slice(y * width, width);
                for (int c = 0; c < columns; c++)
                {
                    int x0 = c * BlockPx, x1 = Math.Min(width, x0 + BlockPx);
                    Mix(line[x0..x1], lanes.Slice(4 * c, 4));
                }
            }
            for (int c = 0; c < columns; c++) hashes[row * columns + c] = Finish(lanes.Slice(4 * c, 4));
        }
        return new ScreenBlocks(width, height, hashes);
    }

    /// <summary>Adds a run of pixels to a block's four lanes: eight pixels a step (two per lane), the rest one by one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Mix(ReadOnlySpan<uint> run, Span<ulong> lanes)
    {
        ulong a = lanes[0], b = lanes[1], c = lanes[2], d = lanes[3];
        ReadOnlySpan<ulong> pairs = System.Runtime.InteropServices.MemoryMarshal.Cast<uint, ulong>(run);
        int i = 0;
        for (; i + 4 <= pairs.Length; i += 4)
        {
            a = Round(a, pairs[i]);
            b = Round(b, pairs[i + 1]);
            c = Round(c, pairs[i + 2]);
            d = Round(d, pairs[i + 3]);
        }
        for (; i < pairs.Length; i++) a = Round(a, pairs[i]);
        for (int p = pairs.Length * 2; p < run.Length; p++) b = Round(b, run[p]);
        lanes[0] = a; lanes[1] = b; lanes[2] = c; lanes[3] = d;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Round(ulong lane, ulong input) => unchecked(BitOperations.RotateLeft(lane + input * Prime2, 31) * Prime1);

    private static ulong Finish(ReadOnlySpan<ulong> lanes)
    {
        unchecked
        {
            ulong h = BitOperations.RotateLeft(lanes[0], 1) + BitOperations.RotateLeft(lanes[1], 7)
                      + BitOperations.RotateLeft(lanes[2], 12) + BitOperations.RotateLeft(lanes[3], 18);
            h ^= h >> 33;
            h *= Prime2;
            h ^= h >> 29;
            h *= Prime3;
            h ^= h >> 32;
            return h;
        }
    }
}
