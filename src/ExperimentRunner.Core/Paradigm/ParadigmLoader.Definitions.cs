
namespace ExperimentRunner.Core.Paradigm;

public static partial class ParadigmLoader
{
    // The named definitions phases refer to: conditions, ratings, questionnaires and trial templates with their screens.
    private sealed partial class Binder
    {
        private Dictionary<string, ConditionSpec> BindConditions(MapReader top)
        {
            var result = new Dictionary<string, ConditionSpec>(StringComparer.Ordinal);
            foreach (var (key, value) in top.Entries("conditions"))
            {
                var r = new MapReader(value, $"condition '{key.Value}'", d, key.Pos, "feedback", "symbol", "color", "marker", "columns", "valence");
                var color = r.String("color", "#FFFFFF");
                if (r.Has("marker")) _conditionMarkerPos[key.Value] = r.Node("marker")!.Pos;
                if (r.OptString("feedback") is { } message) CheckPlaceholders(message, r.Node("feedback")!.Pos, $"the feedback of condition '{key.Value}'");
                if (!IsColor(color)) d.Error(r.PosOf("color"), $"'color' is '{color}'; write a colour as '#RRGGBB'");
                result[key.Value] = new ConditionSpec(
                    key.Value,
                    r.OptString("feedback"),
                    r.Enum("symbol", FeedbackSymbol.None, new Dictionary<string, FeedbackSymbol> { ["none"] = FeedbackSymbol.None, ["check"] = FeedbackSymbol.Check, ["cross"] = FeedbackSymbol.Cross }),
                    color,
                    r.Int("marker", 0, 0, 255),
                    key.Pos) { Columns = BindConditionColumns(r, key.Value), Valence = ValenceOf(r, "valence") };
            }
            return result;
        }

        private Dictionary<string, RatingSpec> BindRatings(MapReader top)
        {
            var result = new Dictionary<string, RatingSpec>(StringComparer.Ordinal);
            foreach (var (key, value) in top.Entries("ratings"))
            {
                var r = new MapReader(value, $"rating '{key.Value}'", d, key.Pos,
                    "question", "type", "min", "max", "left", "right", "points", "start", "step", "time_limit", "decrease", "increase", "confirm", "marker", "point_responses");
                var kind = r.Enum("type", RatingKind.Vas, new Dictionary<string, RatingKind> { ["vas"] = RatingKind.Vas, ["likert"] = RatingKind.Likert });
                var points = r.StringList("points");
                double min = kind == RatingKind.Likert ? 1 : r.Number("min", 0, -1e6, 1e6);
                double max = kind == RatingKind.Likert ? Math.Max(2, points.Count) : r.Number("max", 100, -1e6, 1e6);
                if (kind == RatingKind.Likert && points.Count < 2) d.Error(r.Pos, $"Likert rating '{key.Value}' needs 'points': at least two labels");
                if (kind == RatingKind.Likert && points.Count > 11) d.Error(r.PosOf("points"), "a Likert scale has at most 11 points");
                if (max <= min) d.Error(r.PosOf("max"), $"rating '{key.Value}': max must be above min");
                double start = double.NaN;
                var startText = r.OptString("start");
                if (startText is null) start = kind == RatingKind.Likert ? Math.Ceiling((min + max) / 2) : (min + max) / 2;
                else if (startText != "random") start = r.Number("start", min, min, max);
                var limit = r.Has("time_limit") ? _dur.ParseFixed(r.Node("time_limit"), "time_limit", allowZero: false) ?? 0 : 0;
                if (limit == 0 && !r.Has("time_limit")) d.Error(r.Pos, $"rating '{key.Value}' needs 'time_limit' (ratings in the scanner must end)");
                string dec = r.String("decrease", "left"), inc = r.String("increase", "right"), conf = r.String("confirm", "confirm");
                foreach (var (resp, k) in new[] { (dec, "decrease"), (inc, "increase"), (conf, "confirm") })
                    CheckResponse(resp, r.PosOf(k), $"rating '{key.Value}' {k}");
                result[key.Value] = new RatingSpec(key.Value, r.Required("question"), kind, min, max,
                    r.String("left", kind == RatingKind.Likert && points.Count > 0 ? points[0] : ""),
                    r.String("right", kind == RatingKind.Likert && points.Count > 0 ? points[^1] : ""),
                    points, start, r.Number("step", kind == RatingKind.Likert ? 1 : (max - min) / 50, 1e-6, 1e6), limit, dec, inc, conf, r.Int("marker", 0, 0, 255), key.Pos) { PointResponses = BindPointResponses(r, kind, points.Count, key.Value) };
            }
            return result;
        }

