using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;

namespace ExperimentRunner.Core.Engine;

// Screens composed from declared parts: each part resolved for the trial's profile and condition.
public sealed partial class SceneFactory
{
    /// <summary>
    /// A <c>show: parts</c> screen for one trial: placeholders filled from the profile and the condition's feedback,
    /// <c>{photo}</c> resolved to the profile's photo, <c>feedback</c> colours and the <c>symbol</c> shape taken from the
    /// condition. Content that does not depend on the profile or condition is keyed without them, so it is composed once.
    /// </summary>
    private SceneSpec PartsScene(PlannedEvent e, ScreenSpec t, ProfileInfo? profile)
    {
        bool byProfile = t.ShowsProfile, byCondition = t.ShowsFeedback;
        if (byProfile && profile is null)
            throw new InvalidOperationException($"screen '{t.Name}' shows a profile, but its trial has none");
        var condition = byCondition ? paradigm.Conditions.GetValueOrDefault(e.Condition) : null;
        string key = $"parts:{t.Pos.Line}:{t.Pos.Column}:{t.Name}:{(byProfile ? profile!.Id : "")}:{(byCondition ? e.Condition : "")}";
        return Get(key, () =>
        {
            string feedback = condition?.Message is { } m ? Fill(m, profile) : "";
            var parts = new List<PartSpec>(t.Parts.Count);
            RatingSpec? rating = null;
            ChoicesPart? choices = null;
            foreach (var part in t.Parts)
            {
                switch (part)
                {
                    case TextPart text:
                        parts.Add(text with { Text = Placeholders.Fill(text.Text, profile, feedback), Color = PartColor(text.Color, condition) });
                        break;
                    case ShapePart shape when shape.Shape == ShapeKind.Symbol:
                        // The condition's own symbol; nothing where it has none (a neutral condition).
                        if (condition?.Symbol is FeedbackSymbol.Check or FeedbackSymbol.Cross)
                            parts.Add(shape with { Shape = condition.Symbol == FeedbackSymbol.Check ? ShapeKind.Check : ShapeKind.Cross, Color = PartColor(shape.Color, condition) ?? condition.Color });
                        break;
                    case ShapePart shape:
                        parts.Add(shape with { Color = PartColor(shape.Color, condition) });
                        break;
                    case ImagePart image:
                        parts.Add(image with { Source = Placeholders.Fill(image.Source, profile) });
                        break;
                    case ProfilePart card:
                        parts.Add(card with { Caption = CardCaption(card.Fields, profile) });
                        break;
                    case RatingPart r:
                        rating = paradigm.Ratings[r.Rating];
                        parts.Add(r);
                        break;
                    case ChoicesPart c:
                        choices ??= c;
                        parts.Add(c);
                        break;
                    default:
                        parts.Add(part);
                        break;
                }
            }
            return new SceneSpec
            {
                Key = key,
                Kind = SceneKind.Parts,
                Profile = byProfile ? profile : null,
                Feedback = condition?.Message is null ? null : new FeedbackStyle(feedback, condition.Symbol, condition.Color),
                Rating = rating is null ? null : Style(rating),
                Footer = rating is null ? null : $"{KeyHint(rating.DecreaseResponse)} / {KeyHint(rating.IncreaseResponse)} to move, {KeyHint(rating.ConfirmResponse)} to confirm",
                Options = choices?.Labels ?? [],
                OptionKeys = choices?.Responses.Select(KeyHint).ToList() ?? [],
                Responses = rating is null ? t.Responses : rating.Responses(),
                Parts = parts,
                PartsShowPhoto = byProfile && parts.Any(p => p is ProfilePart c ? c.Fields.HasFlag(CardFields.Photo) : p is ImagePart i && i.Source == profile!.PhotoPath),
            };
        });
    }

    /// <summary>A part's colour: <c>feedback</c> becomes the condition's colour (the foreground where there is none).</summary>
    private static string? PartColor(string? color, ConditionSpec? condition) =>
        color == PartSpec.FeedbackColor ? condition?.Color : color;

    /// <summary>
    /// The caption line of a card with only <paramref name="fields"/>: the paradigm's <c>caption</c> where every
    /// placeholder it names is a declared field (or the id), else the declared name and age ("Ana, 24", "Ana", "24");
    /// null when the card shows neither.
    /// </summary>
    private string? CardCaption(CardFields fields, ProfileInfo? profile)
    {
        if (profile is null || (fields & (CardFields.Name | CardFields.Age)) == 0) return null;
        bool Declared(string name) => name switch
        {
            "name" => fields.HasFlag(CardFields.Name),
            "age" => fields.HasFlag(CardFields.Age),
            "bio" => fields.HasFlag(CardFields.Bio),
            _ => true,
        };
        if (Placeholders.Names(paradigm.Caption).All(Declared)) return Fill(paradigm.Caption, profile);
        var shown = new List<string>(2);
        if (fields.HasFlag(CardFields.Name) && profile.Name.Length > 0) shown.Add(profile.Name);
        if (fields.HasFlag(CardFields.Age) && profile.Age > 0) shown.Add(profile.Age.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return string.Join(", ", shown);
    }
}
