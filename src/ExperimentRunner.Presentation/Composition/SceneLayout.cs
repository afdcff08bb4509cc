using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;

namespace ExperimentRunner.Presentation.Composition;

/// <summary>An axis-aligned rectangle in pixels, origin at the top-left of the screen, y down.</summary>
public readonly record struct PixelRect(float X, float Y, float Width, float Height)
{
    public float Right => X + Width;
    public float Bottom => Y + Height;
    public float CenterX => X + Width / 2;
    public float CenterY => Y + Height / 2;
    public static readonly PixelRect Empty = new(0, 0, 0, 0);
    public bool IsEmpty => Width <= 0 || Height <= 0;
}

/// <summary>
/// Where the parts of a composed screen are, in pixels of the screen (origin top-left). The static picture is baked
/// into a texture; this geometry is what the dynamic overlays (rating cursor, highlighted option, counter) are drawn
/// against, every frame, without recomposing. Also what tests and previews inspect.
/// </summary>
public sealed class SceneLayout
{
    public required SceneKind Kind { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }

    /// <summary>The rating scale, when the screen has one (Rating, Questionnaire); null otherwise.</summary>
    public ScaleGeometry? Scale { get; init; }

    /// <summary>The option buttons in key order (Selection, Question); empty otherwise.</summary>
    public PixelRect[] Options { get; init; } = [];
    /// <summary>Corner radius of the option buttons, pixels.</summary>
    public float OptionRadius { get; init; }

    /// <summary>Where the counter's digits go (Wait): centred horizontally on it, filling its height. Empty: no counter.</summary>
    public PixelRect Counter { get; init; } = PixelRect.Empty;

    /// <summary>The profile's photo (Profile, Selection, Question, Feedback); empty when none.</summary>
    public PixelRect Photo { get; init; } = PixelRect.Empty;
    /// <summary>The participant's own photo on a feedback screen; empty when none.</summary>
    public PixelRect ParticipantPhoto { get; init; } = PixelRect.Empty;
    /// <summary>The feedback symbol (check or cross) disc; empty when none.</summary>
    public PixelRect Symbol { get; init; } = PixelRect.Empty;
    /// <summary>The feedback message text block; empty when none.</summary>
    public PixelRect Message { get; init; } = PixelRect.Empty;
    /// <summary>The main text block (Text body, question, item, wait text); empty when none.</summary>
    public PixelRect Body { get; init; } = PixelRect.Empty;
    /// <summary>The title block; empty when none.</summary>
    public PixelRect Title { get; init; } = PixelRect.Empty;
    /// <summary>The image (Image); empty when none.</summary>
    public PixelRect Image { get; init; } = PixelRect.Empty;
    /// <summary>The ball's diameter on a ball-toss screen, pixels; 0 on other screens.</summary>
    public float BallDiameter { get; init; }
    /// <summary>The ball's colour on a ball-toss screen.</summary>
    public SkiaSharp.SKColor BallColor { get; init; }

    /// <summary>
    /// True when some text did not fit and was cut with "…" (a profile's bio on its card excepted): a paradigm
    /// check can warn the researcher before a participant sees it.
    /// </summary>
    public bool TextTruncated { get; internal set; }

    /// <summary>
    /// Characters of the screen's text that the font cannot draw (they would show as empty boxes), or null. A paradigm
    /// check should report them with the font to use instead.
    /// </summary>
    public string? MissingCharacters { get; internal set; }
}

/// <summary>
/// A rating scale's geometry. VAS: a line from <see cref="X0"/> to <see cref="X1"/> at <see cref="Y"/>; the cursor
/// value v in [Min, Max] sits at X0 + (v − Min) / (Max − Min) · (X1 − X0). Likert: <see cref="PointsX"/> holds the
/// centre of each point; the cursor value v selects point index round(v − Min).
/// </summary>
public sealed class ScaleGeometry
{
    public required RatingKind Kind { get; init; }
    public double Min { get; init; }
    public double Max { get; init; }
    /// <summary>Left end of the scale (VAS) or centre of the first point (Likert), pixels.</summary>
    public float X0 { get; init; }
    /// <summary>Right end of the scale (VAS) or centre of the last point (Likert), pixels.</summary>
    public float X1 { get; init; }
    /// <summary>Vertical centre of the line / points, pixels.</summary>
    public float Y { get; init; }
    /// <summary>Likert point centres, pixels; empty for VAS.</summary>
    public float[] PointsX { get; init; } = [];
    /// <summary>Likert point radius, pixels.</summary>
    public float PointRadius { get; init; }
    /// <summary>VAS cursor size, pixels (width × height of the marker bar).</summary>
    public float CursorWidth { get; init; }
    public float CursorHeight { get; init; }

    /// <summary>The x of the cursor for a value, or NaN when the value is NaN. Clamped to the scale; allocation-free.</summary>
    public float CursorX(double value)
    {
        if (double.IsNaN(value)) return float.NaN;
        if (Kind == RatingKind.Likert)
        {
            int i = LikertIndex(value);
            return i < 0 ? float.NaN : PointsX[i];
        }
        double span = Max - Min;
        double t = span <= 0 ? 0 : Math.Clamp((value - Min) / span, 0, 1);
        return (float)(X0 + t * (X1 - X0));
    }

    /// <summary>
    /// The scale value under a horizontal position (pixels), for a mouse-driven rating: VAS interpolates and clamps
    /// to [Min, Max]; Likert gives the value of the nearest point (Min + index). Allocation-free.
    /// </summary>
    public double ValueAt(float x)
    {
        if (Kind == RatingKind.Likert && PointsX.Length > 0)
        {
            int best = 0;
            for (int i = 1; i < PointsX.Length; i++)
                if (Math.Abs(PointsX[i] - x) < Math.Abs(PointsX[best] - x)) best = i;
            return Min + best;
        }
        double t = X1 > X0 ? Math.Clamp((x - X0) / (X1 - X0), 0, 1) : 0;
        return Min + t * (Max - Min);
    }

    /// <summary>The Likert point index for a cursor value (round(v − Min), clamped), or −1 when there are no points.</summary>
    public int LikertIndex(double value)
    {
        if (PointsX.Length == 0 || double.IsNaN(value)) return -1;
        return (int)Math.Clamp(Math.Round(value - Min), 0, PointsX.Length - 1);
    }
}
