using ExperimentRunner.Core.Files;

namespace ExperimentRunner.Core.Paradigm;

public static partial class ParadigmLoader
{
    /// <summary>
    /// Turns the YAML tree of one paradigm file into the model, section by section, reporting every problem into
    /// <c>d</c>. Each group of sections has its own file (Settings, Stimuli, Definitions, Phases, Markers); this one
    /// holds the state, the order of the sections and the checks they share (responses, placeholders, conditions,
    /// colours, paths).
    /// </summary>
    private sealed partial class Binder(Diagnostics d, string file, string dir, string stimuliRoot)
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

            var (profiles, rows, selfPhoto, sounds, caption) = BindStimuli(top);

            var session = new MapReader(top.Node("session"), "session", d, _start, "arms");
            var arms = session.StringList("arms");

            BindSessionStimuli(top);
            var conditions = BindConditions(top);
            var markers = BindMarkers(top);
            var ratings = BindRatings(top);
            var questionnaires = BindQuestionnaires(top);
            var games = BindGames(top, conditions);
            var trials = BindTrials(top, conditions, ratings, sounds);
            CheckSlotsShown(top, trials);
            CheckPredictionsDeclared(trials, conditions);
            var phases = BindPhases(top, trials, ratings, questionnaires, conditions, rows, scanner);
            CheckTrialColumns(phases, trials, conditions, sounds);
            CheckGames(games, trials, phases);
            CheckMarkers(top, markers, conditions, ratings, trials, phases);
            CheckProfileColumns(profiles, caption, conditions, trials, phases);
            var design = BindDesign(top);

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
                TableImages = _tableImages,
                SessionStimulusSlots = _slots,
                Games = games,
                Design = design,
            };
        }

        private void CheckResponse(string response, SourcePos pos, string what)
        {
            if (_responses.Count > 0 && !_responses.ContainsKey(response))
                d.Error(pos, $"{what}: '{response}' is not a response{Suggest.DidYouMean(response, _responses.Keys)}; responses: {string.Join(", ", _responses.Keys)}");
        }

        /// <summary>Texts filled from the profile table take {name}, {age}, {id} and {bio} (<see cref="Placeholders"/>); anything else would show as typed.</summary>
        private void CheckPlaceholders(string text, SourcePos pos, string what, Placeholders.Use use = Placeholders.Use.ProfileText)
        {
            var known = Placeholders.Known(use);
            foreach (string name in Placeholders.Names(text))
            {
                if (!known.Contains(name))
                    d.Error(pos, $"{what} has '{{{name}}}', which is no placeholder{Suggest.DidYouMean(name, known)}; it would be shown as typed. Placeholders: {string.Join(", ", known.Select(k => "{" + k + "}"))}");
            }
        }

        private void CheckCondition(string name, SourcePos pos, Dictionary<string, ConditionSpec> conditions)
        {
            if (!conditions.ContainsKey(name))
                d.Error(pos, $"no condition named '{name}'{Suggest.DidYouMean(name, conditions.Keys)}; define it under 'conditions'");
        }

        private static bool IsColor(string v) =>
            v.Length is 7 or 9 && v[0] == '#' && v[1..].All(char.IsAsciiHexDigit);

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
    }
}