        private Dictionary<string, QuestionnaireSpec> BindQuestionnaires(MapReader top)
        {
            var result = new Dictionary<string, QuestionnaireSpec>(StringComparer.Ordinal);
            foreach (var (key, value) in top.Entries("questionnaires"))
            {
                var r = new MapReader(value, $"questionnaire '{key.Value}'", d, key.Pos, "title", "instructions", "points", "first_value", "items", "score", "time_limit");
                var points = r.StringList("points");
                if (points.Count < 2) d.Error(r.Pos, $"questionnaire '{key.Value}' needs 'points': at least two answer labels");
                var items = new List<QuestionnaireItem>();
                var ids = new HashSet<string>(StringComparer.Ordinal);
                if (r.Node("items") is YSequence seq)
                {
                    if (seq.Items.Count > 500) d.Error(seq.Pos, "a questionnaire has at most 500 items");
                    foreach (var itemNode in seq.Items.Take(500))
                    {
                        var ir = new MapReader(itemNode, "a questionnaire item", d, itemNode.Pos, "id", "text", "reverse", "subscale");
                        string id = ir.Required("id");
                        if (!ids.Add(id)) d.Error(ir.PosOf("id"), $"item id '{id}' appears twice");
                        items.Add(new QuestionnaireItem(id, ir.Required("text"), ir.Bool("reverse", false), itemNode.Pos) { Subscale = ir.OptString("subscale") });
                    }
                }
                else d.Error(r.PosOf("items"), $"questionnaire '{key.Value}' needs 'items': a list of {{id, text, reverse}}");
                long limit = r.Has("time_limit") ? _dur.ParseFixed(r.Node("time_limit"), "time_limit", allowZero: false) ?? 0 : 0;
                result[key.Value] = new QuestionnaireSpec(key.Value, r.String("title", key.Value), r.String("instructions", ""), points,
                    r.Int("first_value", 1, -100, 100), items,
                    r.Enum("score", ScoreRule.Sum, new Dictionary<string, ScoreRule> { ["sum"] = ScoreRule.Sum, ["mean"] = ScoreRule.Mean }), limit, key.Pos);
            }
            return result;
        }

