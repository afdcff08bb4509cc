using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Files;
using ExperimentRunner.Core.Vocabulary;

namespace ExperimentRunner.Core.Paradigm;

/// <summary>The result of loading a paradigm: the model when valid, and every problem found.</summary>
public sealed record LoadResult(ParadigmModel? Paradigm, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool IsValid => Paradigm != null && Diagnostics.All(d => d.Severity != Severity.Error);

    /// <summary>
    /// Every image, sound and font the file names that exists inside the tree, found even when the paradigm has other
    /// errors, so that a decoder outside Core can check them all at once.
    /// </summary>
    public IReadOnlyList<StimulusFile> StimulusFiles { get; init; } = [];
}

/// <summary>
/// Loads and checks a paradigm file. Untrusted input: runs no code, reads no file outside the paradigm's folder and
/// the stimuli root, bounds every count, and reports every problem at once with file:line:col.
/// </summary>
public static class ParadigmLoader
{
    public const int CurrentVersion = 1;
    public const int MaxTrialsPerBlock = 1000;
    public const int MaxBlocks = 200;
    public const int MaxRuns = 20;
    /// <summary>Longest bio in a profile table, characters: a card shows a few lines of it.</summary>
    public const int MaxBioLength = 2_000;
    public const int MaxNameLength = 100;
    public const int MaxCaptionLength = 500;

    private static readonly string[] TopKeys =
    [
        "version", "metadata", "display", "responses", "keys", "scanner", "stimuli", "session", "conditions",
        "markers", "ratings", "questionnaires", "trials", "phases",
    ];

    /// <summary>Loads a file. <paramref name="stimuliRoot"/> defaults to the nearest 'stimuli' folder above the file.</summary>
    public static LoadResult Load(string path, string? stimuliRoot = null)
    {
        var d = new Diagnostics();
        string display = Path.GetRelativePath(Environment.CurrentDirectory, Path.GetFullPath(path));
        if (display.StartsWith("..", StringComparison.Ordinal)) display = Path.GetFullPath(path);
        var start = new SourcePos(display, 1, 1);
        if (Directory.Exists(path))
        {
            d.Error(start, "this is a folder; give paradigm files, e.g. paradigms/*.yaml");
            return new LoadResult(null, d.Items);
        }
        if (!File.Exists(path))
        {
            d.Error(start, "no such file");
            return new LoadResult(null, d.Items);
        }
        byte[] bytes;
        try
        {
            bytes = RegularFile.ReadAllBytes(path, YamlTree.MaxBytes);
        }
        catch (ConfinedFileException e)
        {
            d.Error(start, e.Message.StartsWith(path, StringComparison.Ordinal) ? "this file" + e.Message[path.Length..] + "; a paradigm file is a few KiB of YAML" : e.Message);
            return new LoadResult(null, d.Items);
        }
        catch (IOException e)
        {
            d.Error(start, $"the file cannot be read: {e.Message}");
            return new LoadResult(null, d.Items);
        }
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            d.Error(start, "the file is not UTF-8 text");
            return new LoadResult(null, d.Items);
        }
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
        stimuliRoot ??= FindStimuliRoot(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var root = YamlTree.Parse(display, text, d);
        if (root == null) return new LoadResult(null, d.Sorted().ToList());
        var binder = new Binder(d, display, Path.GetDirectoryName(Path.GetFullPath(path))!, stimuliRoot);
        var model = binder.Bind(root, Path.GetFullPath(path), text, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        if (model != null && !d.HasErrors)
        {
            Planning.Planner.Check(model, d);
            if (!d.HasErrors)
            {
                try
                {
                    // A trial plan proves that the randomisation constraints can be met.
                    Planning.Planner.Make(model, new Planning.SessionFacts("validate-1"));
                }
                catch (Planning.PlanException e)
                {
                    d.Error(e.Pos, e.Message);
                }
            }
        }
        var sorted = d.Sorted().ToList();
        return new LoadResult(d.HasErrors ? null : model, sorted) { StimulusFiles = binder.Files };
    }

    /// <summary>The nearest folder named 'stimuli' beside the paradigm's folder or an ancestor; else the paradigm's folder.</summary>
    public static string FindStimuliRoot(string paradigmDir)
    {
        var env = Environment.GetEnvironmentVariable("EXRUN_STIMULI");
        if (!string.IsNullOrEmpty(env)) return Path.GetFullPath(env);
        for (var dir = new DirectoryInfo(paradigmDir); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "stimuli");
            if (Directory.Exists(candidate)) return candidate;
        }
        return paradigmDir;
    }

    private sealed class Binder(Diagnostics d, string file, string dir, string stimuliRoot)
    {
        /// <summary>Every file the paradigm or its tables name is read through this: inside the two roots by real path, regular, bounded.</summary>
        private readonly ConfinedFiles _files = new(dir, stimuliRoot);

        /// <summary>The folders a paradigm may read, by their full paths (a relative one would read "(.)" from anywhere).</summary>
        private string RootsText => Path.GetFullPath(dir) == Path.GetFullPath(stimuliRoot)
            ? $"the paradigm's folder ({Path.GetFullPath(dir)}), which is also its stimuli root (no folder named 'stimuli' beside it or above it)"
            : $"the paradigm's folder ({Path.GetFullPath(dir)}) and the stimuli root ({Path.GetFullPath(stimuliRoot)})";
        private DurationParser _dur = new(d, 60, 0);
        private readonly SourcePos _start = new(file, 1, 1);
        private readonly Dictionary<string, IReadOnlyList<string>> _responses = new();
        private readonly List<StimulusFile> _opened = [];
        private readonly Dictionary<string, SourcePos> _conditionMarkerPos = new(StringComparer.Ordinal);
        private bool _profilesDeclared;

        public IReadOnlyList<StimulusFile> Files => _opened;

        private void Opens(StimulusKind kind, string path, SourcePos pos, string what) => _opened.Add(new StimulusFile(kind, path, pos, what));

