using System.Text;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Composition;

/// <summary>
/// A paragraph of text wrapped to a width: words broken at spaces (explicit newlines kept), words longer than a
/// line broken between characters, the last allowed line ended with "…" when the text does not fit.
/// Composition-time only (it allocates).
/// </summary>
internal sealed class TextBlock
{
    private readonly SKTypeface _face;
    private readonly float _size;
    private readonly float _lineHeight;
    private readonly bool _fakeBold;
    private readonly List<string> _lines;

    private TextBlock(SKTypeface face, float size, float lineHeight, bool fakeBold, List<string> lines, bool truncated, string? missing)
    {
        Truncated = truncated;
        MissingCharacters = missing;
        _face = face;
        _size = size;
        _lineHeight = lineHeight;
        _fakeBold = fakeBold;
        _lines = lines;
    }

    public bool IsEmpty => _lines.Count == 0;

    /// <summary>True when the text did not fit its lines and was cut (ending in "…").</summary>
    public bool Truncated { get; }

    /// <summary>Characters the font has no glyph for (drawn as empty boxes), or null when every one is there.</summary>
    public string? MissingCharacters { get; }

    /// <summary>Height of the block in pixels: one line height (size × spacing) per line.</summary>
    public float Height => _lines.Count * _lineHeight;

    public IReadOnlyList<string> Lines => _lines;

    public static TextBlock Create(string? text, SKTypeface face, float size, float maxWidth, float lineSpacing, int maxLines, bool fakeBold)
    {
        var lines = new List<string>();
        bool truncated = false;
        string? missing = null;
        if (!string.IsNullOrWhiteSpace(text) && maxLines > 0)
        {
            using var font = MakeFont(face, size, fakeBold);
            missing = Missing(text, font);
            Wrap(text.Replace("\r\n", "\n").Trim(), font, Math.Max(size, maxWidth), lines, maxLines);
            if (lines.Count > maxLines)
            {
                lines.RemoveRange(maxLines, lines.Count - maxLines);
                lines[^1] = Ellipsize(lines[^1], font, maxWidth);
                truncated = true;
            }
        }
        return new TextBlock(face, size, size * lineSpacing, fakeBold, lines, truncated, missing);
    }

    /// <summary>Characters measured on this thread so far: wrapping must stay about linear in the text's length.</summary>
    [ThreadStatic] internal static long MeasuredChars;

    private static float Measure(SKFont font, ReadOnlySpan<char> text)
    {
        MeasuredChars += text.Length;
        return font.MeasureText(text);
    }

