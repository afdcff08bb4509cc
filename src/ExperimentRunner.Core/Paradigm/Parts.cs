namespace ExperimentRunner.Core.Paradigm;

/// <summary>
/// Where a part goes, in normalised screen coordinates: (<see cref="X"/>, <see cref="Y"/>) is the part's anchor
/// point as a share of the width and height from the top-left (0.5, 0.5 is the centre), <see cref="W"/> and
/// <see cref="H"/> its size as a share of the width and height. A text part is anchored by its <c>anchor</c>
/// (top, centre or bottom edge at Y); every other part by its centre.
/// </summary>
public readonly record struct NormBox(double X, double Y, double W, double H);

/// <summary>One declared part of a <c>show: parts</c> screen, drawn in list order (a later part is over an earlier one).</summary>
public abstract record PartSpec(NormBox Box, SourcePos Pos)
{
    /// <summary>True when the part shows the trial's profile: a card, <c>{photo}</c>, or a profile field in its text.</summary>
    public bool ShowsProfile => this switch
    {
        ProfilePart => true,
        ImagePart i => Placeholders.Names(i.Source).Contains(Placeholders.Photo),
        TextPart t => Placeholders.Names(t.Text).Any(n => Placeholders.ProfileFields.Contains(n)),
        _ => false,
    };

    /// <summary>True when the part shows the trial's condition's feedback: <c>{feedback}</c>, the <c>symbol</c> shape, or the <c>feedback</c> colour.</summary>
    public bool ShowsFeedback => this switch
    {
        TextPart t => Placeholders.Names(t.Text).Contains(Placeholders.Feedback) || t.Color == FeedbackColor,
        ShapePart s => s.Shape == ShapeKind.Symbol || s.Color == FeedbackColor,
        _ => false,
    };

    /// <summary>The colour value that means "the trial's condition's colour".</summary>
    public const string FeedbackColor = "feedback";
}

/// <summary>
/// An image: <see cref="Source"/> is an absolute path checked at load time, or a template with placeholders
/// (<c>{photo}</c>, the shown profile's photo) that <c>SceneFactory</c> resolves. <see cref="Cover"/>: cropped to fill
/// the box with rounded corners (a photo); otherwise scaled to fit inside it.
/// </summary>
public sealed record ImagePart(NormBox Box, string Source, bool Cover, SourcePos Pos) : PartSpec(Box, Pos);

public enum TextAnchor { Top, Center, Bottom }

/// <summary>
/// Text wrapped to the box's width, centred on X. <see cref="Size"/> multiplies the display's <c>font_size</c>.
/// <see cref="Color"/> is <c>#RRGGBB</c>, null for the foreground, or <c>feedback</c> for the trial's condition colour.
/// <see cref="Backdrop"/>: a panel colour drawn behind the text (for text over an image), or null.
/// </summary>
public sealed record TextPart(NormBox Box, string Text, double Size, string? Color, bool Bold, TextAnchor Anchor, string? Backdrop, SourcePos Pos)
    : PartSpec(Box, Pos);

public enum ShapeKind { Fixation, Arrow, Rectangle, Circle, Check, Cross, Symbol }

public enum ArrowDirection { Left, Right, Up, Down }

/// <summary>
/// A shape filling its box: fixation cross, arrow (pointing <see cref="Direction"/>), rectangle, circle, check, cross,
/// or <c>symbol</c> (the trial's condition's feedback symbol; nothing where it has none). <see cref="Color"/> as for
/// <see cref="TextPart"/>. <see cref="Filled"/>: a filled rectangle or circle, else an outline.
/// </summary>
public sealed record ShapePart(NormBox Box, ShapeKind Shape, string? Color, bool Filled, ArrowDirection Direction, SourcePos Pos)
    : PartSpec(Box, Pos);

/// <summary>A rating scale (a name from <c>ratings:</c>) drawn in the box; the screen then takes that rating.</summary>
public sealed record RatingPart(NormBox Box, string Rating, SourcePos Pos) : PartSpec(Box, Pos);

/// <summary>Choice buttons with key badges, one per response, in the box (stacked, or side by side when <see cref="Horizontal"/>).</summary>
public sealed record ChoicesPart(NormBox Box, IReadOnlyList<string> Responses, IReadOnlyList<string> Labels, bool Horizontal, SourcePos Pos)
    : PartSpec(Box, Pos);

[Flags]
public enum CardFields { None = 0, Photo = 1, Name = 2, Age = 4, Bio = 8 }

/// <summary>
/// A profile card of the shown profile with only the declared fields. Name and age make its caption line: the
/// paradigm's <c>caption</c> where it names only declared fields, else the declared ones ("name, age", "name", "age").
/// </summary>
public sealed record ProfilePart(NormBox Box, CardFields Fields, SourcePos Pos) : PartSpec(Box, Pos)
{
    /// <summary>The caption line, filled for the shown profile by <c>SceneFactory</c>; null in the paradigm model.</summary>
    public string? Caption { get; init; }
}
