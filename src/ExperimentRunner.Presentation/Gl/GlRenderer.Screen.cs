using ExperimentRunner.Presentation.Native;
using Silk.NET.OpenGL;

namespace ExperimentRunner.Presentation.Gl;

/// <summary>
/// A composed screen put on the surface with a framebuffer blit instead of a textured quad (issue 17): with software GL
/// (Mesa llvmpipe) a blit at 1:1 skips the fragment shader's filtering and the blending, and cost about 4–7 ms of CPU
/// against 12–13 ms for the quad at 1280×720 on the 2-core VM. The pixels are the same, because the screen is opaque
/// and drawn 1:1 (it is composed at the drawable's size): a quad sampled at texel centres and blended over an opaque
/// clear gives each texel unchanged, and so does the copy.
/// </summary>
internal sealed partial class GlRenderer
{
    private FrameSetup _frame;
    private uint _copyFramebuffer, _copyAttached;

    /// <summary>Copy opaque screens with a blit where the driver can (false: always draw them as a quad).</summary>
    public bool CopyScreens { get; set; } = Sdl.GlGetProcAddress("glBlitFramebuffer") != nint.Zero;

    /// <summary>
    /// Draws a composed screen, or the part of it that differs from the background (a texture of
    /// <paramref name="width"/> × <paramref name="height"/>, rows top first), at (<paramref name="x"/>, <paramref name="y"/>)
    /// over the cleared frame. <paramref name="opaque"/>: every texel's alpha is 1 (the screen's background is opaque),
    /// so it may be copied instead of blended.
    /// </summary>
    /// <param name="blocks">The whole screen's block hashes, when known: a frame that replaces one screen with another
    /// then draws only the blocks where they differ (GlRenderer.Damage.cs).</param>
    public void DrawScreen(uint texture, int x, int y, int width, int height, bool opaque, ScreenBlocks? blocks = null)
    {
        if (!opaque || !CopyScreens || _frame.DrawableW != _frame.ScreenW || _frame.DrawableH != _frame.ScreenH)
            Draw(texture, x, y, width, height, 0, 0, 1, 1, 1, 1, 1, 1);
        else if (PartialRedraw) Record(new Quad(texture, x, y, width, height, 0, 0, 1, 1, 1, 1, 1, 1, Copy: true, Blocks: blocks));
        else CopyNow(texture, x, y, width, height);
    }

    /// <summary>Copies a texture onto the frame, top row first (GL's rows count from the bottom), inside the scissor
    /// when one is set. A driver that refuses gets the quad from then on.</summary>
    private void CopyNow(uint texture, int x, int y, int width, int height)
    {
        if (_copyFramebuffer == 0) _copyFramebuffer = _gl.GenFramebuffer();
        _gl.BindFramebuffer(FramebufferTarget.ReadFramebuffer, _copyFramebuffer);
        bool first = _copyAttached == 0;
        if (_copyAttached != texture)
        {
            _gl.FramebufferTexture2D(FramebufferTarget.ReadFramebuffer, FramebufferAttachment.ColorAttachment0, TextureTarget.Texture2D, texture, 0);
            _copyAttached = texture;
        }
        int top = _frame.DrawableH - y;
        _gl.BlitFramebuffer(0, 0, width, height, x, top, x + width, top - height, ClearBufferMask.ColorBufferBit, BlitFramebufferFilter.Nearest);
        _gl.BindFramebuffer(FramebufferTarget.ReadFramebuffer, 0);
        if (first && _gl.GetError() != GLEnum.NoError)
        {
            CopyScreens = false;
            _copyAttached = 0;
            DrawNow(texture, x, y, width, height, 0, 0, 1, 1, 1, 1, 1, 1);
        }
    }

    /// <summary>
    /// Draws, once, everything a frame may draw (clear, a screen's copy, a tinted quad, a translucent one), first over
    /// the whole drawable and then inside a scissor rectangle, from textures of each kind of size (width and height a
    /// power of two or not), and waits for it; then forgets what the surface holds. Mesa's llvmpipe compiles a shader
    /// variant (with LLVM, 10–30 ms of CPU) the first time a state is drawn, and a texture's size being a power of two
    /// or not is part of that state: without this, the first quad inside a scissor rectangle (a cursor's first move)
    /// and the first screen whose cropped texture happened to be 512 pixels wide paid for it inside a frame, a missed
    /// frame (issue 17). A GPU driver compiles such variants too.
    /// </summary>
    public unsafe void WarmUp(int drawableW, int drawableH)
    {
        _frame = new FrameSetup(drawableW, drawableH, drawableW, drawableH, 0, 0, 0);
        var pixels = new byte[65 * 65 * 4];
        var textures = new uint[4];
        fixed (byte* p = pixels)
        {
            for (int t = 0; t < 4; t++) textures[t] = Upload(64 + (t & 1), 64 + (t >> 1), (nint)p);
        }
        for (int pass = 0; pass < 2; pass++)
        {
            if (pass == 1)
            {
                _gl.Enable(EnableCap.ScissorTest);
                _gl.Scissor(0, 0, (uint)Math.Max(1, drawableW / 2), (uint)Math.Max(1, drawableH / 2));
            }
            BeginNow(drawableW, drawableH, drawableW, drawableH, 0, 0, 0);
            for (int t = 0; t < 4; t++)
            {
                int w = 64 + (t & 1), h = 64 + (t >> 1);
                if (CopyScreens) CopyNow(textures[t], 0, 0, w, h);
                DrawNow(textures[t], 0, 0, w, h, 0, 0, 1, 1, 1, 1, 1, 1);
                DrawNow(textures[t], 0, 0, w, h, 0, 0, 1, 1, 0.5f, 0.5f, 0.5f, 0.5f);
            }
            if (pass == 1) _gl.Disable(EnableCap.ScissorTest);
        }
        _gl.Finish();
        foreach (uint t in textures) DeleteTexture(t);
        Invalidate();
    }
}
