namespace ExperimentRunner.Core.Paradigm;

/// <summary>A duration as the file wrote it: a fixed length or a distribution drawn by the plan.</summary>
public abstract record DurationSpec(SourcePos Pos)
{
    /// <summary>The mean length in ns (for a run-length estimate and validation).</summary>
    public abstract long MeanNs { get; }
    /// <summary>The longest it can be, ns.</summary>
    public abstract long MaxNs { get; }
    public abstract long MinNs { get; }
}

/// <summary>A fixed duration; <see cref="Ns"/> already converted from ms, s, frames or TRs.</summary>
public sealed record FixedDuration(SourcePos Pos, long Ns) : DurationSpec(Pos)
{
    public override long MeanNs => Ns;
    public override long MaxNs => Ns;
    public override long MinNs => Ns;
}

/// <summary>Uniform between two bounds (ns), inclusive.</summary>
public sealed record UniformJitter(SourcePos Pos, long LowNs, long HighNs) : DurationSpec(Pos)
{
    public override long MeanNs => (LowNs + HighNs) / 2;
    public override long MaxNs => HighNs;
    public override long MinNs => LowNs;
}

/// <summary>
/// An exponential shifted to Min and truncated at Max (ns) by redrawing; the usual fMRI ITI. <see cref="MeanParamNs"/>
/// is the mean of the untruncated distribution (what <c>mean:</c> says); the draws average
/// <see cref="RealisedMeanNs"/>, which is lower (<c>realised_mean:</c> asks for that one instead).
/// </summary>
public sealed record ExponentialJitter(SourcePos Pos, long MeanParamNs, long LowNs, long HighNs) : DurationSpec(Pos)
{
    /// <summary>The expected length of a draw (the realised mean), used for run-length estimates.</summary>
    public override long MeanNs => RealisedMeanNs;
    public override long MaxNs => HighNs;
    public override long MinNs => LowNs;

    /// <summary>The mean of the draws after truncation at Max, ns.</summary>
    public long RealisedMeanNs => (long)Math.Round(LowNs + TruncatedMean(MeanParamNs - LowNs, HighNs - LowNs));

    /// <summary>
    /// Mean of an exponential of scale <paramref name="scale"/> truncated to [0, <paramref name="width"/>]:
    /// scale − width / (e^(width/scale) − 1). It rises from 0 (scale → 0) to width / 2 (scale → ∞).
    /// </summary>
    public static double TruncatedMean(double scale, double width)
    {
        if (width <= 0) return 0;
        if (scale <= 0) return 0;
        double ratio = width / scale;
        if (ratio > 700) return scale;
        if (ratio < 1e-9) return width / 2;
        return scale - width / double.ExpM1(ratio);
    }

    /// <summary>
    /// The untruncated mean (ns, from 0, not from Min) whose truncated draws average <paramref name="realisedMeanNs"/>,
    /// or null when no such mean exists (a realised mean must lie strictly between Min and the middle of Min and Max).
    /// </summary>
    public static long? MeanParamForRealisedMean(long realisedMeanNs, long lowNs, long highNs)
    {
        double target = realisedMeanNs - lowNs, width = highNs - lowNs;
        if (target <= 0 || width <= 0 || target >= width / 2) return null;
        // TruncatedMean rises with the scale: bisect on a log scale between a tiny and a huge scale.
        double lo = target * 1e-3, hi = width * 1e6;
        for (int i = 0; i < 200; i++)
        {
            double mid = Math.Sqrt(lo * hi);
            if (TruncatedMean(mid, width) < target) lo = mid; else hi = mid;
        }
        double scale = Math.Sqrt(lo * hi);
        if (scale + lowNs > long.MaxValue / 2) return null;
        return lowNs + (long)Math.Round(scale);
    }
}

