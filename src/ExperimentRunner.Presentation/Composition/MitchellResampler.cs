using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Composition;

/// <summary>
/// Resamples a premultiplied RGBA8888 image with the Mitchell–Netravali cubic (B = C = 1/3) the way Skia's raster
/// pipeline samples <see cref="SKCubicResampler.Mitchell"/> for a scale-and-translate mapping: each device pixel's centre
/// is mapped into the image, the 4×4 texels around it (clamped to the image's edges) are weighed with the kernel, and
/// the sum is clamped to a valid premultiplied colour. The kernel is separable, so it runs in two passes (rows, then
/// columns) over 4 taps each instead of 16 taps a pixel: a card's photo (about 400×450 → 376×420) in about a sixth of
/// Skia's time (issue 17). The result lies on the device pixel grid, so the caller draws it 1:1 at a whole-pixel offset.
/// Not thread-safe: one per composer (its buffers are reused from call to call).
/// </summary>
internal sealed class MitchellResampler
{
    // Skia's cubic weights as polynomials in t (SkImageShader's CubicResamplerMatrix for B, C): tap k (0–3, the texels
    // at distances 1 + t, t, 1 − t, 2 − t) weighs W[k,0] + W[k,1]·t + W[k,2]·t² + W[k,3]·t³. Computed in float as Skia does.
    private static readonly float[] W = Matrix(1 / 3f, 1 / 3f);

    private static float[] Matrix(float b, float c) =>
    [
        (1 / 6f) * b, -(3 / 6f) * b - c, (3 / 6f) * b + 2 * c, -(1 / 6f) * b - c,
        1 - (2 / 6f) * b, 0, -3 + (12 / 6f) * b + c, 2 - (9 / 6f) * b - c,
        (1 / 6f) * b, (3 / 6f) * b + c, 3 - (15 / 6f) * b - 2 * c, -2 + (9 / 6f) * b + c,
        0, 0, -c, (1 / 6f) * b + c,
    ];

    private float[] _weightsX = [], _weightsY = [];
    private int[] _tapsX = [], _tapsY = [];
    /// <summary>The first pass: every image row the second pass reads, resampled across to the output's width (RGBA floats).</summary>
    private float[] _across = [];
    /// <summary>One image row as floats (RGBA, 0–1).</summary>
    private float[] _line = [];

