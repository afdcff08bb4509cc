using ExperimentRunner.Core.Paradigm;

namespace ExperimentRunner.Core.Devices;

/// <summary>The accept/reject message of a feedback screen.</summary>
public sealed record FeedbackStyle(string Message, FeedbackSymbol Symbol, string Color);

/// <summary>A rating scale. For VAS the cursor is a value in [Min, Max]; for Likert it is the point index from Min.</summary>
public sealed record RatingStyle(
    RatingKind Kind,
    double Min,
    double Max,
    string LeftLabel,
    string RightLabel,
    IReadOnlyList<string> PointLabels)
{
    /// <summary>How far one key press moves the cursor, in scale units.</summary>
    public double Step { get; init; } = 1;
}

/// <summary>
/// Everything needed to draw one screen, already resolved from the paradigm (text templates filled, paths made
/// absolute inside the stimuli tree, colours chosen). The presentation layer composes each distinct
/// <see cref="Key"/> once, ahead of time, into a texture.
/// </summary>
public sealed record SceneSpec
{
    /// <summary>Identity for the texture cache: equal keys draw the same pixels (dynamic state aside).</summary>
    public required string Key { get; init; }
    public required SceneKind Kind { get; init; }
    public string? Title { get; init; }
    public string? Body { get; init; }
    public string? Footer { get; init; }
    public ProfileInfo? Profile { get; init; }
    /// <summary>The line under a profile card's photo: the paradigm's <c>caption</c> filled for <see cref="Profile"/>; null: "name, age".</summary>
    public string? Caption { get; init; }
    public string? ParticipantPhotoPath { get; init; }
    public FeedbackStyle? Feedback { get; init; }
    public RatingStyle? Rating { get; init; }
    /// <summary>Choice labels, in key order, for selection and question screens.</summary>
    public IReadOnlyList<string> Options { get; init; } = [];
    /// <summary>The key that picks each option, shown on its badge ("1", "2"…); empty: 1, 2, 3… by position.</summary>
    public IReadOnlyList<string> OptionKeys { get; init; } = [];
    public string? ImagePath { get; init; }
    /// <summary>Names of the paradigm's responses this screen takes (empty: none).</summary>
    public IReadOnlyList<string> Responses { get; init; } = [];
    /// <summary>A <see cref="SceneKind.Parts"/> screen's parts, resolved (texts filled, image paths absolute, colours chosen), in drawing order.</summary>
    public IReadOnlyList<PartSpec> Parts { get; init; } = [];
    /// <summary>True when a parts screen shows its <see cref="Profile"/>'s photo (a <c>{photo}</c> image or a card with its photo).</summary>
    public bool PartsShowPhoto { get; init; }
    /// <summary>The players and ball of a <see cref="SceneKind.BallToss"/> screen.</summary>
    public BallTossStyle? Game { get; init; }
}

/// <summary>The dynamic part of a screen, changed without recomposing: rating cursor, highlighted option, a counter.</summary>
public struct SceneState
{
    /// <summary>Rating cursor (scale units); NaN hides it.</summary>
    public double Cursor;
    /// <summary>Highlighted option index; -1 none.</summary>
    public int Highlight;
    /// <summary>A number to show (warm-up volumes still to come on the wait screen); -1 none.</summary>
    public int Counter;
    /// <summary>The ball's centre on a ball-toss screen, fractions of the screen from its top-left corner; NaN hides it.</summary>
    public double BallX, BallY;

    public static SceneState Default => new() { Cursor = double.NaN, Highlight = -1, Counter = -1, BallX = double.NaN, BallY = double.NaN };
}
