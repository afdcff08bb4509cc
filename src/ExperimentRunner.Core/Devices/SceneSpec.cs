namespace ExperimentRunner.Core.Devices;

/// <summary>What kind of screen a <see cref="SceneSpec"/> describes; the presentation layer lays each out.</summary>
public enum SceneKind
{
    Blank,
    Fixation,
    /// <summary>Centred text: instructions, breaks, end screen (Title, Body, Footer).</summary>
    Text,
    /// <summary>A dating-profile card: photo, "name, age", bio.</summary>
    Profile,
    /// <summary>The selection phase: a profile card with choice buttons (Options).</summary>
    Selection,
    /// <summary>A prediction question about a profile (Body the question, Options the answers).</summary>
    Question,
    /// <summary>The feedback screen: the profile (optionally beside the participant's photo) and the message.</summary>
    Feedback,
    /// <summary>A rating scale (Rating): VAS or Likert, cursor drawn from <see cref="SceneState.Cursor"/>.</summary>
    Rating,
    /// <summary>A questionnaire item: Body the item text, Rating its scale.</summary>
    Questionnaire,
    /// <summary>Waiting for the scanner: Body, and the warm-up (dummy) volumes still to come from <see cref="SceneState.Counter"/>, explained by Footer.</summary>
    Wait,
    /// <summary>A single image (ImagePath), scaled to fit.</summary>
    Image,
    /// <summary>A ball-toss game (Game): the players composed once; the ball drawn per frame from <see cref="SceneState.BallX"/>, <see cref="SceneState.BallY"/>.</summary>
    BallToss,
}

/// <summary>A profile as the table gives it, with its photo resolved to a path inside the stimuli tree.</summary>
public sealed record ProfileInfo(string Id, string Name, int Age, string Bio, string PhotoPath);

public enum FeedbackSymbol { None, Check, Cross }

/// <summary>The accept/reject message of a feedback screen.</summary>
public sealed record FeedbackStyle(string Message, FeedbackSymbol Symbol, string Color);

public enum RatingKind { Vas, Likert }

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

/// <summary>How every screen of a paradigm looks: resolved from its <c>display:</c> section.</summary>
public sealed record DisplayStyle
{
    public string Background { get; init; } = "#000000";
    public string Foreground { get; init; } = "#FFFFFF";
    public string Accent { get; init; } = "#E91E63";
    /// <summary>Absolute path of a TrueType font.</summary>
    public required string FontPath { get; init; }
    /// <summary>Body text size in pixels at the reference height of 1080 pixels.</summary>
    public int FontSize { get; init; } = 40;
    public int Width { get; init; } = 1920;
    public int Height { get; init; } = 1080;
    public double ExpectedRefreshHz { get; init; } = 60;
    /// <summary>Fixation cross arm length in pixels at 1080 height.</summary>
    public int FixationSize { get; init; } = 40;
}
