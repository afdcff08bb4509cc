using System.Globalization;

namespace ExperimentRunner.Core.Paradigm;

public static partial class ParadigmLoader
{
    // The parts of a `show: parts` screen: image, text, shape, rating, choices and profile card, in normalised coordinates.
    private sealed partial class Binder
    {
        private static readonly string[] PartKinds = ["image", "text", "shape", "rating", "choices", "profile"];
        private static readonly string[] PartCommonKeys = ["at", "size"];

        private static readonly Dictionary<string, string[]> PartKeys = new(StringComparer.Ordinal)
        {
            ["image"] = ["fit"],
            ["text"] = ["font_scale", "color", "bold", "anchor", "backdrop"],
            ["shape"] = ["color", "filled", "direction"],
            ["rating"] = [],
            ["choices"] = ["labels", "layout"],
            ["profile"] = [],
        };

        /// <summary>Default sizes (share of width, share of height) of each part kind.</summary>
        private static readonly Dictionary<string, (double W, double H)> PartSizes = new(StringComparer.Ordinal)
        {
            ["image"] = (0.4, 0.6), ["text"] = (0.8, 0.2), ["shape"] = (0.06, 0.1), ["rating"] = (0.8, 0.35),
            ["choices"] = (0.4, 0.3), ["profile"] = (0.3, 0.85),
        };

        private static readonly Dictionary<string, ShapeKind> ShapeNames = new(StringComparer.Ordinal)
        {
            ["fixation"] = ShapeKind.Fixation, ["arrow"] = ShapeKind.Arrow, ["rectangle"] = ShapeKind.Rectangle, ["circle"] = ShapeKind.Circle,
            ["check"] = ShapeKind.Check, ["cross"] = ShapeKind.Cross, ["symbol"] = ShapeKind.Symbol,
        };

        private static readonly Dictionary<string, CardFields> CardFieldNames = new(StringComparer.Ordinal)
        {
            ["photo"] = CardFields.Photo, ["name"] = CardFields.Name, ["age"] = CardFields.Age, ["bio"] = CardFields.Bio,
        };

        /// <summary>
        /// The parts of screen <paramref name="name"/> (the screen's <c>parts:</c> list), checked: one kind key per part,
        /// known keys with suggestions, coordinates in range, placeholders, images that exist, ratings and responses
        /// that are defined. Errors for <c>parts:</c> on a screen of another kind, and for a parts screen without parts.
        /// </summary>
        private List<PartSpec> BindParts(MapReader screen, SceneKind show, string name, string trial, Dictionary<string, RatingSpec> ratings)
        {
            // A text screen's and a question's text is checked with the trial's table and condition columns
            // (CheckTrialColumns): a misspelt placeholder would show as typed.
            var parts = new List<PartSpec>();
            var node = screen.Node("parts");
            if (show != SceneKind.Parts)
            {
                if (screen.Has("parts")) d.Error(screen.PosOf("parts"), $"screen '{name}' shows {screen.OptString("show")}, which has no 'parts'; use 'show: parts' or remove 'parts'");
                return parts;
            }
            if (node is not YSequence seq || seq.Items.Count == 0)
            {
                d.Error(node?.Pos ?? screen.Pos, $"parts screen '{name}' needs 'parts': a list of parts, each one of {string.Join(", ", PartKinds)}");
                return parts;
            }
            if (seq.Items.Count > 40) d.Error(seq.Pos, "a screen has at most 40 parts");
            foreach (var item in seq.Items.Take(40))
            {
                if (BindPart(item, name, trial, ratings) is { } part) parts.Add(part);
            }
            var ratingParts = parts.OfType<RatingPart>().ToList();
            if (ratingParts.Count > 1) d.Error(ratingParts[1].Pos, $"screen '{name}' has {ratingParts.Count} rating parts; a screen takes one rating");
            if (ratingParts.Count > 0 && parts.OfType<ChoicesPart>().FirstOrDefault() is { } choices)
                d.Error(choices.Pos, $"screen '{name}' has a rating part and choices; a screen answered on a scale takes no choice buttons");
            return parts;
        }

