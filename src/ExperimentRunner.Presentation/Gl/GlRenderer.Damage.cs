using Silk.NET.OpenGL;

namespace ExperimentRunner.Presentation.Gl;

/// <summary>
/// Redraw only what changed (issue 17). With software GL (Mesa llvmpipe, as on lab PCs without a GPU driver and in CI)
/// drawing the full-screen texture costs 15–30 ms of CPU a frame, most of a 16.7 ms period, so any competing load made
/// frames late. Where the surface keeps its pixels from one flip to the next (an EGL pbuffer: eglSwapBuffers leaves it
/// alone), a frame is recorded instead of drawn: <see cref="Begin"/> and <see cref="Draw"/> only note the frame's setup
/// and its quads, and <see cref="End"/> compares them, in order, with the frame the surface holds. Nothing changed:
/// nothing is drawn. Some quads changed: every pixel they covered before or cover now is drawn again from scratch, the
/// clear, the screen's texture and every overlay, clipped to a scissor rectangle around it; pixels outside were
/// covered by the same quads in the same order before, so they are already right. The picture is the one a full
/// redraw gives, pixel for pixel. A new screen (its texture quad changed) is drawn in full. Allocation-free.
/// </summary>
internal sealed partial class GlRenderer
{
    /// <summary>Quads a frame may record (base, cursor, nine-slice, counter digits, ball, photodiode: ~25 today); a
    /// frame with more is drawn in full.</summary>
    private const int MaxQuads = 256;

    /// <summary>Scissor rectangles drawn one after the other; more damaged areas are merged into one.</summary>
    private const int MaxDamageRects = 4;

    /// <summary>Damaged areas closer than this (drawable pixels) are merged into one rectangle: one pass, not two.</summary>
    private const int MergeGapPx = 32;

    /// <summary>One recorded <see cref="Draw"/> call, or (<paramref name="Copy"/>) a <see cref="DrawScreen"/> copied with a blit.</summary>
    /// <param name="Blocks">For a copied screen, its block hashes (ScreenBlocks.cs): a new screen first in a frame after
    /// another is then drawn only in the blocks where the two differ.</param>
    private readonly record struct Quad(uint Texture, float X, float Y, float W, float H, float U, float V, float DU, float DV, float R, float G, float B, float A, bool Copy = false, ScreenBlocks? Blocks = null);

    /// <summary>One recorded <see cref="Begin"/> call.</summary>
    private readonly record struct FrameSetup(int DrawableW, int DrawableH, int ScreenW, int ScreenH, float R, float G, float B);

    /// <summary>A rectangle of drawable pixels, origin bottom-left (GL's window coordinates), end exclusive.</summary>
    private readonly record struct Box(int X0, int Y0, int X1, int Y1)
    {
        public bool IsEmpty => X1 <= X0 || Y1 <= Y0;
        public long Area => IsEmpty ? 0 : (long)(X1 - X0) * (Y1 - Y0);
        public Box Union(Box o) => new(Math.Min(X0, o.X0), Math.Min(Y0, o.Y0), Math.Max(X1, o.X1), Math.Max(Y1, o.Y1));
        public bool Contains(Box o) => X0 <= o.X0 && Y0 <= o.Y0 && o.X1 <= X1 && o.Y1 <= Y1;
        public bool Near(Box o, int gap) => X0 <= o.X1 + gap && o.X0 <= X1 + gap && Y0 <= o.Y1 + gap && o.Y0 <= Y1 + gap;
    }

    private Quad[] _quads = new Quad[MaxQuads], _drawn = new Quad[MaxQuads];
    private int _quadCount, _drawnCount;
    private bool _overflow;
    private FrameSetup _setup, _drawnSetup;
    /// <summary>True when the surface holds <see cref="_drawn"/>: false at the start, after a texture was deleted
    /// (its name may come back for another picture) and after a frame too large to record.</summary>
    private bool _surfaceKnown;
    private readonly Box[] _damage = new Box[MaxDamageRects];
    private int _damageCount;