    private static string? Missing(string text, SKFont font)
    {
        HashSet<int>? seen = null;
        StringBuilder? missing = null;
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsControl(rune) || Rune.IsWhiteSpace(rune) || rune.Value == 0x2026) continue;
            if (font.GetGlyph(rune.Value) != 0) continue;
            seen ??= [];
            if (!seen.Add(rune.Value)) continue;
            (missing ??= new StringBuilder()).Append(rune.ToString());
        }
        return missing?.ToString();
    }

    private static SKFont MakeFont(SKTypeface face, float size, bool fakeBold) =>
        new(face, size) { Edging = SKFontEdging.Antialias, Subpixel = true, Hinting = SKFontHinting.Slight, Embolden = fakeBold };

    /// <summary>
    /// Wraps into <paramref name="lines"/>, stopping once there is one line more than <paramref name="maxLines"/> (enough
    /// to know the text is cut). Each line costs a bounded number of measurements of about its own length, so a long
    /// text costs about its length, never its length squared.
    /// </summary>
    private static void Wrap(string text, SKFont font, float maxWidth, List<string> lines, int maxLines)
    {
        foreach (string paragraph in text.Split('\n'))
        {
            if (lines.Count > maxLines) return;
            string p = paragraph.TrimEnd();
            if (p.Length == 0) { lines.Add(""); continue; }
            // A paragraph that fits stays as written (runs of spaces included).
            if (Measure(font, p) <= maxWidth) { lines.Add(p); continue; }
            var line = new StringBuilder();
            foreach (var (token, spaceBefore) in Tokens(p))
            {
                if (lines.Count > maxLines) return;
                if (line.Length > 0)
                {
                    int mark = line.Length;
                    if (spaceBefore) line.Append(' ');
                    line.Append(token);
                    if (Measure(font, Span(line)) <= maxWidth) continue;
                    line.Length = mark;
                    lines.Add(line.ToString());
                    line.Clear();
                    if (lines.Count > maxLines) return;
                }
                if (Measure(font, token) <= maxWidth) { line.Append(token); continue; }
                // A word wider than the line: break it between characters (text elements, so accents stay whole).
                int[] starts = System.Globalization.StringInfo.ParseCombiningCharacters(token);
                int first = 0;
                while (true)
                {
                    int end = FitElements(token, starts, first, font, maxWidth);
                    int from = starts[first], to = end < starts.Length ? starts[end] : token.Length;
                    if (end >= starts.Length) { line.Append(token, from, to - from); break; }
                    lines.Add(token[from..to]);
                    if (lines.Count > maxLines) return;
                    first = end;
                }
            }
            if (line.Length > 0) lines.Add(line.ToString());
        }
    }

    private static ReadOnlySpan<char> Span(StringBuilder builder)
    {
        foreach (var chunk in builder.GetChunks()) if (chunk.Length == builder.Length) return chunk.Span;
        return builder.ToString();
    }

    /// <summary>
    /// The end (an index into <paramref name="starts"/>, exclusive) of the longest run of text elements from
    /// <paramref name="first"/> that fits <paramref name="maxWidth"/>; at least one element. Gallops, then bisects.
    /// </summary>
    private static int FitElements(string s, int[] starts, int first, SKFont font, float maxWidth)
    {
        int n = starts.Length;
        bool Fits(int end) => Measure(font, s.AsSpan(starts[first], (end < n ? starts[end] : s.Length) - starts[first])) <= maxWidth;
        int lo = first + 1;
        if (lo >= n || !Fits(lo)) return lo;
        int hi = -1;
        for (int step = 1; ; step *= 2)
        {
            int probe = Math.Min(n, lo + step);
            if (!Fits(probe)) { hi = probe; break; }
            lo = probe;
            if (probe == n) return n;
        }
        while (hi - lo > 1)
        {
            int mid = lo + (hi - lo) / 2;
            if (Fits(mid)) lo = mid; else hi = mid;
        }
        return lo;
    }

    /// <summary>
    /// The words of a paragraph, each with whether a space precedes it; a hyphenated word is also split after each
    /// hyphen (no space), so "Maximilian-Alexander" can break as "Maximilian-" / "Alexander".
    /// </summary>
    private static IEnumerable<(string Token, bool SpaceBefore)> Tokens(string paragraph)
    {
        foreach (string word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int start = 0;
            for (int i = 1; i < word.Length - 1; i++)
            {
                if (word[i] != '-') continue;
                yield return (word[start..(i + 1)], start == 0);
                start = i + 1;
            }
            yield return (word[start..], start == 0);
        }
    }

    private static string Ellipsize(string line, SKFont font, float maxWidth)
    {
        string s = line.TrimEnd();
        while (s.Length > 0 && Measure(font, s + "…") > maxWidth) s = s[..^1].TrimEnd();
        return s + "…";
    }

    /// <summary>
    /// Draws the lines from <paramref name="top"/> down. <paramref name="x"/> is the left edge (Left), the centre
    /// (Center) or the right edge (Right). Returns the rectangle the text occupies (empty when no text).
    /// </summary>
    public PixelRect Draw(SKCanvas canvas, float x, float top, SKColor color, SKTextAlign align)
    {
        if (IsEmpty) return PixelRect.Empty;
        using var font = MakeFont(_face, _size, _fakeBold);
        using var paint = new SKPaint { IsAntialias = true, Color = color };
        font.GetFontMetrics(out var m);
        // Centre the glyphs' ascent+descent inside each line box.
        float glyphH = m.Descent - m.Ascent;
        float baseline0 = top + (_lineHeight - glyphH) / 2 - m.Ascent;
        float maxW = 0;
        for (int i = 0; i < _lines.Count; i++)
        {
            canvas.DrawText(_lines[i], x, baseline0 + i * _lineHeight, align, font, paint);
            maxW = Math.Max(maxW, font.MeasureText(_lines[i]));
        }
        float left = align switch { SKTextAlign.Center => x - maxW / 2, SKTextAlign.Right => x - maxW, _ => x };
        return new PixelRect(left, top, maxW, Height);
    }

    /// <summary>Draws one line centred on (cx, cy) by its glyph box.</summary>
    public void DrawCentered(SKCanvas canvas, float cx, float cy, SKColor color)
    {
        if (IsEmpty) return;
        using var font = MakeFont(_face, _size, _fakeBold);
        using var paint = new SKPaint { IsAntialias = true, Color = color };
        font.MeasureText(_lines[0], out var bounds);
        canvas.DrawText(_lines[0], cx, cy - bounds.MidY, SKTextAlign.Center, font, paint);
    }

    /// <summary>Draws one line starting at x, vertically centred on cy by the font's cap height.</summary>
    public void DrawLeftMiddle(SKCanvas canvas, float x, float cy, SKColor color)
    {
        if (IsEmpty) return;
        using var font = MakeFont(_face, _size, _fakeBold);
        using var paint = new SKPaint { IsAntialias = true, Color = color };
        font.GetFontMetrics(out var m);
        float capH = m.CapHeight > 0 ? m.CapHeight : -m.Ascent * 0.7f;
        canvas.DrawText(_lines[0], x, cy + capH / 2, SKTextAlign.Left, font, paint);
    }
}