        private PartSpec? BindPart(YNode item, string screen, string trial, Dictionary<string, RatingSpec> ratings)
        {
            string context = $"a part of screen '{screen}'";
            var kinds = item is YMapping map ? map.Entries.Select(e => e.Key.Value).Where(k => PartKinds.Contains(k)).ToList() : [];
            if (kinds.Count != 1)
            {
                string[] all = [.. PartKinds, .. PartCommonKeys, .. PartKeys.Values.SelectMany(k => k).Distinct()];
                var any = new MapReader(item, context, d, item.Pos, all);
                if (any.Exists)
                    d.Error(item.Pos, kinds.Count == 0
                        ? $"{context} needs one of {string.Join(", ", PartKinds)}"
                        : $"{context} has {string.Join(" and ", kinds)}; a part is one of them: write each as its own list item");
                return null;
            }
            string kind = kinds[0];
            var r = new MapReader(item, $"the {kind} part of screen '{screen}'", d, item.Pos, [kind, .. PartCommonKeys, .. PartKeys[kind]]);
            var box = Box(r, PartSizes[kind]);
            var pos = r.PosOf(kind);
            string what = $"the {kind} part of screen '{screen}' in trial '{trial}'";
            switch (kind)
            {
                case "image":
                {
                    string source = r.Required("image");
                    bool cover = r.Enum("fit", false, new Dictionary<string, bool> { ["contain"] = false, ["cover"] = true });
                    if (source.Contains('{'))
                    {
                        CheckPlaceholders(source, pos, what, Placeholders.Use.PartImage);
                        return new ImagePart(box, source, cover, pos);
                    }
                    string? path = ResolvePath(r.Node("image"), $"the image of {what}", mustExist: true, directory: false);
                    if (path == null) return null;
                    Opens(StimulusKind.Image, path, pos, $"the image of {what}");
                    return new ImagePart(box, path, cover, pos);
                }
                case "text":
                {
                    string text = r.Required("text");
                    CheckPlaceholders(text, pos, what, Placeholders.Use.PartText);
                    return new TextPart(box, text, r.Number("font_scale", 1, 0.2, 5), PartColor(r, "color"), r.Bool("bold", false),
                        r.Enum("anchor", TextAnchor.Center, new Dictionary<string, TextAnchor> { ["top"] = TextAnchor.Top, ["center"] = TextAnchor.Center, ["bottom"] = TextAnchor.Bottom }),
                        PartColor(r, "backdrop", allowFeedback: false), pos);
                }
                case "shape":
                {
                    var shape = r.Enum("shape", ShapeKind.Fixation, ShapeNames);
                    if (r.Has("direction") && shape != ShapeKind.Arrow) d.Error(r.PosOf("direction"), $"'direction' is for an arrow; {what} is a {r.OptString("shape")}");
                    var direction = r.Enum("direction", ArrowDirection.Right, new Dictionary<string, ArrowDirection>
                        { ["left"] = ArrowDirection.Left, ["right"] = ArrowDirection.Right, ["up"] = ArrowDirection.Up, ["down"] = ArrowDirection.Down });
                    return new ShapePart(box, shape, PartColor(r, "color"), r.Bool("filled", true), direction, pos);
                }
                case "rating":
                {
                    string rating = r.Required("rating");
                    if (rating.Length > 0 && !ratings.ContainsKey(rating))
                        d.Error(pos, $"{what}: no rating named '{rating}'{Suggest.DidYouMean(rating, ratings.Keys)}");
                    return new RatingPart(box, rating, pos);
                }
                case "choices":
                {
                    var responses = r.StringList("choices");
                    if (responses.Count == 0) d.Error(pos, $"{what} needs at least one response, e.g. [\"yes\", \"no\"]");
                    if (responses.Count > 8) d.Error(pos, $"{what} has {responses.Count} choices; at most 8");
                    foreach (var resp in responses) CheckResponse(resp, pos, what);
                    var labels = r.StringList("labels");
                    if (r.Has("labels") && labels.Count != responses.Count)
                        d.Error(r.PosOf("labels"), $"{what} has {responses.Count} choices but {labels.Count} labels; give one label per choice");
                    bool horizontal = r.Enum("layout", false, new Dictionary<string, bool> { ["vertical"] = false, ["horizontal"] = true });
                    return new ChoicesPart(box, responses, labels.Count == responses.Count ? labels : responses.Select(ResponseLabel).ToList(), horizontal, pos);
                }
                default: // "profile"
                {
                    var fields = CardFields.None;
                    foreach (var f in r.StringList("profile"))
                    {
                        if (CardFieldNames.TryGetValue(f, out var field)) fields |= field;
                        else d.Error(pos, $"{what}: '{f}' is no field of a profile card{Suggest.DidYouMean(f, CardFieldNames.Keys)}; fields: photo, name, age, bio");
                    }
                    if (fields == CardFields.None && r.StringList("profile").Count == 0) d.Error(pos, $"{what} needs its fields: a list of photo, name, age, bio");
                    return new ProfilePart(box, fields, pos);
                }
            }
        }