    /// <summary>
    /// Record frames and draw only what changed. Set it only where the surface keeps its pixels after a swap (see
    /// GlDisplay's start-up probe): on a double-buffered window the back buffer is undefined after a swap.
    /// </summary>
    public bool PartialRedraw
    {
        get => _partialRedraw;
        set { _partialRedraw = value; Invalidate(); }
    }
    private bool _partialRedraw;

    /// <summary>Frames drawn in full, drawn in part (inside scissor rectangles), and not drawn at all (nothing
    /// changed), since the display opened. Only frames recorded with <see cref="PartialRedraw"/> count.</summary>
    public long FullFrames, PartialFrames, SkippedFrames;

    /// <summary>Forgets what the surface holds: the next frame is drawn in full.</summary>
    public void Invalidate()
    {
        _surfaceKnown = false;
        _copyAttached = 0; // a deleted texture stays attached to the copy framebuffer under its old name
    }

    /// <summary>True between <see cref="Begin"/> and <see cref="End"/>.</summary>
    private bool _open;

    private void Record(in FrameSetup setup)
    {
        _open = true;
        _setup = setup;
        _quadCount = 0;
        _overflow = false;
    }

    private void Record(in Quad quad)
    {
        if (!_open)
        {
            DrawLate(quad);
            return;
        }
        if (_quadCount == MaxQuads) { _overflow = true; return; }
        _quads[_quadCount++] = quad;
    }

    /// <summary>Ends a frame begun with <see cref="Begin"/>: with <see cref="PartialRedraw"/>, draws what changed since
    /// the frame the surface holds; otherwise nothing (the frame was drawn as it came).</summary>
    public void End()
    {
        if (!PartialRedraw) return;
        _open = false;
        bool full = !_surfaceKnown || _overflow || _setup != _drawnSetup;
        _damageCount = 0;
        if (!full)
        {
            long limit = (long)_setup.DrawableW * _setup.DrawableH / 2;
            for (int i = 0; i < Math.Max(_quadCount, _drawnCount) && !full; i++)
            {
                bool now = i < _quadCount, before = i < _drawnCount;
                if (now && before && _quads[i].Equals(_drawn[i])) continue;
                bool blocksCompared = i == 0 && now && before && AddBlockDamage(in _quads[0], in _drawn[0]);
                if (before && !blocksCompared) AddDamage(Bounds(_drawn[i]));
                if (now && !blocksCompared) AddDamage(Bounds(_quads[i]));
                long area = 0;
                for (int d = 0; d < _damageCount; d++) area += _damage[d].Area;
                full = area > limit; // half the screen or more: one full pass is cheaper than clipped ones
            }
        }

        if (full)
        {
            Replay(clearAroundScreen: ClearAroundScreens);
            FullFrames++;
        }
        else if (_damageCount == 0) SkippedFrames++;
        else
        {
            _gl.Enable(EnableCap.ScissorTest);
            for (int d = 0; d < _damageCount; d++)
            {
                var box = _damage[d];
                _gl.Scissor(box.X0, box.Y0, (uint)(box.X1 - box.X0), (uint)(box.Y1 - box.Y0));
                Replay(scissor: box);
            }
            _gl.Disable(EnableCap.ScissorTest);
            PartialFrames++;
        }

        (_quads, _drawn) = (_drawn, _quads);
        _drawnCount = _quadCount;
        _drawnSetup = _setup;
        _surfaceKnown = !_overflow;
    }

    /// <summary>
    /// A quad drawn after <see cref="End"/>, over the finished frame (the flip's own overlay, such as a photodiode patch
    /// drawn between the frame and the swap): drawn at once, and added to what the surface holds. The next frame will
    /// not have it at that place in its list, so the area under it is drawn again from scratch before it is drawn over
    /// again: right even for a translucent quad.
    /// </summary>
    private void DrawLate(in Quad q)
    {
        if (_drawnCount < MaxQuads) _drawn[_drawnCount++] = q;
        else _surfaceKnown = false;
        if (q.Copy) CopyNow(q.Texture, (int)q.X, (int)q.Y, (int)q.W, (int)q.H);
        else DrawNow(q.Texture, q.X, q.Y, q.W, q.H, q.U, q.V, q.DU, q.DV, q.R, q.G, q.B, q.A);
    }