        private Dictionary<string, TrialSpec> BindTrials(MapReader top, Dictionary<string, ConditionSpec> conditions,
            Dictionary<string, RatingSpec> ratings, Dictionary<string, string> sounds)
        {
            var result = new Dictionary<string, TrialSpec>(StringComparer.Ordinal);
            foreach (var (key, value) in top.Entries("trials"))
            {
                var r = new MapReader(value, $"trial '{key.Value}'", d, key.Pos, "screens");
                var screens = new List<ScreenSpec>();
                if (r.Node("screens") is not YSequence seq || seq.Items.Count == 0)
                {
                    d.Error(r.Pos, $"trial '{key.Value}' needs 'screens': a list of screens");
                    continue;
                }
                if (seq.Items.Count > 50) d.Error(seq.Pos, "a trial has at most 50 screens");
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var node in seq.Items.Take(50))
                {
                    var s = new MapReader(node, "a screen", d, node.Pos,
                        "name", "show", "duration", "text", "options", "image", "sound", "rating", "responses", "end_on_response", "marker", "correct", "series", "parts", "event", "expects", "game");
                    var show = s.Enum("show", SceneKind.Blank, ScreenKinds.ShowNames);
                    if (!s.Has("show")) d.Error(s.Pos, $"a screen needs 'show': one of {string.Join(", ", ScreenKinds.ShowNames.Keys)}");
                    string name = s.String("name", s.OptString("show") ?? "screen");
                    if (!names.Add(name)) d.Error(s.PosOf("name"), $"two screens of trial '{key.Value}' are named '{name}'; give each a distinct 'name'");
                    var parts = BindParts(s, show, name, key.Value, ratings);
                    var duration = _dur.Parse(s.Node("duration"), $"the duration of screen '{name}'");
                    if (s.Node("duration") == null && show != SceneKind.Rating && !parts.OfType<RatingPart>().Any()) d.Error(s.Pos, $"screen '{name}' needs 'duration'");
                    string? rating = s.OptString("rating");
                    if (show == SceneKind.Rating)
                    {
                        if (rating == null) d.Error(s.Pos, $"rating screen '{name}' needs 'rating': the name of a rating");
                        else if (!ratings.TryGetValue(rating, out var rs)) d.Error(s.PosOf("rating"), $"no rating named '{rating}'{Suggest.DidYouMean(rating, ratings.Keys)}");
                        else duration ??= new FixedDuration(s.Pos, rs.TimeLimitNs);
                    }
                    if (parts.OfType<RatingPart>().FirstOrDefault() is { } ratingPart && ratings.TryGetValue(ratingPart.Rating, out var partRating))
                    {
                        rating = ratingPart.Rating;
                        duration ??= new FixedDuration(s.Pos, partRating.TimeLimitNs);
                    }
                    var options = new List<string>();
                    if (s.Node("options") is { } optNode)
                    {
                        options.AddRange(s.StringList("options"));
                        foreach (var o in options) CheckResponse(o, optNode.Pos, $"screen '{name}' option");
                    }
                    if (show == SceneKind.Question && options.Count < 2) d.Error(s.Pos, $"question screen '{name}' needs 'options': at least two responses (e.g. [yes, no])");
                    var responses = s.StringList("responses").ToList();
                    foreach (var resp in responses) CheckResponse(resp, s.PosOf("responses"), $"screen '{name}'");
                    if (show == SceneKind.Question) foreach (var o in options) if (!responses.Contains(o)) responses.Add(o);
                    foreach (var o in parts.OfType<ChoicesPart>().SelectMany(c => c.Responses)) if (!responses.Contains(o)) responses.Add(o);
                    string? sound = s.OptString("sound");
                    if (sound != null && !IsTemplate(sound) && !sounds.ContainsKey(sound)) d.Error(s.PosOf("sound"), $"no sound named '{sound}'{Suggest.DidYouMean(sound, sounds.Keys)}; define it under stimuli.sounds");
                    string? slot = ImageSlot(s, name);
                    string? image = slot != null ? null : IsTemplate(s.OptString("image")) ? s.OptString("image") : s.Has("image") ? ResolvePath(s.Node("image"), $"the image of screen '{name}'", mustExist: true, directory: false) : null;
                    if (image != null && !IsTemplate(image)) Opens(StimulusKind.Image, image, s.Node("image")!.Pos, $"the image of screen '{name}' in trial '{key.Value}'");
                    if (show == SceneKind.Image && image == null && !s.Has("image")) d.Error(s.Pos, $"image screen '{name}' needs 'image'");
                    if (show != SceneKind.Image && s.Has("image")) d.Error(s.PosOf("image"), $"screen '{name}' shows {s.OptString("show")}, which draws no 'image'; use 'show: image' or remove 'image'");
                    if (show is SceneKind.Text && s.OptString("text") == null) d.Error(s.Pos, $"text screen '{name}' needs 'text'");
                    screens.Add(BindScreenExtras(s, new ScreenSpec(name, show, duration ?? new FixedDuration(s.Pos, 0), s.OptString("text"), options, image, sound, rating,
                        responses, s.Bool("end_on_response", false), IsTemplate(s.OptString("marker")) ? null : s.OptInt("marker", 0, 255), node.Pos)
                        { Parts = parts, Event = EventLabel(s, name), Expects = OptionExpects(s, name, options), ImageSlot = slot, Game = BallTossGameOf(s, show) }));
                }
                result[key.Value] = new TrialSpec(key.Value, screens, key.Pos);
            }
            return result;
        }
    }
}
