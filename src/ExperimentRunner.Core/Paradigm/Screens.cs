namespace ExperimentRunner.Core.Paradigm;

/// <summary>
/// Every kind of screen: what a trial's screen says it shows (<c>show: NAME</c>, the member's name in snake_case)
/// and what the presentation layer lays out (<see cref="Devices.SceneSpec.Kind"/>). One enum for both, so a new kind
/// is one member here, its case in <c>SceneFactory.ForEvent</c> and its layout in <c>SceneComposer.Compose</c>: both
/// switches name every member with no default, so a kind left out does not compile (CS8509). The loader takes the
/// <c>show:</c> names from this enum (<see cref="ScreenKinds.ShowNames"/>); kinds only phases show are listed in
/// <see cref="ScreenKinds.PhaseOnly"/>.
/// </summary>
public enum SceneKind
{
    Blank,
    Fixation,
    /// <summary>Centred text: a trial's text screen, instructions, breaks, end screen (Title, Body, Footer).</summary>
    Text,
    /// <summary>A dating-profile card: photo, caption ("name, age" by default), bio.</summary>
    Profile,
    /// <summary>The selection phase: a profile card with choice buttons (Options). Shown by phases only.</summary>
    Selection,
    /// <summary>A prediction question about a profile (Body the question, Options the answers).</summary>
    Question,
    /// <summary>The feedback screen: the profile (optionally beside the participant's photo) and the message.</summary>
    Feedback,
    /// <summary>A rating scale (Rating): VAS or Likert, cursor drawn from <see cref="Devices.SceneState.Cursor"/>.</summary>
    Rating,
    /// <summary>A questionnaire item: Body the item text, Rating its scale. Shown by phases only.</summary>
    Questionnaire,
    /// <summary>Waiting for the scanner: Body, and the warm-up volumes still to come (<see cref="Devices.SceneState.Counter"/>). Shown by phases only.</summary>
    Wait,
    /// <summary>A single image (ImagePath), scaled to fit.</summary>
    Image,
    /// <summary>A screen composed from declared parts (image, text, shape, rating, choices, profile card) placed in normalised coordinates.</summary>
    Parts,
    /// <summary>A ball-toss game (Game): the players composed once; the ball drawn per frame from <see cref="Devices.SceneState.BallX"/>, <see cref="Devices.SceneState.BallY"/>.</summary>
    BallToss,
}

/// <summary>The names of <see cref="SceneKind"/> in paradigm files.</summary>
public static class ScreenKinds
{
    /// <summary>Kinds that phases show and a trial's <c>show:</c> may not name.</summary>
    public static readonly IReadOnlySet<SceneKind> PhaseOnly = new HashSet<SceneKind> { SceneKind.Selection, SceneKind.Questionnaire, SceneKind.Wait };

    /// <summary><c>show:</c> name → kind: every member not in <see cref="PhaseOnly"/>, in snake_case.</summary>
    public static readonly IReadOnlyDictionary<string, SceneKind> ShowNames =
        Enum.GetValues<SceneKind>().Where(k => !PhaseOnly.Contains(k)).ToDictionary(NameOf, k => k, StringComparer.Ordinal);

    /// <summary>The kind's name in a paradigm file: <c>Parts</c> → <c>parts</c>, <c>FooBar</c> → <c>foo_bar</c>.</summary>
    public static string NameOf(SceneKind kind)
    {
        string name = kind.ToString();
        var sb = new System.Text.StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(name[i]));
        }
        return sb.ToString();
    }
}

/// <summary>A profile as the table gives it, with its photo resolved to a path inside the stimuli tree. Name, age and bio may be empty (a face with no card).</summary>
/// <param name="Age">Years; 0 when the table has no age for it.</param>
public sealed record ProfileInfo(string Id, string Name, int Age, string Bio, string PhotoPath);

public enum FeedbackSymbol { None, Check, Cross }

public enum RatingKind { Vas, Likert }

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
    /// <summary>The photodiode patch (<c>display.photodiode</c>), or null: none.</summary>
    public PhotodiodePatch? Photodiode { get; init; }
}
