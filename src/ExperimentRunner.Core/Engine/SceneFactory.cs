using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;

namespace ExperimentRunner.Core.Engine;

/// <summary>
/// Builds the <see cref="SceneSpec"/> of every screen from the paradigm: text templates filled from the profile
/// table, feedback per condition, key hints on options. Equal content gets an equal key, so it is composed once.
/// </summary>
public sealed partial class SceneFactory(ParadigmModel paradigm, string? participantPhoto = null)
{
    private readonly Dictionary<string, SceneSpec> _cache = new(StringComparer.Ordinal);

    public ParadigmModel Paradigm => paradigm;

    public string? ParticipantPhoto { get; } = participantPhoto ?? paradigm.ParticipantPhoto;

    private SceneSpec Get(string key, Func<SceneSpec> make)
    {
        if (!_cache.TryGetValue(key, out var scene)) _cache[key] = scene = make();
        return scene;
    }

    /// <summary>Fills {column} placeholders from a profile ("{name}, {age}"); <see cref="Placeholders"/> knows them all.</summary>
    public static string Fill(string template, ProfileInfo? p) => Placeholders.Fill(template, p);

    public string KeyHint(string response)
    {
        var keys = paradigm.Responses.GetValueOrDefault(response);
        return keys is { Count: > 0 } ? keys[0].ToUpperInvariant() : response;
    }

    public SceneSpec Fixation() => Get("fixation", () => new SceneSpec { Key = "fixation", Kind = SceneKind.Fixation });

    public SceneSpec Blank() => Get("blank", () => new SceneSpec { Key = "blank", Kind = SceneKind.Blank });

    public SceneSpec Text(string key, string? title, string body, string? footer, IReadOnlyList<string>? responses = null) =>
        Get("text:" + key, () => new SceneSpec { Key = "text:" + key, Kind = SceneKind.Text, Title = title, Body = body, Footer = footer, Responses = responses ?? [] });

    /// <summary>
    /// Waiting for the scanner: the phase's text, and where the scanner sends warm-up (dummy) volumes a countdown of
    /// them (<see cref="SceneState.Counter"/>) with a line that says what it counts.
    /// </summary>
    public SceneSpec Wait(string phase, string text) =>
        Get("wait:" + phase, () => new SceneSpec
        {
            Key = "wait:" + phase, Kind = SceneKind.Wait, Body = text,
            Footer = WarmUpVolumes(paradigm) > 0 ? "The number counts down the scanner's warm-up volumes: the task starts after 0." : null,
        });

    /// <summary>The dummy volumes a run waits for before its t0 (fMRI); 0 where there are none (PET, behavioural).</summary>
    public static int WarmUpVolumes(ParadigmModel p) => p.Scanner.Modality == Modality.Fmri ? p.Scanner.DummyScans : 0;

    // The self-paced phases' screens: the runner shows these and `exrun preview` draws them, from this one place.

    /// <summary>
    /// Page <paramref name="page"/> (0-based) of an instructions phase. Its footer names the key that advances it;
    /// pages that advance by themselves (<c>AutoAdvanceNs</c> &gt; 0) have an empty footer.
    /// </summary>
    public SceneSpec InstructionsPage(InstructionsPhase phase, int page) =>
        Text($"{phase.Name}:{page}", phase.Pages[page].Title, phase.Pages[page].Text,
            phase.AutoAdvanceNs > 0 ? "" : ContinueHint(phase.AdvanceResponse), [phase.AdvanceResponse]);

    /// <summary>A break screen: its footer names the key that ends it, empty when it ends by itself after its duration.</summary>
    public SceneSpec Break(BreakPhase phase) =>
        Text(phase.Name, null, phase.Text, phase.DurationNs > 0 ? "" : ContinueHint(phase.AdvanceResponse), [phase.AdvanceResponse]);

    /// <summary>The end screen: its text, no footer, no response.</summary>
    public SceneSpec End(EndPhase phase) => Text(phase.Name, null, phase.Text, null);

    /// <summary>The rating whose decrease/increase/confirm responses move questionnaire answers: the paradigm's first; null when it has none.</summary>
    public RatingSpec? QuestionnaireKeys => paradigm.Ratings.Values.FirstOrDefault();

    /// <summary>Where a questionnaire item's cursor starts, as a 1-based point: the middle one (the upper middle for an even count).</summary>
    public static double QuestionnaireStart(QuestionnaireSpec q) => Math.Ceiling((q.Points.Count + 1) / 2.0);

    private string ContinueHint(string response) => $"Press {KeyHint(response)} to continue";

    public SceneSpec Selection(SelectionPhase phase, ProfileInfo profile) =>
        Get($"selection:{phase.Name}:{profile.Id}", () => new SceneSpec
        {
            Key = $"selection:{phase.Name}:{profile.Id}",
            Kind = SceneKind.Selection,
            Title = phase.Prompt,
            Profile = profile,
            Caption = Fill(paradigm.Caption, profile),
            Body = Fill(paradigm.Caption, profile),
            Options = phase.Choices.Select(c => c.Label).ToList(),
            OptionKeys = phase.Choices.Select(c => KeyHint(c.Response)).ToList(),
            Responses = phase.Choices.Select(c => c.Response).ToList(),
        });

    public RatingStyle Style(RatingSpec r) => new(r.Kind, r.Min, r.Max, r.LeftLabel, r.RightLabel, r.Points) { Step = r.Step };