/// <summary>A fixed list, shuffled per block and used without replacement (cycled if the block is longer).</summary>
public sealed record ListJitter(SourcePos Pos, IReadOnlyList<long> ValuesNs) : DurationSpec(Pos)
{
    public override long MeanNs => ValuesNs.Count == 0 ? 0 : (long)ValuesNs.Average();
    public override long MaxNs => ValuesNs.Count == 0 ? 0 : ValuesNs.Max();
    public override long MinNs => ValuesNs.Count == 0 ? 0 : ValuesNs.Min();
}

public sealed record Metadata(string Name, string Title, string Description, string Citation, string Task);

public enum Modality { None, Fmri, Pet }

public enum RunEnd { AfterLastEvent, AfterVolumes }

public sealed record ScannerSpec(
    Modality Modality,
    long TrNs,
    int DummyScans,
    int Volumes,
    string Trigger,
    RunEnd End,
    SourcePos Pos);

public sealed record ProfileTableSpec(string TablePath, string ImagesFolder, SourcePos Pos);

public enum StimulusKind { Image, Sound, Font }

/// <summary>
/// A file a session will open (an image, a sound, a font), with the position of the paradigm key that names it, so
/// that a file that exists but cannot be decoded is reported where the researcher can fix it.
/// </summary>
/// <param name="What">How a person names it: "the image of screen 'cue'", "the photo of profile 'p07' (row 8 of profiles.csv)".</param>
public sealed record StimulusFile(StimulusKind Kind, string Path, SourcePos Pos, string What);

/// <summary>Feedback of one condition; Message null for a condition with no feedback (neutral).</summary>
public sealed partial record ConditionSpec(string Name, string? Message, FeedbackSymbol Symbol, string Color, int Marker, SourcePos Pos)
{
    /// <summary>What the feedback means for the participant (<c>valence:</c>); null for a condition without (neutral).
    /// The one source of a prediction's outcome: never the name or the symbol.</summary>
    public Valence? Valence { get; init; }
}

/// <summary>Whether feedback accepts (positive) or rejects (negative); also what an answer expects.</summary>
public enum Valence { Positive, Negative }

/// <summary>
/// A scan's targets taken from the answers of a selection phase, possibly of an earlier session of the same
/// participant (<c>earlier:</c>): the profiles given one of <see cref="Answers"/>, with each feedback condition given
/// to an equal share of each answer's profiles.
/// </summary>
public sealed record EarlierAnswers(string Phase, IReadOnlyList<string> Answers, SourcePos Pos);

public sealed partial record RatingSpec(
    string Name,
    string Question,
    RatingKind Kind,
    double Min,
    double Max,
    string LeftLabel,
    string RightLabel,
    IReadOnlyList<string> Points,
    /// <summary>Start value; NaN = random within the scale.</summary>
    double Start,
    double Step,
    long TimeLimitNs,
    string DecreaseResponse,
    string IncreaseResponse,
    string ConfirmResponse,
    int Marker,
    SourcePos Pos);

public sealed record QuestionnaireItem(string Id, string Text, bool Reverse, SourcePos Pos)
{
    /// <summary>The subscale the item belongs to (e.g. 'belonging' of the need-threat scale), or null; each subscale gets its own score.</summary>
    public string? Subscale { get; init; }
}

public enum ScoreRule { Sum, Mean }

public sealed record QuestionnaireSpec(
    string Name,
    string Title,
    string Instructions,
    IReadOnlyList<string> Points,
    int FirstValue,
    IReadOnlyList<QuestionnaireItem> Items,
    ScoreRule Score,
    long TimeLimitNs,
    SourcePos Pos);

