using System.Globalization;

namespace ExperimentRunner.Core.Paradigm;

public static partial class ParadigmLoader
{
    // The phases, in order: instructions, selection, questionnaire, rating, scan (blocks, order, randomisation limits), break, end.
    private sealed partial class Binder
    {
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
                body = TakeKey(body, "session", out YNode? sessionNode);
                body = TakeKey(body, kind == "scan" ? "earlier" : "", out YNode? earlierNode);
                string defaultName = $"{kind}{index}";
                PhaseSpec? phase = kind switch
                {
                    "instructions" => BindInstructions(body, defaultName),
                    "selection" => selection = BindSelection(body, defaultName, profiles),
                    "questionnaire" => BindQuestionnairePhase(body, defaultName, questionnaires, ratings),
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
                phase = WithSessions(phase, sessionNode, earlierNode, result);
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
                var cr = new MapReader(value, $"choice '{key.Value}'", d, key.Pos, "label", "response", "selects", "expects");
                string response = cr.Required("response");
                CheckResponse(response, cr.PosOf("response"), $"choice '{key.Value}'");
                choices.Add(new SelectionChoice(key.Value, cr.String("label", key.Value), response, cr.Bool("selects", false)) { Expects = ValenceOf(cr, "expects") });
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

        private QuestionnairePhase BindQuestionnairePhase(YNode body, string defaultName, Dictionary<string, QuestionnaireSpec> questionnaires,
            Dictionary<string, RatingSpec> ratings)
        {
            var r = new MapReader(body, "questionnaire phase", d, body.Pos, "name", "questionnaire");
            string q = r.Required("questionnaire");
            if (q.Length > 0 && !questionnaires.ContainsKey(q)) d.Error(r.PosOf("questionnaire"), $"no questionnaire named '{q}'{Suggest.DidYouMean(q, questionnaires.Keys)}");
            // Its answers are moved and confirmed with the first rating's decrease/increase/confirm responses.
            if (ratings.Count == 0)
                d.Error(r.Pos, "a questionnaire phase needs a rating under 'ratings:': the first rating's decrease, increase and confirm responses move and confirm each answer");
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
                    var br = new MapReader(bn, "a block", d, bn.Pos, "label", "condition", "trials", "mix", "trial", "at_volume", "table", "constraints");
                    if (br.Has("table"))
                    {
                        blocks.Add(BindTableBlock(br, br.String("label", $"block{bi}"), BlockTrial(br, bn, r, defaultTrial, trials), OptVolume(br, scanner), bn.Pos, conditions));
                        if (br.Has("mix")) d.Error(br.PosOf("mix"), "a block has either 'table' or 'mix', not both");
                        continue;
                    }
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
                    string trial = BlockTrial(br, bn, r, defaultTrial, trials);
                    int? atVolume = OptVolume(br, scanner);
                    string blockLabel = br.String("label", $"block{bi}");
                    blocks.Add(new BlockSpec(blockLabel, conds, trial, atVolume, bn.Pos)
                    {
                        Constraints = BindConstraints(br, conds.SelectMany(c => conditions.GetValueOrDefault(c.Key)?.Columns.Keys ?? []).Append("condition").Distinct().ToList(), $"block '{blockLabel}'"),
                    });
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
            bool usesProfiles = blocks.Any(b => trials.TryGetValue(b.Trial, out var t) && t.Screens.Any(s => s.ShowsProfile));
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
                foreach (var b in blocks.Where(b => b.Table == null))
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

        private string BlockTrial(MapReader br, YNode bn, MapReader scan, string defaultTrial, Dictionary<string, TrialSpec> trials)
        {
            string trial = br.String("trial", defaultTrial);
            if (!trials.ContainsKey(trial) && (br.Has("trial") || !scan.Has("trial")))
                d.Error(br.Has("trial") ? br.PosOf("trial") : bn.Pos, trial.Length == 0 ? "no trial template: define 'trials' and name one with 'trial'" : $"no trial named '{trial}'{Suggest.DidYouMean(trial, trials.Keys)}");
            return trial;
        }

        private int? OptVolume(MapReader br, ScannerSpec scanner)
        {
            int? atVolume = br.OptInt("at_volume", 0, 100_000);
            if (atVolume != null && scanner.Modality != Modality.Fmri) d.Error(br.PosOf("at_volume"), "'at_volume' needs an fMRI scanner with a TR");
            return atVolume;
        }
    }
}