        /// <summary>The profile table's header, in its order (empty without a table).</summary>
        private readonly List<string> _profileColumns = [];

        /// <summary>
        /// The table's optional columns (name, age, bio) are required where something shows them: a card screen
        /// (profile, question, feedback, selection: caption and bio), a placeholder in the caption, a feedback message
        /// or a screen's text, a profile part's field. A face table with only id and photo serves screens that use neither.
        /// </summary>
        private void CheckProfileColumns(ProfileTableSpec? table, string caption, Dictionary<string, ConditionSpec> conditions,
            Dictionary<string, TrialSpec> trials, List<PhaseSpec> phases)
        {
            if (table is null || _profileColumns.Count == 0) return;
            var used = new Dictionary<string, string>(StringComparer.Ordinal);
            void Use(IEnumerable<string> columns, string by) { foreach (var c in columns) used.TryAdd(c, by); }
            foreach (var screen in trials.Values.SelectMany(t => t.Screens))
            {
                if (screen.Show is SceneKind.Profile or SceneKind.Question or SceneKind.Feedback)
                    Use([.. Placeholders.Names(caption), "bio"], $"the card of screen '{screen.Name}'");
                if (screen.Text is { } text) Use(Placeholders.Names(text), $"the text of screen '{screen.Name}'");
                if (screen.ShowsFeedback)
                    foreach (var c in conditions.Values) if (c.Message is { } m) Use(Placeholders.Names(m), $"the feedback of condition '{c.Name}'");
                foreach (var part in screen.Parts)
                {
                    if (part is TextPart tp) Use(Placeholders.Names(tp.Text), $"a text part of screen '{screen.Name}'");
                    if (part is ProfilePart card)
                        foreach (var (field, flag) in CardFieldNames)
                            if (field != "photo" && card.Fields.HasFlag(flag)) used.TryAdd(field, $"the profile part of screen '{screen.Name}'");
                }
            }
            if (phases.OfType<SelectionPhase>().FirstOrDefault() is { } selection)
                Use([.. Placeholders.Names(caption), "bio"], $"the cards of selection phase '{selection.Name}'");
            foreach (var (column, by) in used)
                if (Placeholders.ProfileFields.Contains(column) && !_profileColumns.Contains(column))
                    d.Error(table.Pos, $"the profile table {Path.GetFileName(table.TablePath)} lacks column(s) {column}, which {by} shows; it has {string.Join(", ", _profileColumns)}: add the column or remove it from the screen");
        }

        /// <summary>A readable label for a response name ("yes" → "Yes", "not_sure" → "Not sure").</summary>
        private static string ResponseLabel(string response) =>
            response.Length > 0 ? char.ToUpperInvariant(response[0]) + response[1..].Replace('_', ' ') : response;

        /// <summary><c>at: [x, y]</c> (0–1, default the centre) and <c>size: [w, h]</c> (above 0, at most 1), shares of the screen.</summary>
        private NormBox Box(MapReader r, (double W, double H) size)
        {
            var at = Pair(r, "at", 0, 1, allowZero: true) ?? (0.5, 0.5);
            var wh = Pair(r, "size", 0, 1, allowZero: false) ?? size;
            return new NormBox(at.A, at.B, wh.A, wh.B);
        }

        private (double A, double B)? Pair(MapReader r, string key, double min, double max, bool allowZero)
        {
            var node = r.Node(key);
            if (node == null) return null;
            if (node is YSequence { Items.Count: 2 } seq && seq.Items.All(i => i is YScalar))
            {
                var values = seq.Items.Select(i => double.TryParse(((YScalar)i).Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN).ToArray();
                if (values.All(v => !double.IsNaN(v) && v >= min && v <= max && (allowZero || v > min))) return (values[0], values[1]);
            }
            d.Error(node.Pos, $"'{key}' must be two numbers [x, y] from {min} {(allowZero ? "to" : "(excluded) to")} {max}: shares of the screen's width and height");
            return null;
        }

        /// <summary>A part's colour: <c>#RRGGBB</c> (or <c>#RRGGBBAA</c>), <c>feedback</c> (the condition's colour), or null (the foreground).</summary>
        private string? PartColor(MapReader r, string key, bool allowFeedback = true)
        {
            string? color = r.OptString(key);
            if (color == null) return null;
            if (allowFeedback && color == PartSpec.FeedbackColor) return color;
            if (!IsColor(color))
            {
                d.Error(r.PosOf(key), $"'{key}' is '{color}'; write a colour as '#RRGGBB'{(allowFeedback ? " or 'feedback' (the condition's colour)" : "")}");
                return null;
            }
            return color;
        }
    }
}