    /// <summary>
    /// In a frame drawn in full that starts with an opaque screen's copy, clear only the drawable around the copy's
    /// rectangle: the copy overwrites every pixel inside it, so clearing them first is work whose result is never seen.
    /// The picture is the same pixel for pixel; the write of up to 3.7 MB (1280×720) of a new screen's first frame is
    /// cut to the border around the screen (issue 17). False: clear all of it first, as before.
    /// </summary>
    public bool ClearAroundScreens { get; set; } = Environment.GetEnvironmentVariable("EXRUN_CLEAR_AROUND_SCREENS") != "0";

    /// <summary>Draws the recorded frame: clear, then every quad in order (inside the scissor, when one is set). With
    /// <paramref name="clearAroundScreen"/> (no scissor set) and an opaque screen's copy first, the clear leaves the
    /// copy's rectangle out.</summary>
    private void Replay(bool clearAroundScreen = false, Box scissor = default)
    {
        var s = _setup;
        if (clearAroundScreen && _quadCount > 0 && _quads[0].Copy) BeginAround(in _quads[0]);
        // Inside a scissor rectangle that an opaque screen's copy covers, the clear would be overwritten at once.
        else if (!scissor.IsEmpty && _quadCount > 0 && _quads[0].Copy && CopyBox(in _quads[0]).Contains(scissor))
            SetFrameState(s.DrawableW, s.DrawableH, s.ScreenW, s.ScreenH, s.R, s.G, s.B);
        else BeginNow(s.DrawableW, s.DrawableH, s.ScreenW, s.ScreenH, s.R, s.G, s.B);
        for (int i = 0; i < _quadCount; i++)
        {
            ref readonly var q = ref _quads[i];
            if (q.Copy) CopyNow(q.Texture, (int)q.X, (int)q.Y, (int)q.W, (int)q.H);
            else DrawNow(q.Texture, q.X, q.Y, q.W, q.H, q.U, q.V, q.DU, q.DV, q.R, q.G, q.B, q.A);
        }
    }

    /// <summary><see cref="BeginNow"/> with the clear cut to the (up to four) bands of the drawable around
    /// <paramref name="copy"/>'s rectangle (drawable pixels, rows from the top, as <see cref="CopyNow"/> takes them).</summary>
    private void BeginAround(in Quad copy)
    {
        var s = _setup;
        int w = s.DrawableW, h = s.DrawableH;
        (int x0, int y0, int x1, int y1) = CopyBox(in copy);
        if (x1 <= x0 || y1 <= y0)
        {
            BeginNow(s.DrawableW, s.DrawableH, s.ScreenW, s.ScreenH, s.R, s.G, s.B);
            return;
        }
        SetFrameState(s.DrawableW, s.DrawableH, s.ScreenW, s.ScreenH, s.R, s.G, s.B);
        _gl.Enable(EnableCap.ScissorTest);
        ClearBand(0, 0, w, y0);       // below
        ClearBand(0, y1, w, h);       // above
        ClearBand(0, y0, x0, y1);     // left
        ClearBand(x1, y0, w, y1);     // right
        _gl.Disable(EnableCap.ScissorTest);
    }

    private void ClearBand(int x0, int y0, int x1, int y1)
    {
        if (x1 <= x0 || y1 <= y0) return;
        _gl.Scissor(x0, y0, (uint)(x1 - x0), (uint)(y1 - y0));
        _gl.Clear(ClearBufferMask.ColorBufferBit);
    }

    /// <summary>The drawable pixels a screen's copy writes (<see cref="CopyNow"/> takes rows from the top, 1:1), in
    /// GL's window coordinates (rows from the bottom), clamped.</summary>
    private Box CopyBox(in Quad copy)
    {
        var s = _setup;
        int x0 = Math.Clamp((int)copy.X, 0, s.DrawableW), x1 = Math.Clamp((int)(copy.X + copy.W), 0, s.DrawableW);
        int y0 = Math.Clamp(s.DrawableH - (int)(copy.Y + copy.H), 0, s.DrawableH), y1 = Math.Clamp(s.DrawableH - (int)copy.Y, 0, s.DrawableH);
        return new Box(x0, y0, x1, y1);
    }

