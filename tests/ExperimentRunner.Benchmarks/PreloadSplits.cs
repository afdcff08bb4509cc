using System.Runtime.InteropServices;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Presentation.Composition;
using ExperimentRunner.Presentation.Gl;
using SkiaSharp;

namespace ExperimentRunner.Benchmarks;

/// <summary>
/// Where a card's preload time goes (issue 17), in CPU time of the one thread that does it all (robust to other load on
/// the machine, unlike wall time): decoding the photo, composing the screen, finding what differs from the background,
/// uploading it; each with the levers off (as before) and on.
/// </summary>
public static partial class PreloadSplits
{
    [StructLayout(LayoutKind.Sequential)] private struct TimeSpec { public long Sec, Nsec; }
    [LibraryImport("libc", EntryPoint = "clock_gettime")] private static partial int ClockGetTime(int clock, out TimeSpec ts);

    /// <summary>CPU time of the calling thread, ns (CLOCK_THREAD_CPUTIME_ID).</summary>
    public static long ThreadNs()
    {
        ClockGetTime(3, out var t);
        return t.Sec * 1_000_000_000 + t.Nsec;
    }

    public static void Run(BenchContext ctx, DisplayStyle style, GlDisplayOptions options, List<SceneSpec> scenes)
    {
        using var display = new GlDisplay(style, options);
        int w = display.Size.Width, h = display.Size.Height;
        using var composer = new SceneComposer(style, w, h);
        var background = composer.Palette.Background;
        using var images = new ImageStore();
        foreach (var s in scenes.Take(4)) using (composer.Compose(s, images, out _)) { }

        long decode = 0, composeOld = 0, composeTile = 0, composeNew = 0, bounds = 0, uploadWhole = 0, uploadCropped = 0;
        int differing = 0, photoDiffering = 0, maxLevels = 0;
        long bytesDiffering = 0;
        var textures = new List<uint>();
        foreach (var s in scenes)
        {
            long t0 = ThreadNs();
            images.Get(s.Profile!.PhotoPath);
            long t1 = ThreadNs();
            composer.PanelTiles = false;
            composer.FastPhotos = false;
            composer.KeepTexts = false;
            using var before = composer.Compose(s, images, out _);
            long t2 = ThreadNs();
            composer.PanelTiles = true;
            using var tiled = composer.Compose(s, images, out _);
            long t2b = ThreadNs();
            composer.FastPhotos = true;
            composer.KeepTexts = true;
            composer.ForgetTexts();
            using var after = composer.Compose(s, images, out _);
            long t3 = ThreadNs();
            var (x, y, cw, ch) = TextureCache.ContentBounds(after, background);
            long t4 = ThreadNs();
            textures.Add(display.GlRenderer.Upload(w, h, before.GetPixels()));
            long t5 = ThreadNs();
            textures.Add(display.GlRenderer.Upload(cw, ch, after.GetPixels() + y * after.RowBytes + x * 4, after.RowBytes / 4));
            long t6 = ThreadNs();
            decode += t1 - t0; composeOld += t2 - t1; composeTile += t2b - t2; composeNew += t3 - t2b; bounds += t4 - t3; uploadWhole += t5 - t4; uploadCropped += t6 - t5;
            if (!before.GetPixelSpan().SequenceEqual(tiled.GetPixelSpan())) differing++;
            int levels = MaxLevels(tiled.GetPixelSpan(), after.GetPixelSpan(), out long count);
            if (count > 0) photoDiffering++;
            maxLevels = Math.Max(maxLevels, levels);
            bytesDiffering += count;
        }
        foreach (uint t in textures) display.GlRenderer.DeleteTexture(t);
        double Ms(long ns) => ns / 1e6 / scenes.Count;
        const string b = "preload";
        ctx.Add(b, "CPU per card, one thread: decode photo", $"{BenchContext.F(Ms(decode), "0.00")} ms");
        ctx.Add(b, "CPU per card: compose, panel drawn / from a tile", $"{BenchContext.F(Ms(composeOld), "0.00")} / {BenchContext.F(Ms(composeTile), "0.00")} ms ({differing} of {scenes.Count} screens differ)");
        ctx.Add(b, "CPU per card: compose, + photo resampled in two passes, texts laid out once", $"{BenchContext.F(Ms(composeNew), "0.00")} ms (vs Skia's Mitchell: {photoDiffering} of {scenes.Count} screens differ, " +
            $"{bytesDiffering} bytes in all, by at most {maxLevels} level{(maxLevels == 1 ? "" : "s")})");
        ctx.Add(b, "CPU per card: upload whole / cropped (+ finding the crop)", $"{BenchContext.F(Ms(uploadWhole), "0.00")} / {BenchContext.F(Ms(uploadCropped), "0.00")} (+{BenchContext.F(Ms(bounds), "0.00")}) ms");
    }

    /// <summary>The largest difference of a channel between two pictures, and how many bytes differ.</summary>
    private static int MaxLevels(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, out long count)
    {
        int max = 0;
        count = 0;
        for (int i = a.CommonPrefixLength(b); i < a.Length; i++)
        {
            int d = Math.Abs(a[i] - b[i]);
            if (d == 0) continue;
            count++;
            max = Math.Max(max, d);
        }
        return max;
    }
}