/// <summary>One screen of a trial template.</summary>
public sealed partial record ScreenSpec(
    string Name,
    SceneKind Show,
    DurationSpec Duration,
    string? Text,
    IReadOnlyList<string> Options,
    string? Image,
    string? Sound,
    string? Rating,
    /// <summary>Responses taken on this screen (names from <c>responses:</c>).</summary>
    IReadOnlyList<string> Responses,
    /// <summary>When true a response ends the screen early; the rest of its slot shows a fixation cross (non-slip).</summary>
    bool EndOnResponse,
    int? Marker,
    SourcePos Pos)
{
    /// <summary>The parts of a <c>show: parts</c> screen, in drawing order; empty for every other kind.</summary>
    public IReadOnlyList<PartSpec> Parts { get; init; } = [];

    /// <summary>True when this screen shows the trial's profile (a card, its photo or its fields): its trial needs a target.</summary>
    public bool ShowsProfile => Show is SceneKind.Profile or SceneKind.Feedback or SceneKind.Question || Parts.Any(p => p.ShowsProfile);

    /// <summary>True when this screen shows the trial's condition's feedback, so it takes the condition's marker.</summary>
    public bool ShowsFeedback => Show is SceneKind.Feedback || Parts.Any(p => p.ShowsFeedback);

    /// <summary>For a question: the feedback each option predicts (<c>expects:</c>, option → valence), from which the
    /// trial's <c>prediction_outcome</c> follows; empty: the answer predicts nothing.</summary>
    public IReadOnlyDictionary<string, Valence> Expects { get; init; } = new Dictionary<string, Valence>();

    /// <summary>The per-session stimulus slot whose file this image screen shows (<c>image: "{partner}"</c>), filled
    /// when the session starts (<see cref="SessionStimuli.Fill"/>); null for a fixed image.</summary>
    public string? ImageSlot { get; init; }

    /// <summary>The declared <c>event:</c> label of the screen for analysis (BIDS trial_type), or null for the default
    /// <c>&lt;condition&gt;_&lt;screen&gt;</c> (<see cref="Planning.EventLabels"/>).</summary>
    public string? Event { get; init; }

    /// <summary>A <c>ball_toss</c> screen's game (a name from <c>games:</c>); null on other screens.</summary>
    public string? Game { get; init; }
}

public sealed record TrialSpec(string Name, IReadOnlyList<ScreenSpec> Screens, SourcePos Pos);

public sealed record InstructionPage(string Title, string Text, SourcePos Pos);

public abstract record PhaseSpec(string Name, SourcePos Pos)
{
    /// <summary>The session labels this phase runs in (<c>session:</c>); empty: every session.</summary>
    public IReadOnlyList<string> Sessions { get; init; } = [];

    /// <summary>Whether the phase runs in the session labelled <paramref name="sessionLabel"/>.</summary>
    public bool RunsIn(string sessionLabel) => Sessions.Count == 0 || Sessions.Contains(sessionLabel);
}

public sealed record InstructionsPhase(string Name, IReadOnlyList<InstructionPage> Pages, string AdvanceResponse, long AutoAdvanceNs, SourcePos Pos)
    : PhaseSpec(Name, Pos);

public sealed record SelectionChoice(string Name, string Label, string Response, bool Selects)
{
    /// <summary>The feedback this answer expects (<c>expects:</c>), for <c>prediction_outcome</c> in a later scan; null: none.</summary>
    public Valence? Expects { get; init; }
}

public sealed record SelectionPhase(
    string Name,
    int ProfileCount,
    IReadOnlyList<SelectionChoice> Choices,
    long TimeLimitNs,
    int MinSelected,
    /// <summary>Where feedback targets come from when too few were selected: choice names, then "unrated", then "any".</summary>
    IReadOnlyList<string> Fallback,
    string Prompt,
    SourcePos Pos) : PhaseSpec(Name, Pos);

public sealed record QuestionnairePhase(string Name, string Questionnaire, SourcePos Pos) : PhaseSpec(Name, Pos);

public sealed record RatingPhase(string Name, IReadOnlyList<string> Ratings, SourcePos Pos) : PhaseSpec(Name, Pos);

public sealed record BreakPhase(string Name, string Text, long DurationNs, string AdvanceResponse, SourcePos Pos) : PhaseSpec(Name, Pos);

public sealed record EndPhase(string Name, string Text, long DurationNs, SourcePos Pos) : PhaseSpec(Name, Pos);

public enum BlockOrder { Fixed, Shuffle, LatinSquare, Abba }

public enum TargetSource { Selected, All }

