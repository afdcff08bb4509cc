using ExperimentRunner.Presentation.Native;
using Silk.NET.OpenGL;

namespace ExperimentRunner.Presentation.Gl;

/// <summary>How a display's flips were drawn since it opened (see <see cref="GlDisplay.PartialRedraw"/>).</summary>
/// <param name="Full">Flips that drew the whole screen (a new screen, or the first).</param>
/// <param name="Partial">Flips that drew only around what moved (a cursor, the ball, a counter's digits).</param>
/// <param name="Skipped">Flips that drew nothing, because nothing changed.</param>
public readonly record struct RedrawCounts(long Full, long Partial, long Skipped);

public sealed partial class GlDisplay
{
    /// <summary>
    /// True when a flip draws only what changed since the previous one (issue 17: with software GL a full-screen draw
    /// takes most of a frame's period). Only offscreen, whose surface is an EGL pbuffer that a swap leaves alone, and
    /// only when the start-up probe saw the surface keep its pixels across swaps; a window's back buffer is undefined
    /// after a swap, so windows draw every frame in full. What the surface shows is the same either way.
    /// </summary>
    public bool PartialRedraw { get; private set; }

    /// <summary>How the flips so far were drawn (all <see cref="RedrawCounts.Full"/> 0 without <see cref="PartialRedraw"/>:
    /// such flips are not counted).</summary>
    public RedrawCounts Redraws => new(_renderer.FullFrames, _renderer.PartialFrames, _renderer.SkippedFrames);

    private void StartPartialRedraw(GlDisplayOptions options)
    {
        PartialRedraw = options.PartialRedraw && options.Mode == DisplayMode.Offscreen && SurfaceKeepsPixels();
        _renderer.PartialRedraw = PartialRedraw;
    }

    /// <summary>
    /// Clears the surface to three colours in turn, swapping after each and reading three pixels back after the swap:
    /// a surface that keeps its pixels hands back the colour just drawn every time, while one that swaps between
    /// buffers hands back an older one (or garbage) after the first swap.
    /// </summary>
    private unsafe bool SurfaceKeepsPixels()
    {
        ReadOnlySpan<uint> colours = [0xFF00FFu, 0x00FF00u, 0x2040C0u];
        int w = Math.Max(1, _drawableW), h = Math.Max(1, _drawableH);
        byte* pixel = stackalloc byte[4];
        _gl.PixelStore(PixelStoreParameter.PackAlignment, 4);
        bool kept = true;
        foreach (uint c in colours)
        {
            byte r = (byte)(c >> 16), g = (byte)(c >> 8), b = (byte)c;
            _gl.Viewport(0, 0, (uint)w, (uint)h);
            _gl.ClearColor(r / 255f, g / 255f, b / 255f, 1f);
            _gl.Clear(ClearBufferMask.ColorBufferBit);
            Sdl.GlSwapWindow(_window);
            _gl.Finish();
            foreach (var (x, y) in new[] { (0, 0), (w / 2, h / 2), (w - 1, h - 1) })
            {
                _gl.ReadPixels(x, y, 1, 1, PixelFormat.Rgba, PixelType.UnsignedByte, pixel);
                kept &= pixel[0] == r && pixel[1] == g && pixel[2] == b;
            }
        }
        return kept && _gl.GetError() == GLEnum.NoError;
    }

    /// <summary>
    /// Reads back what the last <see cref="Flip"/> left on the surface, without drawing: with
    /// <see cref="PartialRedraw"/> that is what the flips drew, only where they changed something (for tests; it
    /// allocates and stalls the GPU). Without it (a window) the content after a swap is undefined: use
    /// <see cref="ReadPixels"/>, which draws the current screen in full first.
    /// </summary>
    public RgbaImage ReadShownPixels()
    {
        ThrowIfDisposed();
        MakeCurrent();
        return ReadBack();
    }

    private unsafe RgbaImage ReadBack()
    {
        _gl.Finish();
        int w = _drawableW, h = _drawableH;
        var raw = new byte[w * h * 4];
        _gl.PixelStore(PixelStoreParameter.PackAlignment, 4);
        fixed (byte* p = raw) _gl.ReadPixels(0, 0, (uint)w, (uint)h, PixelFormat.Rgba, PixelType.UnsignedByte, p);
        var rows = new byte[raw.Length];
        int stride = w * 4;
        for (int y = 0; y < h; y++) System.Buffer.BlockCopy(raw, (h - 1 - y) * stride, rows, y * stride, stride);
        return new RgbaImage(w, h, rows);
    }
}
