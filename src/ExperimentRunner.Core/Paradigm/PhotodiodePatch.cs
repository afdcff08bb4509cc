namespace ExperimentRunner.Core.Paradigm;

/// <summary>Which corner of the screen a <see cref="PhotodiodePatch"/> sits in.</summary>
public enum PatchCorner { TopLeft, TopRight, BottomLeft, BottomRight }

/// <summary>
/// A square in a corner of the participant's screen for a light sensor taped over it (<c>display.photodiode</c>, or
/// <c>run --photodiode-patch</c>). While on, it is drawn on every flip, black or white; its colour changes at the onset
/// of each marked screen, so the sensor sees an edge (dark→light or light→dark) at exactly those flips.
/// </summary>
public sealed record PhotodiodePatch
{
    /// <summary>Off unless the paradigm or <c>run --photodiode-patch</c> turns it on.</summary>
    public bool Enabled { get; init; } = true;
    public PatchCorner Corner { get; init; } = PatchCorner.TopLeft;
    /// <summary>Side of the square in pixels of the composed screen (1–1000; 50 by default).</summary>
    public int SizePx { get; init; } = DefaultSizePx;
    /// <summary>Kinds of screen whose onset changes the colour; empty: every screen.</summary>
    public IReadOnlyList<SceneKind> Screens { get; init; } = [];

    public const int DefaultSizePx = 50;

    /// <summary>True when a screen of this kind changes the patch's colour at its onset.</summary>
    public bool Marks(SceneKind kind) => Screens.Count == 0 || Screens.Contains(kind);

    /// <summary>The corner's name in a paradigm file (<c>top-left</c>…).</summary>
    public static string NameOf(PatchCorner corner) => corner switch
    {
        PatchCorner.TopLeft => "top-left",
        PatchCorner.TopRight => "top-right",
        PatchCorner.BottomLeft => "bottom-left",
        _ => "bottom-right",
    };

    /// <summary>Corner names as a paradigm file and <c>--photodiode-corner</c> write them.</summary>
    public static readonly IReadOnlyDictionary<string, PatchCorner> CornerNames =
        Enum.GetValues<PatchCorner>().ToDictionary(NameOf, c => c, StringComparer.Ordinal);

    /// <summary>The square in pixels (x, y from the top-left, side) on a screen of the given size.</summary>
    public (int X, int Y, int Side) Rect(int width, int height)
    {
        int side = Math.Clamp(SizePx, 1, Math.Max(1, Math.Min(width, height)));
        int x = Corner is PatchCorner.TopRight or PatchCorner.BottomRight ? width - side : 0;
        int y = Corner is PatchCorner.BottomLeft or PatchCorner.BottomRight ? height - side : 0;
        return (x, y, side);
    }
}