    /// <summary>
    /// Draws the part <paramref name="src"/> of <paramref name="image"/> resampled onto <paramref name="dst"/> of
    /// <paramref name="target"/> (no transformation, no clip other than <paramref name="coverage"/>), blended source-over
    /// through the coverage as Skia blends a draw with an antialiased clip and paint: what
    /// <c>canvas.DrawImage(image, src, dst, new SKSamplingOptions(SKCubicResampler.Mitchell), paint)</c> leaves, within a
    /// level or two at the most (the same sums in another order).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first card of a preload: no slow tier-0 code while the JIT catches up
    public void Draw(SKPixmap target, SKPixmap image, SKRect src, SKRect dst, Coverage coverage)
    {
        if (image.ColorType != SKColorType.Rgba8888 || image.AlphaType != SKAlphaType.Premul)
            throw new ArgumentException($"the image must be premultiplied RGBA8888, not {image.ColorType}/{image.AlphaType}", nameof(image));
        if (target.ColorType != SKColorType.Rgba8888 || target.AlphaType != SKAlphaType.Premul)
            throw new ArgumentException($"the target must be premultiplied RGBA8888, not {target.ColorType}/{target.AlphaType}", nameof(target));
        // The device → image mapping as Skia makes it: the inverse of SkMatrix::RectToRect(src, dst), in float.
        float sx = dst.Width / src.Width, sy = dst.Height / src.Height;
        float tx = dst.Left - src.Left * sx, ty = dst.Top - src.Top * sy;
        float isx = 1f / sx, isy = 1f / sy;
        float itx = -tx * isx, ity = -ty * isy;
        int x0 = Math.Max(0, coverage.X), y0 = Math.Max(0, coverage.Y);
        int x1 = Math.Min(target.Width, coverage.X + coverage.Width), y1 = Math.Min(target.Height, coverage.Y + coverage.Height);
        int width = x1 - x0, height = y1 - y0;
        if (width <= 0 || height <= 0 || image.Width <= 0 || image.Height <= 0) return;
        int imageW = image.Width, imageH = image.Height;
        Taps(ref _weightsX, ref _tapsX, width, x0, isx, itx, imageW);
        Taps(ref _weightsY, ref _tapsY, height, y0, isy, ity, imageH);
        // The image rows the output rows' taps reach (ascending: the mapping does not mirror).
        int firstRow = _tapsY[0], lastRow = _tapsY[4 * height - 1];
        int rows = lastRow - firstRow + 1;
        Grow(ref _across, 4 * width * rows);
        Grow(ref _line, 4 * imageW + 16);
        nint pixels = image.GetPixels();
        int rowBytes = image.RowBytes;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<byte> line;
            unsafe { line = new ReadOnlySpan<byte>((byte*)pixels + (long)(firstRow + r) * rowBytes, 4 * imageW); }
            Across(line, _across.AsSpan(4 * width * r, 4 * width), width);
        }
        nint targetPixels = target.GetPixels();
        for (int y = 0; y < height; y++)
        {
            Span<byte> row;
            unsafe { row = new Span<byte>((byte*)targetPixels + (long)(y0 + y) * target.RowBytes + 4L * x0, 4 * width); }
            Down(y, firstRow, width, row, coverage.Alpha.AsSpan((y0 + y - coverage.Y) * coverage.Width + (x0 - coverage.X), width));
        }
    }

    /// <summary>Coverage of a draw, 0–255 a pixel, over the pixels [X, X + Width) × [Y, Y + Height) of the canvas.</summary>
    public sealed record Coverage(int X, int Y, int Width, int Height, byte[] Alpha)
    {
        /// <summary>What an antialiased fill of <paramref name="rect"/> through an antialiased clip to
        /// <paramref name="clip"/> covers of each pixel, as Skia computes it (an 8-bit mask).</summary>
        public static Coverage Of(SKRect rect, SKRoundRect clip)
        {
            var bounds = Outward(rect);
            bounds.Intersect(Outward(clip.Rect));
            int w = Math.Max(1, bounds.Width), h = Math.Max(1, bounds.Height);
            var alpha = new byte[w * h];
            unsafe
            {
                fixed (byte* p = alpha)
                {
                    using var mask = new SKBitmap();
                    mask.InstallPixels(new SKImageInfo(w, h, SKColorType.Alpha8, SKAlphaType.Premul), (nint)p, w);
                    using var canvas = new SKCanvas(mask);
                    canvas.Clear(SKColors.Transparent);
                    canvas.Translate(-bounds.Left, -bounds.Top);
                    canvas.ClipRoundRect(clip, SKClipOperation.Intersect, antialias: true);
                    using var paint = new SKPaint { IsAntialias = true, Color = SKColors.White };
                    canvas.DrawRect(rect, paint);
                    canvas.Flush();
                }
            }
            return new Coverage(bounds.Left, bounds.Top, w, h, alpha);
        }

        private static SKRectI Outward(SKRect r) =>
            new((int)MathF.Floor(r.Left), (int)MathF.Floor(r.Top), (int)MathF.Ceiling(r.Right), (int)MathF.Ceiling(r.Bottom));
    }

    /// <summary>For each output pixel along one axis: its four clamped texel indices and their weights.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Taps(ref float[] weights, ref int[] taps, int count, int first, float scale, float trans, int size)
    {
        Grow(ref weights, 4 * count);
        if (taps.Length < 4 * count) taps = new int[4 * count];
        for (int i = 0; i < count; i++)
        {
            float x = (first + i + 0.5f) * scale + trans;
            float shifted = x + 0.5f;
            float floor = MathF.Floor(shifted);
            float t = shifted - floor;
            // Skia samples at x − 1.5, x − 0.5, x + 0.5, x + 1.5, each clamped to the image, truncated to a texel.
            float sample = x - 1.5f;
            for (int k = 0; k < 4; k++, sample += 1)
            {
                taps[4 * i + k] = (int)Math.Clamp(sample, 0f, size - 1);
                weights[4 * i + k] = ((W[4 * k + 3] * t + W[4 * k + 2]) * t + W[4 * k + 1]) * t + W[4 * k];
            }
        }
    }

    /// <summary>One image row resampled across: the first pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Across(ReadOnlySpan<byte> src, Span<float> dst, int width)
    {
        var scale = Vector128.Create(1 / 255f);
        ref float l = ref MemoryMarshal.GetArrayDataReference(_line);
        ref byte s = ref MemoryMarshal.GetReference(src);
        int i = 0;
        for (; i + 16 <= src.Length; i += 16)
        {
            var bytes = Vector128.LoadUnsafe(ref s, (nuint)i);
            var (lo, hi) = Vector128.Widen(bytes);
            var (a, b) = Vector128.Widen(lo);
            var (c, d) = Vector128.Widen(hi);
            (Vector128.ConvertToSingle(a) * scale).StoreUnsafe(ref l, (nuint)i);
            (Vector128.ConvertToSingle(b) * scale).StoreUnsafe(ref l, (nuint)i + 4);
            (Vector128.ConvertToSingle(c) * scale).StoreUnsafe(ref l, (nuint)i + 8);
            (Vector128.ConvertToSingle(d) * scale).StoreUnsafe(ref l, (nuint)i + 12);
        }
        for (; i < src.Length; i += 4) (Unpack(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref s, i))) * scale).StoreUnsafe(ref l, (nuint)i);
        ref float w = ref MemoryMarshal.GetArrayDataReference(_weightsX);
        ref int tap = ref MemoryMarshal.GetArrayDataReference(_tapsX);
        ref float o = ref MemoryMarshal.GetReference(dst);
        for (int x = 0; x < width; x++)
        {
            int j = 4 * x;
            var acc = Vector128.Create(Unsafe.Add(ref w, j)) * Vector128.LoadUnsafe(ref l, (nuint)(4 * Unsafe.Add(ref tap, j)));
            acc += Vector128.Create(Unsafe.Add(ref w, j + 1)) * Vector128.LoadUnsafe(ref l, (nuint)(4 * Unsafe.Add(ref tap, j + 1)));
            acc += Vector128.Create(Unsafe.Add(ref w, j + 2)) * Vector128.LoadUnsafe(ref l, (nuint)(4 * Unsafe.Add(ref tap, j + 2)));
            acc += Vector128.Create(Unsafe.Add(ref w, j + 3)) * Vector128.LoadUnsafe(ref l, (nuint)(4 * Unsafe.Add(ref tap, j + 3)));
            acc.StoreUnsafe(ref o, (nuint)j);
        }
    }

    /// <summary>One RGBA8888 pixel as four floats, 0–255.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Unpack(uint pixel) =>
        Vector128.ConvertToSingle(Vector128.WidenLower(Vector128.WidenLower(Vector128.CreateScalar(pixel).AsByte())));

    /// <summary>One output row: the four first-pass rows its taps reach, weighed down, clamped to a premultiplied colour
    /// and blended onto the target's row: source-over, then towards it by the coverage (Skia's srcover, lerp_u8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Down(int y, int firstRow, int width, Span<byte> target, ReadOnlySpan<byte> coverage)
    {
        int j = 4 * y;
        ReadOnlySpan<float> across = _across;
        int stride = 4 * width;
        ref float r0 = ref MemoryMarshal.GetReference(across[((_tapsY[j] - firstRow) * stride)..]);
        ref float r1 = ref MemoryMarshal.GetReference(across[((_tapsY[j + 1] - firstRow) * stride)..]);
        ref float r2 = ref MemoryMarshal.GetReference(across[((_tapsY[j + 2] - firstRow) * stride)..]);
        ref float r3 = ref MemoryMarshal.GetReference(across[((_tapsY[j + 3] - firstRow) * stride)..]);
        var w0 = Vector128.Create(_weightsY[j]);
        var w1 = Vector128.Create(_weightsY[j + 1]);
        var w2 = Vector128.Create(_weightsY[j + 2]);
        var w3 = Vector128.Create(_weightsY[j + 3]);
        var one = Vector128.Create(1f);
        var full = Vector128.Create(255f);
        var unit = Vector128.Create(1 / 255f);
        ref byte t = ref MemoryMarshal.GetReference(target);
        ref byte c = ref MemoryMarshal.GetReference(coverage);
        var v0 = Vector256.Create(w0, w0);
        var v1 = Vector256.Create(w1, w1);
        var v2 = Vector256.Create(w2, w2);
        var v3 = Vector256.Create(w3, w3);
        var ones = Vector256.Create(1f);
        var fulls = Vector256.Create(255f);
        var alphas = Vector256.Create(3, 3, 3, 3, 7, 7, 7, 7);
        for (int i = 0; i < width; i++)
        {
            nuint at = (nuint)(4 * i);
            // Four pixels at a time where the photo covers them whole and is opaque (most of it): the same sums in the
            // same order as one at a time, without the blend (source-over an opaque colour, at full coverage, is it).
            while (i + 4 <= width && Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref c, i)) == uint.MaxValue)
            {
                var lo = v0 * Vector256.LoadUnsafe(ref r0, at);
                lo += v1 * Vector256.LoadUnsafe(ref r1, at);
                lo += v2 * Vector256.LoadUnsafe(ref r2, at);
                lo += v3 * Vector256.LoadUnsafe(ref r3, at);
                var hi = v0 * Vector256.LoadUnsafe(ref r0, at + 8);
                hi += v1 * Vector256.LoadUnsafe(ref r1, at + 8);
                hi += v2 * Vector256.LoadUnsafe(ref r2, at + 8);
                hi += v3 * Vector256.LoadUnsafe(ref r3, at + 8);
                var alo = Vector256.Shuffle(lo, alphas);
                var ahi = Vector256.Shuffle(hi, alphas);
                if (!Vector256.GreaterThanOrEqualAll(alo, ones) || !Vector256.GreaterThanOrEqualAll(ahi, ones)) break;
                lo = Vector256.MinNative(Vector256.MaxNative(lo, Vector256<float>.Zero), ones);
                hi = Vector256.MinNative(Vector256.MaxNative(hi, Vector256<float>.Zero), ones);
                var packed = Vector256.Narrow(Vector256.ConvertToInt32Native(Vector256.Round(lo * fulls)), Vector256.ConvertToInt32Native(Vector256.Round(hi * fulls)));
                Vector128.Narrow(packed.GetLower(), packed.GetUpper()).AsByte().StoreUnsafe(ref t, at);
                i += 4;
                at += 16;
            }
            if (i >= width) break;
            byte cover = Unsafe.Add(ref c, i);
            if (cover == 0) continue;
            var acc = w0 * Vector128.LoadUnsafe(ref r0, at);
            acc += w1 * Vector128.LoadUnsafe(ref r1, at);
            acc += w2 * Vector128.LoadUnsafe(ref r2, at);
            acc += w3 * Vector128.LoadUnsafe(ref r3, at);
            // A cubic overshoots: alpha into [0, 1], each colour into [0, alpha] (a valid premultiplied colour).
            var alpha = Vector128.MinNative(Vector128.MaxNative(Vector128.Shuffle(acc, Vector128.Create(3, 3, 3, 3)), Vector128<float>.Zero), one);
            acc = Vector128.MinNative(Vector128.MaxNative(acc, Vector128<float>.Zero), alpha);
            ref uint pixel = ref Unsafe.As<byte, uint>(ref Unsafe.Add(ref t, (int)at));
            if (cover != 255 || alpha.ToScalar() != 1f)
            {
                var under = Unpack(pixel) * unit;
                acc += under * (one - alpha);
                if (cover != 255) acc = (acc - under) * Vector128.Create(cover * (1 / 255f)) + under;
            }
            var ints = Vector128.ConvertToInt32Native(Vector128.Round(acc * full));
            var shorts = Vector128.Narrow(ints, ints);
            pixel = Vector128.Narrow(shorts, shorts).AsUInt32().ToScalar();
        }
    }

    private static void Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new float[length];
    }
}