        public ParadigmModel? Bind(YNode root, string fullPath, string text, string sha)
        {
            if (root is not YMapping)
            {
                d.Error(root is YScalar { IsNull: true } ? _start : root.Pos, root is YScalar { IsNull: true }
                    ? "the file holds an empty YAML document; a paradigm is a mapping of keys that starts with 'version: 1'"
                    : "the file holds no paradigm: a paradigm is a mapping of keys that starts with 'version: 1', not a list or a single value");
                return null;
            }
            var top = new MapReader(root, "the paradigm", d, _start, TopKeys);
            if (!top.Exists) return null;

            int version = top.Int("version", 0, 0, 1000);
            if (top.Node("version") == null)
                d.Error(_start, $"the paradigm needs 'version: {CurrentVersion}' as its first key");
            else if (version != CurrentVersion)
                d.Error(top.Node("version")!.Pos, $"version {version} is not supported by this ExperimentRunner (it reads version {CurrentVersion}); upgrade ExperimentRunner or migrate the file");

            var meta = new MapReader(top.Node("metadata"), "metadata", d, _start, "name", "title", "description", "citation", "task");
            if (!meta.Exists) d.Error(_start, "the paradigm needs a 'metadata' section with at least 'name'");
            string name = meta.Required("name");
            string task = meta.String("task", new string(name.Where(char.IsLetterOrDigit).ToArray()));
            if (task.Length == 0 || !task.All(char.IsAsciiLetterOrDigit))
                d.Error(meta.PosOf("task"), $"the task label '{task}' must be ASCII letters and digits only (it names BIDS files)");
            var metadata = new Metadata(name, meta.String("title", name), meta.String("description", ""), meta.String("citation", ""), task);

            var displayStyle = BindDisplay(top);
            var scanner = BindScanner(top, displayStyle.ExpectedRefreshHz);
            _dur = new DurationParser(d, displayStyle.ExpectedRefreshHz, scanner.TrNs);
            BindResponses(top, out string abortKey, out string pauseKey);

            var stim = new MapReader(top.Node("stimuli"), "stimuli", d, _start, "profiles", "participant_photo", "sounds", "caption");
            ProfileTableSpec? profiles = null;
            IReadOnlyList<ProfileInfo> rows = [];
            if (stim.Has("profiles"))
            {
                _profilesDeclared = true;
                var p = new MapReader(stim.Node("profiles"), "stimuli.profiles", d, stim.PosOf("profiles"), "table", "images");
                string? table = ResolvePath(p.Node("table"), "the profile table", mustExist: true, directory: false);
                string? images = p.Has("images") ? ResolvePath(p.Node("images"), "the image folder", mustExist: true, directory: true) : table is null ? null : Path.GetDirectoryName(table);
                if (p.Node("table") == null) d.Error(p.Pos, "stimuli.profiles needs 'table' (a CSV with id, photo, name, age, bio)");
                if (table != null && images != null)
                {
                    profiles = new ProfileTableSpec(table, images, p.PosOf("table"));
                    rows = ReadProfiles(profiles);
                }
            }
            string? selfPhoto = stim.Has("participant_photo") ? ResolvePath(stim.Node("participant_photo"), "the participant photo", mustExist: true, directory: false) : null;
            if (selfPhoto != null) Opens(StimulusKind.Image, selfPhoto, stim.Node("participant_photo")!.Pos, "the participant photo");
            var sounds = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in stim.Entries("sounds"))
            {
                var resolved = ResolvePath(value, $"sound '{key.Value}'", mustExist: true, directory: false);
                if (resolved != null)
                {
                    if (!resolved.EndsWith(".wav", StringComparison.OrdinalIgnoreCase))
                        d.Error(value.Pos, $"sound '{key.Value}' must be a WAV file (.wav)");
                    else Opens(StimulusKind.Sound, resolved, value.Pos, $"sound '{key.Value}'");
                    sounds[key.Value] = resolved;
                }
            }
            string caption = stim.String("caption", "{name}, {age}");
            if (caption.Length > MaxCaptionLength) d.Error(stim.Node("caption")!.Pos, $"the caption is {caption.Length:N0} characters; at most {MaxCaptionLength} (it is one line under a photo)");
            if (stim.Has("caption")) CheckPlaceholders(caption, stim.Node("caption")!.Pos, "the caption");

            var session = new MapReader(top.Node("session"), "session", d, _start, "arms");
            var arms = session.StringList("arms");