    /// <summary>
    /// A frame's first quad is a screen's copy, as it was in the frame the surface holds, and both screens have block
    /// hashes of the drawable's size: adds as damage only the blocks where the two screens differ, and answers true.
    /// Everywhere else the surface already shows the new screen: the frame the surface holds started with the clear
    /// and the old screen, which is what the new one's composed pixels show there (outside a screen's crop both are the
    /// background, the clear colour), and later quads that changed add their own damage. False: not such a frame.
    /// </summary>
    private bool AddBlockDamage(in Quad now, in Quad before)
    {
        if (!now.Copy || !before.Copy || now.Blocks is not { } a || before.Blocks is not { } b || !a.SameGrid(b)) return false;
        var s = _setup;
        if (a.Width != s.DrawableW || a.Height != s.DrawableH) return false;
        const int px = ScreenBlocks.BlockPx;
        for (int row = 0; row < a.Rows; row++)
        {
            int yTop = row * px, yBottom = Math.Min(s.DrawableH, yTop + px);
            for (int c = 0; c < a.Columns;)
            {
                if (a[c, row] == b[c, row]) { c++; continue; }
                int first = c;
                while (c < a.Columns && a[c, row] != b[c, row]) c++;
                // GL's window coordinates count rows from the bottom.
                AddDamage(new Box(first * px, s.DrawableH - yBottom, Math.Min(s.DrawableW, c * px), s.DrawableH - yTop), gap: 0);
            }
        }
        return true;
    }

    /// <summary>The drawable pixels a quad can touch (a pixel is drawn when its centre is inside), one pixel wider on
    /// every side, clamped to the drawable.</summary>
    private Box Bounds(in Quad q)
    {
        var s = _setup;
        float sx = (float)s.DrawableW / Math.Max(1, s.ScreenW), sy = (float)s.DrawableH / Math.Max(1, s.ScreenH);
        float left = Math.Min(q.X, q.X + q.W) * sx, right = Math.Max(q.X, q.X + q.W) * sx;
        float top = Math.Min(q.Y, q.Y + q.H) * sy, bottom = Math.Max(q.Y, q.Y + q.H) * sy;
        if (!(right > left && bottom > top)) return default; // empty, or NaN
        int x0 = Math.Clamp((int)MathF.Floor(left) - 1, 0, s.DrawableW), x1 = Math.Clamp((int)MathF.Ceiling(right) + 1, 0, s.DrawableW);
        int yTop = Math.Clamp((int)MathF.Floor(top) - 1, 0, s.DrawableH), yBottom = Math.Clamp((int)MathF.Ceiling(bottom) + 1, 0, s.DrawableH);
        // Screen pixels count rows from the top, GL's window coordinates from the bottom.
        return new Box(x0, s.DrawableH - yBottom, x1, s.DrawableH - yTop);
    }

    /// <summary>Adds a damaged rectangle, merged with those within <paramref name="gap"/> pixels of it. When all
    /// <see cref="MaxDamageRects"/> are taken, it is merged with the one whose union with it grows least.</summary>
    private void AddDamage(Box box, int gap = MergeGapPx)
    {
        if (box.IsEmpty) return;
        while (true)
        {
            for (int d = 0; d < _damageCount;)
            {
                if (_damage[d].Near(box, gap))
                {
                    box = box.Union(_damage[d]);
                    _damage[d] = _damage[--_damageCount];
                    d = 0; // the grown box may now reach one already passed
                }
                else d++;
            }
            if (_damageCount < MaxDamageRects) break;
            int best = 0;
            long bestGrowth = long.MaxValue;
            for (int d = 0; d < _damageCount; d++)
            {
                long growth = box.Union(_damage[d]).Area - _damage[d].Area - box.Area;
                if (growth < bestGrowth) (best, bestGrowth) = (d, growth);
            }
            box = box.Union(_damage[best]);
            _damage[best] = _damage[--_damageCount];
        }
        _damage[_damageCount++] = box;
    }
}