    public SceneSpec Rating(RatingSpec r) =>
        Get("rating:" + r.Name, () => new SceneSpec
        {
            Key = "rating:" + r.Name,
            Kind = SceneKind.Rating,
            Body = r.Question,
            Rating = Style(r),
            Footer = r.PointResponses.Count > 0
                ? $"{KeyHint(r.PointResponses[0])}–{KeyHint(r.PointResponses[^1])} to answer, or {KeyHint(r.DecreaseResponse)} / {KeyHint(r.IncreaseResponse)} to move and {KeyHint(r.ConfirmResponse)} to confirm"
                : $"{KeyHint(r.DecreaseResponse)} / {KeyHint(r.IncreaseResponse)} to move, {KeyHint(r.ConfirmResponse)} to confirm",
            Responses = r.Responses(),
        });

    /// <summary>A questionnaire item: a Likert scale over the questionnaire's points, moved and confirmed like a rating.</summary>
    public SceneSpec QuestionnaireItem(QuestionnaireSpec q, QuestionnaireItem item, RatingSpec keys) =>
        Get($"questionnaire:{q.Name}:{item.Id}", () => new SceneSpec
        {
            Key = $"questionnaire:{q.Name}:{item.Id}",
            Kind = SceneKind.Questionnaire,
            Title = q.Title,
            Body = item.Text,
            Rating = new RatingStyle(RatingKind.Likert, 1, q.Points.Count, q.Points[0], q.Points[^1], q.Points) { Step = 1 },
            Footer = $"{KeyHint(keys.DecreaseResponse)} / {KeyHint(keys.IncreaseResponse)} to move, {KeyHint(keys.ConfirmResponse)} to confirm",
            Responses = [keys.DecreaseResponse, keys.IncreaseResponse, keys.ConfirmResponse],
        });

    /// <summary>
    /// The scene of a planned scan event, with the profile it shows (null when none). The switch names every
    /// <see cref="SceneKind"/> and has no default: a new screen kind that is not handled here does not compile
    /// (CS8509, an error under TreatWarningsAsErrors) instead of silently showing a fixation cross.
    /// </summary>
    public SceneSpec ForEvent(PlannedEvent e, ProfileInfo? profile)
    {
        if (e.Rating != null && e.Template?.Show != SceneKind.Parts) return Rating(e.Rating);
        if (e.Template == null) return Fixation();
        var t = e.Template;
#pragma warning disable CS8524 // only named kinds come from the loader; an unnamed value is a bug and throws
        return t.Show switch
        {
            SceneKind.Fixation => Fixation(),
            SceneKind.Blank => Blank(),
            SceneKind.Text => Text($"{t.Name}:{profile?.Id}:{t.Text}", null, Fill(t.Text ?? "", profile), null, t.Responses),
            SceneKind.Image => Get("image:" + t.Image, () => new SceneSpec { Key = "image:" + t.Image, Kind = SceneKind.Image, ImagePath = t.Image, Responses = t.Responses }),
            SceneKind.Profile => ProfileScene(t, profile),
            SceneKind.Question => QuestionScene(t, profile),
            SceneKind.Feedback => FeedbackScene(e, t, profile),
            // The loader gives every rating screen its rating, and the planner puts it on the event (handled above).
            SceneKind.Rating => throw new InvalidOperationException($"rating screen '{t.Name}' was planned without its rating"),
            SceneKind.Parts => PartsScene(e, t, profile),
            // Phases show these; the loader refuses them in a trial's `show:`.
            SceneKind.Selection or SceneKind.Questionnaire or SceneKind.Wait => throw new InvalidOperationException($"screen '{t.Name}' shows {t.Show}, which only phases show"),
            SceneKind.BallToss => BallToss(t),
        };
#pragma warning restore CS8524
    }

    private SceneSpec ProfileScene(ScreenSpec t, ProfileInfo? profile) =>
        Get($"profile:{profile?.Id}:{string.Join(",", t.Responses)}", () => new SceneSpec
        {
            Key = $"profile:{profile?.Id}:{string.Join(",", t.Responses)}",
            Kind = SceneKind.Profile,
            Profile = profile,
            Caption = Fill(paradigm.Caption, profile),
            Body = Fill(paradigm.Caption, profile),
            Responses = t.Responses,
        });

    private SceneSpec QuestionScene(ScreenSpec t, ProfileInfo? profile) =>
        Get($"question:{t.Name}:{profile?.Id}:{t.Text}", () => new SceneSpec
        {
            Key = $"question:{t.Name}:{profile?.Id}:{t.Text}",
            Kind = SceneKind.Question,
            Profile = profile,
            Caption = Fill(paradigm.Caption, profile),
            Title = Fill(paradigm.Caption, profile),
            Body = Fill(t.Text ?? "Do you think this person would like you?", profile),
            Options = t.Options.Select(Label).ToList(),
            OptionKeys = t.Options.Select(KeyHint).ToList(),
            Responses = t.Responses,
        });

    private SceneSpec FeedbackScene(PlannedEvent e, ScreenSpec t, ProfileInfo? profile)
    {
        var condition = paradigm.Conditions.GetValueOrDefault(e.Condition);
        string key = $"feedback:{e.Condition}:{profile?.Id}";
        return Get(key, () => new SceneSpec
        {
            Key = key,
            Kind = SceneKind.Feedback,
            Profile = profile,
            Caption = Fill(paradigm.Caption, profile),
            Body = Fill(paradigm.Caption, profile),
            ParticipantPhotoPath = ParticipantPhoto,
            Feedback = condition?.Message is null ? null
                : new FeedbackStyle(Fill(condition.Message, profile), condition.Symbol, condition.Color),
            Responses = t.Responses,
        });
    }

    /// <summary>A readable label for a response name ("yes" → "Yes", "button1" → "button1").</summary>
    private static string Label(string response) =>
        response.Length > 0 ? char.ToUpperInvariant(response[0]) + response[1..].Replace('_', ' ') : response;
}