            var conditions = BindConditions(top);
            var markers = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (key, value) in top.Entries("markers"))
            {
                if (value is YScalar s && int.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int code) && code is >= 0 and <= 255)
                    markers[key.Value] = code;
                else d.Error(value.Pos, $"marker '{key.Value}' must be a code from 0 to 255 (one byte on a serial or parallel port)");
            }
            var ratings = BindRatings(top);
            var questionnaires = BindQuestionnaires(top);
            var trials = BindTrials(top, conditions, ratings, sounds);
            var phases = BindPhases(top, trials, ratings, questionnaires, conditions, rows, scanner);
            CheckMarkers(top, markers, conditions, ratings, trials, phases);

            if (!top.Has("phases")) d.Error(_start, "the paradigm needs 'phases': the list of what happens, in order");

            return new ParadigmModel
            {
                FilePath = fullPath,
                Text = text,
                Sha256 = sha,
                Version = version,
                Metadata = metadata,
                Display = displayStyle,
                Responses = _responses,
                AbortKey = abortKey,
                PauseKey = pauseKey,
                Scanner = scanner,
                StimuliRoot = ConfinedFiles.TryRealPath(stimuliRoot) ?? stimuliRoot,
                Profiles = profiles,
                ProfileRows = rows,
                ParticipantPhoto = selfPhoto,
                Sounds = sounds,
                Conditions = conditions,
                Markers = markers,
                Ratings = ratings,
                Questionnaires = questionnaires,
                Trials = trials,
                Phases = phases,
                ArmCodes = arms,
                Caption = caption,
                StimulusFiles = _opened,
            };
        }

        private DisplayStyle BindDisplay(MapReader top)
        {
            var r = new MapReader(top.Node("display"), "display", d, _start,
                "background", "foreground", "accent", "refresh_hz", "font", "font_size", "width", "height", "fixation_size");
            string font = Path.Combine(stimuliRoot, "fonts", "DejaVuSans.ttf");
            if (r.Has("font"))
            {
                var named = ResolvePath(r.Node("font"), "the font", mustExist: true, directory: false);
                if (named != null) Opens(StimulusKind.Font, named, r.Node("font")!.Pos, "the font");
                font = named ?? font;
            }
            else Opens(StimulusKind.Font, font, r.Exists ? r.Pos : _start, $"the default font ({Path.GetRelativePath(dir, font)}; name another with display.font)");
            foreach (var key in new[] { "background", "foreground", "accent" })
            {
                var v = r.OptString(key);
                if (v != null && !IsColor(v)) d.Error(r.Node(key)!.Pos, $"'{key}' is '{v}'; write a colour as '#RRGGBB'");
            }
            return new DisplayStyle
            {
                Background = r.String("background", "#202124"),
                Foreground = r.String("foreground", "#F1F3F4"),
                Accent = r.String("accent", "#E91E63"),
                ExpectedRefreshHz = r.Number("refresh_hz", 60, 20, 500),
                FontPath = font,
                FontSize = r.Int("font_size", 40, 8, 200),
                Width = r.Int("width", 1920, 320, 7680),
                Height = r.Int("height", 1080, 240, 4320),
                FixationSize = r.Int("fixation_size", 40, 4, 400),
            };
        }

        private static bool IsColor(string v) =>
            v.Length is 7 or 9 && v[0] == '#' && v[1..].All(char.IsAsciiHexDigit);

        private ScannerSpec BindScanner(MapReader top, double refreshHz)
        {
            var r = new MapReader(top.Node("scanner"), "scanner", d, _start, "modality", "tr", "dummy_scans", "volumes", "trigger", "end");
            var modality = r.Enum("modality", Modality.None, new Dictionary<string, Modality> { ["none"] = Modality.None, ["fmri"] = Modality.Fmri, ["pet"] = Modality.Pet });
            var dp = new DurationParser(d, refreshHz, 0);
            long tr = r.Has("tr") ? dp.ParseFixed(r.Node("tr"), "tr", allowZero: false) ?? 0 : 0;
            if (modality == Modality.Fmri && tr == 0 && !r.Has("tr")) d.Error(r.Pos, "an fMRI scanner needs 'tr' (the repetition time, e.g. '2s')");
            if (tr > 0 && tr < 100_000_000) d.Error(r.PosOf("tr"), "tr is under 100 ms; is the unit right?");
            string trigger = r.String("trigger", modality == Modality.Fmri ? "key:5" : "manual");
            TriggerSpec? triggerSpec = null;
            try { triggerSpec = TriggerSpec.Parse(trigger).CheckTr(tr); }
            catch (DeviceSpecException e) { d.Error(r.PosOf("trigger"), e.Message); }
            if (modality != Modality.Fmri && triggerSpec?.Kind == TriggerKind.Key && r.Has("trigger"))
                d.Warning(r.PosOf("trigger"), "a scanner key trigger without an fMRI modality");
            return new ScannerSpec(
                modality, tr,
                r.Int("dummy_scans", 0, 0, 100),
                r.Int("volumes", 0, 0, 100_000),
                trigger,
                r.Enum("end", RunEnd.AfterLastEvent, new Dictionary<string, RunEnd> { ["after_last_event"] = RunEnd.AfterLastEvent, ["after_volumes"] = RunEnd.AfterVolumes }),
                r.Pos);
        }

        private void BindResponses(MapReader top, out string abortKey, out string pauseKey)
        {
            var keyOwner = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (key, value) in top.Entries("responses"))
            {
                var keys = new List<string>();
                if (value is YScalar s && !s.IsNull) keys.Add(s.Value);
                else if (value is YSequence seq) keys.AddRange(seq.Items.OfType<YScalar>().Select(x => x.Value));
                else d.Error(value.Pos, $"response '{key.Value}' must be a key or a list of keys");
                foreach (var k in keys)
                {
                    if (!KeyNames.IsKnown(k)) d.Error(value.Pos, $"response '{key.Value}': '{k}' is not a key name{Suggest.DidYouMean(k, KeyNames.All)}");
                    if (keyOwner.TryGetValue(k, out var other)) d.Error(value.Pos, $"key '{k}' is mapped to both '{other}' and '{key.Value}'");
                    else keyOwner[k] = key.Value;
                }
                _responses[key.Value] = keys;
            }
            if (!top.Has("responses")) d.Error(_start, "the paradigm needs 'responses': names for the keys the button box sends");
            var r = new MapReader(top.Node("keys"), "keys", d, _start, "abort", "pause");
            abortKey = r.String("abort", "escape");
            pauseKey = r.String("pause", "p");
            foreach (var (k, name) in new[] { (abortKey, "abort"), (pauseKey, "pause") })
            {
                if (!KeyNames.IsKnown(k)) d.Error(r.PosOf(name), $"the {name} key '{k}' is not a key name{Suggest.DidYouMean(k, KeyNames.All)}");
                if (keyOwner.TryGetValue(k, out var owner)) d.Error(r.PosOf(name), $"the {name} key '{k}' is also response '{owner}'");
            }
        }

        private Dictionary<string, ConditionSpec> BindConditions(MapReader top)
        {
            var result = new Dictionary<string, ConditionSpec>(StringComparer.Ordinal);
            foreach (var (key, value) in top.Entries("conditions"))
            {
                var r = new MapReader(value, $"condition '{key.Value}'", d, key.Pos, "feedback", "symbol", "color", "marker");
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
                    key.Pos);
            }
            return result;
        }

        private Dictionary<string, RatingSpec> BindRatings(MapReader top)
        {
            var result = new Dictionary<string, RatingSpec>(StringComparer.Ordinal);
            foreach (var (key, value) in top.Entries("ratings"))
            {
                var r = new MapReader(value, $"rating '{key.Value}'", d, key.Pos,
                    "question", "type", "min", "max", "left", "right", "points", "start", "step", "time_limit", "decrease", "increase", "confirm", "marker");
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
                    points, start, r.Number("step", kind == RatingKind.Likert ? 1 : (max - min) / 50, 1e-6, 1e6), limit, dec, inc, conf, r.Int("marker", 0, 0, 255), key.Pos);
            }
            return result;
        }

        private void CheckResponse(string response, SourcePos pos, string what)
        {
            if (_responses.Count > 0 && !_responses.ContainsKey(response))
                d.Error(pos, $"{what}: '{response}' is not a response{Suggest.DidYouMean(response, _responses.Keys)}; responses: {string.Join(", ", _responses.Keys)}");
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
                        var ir = new MapReader(itemNode, "a questionnaire item", d, itemNode.Pos, "id", "text", "reverse");
                        string id = ir.Required("id");
                        if (!ids.Add(id)) d.Error(ir.PosOf("id"), $"item id '{id}' appears twice");
                        items.Add(new QuestionnaireItem(id, ir.Required("text"), ir.Bool("reverse", false), itemNode.Pos));
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

        private static readonly Dictionary<string, ScreenKindSpec> ScreenKinds = new()
        {
            ["fixation"] = ScreenKindSpec.Fixation, ["blank"] = ScreenKindSpec.Blank, ["profile"] = ScreenKindSpec.Profile,
            ["question"] = ScreenKindSpec.Question, ["feedback"] = ScreenKindSpec.Feedback, ["text"] = ScreenKindSpec.Text,
            ["image"] = ScreenKindSpec.Image, ["rating"] = ScreenKindSpec.Rating,
        };

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
                        "name", "show", "duration", "text", "options", "image", "sound", "rating", "responses", "end_on_response", "marker");
                    var show = s.Enum("show", ScreenKindSpec.Blank, ScreenKinds);
                    if (!s.Has("show")) d.Error(s.Pos, $"a screen needs 'show': one of {string.Join(", ", ScreenKinds.Keys)}");
                    string name = s.String("name", s.OptString("show") ?? "screen");
                    if (!names.Add(name)) d.Error(s.PosOf("name"), $"two screens of trial '{key.Value}' are named '{name}'; give each a distinct 'name'");
                    var duration = _dur.Parse(s.Node("duration"), $"the duration of screen '{name}'");
                    if (s.Node("duration") == null && show != ScreenKindSpec.Rating) d.Error(s.Pos, $"screen '{name}' needs 'duration'");
                    string? rating = s.OptString("rating");
                    if (show == ScreenKindSpec.Rating)
                    {
                        if (rating == null) d.Error(s.Pos, $"rating screen '{name}' needs 'rating': the name of a rating");
                        else if (!ratings.TryGetValue(rating, out var rs)) d.Error(s.PosOf("rating"), $"no rating named '{rating}'{Suggest.DidYouMean(rating, ratings.Keys)}");
                        else duration ??= new FixedDuration(s.Pos, rs.TimeLimitNs);
                    }
                    var options = new List<string>();
                    if (s.Node("options") is { } optNode)
                    {
                        options.AddRange(s.StringList("options"));
                        foreach (var o in options) CheckResponse(o, optNode.Pos, $"screen '{name}' option");
                    }
                    if (show == ScreenKindSpec.Question && options.Count < 2) d.Error(s.Pos, $"question screen '{name}' needs 'options': at least two responses (e.g. [yes, no])");
                    var responses = s.StringList("responses").ToList();
                    foreach (var resp in responses) CheckResponse(resp, s.PosOf("responses"), $"screen '{name}'");
                    if (show == ScreenKindSpec.Question) foreach (var o in options) if (!responses.Contains(o)) responses.Add(o);
                    string? sound = s.OptString("sound");
                    if (sound != null && !sounds.ContainsKey(sound)) d.Error(s.PosOf("sound"), $"no sound named '{sound}'{Suggest.DidYouMean(sound, sounds.Keys)}; define it under stimuli.sounds");
                    string? image = s.Has("image") ? ResolvePath(s.Node("image"), $"the image of screen '{name}'", mustExist: true, directory: false) : null;
                    if (image != null) Opens(StimulusKind.Image, image, s.Node("image")!.Pos, $"the image of screen '{name}' in trial '{key.Value}'");
                    if (show == ScreenKindSpec.Image && image == null && !s.Has("image")) d.Error(s.Pos, $"image screen '{name}' needs 'image'");
                    if (show != ScreenKindSpec.Image && s.Has("image")) d.Error(s.PosOf("image"), $"screen '{name}' shows {s.OptString("show")}, which draws no 'image'; use 'show: image' or remove 'image'");
                    if (show is ScreenKindSpec.Text && s.OptString("text") == null) d.Error(s.Pos, $"text screen '{name}' needs 'text'");
                    screens.Add(new ScreenSpec(name, show, duration ?? new FixedDuration(s.Pos, 0), s.OptString("text"), options, image, sound, rating,
                        responses, s.Bool("end_on_response", false), s.OptInt("marker", 0, 255), node.Pos));
                }
                result[key.Value] = new TrialSpec(key.Value, screens, key.Pos);
            }
            return result;
        }

        private List<PhaseSpec> BindPhases(MapReader top, Dictionary<string, TrialSpec> trials, Dictionary<string, RatingSpec> ratings,
            Dictionary<string, QuestionnaireSpec> questionnaires, Dictionary<string, ConditionSpec> conditions,
            IReadOnlyList<ProfileInfo> profiles, ScannerSpec scanner)
        {
            var result = new List<PhaseSpec>();
            var node = top.Node("phases");
            if (node == null) return result;
            if (node is not YSequence seq || seq.Items.Count == 0)
            {
                d.Error(node.Pos, "'phases' must be a list, e.g. '- instructions: {...}'");
                return result;
            }
            if (seq.Items.Count > 200) d.Error(seq.Pos, "at most 200 phases");
            string[] kinds = ["instructions", "selection", "questionnaire", "rating", "scan", "break", "end"];
            var names = new HashSet<string>(StringComparer.Ordinal);
            SelectionPhase? selection = null;
            int index = 0;
            foreach (var item in seq.Items.Take(200))
            {
                index++;
                if (item is not YMapping m || m.Entries.Count != 1)
                {
                    d.Error(item.Pos, $"each phase is one kind with its settings, e.g. '- scan: {{...}}'; kinds: {string.Join(", ", kinds)}");
                    continue;
                }
                var (kindKey, body) = m.Entries[0];
                string kind = kindKey.Value;
                string defaultName = $"{kind}{index}";
                PhaseSpec? phase = kind switch
                {
                    "instructions" => BindInstructions(body, defaultName),
                    "selection" => selection = BindSelection(body, defaultName, profiles),
                    "questionnaire" => BindQuestionnairePhase(body, defaultName, questionnaires),
                    "rating" => BindRatingPhase(body, defaultName, ratings),
                    "scan" => BindScan(body, defaultName, trials, ratings, conditions, selection, profiles, scanner),
                    "break" => BindBreak(body, defaultName),
                    "end" => BindEnd(body, defaultName),
                    _ => null,
                };
                if (phase == null)
                {
                    if (Array.IndexOf(kinds, kind) < 0)
                        d.Error(kindKey.Pos, $"unknown phase kind '{kind}'{Suggest.DidYouMean(kind, kinds)}; kinds: {string.Join(", ", kinds)}");
                    continue;
                }
                if (!names.Add(phase.Name)) d.Error(kindKey.Pos, $"two phases are named '{phase.Name}'");
                result.Add(phase);
            }
            return result;
        }

        private InstructionsPhase BindInstructions(YNode body, string defaultName)
        {
            var r = new MapReader(body, "instructions", d, body.Pos, "name", "pages", "advance", "auto_advance");
            var pages = new List<InstructionPage>();
            if (r.Node("pages") is YSequence seq)
            {
                foreach (var p in seq.Items.Take(100))
                {
                    if (p is YScalar s) pages.Add(new InstructionPage("", s.Value, s.Pos));
                    else
                    {
                        var pr = new MapReader(p, "an instruction page", d, p.Pos, "title", "text");
                        pages.Add(new InstructionPage(pr.String("title", ""), pr.Required("text"), p.Pos));
                    }
                }
            }
            if (pages.Count == 0) d.Error(r.Pos, "instructions need 'pages': a list of texts or {title, text}");
            string advance = r.String("advance", "confirm");
            CheckResponse(advance, r.PosOf("advance"), "instructions advance");
            long auto = r.Has("auto_advance") ? _dur.ParseFixed(r.Node("auto_advance"), "auto_advance") ?? 0 : 0;
            return new InstructionsPhase(r.String("name", defaultName), pages, advance, auto, r.Pos);
        }

        private SelectionPhase BindSelection(YNode body, string defaultName, IReadOnlyList<ProfileInfo> profiles)
        {
            var r = new MapReader(body, "selection", d, body.Pos, "name", "profiles", "choices", "time_limit", "min_selected", "fallback", "prompt");
            if (profiles.Count == 0 && !_profilesDeclared) d.Error(r.Pos, "a selection phase needs a profile table (stimuli.profiles)");
            int count = r.Int("profiles", Math.Max(1, profiles.Count), 1, 10_000);
            if (profiles.Count > 0 && count > profiles.Count)
                d.Error(r.PosOf("profiles"), $"the selection shows {count} profiles but the table has only {profiles.Count}");
            var choices = new List<SelectionChoice>();
            foreach (var (key, value) in r.Entries("choices"))
            {
                var cr = new MapReader(value, $"choice '{key.Value}'", d, key.Pos, "label", "response", "selects");
                string response = cr.Required("response");
                CheckResponse(response, cr.PosOf("response"), $"choice '{key.Value}'");
                choices.Add(new SelectionChoice(key.Value, cr.String("label", key.Value), response, cr.Bool("selects", false)));
            }
            if (choices.Count < 2) d.Error(r.Pos, "a selection needs 'choices': at least two, e.g. definitely_yes: {label: 'Definitely yes', response: left, selects: true}");
            if (choices.Count > 0 && !choices.Any(c => c.Selects)) d.Error(r.PosOf("choices"), "no choice has 'selects: true'; feedback targets come from selected profiles");
            var dupes = choices.GroupBy(c => c.Response).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            foreach (var dup in dupes) d.Error(r.PosOf("choices"), $"two choices use response '{dup}'");
            long limit = _dur.ParseFixed(r.Node("time_limit"), "time_limit", allowZero: false) ?? 0;
            if (!r.Has("time_limit")) d.Error(r.Pos, "a selection needs 'time_limit' per profile (self-paced, with a limit)");
            var fallback = r.StringList("fallback");
            foreach (var f in fallback)
                if (f is not ("unrated" or "any") && choices.All(c => c.Name != f))
                    d.Error(r.PosOf("fallback"), $"fallback '{f}' is not a choice name, 'unrated' or 'any'{Suggest.DidYouMean(f, choices.Select(c => c.Name).Append("unrated").Append("any"))}");
            int minSelected = r.Int("min_selected", 0, 0, count);
            return new SelectionPhase(r.String("name", defaultName), count, choices, limit, minSelected, fallback,
                r.String("prompt", "Would you like to meet this person?"), r.Pos);
        }

        private QuestionnairePhase BindQuestionnairePhase(YNode body, string defaultName, Dictionary<string, QuestionnaireSpec> questionnaires)
        {
            var r = new MapReader(body, "questionnaire phase", d, body.Pos, "name", "questionnaire");
            string q = r.Required("questionnaire");
            if (q.Length > 0 && !questionnaires.ContainsKey(q)) d.Error(r.PosOf("questionnaire"), $"no questionnaire named '{q}'{Suggest.DidYouMean(q, questionnaires.Keys)}");
            return new QuestionnairePhase(r.String("name", defaultName), q, r.Pos);
        }

        private RatingPhase BindRatingPhase(YNode body, string defaultName, Dictionary<string, RatingSpec> ratings)
        {
            var r = new MapReader(body, "rating phase", d, body.Pos, "name", "ratings");
            var list = r.StringList("ratings");
            if (list.Count == 0) d.Error(r.Pos, "a rating phase needs 'ratings': names of ratings");
            foreach (var name in list)
                if (!ratings.ContainsKey(name)) d.Error(r.PosOf("ratings"), $"no rating named '{name}'{Suggest.DidYouMean(name, ratings.Keys)}");
            return new RatingPhase(r.String("name", defaultName), list, r.Pos);
        }

        private BreakPhase BindBreak(YNode body, string defaultName)
        {
            var r = new MapReader(body, "break", d, body.Pos, "name", "text", "duration", "advance");
            long duration = r.Has("duration") ? _dur.ParseFixed(r.Node("duration"), "duration") ?? 0 : 0;
            string advance = r.String("advance", "confirm");
            CheckResponse(advance, r.PosOf("advance"), "break advance");
            return new BreakPhase(r.String("name", defaultName), r.String("text", "Take a short break."), duration, advance, r.Pos);
        }

        private EndPhase BindEnd(YNode body, string defaultName)
        {
            var r = new MapReader(body, "end", d, body.Pos, "name", "text", "duration");
            long duration = r.Has("duration") ? _dur.ParseFixed(r.Node("duration"), "duration") ?? 0 : 3_000_000_000;
            return new EndPhase(r.String("name", defaultName), r.String("text", "Thank you. The task is over."), duration, r.Pos);
        }

        private ScanPhase? BindScan(YNode body, string defaultName, Dictionary<string, TrialSpec> trials, Dictionary<string, RatingSpec> ratings,
            Dictionary<string, ConditionSpec> conditions, SelectionPhase? selection, IReadOnlyList<ProfileInfo> profiles, ScannerSpec scanner)
        {
            var r = new MapReader(body, "scan", d, body.Pos, "name", "runs", "trial", "blocks", "block_order", "ratings_after_block",
                "ratings_before_run", "rest_after_block", "lead_in", "lead_out", "max_same_in_row", "unique_profiles", "targets", "wait_text");
            string defaultTrial = r.String("trial", trials.Keys.FirstOrDefault() ?? "");
            if (r.Has("trial") && !trials.ContainsKey(defaultTrial)) d.Error(r.PosOf("trial"), $"no trial named '{defaultTrial}'{Suggest.DidYouMean(defaultTrial, trials.Keys)}");
            var blocks = new List<BlockSpec>();
            if (r.Node("blocks") is YSequence seq && seq.Items.Count > 0)
            {
                if (seq.Items.Count > MaxBlocks) d.Error(seq.Pos, $"at most {MaxBlocks} blocks per run");
                int bi = 0;
                foreach (var bn in seq.Items.Take(MaxBlocks))
                {
                    bi++;
                    var br = new MapReader(bn, "a block", d, bn.Pos, "label", "condition", "trials", "mix", "trial", "at_volume");
                    var conds = new List<KeyValuePair<string, int>>();
                    if (br.Has("mix"))
                    {
                        foreach (var (ck, cv) in br.Entries("mix"))
                        {
                            int n = cv is YScalar cs && int.TryParse(cs.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : -1;
                            if (n < 0 || n > MaxTrialsPerBlock) { d.Error(cv.Pos, $"mix count for '{ck.Value}' must be a whole number from 0 to {MaxTrialsPerBlock}"); n = 0; }
                            CheckCondition(ck.Value, ck.Pos, conditions);
                            conds.Add(new(ck.Value, n));
                        }
                        if (br.Has("condition")) d.Error(br.PosOf("condition"), "a block has either 'condition' with 'trials' or 'mix', not both");
                    }
                    else
                    {
                        string c = br.Required("condition");
                        if (c.Length > 0) CheckCondition(c, br.PosOf("condition"), conditions);
                        int n = br.Int("trials", 0, 0, MaxTrialsPerBlock);
                        if (!br.Has("trials")) d.Error(br.Pos, "a block needs 'trials': how many");
                        conds.Add(new(c, n));
                    }
                    string trial = br.String("trial", defaultTrial);
                    if (!trials.ContainsKey(trial) && (br.Has("trial") || !r.Has("trial")))
                        d.Error(br.Has("trial") ? br.PosOf("trial") : bn.Pos, trial.Length == 0 ? "no trial template: define 'trials' and name one with 'trial'" : $"no trial named '{trial}'{Suggest.DidYouMean(trial, trials.Keys)}");
                    int? atVolume = br.OptInt("at_volume", 0, 100_000);
                    if (atVolume != null && scanner.Modality != Modality.Fmri) d.Error(br.PosOf("at_volume"), "'at_volume' needs an fMRI scanner with a TR");
                    blocks.Add(new BlockSpec(br.String("label", $"block{bi}"), conds, trial, atVolume, bn.Pos));
                }
            }
            else d.Error(r.Pos, "a scan needs 'blocks': a list of {condition, trials} or {mix: {...}}");
            var order = r.Enum("block_order", BlockOrder.Fixed, new Dictionary<string, BlockOrder>
            {
                ["fixed"] = BlockOrder.Fixed, ["shuffle"] = BlockOrder.Shuffle, ["latin_square"] = BlockOrder.LatinSquare, ["abba"] = BlockOrder.Abba,
            });
            if (order == BlockOrder.Abba && blocks.Count != 2) d.Error(r.PosOf("block_order"), $"ABBA counterbalancing takes exactly two blocks (A and B); this scan has {blocks.Count}");
            if (order != BlockOrder.Fixed && blocks.Any(b => b.AtVolume != null)) d.Error(r.PosOf("block_order"), "blocks locked to volumes ('at_volume') must keep a fixed order");
            var after = r.StringList("ratings_after_block");
            var before = r.StringList("ratings_before_run");
            foreach (var name in after.Concat(before))
                if (!ratings.ContainsKey(name)) d.Error(r.PosOf(after.Contains(name) ? "ratings_after_block" : "ratings_before_run"), $"no rating named '{name}'{Suggest.DidYouMean(name, ratings.Keys)}");
            var rest = _dur.Parse(r.Node("rest_after_block"), "rest_after_block");
            long leadIn = r.Has("lead_in") ? _dur.ParseFixed(r.Node("lead_in"), "lead_in") ?? 0 : 0;
            long leadOut = r.Has("lead_out") ? _dur.ParseFixed(r.Node("lead_out"), "lead_out") ?? 0 : 0;
            var targets = r.Enum("targets", selection != null ? TargetSource.Selected : TargetSource.All,
                new Dictionary<string, TargetSource> { ["selected"] = TargetSource.Selected, ["all"] = TargetSource.All });
            if (targets == TargetSource.Selected && selection == null) d.Error(r.PosOf("targets"), "targets: selected needs a selection phase before this scan");
            bool unique = r.Bool("unique_profiles", true);
            int maxTrials = blocks.Count == 0 ? 0 : blocks.Sum(b => b.TrialCount);
            bool usesProfiles = blocks.Any(b => trials.TryGetValue(b.Trial, out var t) && t.Screens.Any(s => s.Show is ScreenKindSpec.Profile or ScreenKindSpec.Feedback or ScreenKindSpec.Question));
            if (usesProfiles && profiles.Count == 0 && !_profilesDeclared) d.Error(r.Pos, "the trials show profiles but the paradigm has no profile table (stimuli.profiles)");
            if (unique && usesProfiles)
            {
                int pool = targets == TargetSource.Selected ? selection?.ProfileCount ?? 0 : profiles.Count;
                if (pool > 0 && maxTrials > pool)
                    d.Error(r.PosOf("blocks"), $"unsatisfiable: a run has {maxTrials} trials but only {pool} profiles can be targets, and unique_profiles forbids a profile twice in a run; add profiles, use fewer trials or set unique_profiles: false");
            }
            int maxSame = r.Int("max_same_in_row", 0, 0, 1000);
            if (maxSame > 0)
            {
                foreach (var b in blocks)
                {
                    int total = b.TrialCount;
                    foreach (var (cond, n) in b.Conditions)
                    {
                        // n items of one condition need at least ceil(n / maxSame) - 1 separators from the others.
                        int others = total - n;
                        if (n > 0 && (n + maxSame - 1) / maxSame - 1 > others)
                            d.Error(b.Pos, $"unsatisfiable: block '{b.Label}' has {n} '{cond}' trials and only {others} others, so 'max_same_in_row: {maxSame}' cannot hold");
                    }
                }
            }
            return new ScanPhase(r.String("name", defaultName), r.Int("runs", 1, 1, MaxRuns), blocks, order, after, before, rest, leadIn, leadOut,
                maxSame, unique, targets, r.String("wait_text", "The task will begin shortly.\nPlease keep still."), r.Pos);
        }

        /// <summary>
        /// Every marker must be able to reach the marker outputs: a 'markers' entry names a screen (or lead_in,
        /// lead_out, rest, selection) that some run shows without a marker of its own, and a condition's marker needs a
        /// feedback screen without its own 'marker:' in a block of that condition. A misspelt or shadowed marker would
        /// otherwise be missing from the scanner log with no word.
        /// </summary>
        private void CheckMarkers(MapReader top, Dictionary<string, int> markers, Dictionary<string, ConditionSpec> conditions,
            Dictionary<string, RatingSpec> ratings, Dictionary<string, TrialSpec> trials, List<PhaseSpec> phases)
        {
            var scans = phases.OfType<ScanPhase>().ToList();
            // The conditions each trial template runs with, over every scan.
            var trialConditions = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            foreach (var block in scans.SelectMany(scan => scan.Blocks))
            {
                if (!trialConditions.TryGetValue(block.Trial, out var set)) trialConditions[block.Trial] = set = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (condition, n) in block.Conditions) if (n > 0) set.Add(condition);
            }
            var specials = new Dictionary<string, bool>(StringComparer.Ordinal)
            {
                ["lead_in"] = scans.Any(x => x.LeadInNs > 0),
                ["lead_out"] = scans.Any(x => x.LeadOutNs > 0),
                ["rest"] = scans.Any(x => x.RestAfterBlock != null && (x.Blocks.Count > 1 || x.Order == BlockOrder.Abba)),
                ["selection"] = phases.OfType<SelectionPhase>().Any(),
            };
            var screenNames = trials.Values.SelectMany(t => t.Screens.Select(x => x.Name)).Distinct().ToList();
            foreach (var (key, _) in top.Entries("markers"))
            {
                string name = key.Value;
                if (!markers.TryGetValue(name, out int code)) continue;
                var screens = trials.Values.SelectMany(t => t.Screens.Select(x => (Trial: t, Screen: x))).Where(x => x.Screen.Name == name).ToList();
                if (screens.Count == 0 && !specials.ContainsKey(name))
                {
                    if (ratings.ContainsKey(name))
                        d.Error(key.Pos, $"'{name}' is a rating: its marker is its own 'marker:' (under ratings.{name}); 'markers' names screens of trials, lead_in, lead_out, rest and selection");
                    else
                        d.Error(key.Pos, $"no screen named '{name}'{Suggest.DidYouMean(name, screenNames.Concat(specials.Keys))}; 'markers' names screens of trials ({string.Join(", ", screenNames)}), lead_in, lead_out, rest and selection");
                    continue;
                }
                if (code == 0 || specials.GetValueOrDefault(name)) continue;
                bool sent = screens.Any(x => x.Screen.Marker == null && trialConditions.TryGetValue(x.Trial.Name, out var conds)
                    && (x.Screen.Show != ScreenKindSpec.Feedback || conds.Any(c => !conditions.TryGetValue(c, out var cs) || cs.Marker == 0)));
                if (sent) continue;
                string why = specials.ContainsKey(name) && screens.Count == 0 ? name switch
                {
                    "selection" => "the paradigm has no selection phase",
                    "rest" => "no scan has 'rest_after_block' between two blocks",
                    _ => $"no scan has a '{name}'",
                }
                : screens.All(x => x.Screen.Marker != null) ? $"every screen named '{name}' has its own 'marker:'"
                : !screens.Any(x => trialConditions.ContainsKey(x.Trial.Name)) ? $"no scan runs a trial with a screen named '{name}'"
                : "it names a feedback screen, and the conditions' own markers take its place there";
                d.Error(key.Pos, $"marker '{name}' can never be sent: {why}; remove it or fix the name");
            }
            foreach (var (name, condition) in conditions)
            {
                var used = trialConditions.Where(t => t.Value.Contains(name)).Select(t => t.Key).ToList();
                if (used.Count == 0)
                {
                    d.Warning(condition.Pos, $"condition '{name}' is used by no block of any scan");
                    continue;
                }
                if (condition.Marker == 0) continue;
                bool sent = used.Any(t => trials.TryGetValue(t, out var trial) && trial.Screens.Any(x => x.Show == ScreenKindSpec.Feedback && x.Marker == null));
                if (!sent)
                    d.Error(_conditionMarkerPos.GetValueOrDefault(name, condition.Pos),
                        $"the marker of condition '{name}' can never be sent: it marks feedback screens, and no trial of a '{name}' block has a feedback screen without its own 'marker:'");
            }
        }

        private static readonly string[] Placeholders = ["name", "age", "id", "bio"];

        /// <summary>Texts filled from the profile table take {name}, {age}, {id} and {bio}; anything else would show as typed.</summary>
        private void CheckPlaceholders(string text, SourcePos pos, string what)
        {
            foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(text, @"\{([^{}]*)\}"))
            {
                string name = m.Groups[1].Value;
                if (Array.IndexOf(Placeholders, name) < 0)
                    d.Error(pos, $"{what} has '{{{name}}}', which is no placeholder{Suggest.DidYouMean(name, Placeholders)}; it would be shown as typed. Placeholders: {{name}}, {{age}}, {{id}}, {{bio}}");
            }
        }

        private void CheckCondition(string name, SourcePos pos, Dictionary<string, ConditionSpec> conditions)
        {
            if (!conditions.ContainsKey(name))
                d.Error(pos, $"no condition named '{name}'{Suggest.DidYouMean(name, conditions.Keys)}; define it under 'conditions'");
        }

        /// <summary>Resolves a path from the file; it must stay inside the paradigm's folder or the stimuli root.</summary>
        private string? ResolvePath(YNode? node, string what, bool mustExist, bool directory)
        {
            if (node is not YScalar s || s.IsNull || s.Value.Length == 0)
            {
                if (node != null) d.Error(node.Pos, $"{what} must be a path");
                return null;
            }
            string value = s.Value;
            if (value.Contains('\0') || value.Length > 1024)
            {
                d.Error(s.Pos, $"{what} is not a usable path");
                return null;
            }
            var check = _files.Check(Path.Combine(dir, value), directory);
            if (check.Refusal == Refusal.Leaves)
            {
                d.Error(s.Pos, $"{what} '{value}' leaves {RootsText}; paradigm files may read only inside them");
                return null;
            }
            if (check.Refusal == Refusal.Missing && !mustExist) return check.RealPath;
            if (!check.Ok)
            {
                d.Error(s.Pos, $"{what} '{value}' {check.Reason(RootsText)}");
                return null;
            }
            return check.RealPath;
        }

        private List<ProfileInfo> ReadProfiles(ProfileTableSpec spec)
        {
            var result = new List<ProfileInfo>();
            List<string[]> rows;
            try
            {
                rows = Csv.Parse(Csv.DecodeUtf8(_files.ReadAllBytes(spec.TablePath, FileLimits.Table)));
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
            {
                d.Error(spec.Pos, $"the profile table {Path.GetFileName(spec.TablePath)} cannot be read: {e.Message}");
                return result;
            }
            if (rows.Count == 0)
            {
                d.Error(spec.Pos, $"the profile table {Path.GetFileName(spec.TablePath)} is empty");
                return result;
            }
            if (rows.Count == 1)
            {
                d.Error(spec.Pos, $"the profile table {Path.GetFileName(spec.TablePath)} has a header but no profiles; add one row per profile");
                return result;
            }
            var header = rows[0].Select(h => h.Trim()).ToArray();
            string[] required = ["id", "photo", "name", "age", "bio"];
            var missing = required.Where(c => Array.IndexOf(header, c) < 0).ToList();
            if (missing.Count > 0)
            {
                d.Error(spec.Pos, $"the profile table {Path.GetFileName(spec.TablePath)} lacks column(s) {string.Join(", ", missing)}; it has {string.Join(", ", header)}");
                return result;
            }
            int iId = Array.IndexOf(header, "id"), iPhoto = Array.IndexOf(header, "photo"), iName = Array.IndexOf(header, "name"),
                iAge = Array.IndexOf(header, "age"), iBio = Array.IndexOf(header, "bio");
            var ids = new HashSet<string>(StringComparer.Ordinal);
            int problems = 0;
            for (int i = 1; i < rows.Count; i++)
            {
                var row = rows[i];
                string where = $"the profile table {Path.GetFileName(spec.TablePath)}, row {i + 1}";
                if (row.Length != header.Length)
                {
                    if (problems++ < 20) d.Error(spec.Pos, $"{where} has {row.Length} fields; the header has {header.Length}");
                    continue;
                }
                string id = row[iId].Trim();
                if (id.Length == 0 || !ids.Add(id))
                {
                    if (problems++ < 20) d.Error(spec.Pos, $"{where}: id '{id}' is empty or repeated");
                    continue;
                }
                if (!int.TryParse(row[iAge], NumberStyles.Integer, CultureInfo.InvariantCulture, out int age) || age is < 18 or > 120)
                {
                    if (problems++ < 20) d.Error(spec.Pos, $"{where}: age '{row[iAge]}' must be a whole number from 18 to 120");
                    continue;
                }
                string name = row[iName].Trim(), bio = row[iBio].Trim();
                if (name.Length > MaxNameLength || bio.Length > MaxBioLength)
                {
                    if (problems++ < 20)
                        d.Error(spec.Pos, name.Length > MaxNameLength
                            ? $"{where}: the name is {name.Length:N0} characters; at most {MaxNameLength}"
                            : $"{where}: the bio is {bio.Length:N0} characters; at most {MaxBioLength:N0} (a card shows a few lines)");
                    continue;
                }
                string photoName = row[iPhoto].Trim();
                if (photoName.Length == 0 || photoName.Contains('\0') || photoName.Length > 1024)
                {
                    if (problems++ < 20) d.Error(spec.Pos, $"{where}: photo '{photoName}' is not a usable file name");
                    continue;
                }
                var photoCheck = _files.Check(Path.Combine(spec.ImagesFolder, photoName));
                string photo = photoCheck.RealPath;
                if (photoCheck.Refusal == Refusal.Leaves)
                {
                    if (problems++ < 20) d.Error(spec.Pos, $"{where}: photo '{row[iPhoto]}' leaves {RootsText}");
                    continue;
                }
                if (photoCheck.Refusal == Refusal.Missing)
                {
                    if (problems++ < 20) d.Error(spec.Pos, $"{where}: photo '{row[iPhoto]}' does not exist in {Path.GetRelativePath(dir, spec.ImagesFolder)}");
                    continue;
                }
                if (!photoCheck.Ok)
                {
                    if (problems++ < 20) d.Error(spec.Pos, $"{where}: photo '{row[iPhoto]}' {photoCheck.Reason(RootsText)}");
                    continue;
                }
                result.Add(new ProfileInfo(id, name, age, bio, photo));
                Opens(StimulusKind.Image, photo, spec.Pos, $"the photo of profile '{id}' in row {i + 1} of {Path.GetFileName(spec.TablePath)}");
            }
            if (problems > 20) d.Error(spec.Pos, $"… and {problems - 20} more problems in the profile table");
            return result;
        }
    }
}