/// <summary>A block: a condition with a trial count, or a mix of conditions shuffled under the constraints.</summary>
public sealed partial record BlockSpec(
    string Label,
    IReadOnlyList<KeyValuePair<string, int>> Conditions,
    string Trial,
    /// <summary>Start locked to this volume (0-based from t0), or null to follow the previous block.</summary>
    int? AtVolume,
    SourcePos Pos)
{
    public int TrialCount => Conditions.Sum(c => c.Value);
}

public sealed record ScanPhase(
    string Name,
    int Runs,
    IReadOnlyList<BlockSpec> Blocks,
    BlockOrder Order,
    IReadOnlyList<string> RatingsAfterBlock,
    IReadOnlyList<string> RatingsBeforeRun,
    DurationSpec? RestAfterBlock,
    long LeadInNs,
    long LeadOutNs,
    int MaxSameInRow,
    bool UniqueProfilesPerRun,
    TargetSource Targets,
    string WaitText,
    SourcePos Pos) : PhaseSpec(Name, Pos)
{
    /// <summary>Targets from the answers of a selection phase, balanced within each answer (<c>earlier:</c>); null: as <see cref="Targets"/> says.</summary>
    public EarlierAnswers? Earlier { get; init; }
}

/// <summary>A paradigm file, loaded and checked. Every path is absolute and inside the allowed tree.</summary>
public sealed partial record ParadigmModel
{
    public required string FilePath { get; init; }
    public required string Text { get; init; }
    public required string Sha256 { get; init; }
    public required int Version { get; init; }
    public required Metadata Metadata { get; init; }
    public required DisplayStyle Display { get; init; }
    /// <summary>Response name to keys ("1", "2", "space"…).</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Responses { get; init; }
    public required string AbortKey { get; init; }
    public required string PauseKey { get; init; }
    public required ScannerSpec Scanner { get; init; }
    public required string StimuliRoot { get; init; }
    public ProfileTableSpec? Profiles { get; init; }
    public IReadOnlyList<ProfileInfo> ProfileRows { get; init; } = [];
    public string? ParticipantPhoto { get; init; }
    public required IReadOnlyDictionary<string, string> Sounds { get; init; }
    public required IReadOnlyDictionary<string, ConditionSpec> Conditions { get; init; }
    public required IReadOnlyDictionary<string, int> Markers { get; init; }
    public required IReadOnlyDictionary<string, RatingSpec> Ratings { get; init; }
    public required IReadOnlyDictionary<string, QuestionnaireSpec> Questionnaires { get; init; }
    public required IReadOnlyDictionary<string, TrialSpec> Trials { get; init; }
    public required IReadOnlyList<PhaseSpec> Phases { get; init; }
    /// <summary>Allowed blinded arm codes; empty when the study is not blinded.</summary>
    public required IReadOnlyList<string> ArmCodes { get; init; }
    public required string Caption { get; init; }
    /// <summary>Every image, sound and font a session of this paradigm opens (profile photos included), in file order.</summary>
    public IReadOnlyList<StimulusFile> StimulusFiles { get; init; } = [];
    /// <summary>Ball-toss games (Cyberball) by name, from <c>games:</c>.</summary>
    public IReadOnlyDictionary<string, BallTossSpec> Games { get; init; } = new Dictionary<string, BallTossSpec>();

    /// <summary>Named stimuli the operator gives per session (<c>session_stimuli:</c>, <c>--stimulus NAME=PATH</c>), in file order.</summary>
    public IReadOnlyList<string> SessionStimulusSlots { get; init; } = [];

    /// <summary>The optional <c>design:</c> section: contrasts and settings of <c>exrun design</c> (issue 16).</summary>
    public DesignSpec Design { get; init; } = DesignSpec.Default;

    /// <summary>The response names whose keys include <paramref name="key"/>.</summary>
    public string? ResponseForKey(string key)
    {
        foreach (var (name, keys) in Responses)
            foreach (var k in keys)
                if (string.Equals(k, key, StringComparison.OrdinalIgnoreCase)) return name;
        return null;
    }
}
