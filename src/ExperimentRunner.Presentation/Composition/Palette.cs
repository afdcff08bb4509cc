using System.Globalization;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Composition;

/// <summary>The colours of every screen, derived from a <see cref="DisplayStyle"/>'s three hex colours.</summary>
public sealed class Palette
{
    public Palette(DisplayStyle style)
    {
        Background = ParseColor(style.Background, nameof(style.Background));
        Foreground = ParseColor(style.Foreground, nameof(style.Foreground));
        Accent = ParseColor(style.Accent, nameof(style.Accent));
        Panel = Mix(Background, Foreground, 0.07f);
        PanelBorder = Mix(Background, Foreground, 0.16f);
        Button = Mix(Background, Foreground, 0.11f);
        Muted = Mix(Background, Foreground, 0.62f);
        Track = Mix(Background, Foreground, 0.45f);
        bool dark = Luma(Background) < 0.5f;
        Shadow = dark ? new SKColor(0, 0, 0, 160) : new SKColor(0, 0, 0, 60);
    }

    public SKColor Background { get; }
    public SKColor Foreground { get; }
    public SKColor Accent { get; }
    /// <summary>Card panels: the background moved 7 % toward the foreground.</summary>
    public SKColor Panel { get; }
    public SKColor PanelBorder { get; }
    public SKColor Button { get; }
    /// <summary>Secondary text (bio, footer, hints).</summary>
    public SKColor Muted { get; }
    /// <summary>Scale lines and points.</summary>
    public SKColor Track { get; }
    public SKColor Shadow { get; }

    private static readonly Dictionary<string, SKColor> Named = new(StringComparer.OrdinalIgnoreCase)
    {
        ["black"] = new(0, 0, 0), ["white"] = new(255, 255, 255), ["red"] = new(0xE5, 0x39, 0x35),
        ["green"] = new(0x43, 0xA0, 0x47), ["blue"] = new(0x1E, 0x88, 0xE5), ["yellow"] = new(0xFD, 0xD8, 0x35),
        ["orange"] = new(0xFB, 0x8C, 0x00), ["gray"] = new(0x9E, 0x9E, 0x9E), ["grey"] = new(0x9E, 0x9E, 0x9E),
    };

    /// <summary>
    /// Parses "#RGB", "#RRGGBB", "#AARRGGBB" (or a few plain names: red, green, …). Throws with the bad value and
    /// what it was for, so a paradigm's typo reads as a sentence.
    /// </summary>
    public static SKColor ParseColor(string? text, string what)
    {
        string s = (text ?? "").Trim();
        if (Named.TryGetValue(s, out var named)) return named;
        if (s.StartsWith('#'))
        {
            string hex = s[1..];
            if (hex.Length == 3) hex = string.Concat(hex[0], hex[0], hex[1], hex[1], hex[2], hex[2]);
            if ((hex.Length == 6 || hex.Length == 8)
                && uint.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint v))
            {
                if (hex.Length == 6) v |= 0xFF00_0000;
                return new SKColor(v);
            }
        }
        throw new FormatException($"{what}: '{text}' is not a colour; write it as #RRGGBB (for example #FFFFFF).");
    }

    /// <summary>Linear blend of two colours; t = 0 gives <paramref name="a"/>, 1 gives <paramref name="b"/>.</summary>
    public static SKColor Mix(SKColor a, SKColor b, float t) => new(
        (byte)Math.Round(a.Red + (b.Red - a.Red) * t),
        (byte)Math.Round(a.Green + (b.Green - a.Green) * t),
        (byte)Math.Round(a.Blue + (b.Blue - a.Blue) * t),
        (byte)Math.Round(a.Alpha + (b.Alpha - a.Alpha) * t));

    /// <summary>Relative brightness in [0, 1].</summary>
    public static float Luma(SKColor c) => (0.2126f * c.Red + 0.7152f * c.Green + 0.0722f * c.Blue) / 255f;

    /// <summary>Black or white, whichever reads better on <paramref name="c"/>.</summary>
    public static SKColor OnColor(SKColor c) => Luma(c) > 0.6f ? new SKColor(0x1A, 0x1A, 0x1A) : SKColors.White;
}
