using System.Globalization;
using System.Text.RegularExpressions;
using ExperimentRunner.Core.Files;

namespace ExperimentRunner.Core.Paradigm;

public static partial class ParadigmLoader
{
    // Trial tables: a block's trials from a CSV (read through the confined files), its constraints, the {column}
    // placeholders of the screens its trials show, and the values each row gives them (checked here, at validate).
    private sealed partial class Binder
    {
        private readonly Dictionary<string, TrialTable?> _tables = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _tableImages = new(StringComparer.Ordinal);
        // Where each screen's templated fields were written, for errors at the key.
        private readonly Dictionary<ScreenSpec, Dictionary<string, SourcePos>> _fieldPos = new(ReferenceEqualityComparer.Instance);

        private static readonly Regex PlaceholderPattern = new(@"\{([^{}]*)\}", RegexOptions.CultureInvariant);

        private static bool IsTemplate(string? value) => value != null && value.Contains('{');

        private static IEnumerable<string> PlaceholdersIn(string? text) =>
            text == null ? [] : PlaceholderPattern.Matches(text).Select(m => m.Groups[1].Value);

        /// <summary>Fills {column} from a row; columns the row lacks stay as typed (validate reports them first).</summary>
        public static string FillRow(string template, IReadOnlyDictionary<string, string> row) =>
            PlaceholderPattern.Replace(template, m => row.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);

        /// <summary>Remembers where a screen's templated fields sit, and reads its 'correct' and 'series'.</summary>
        private ScreenSpec BindScreenExtras(MapReader s, ScreenSpec screen)
        {
            var positions = new Dictionary<string, SourcePos>(StringComparer.Ordinal);
            foreach (var key in new[] { "text", "image", "sound", "marker", "correct" })
                if (s.Node(key) is { } n) positions[key] = n.Pos;
            string? correct = s.OptString("correct");
            if (correct != null && !IsTemplate(correct))
            {
                CheckResponse(correct, s.Node("correct")!.Pos, $"the correct answer of screen '{screen.Name}'");
                if (screen.Responses.Count > 0 && !screen.Responses.Contains(correct))
                    d.Error(s.Node("correct")!.Pos, $"screen '{screen.Name}' is correct on '{correct}', which is not one of its responses ({string.Join(", ", screen.Responses)})");
            }
            if (correct != null && screen.Responses.Count == 0)
                d.Error(s.Node("correct")!.Pos, $"screen '{screen.Name}' has a correct answer but takes no responses; add 'responses'");
            string? marker = s.Node("marker") is YScalar { IsNull: false } ms && IsTemplate(ms.Value) ? ms.Value : null;
            var series = s.Has("series") ? BindSeries(s.Node("series")!, screen.Name) : null;
            var result = screen with { Correct = correct, MarkerTemplate = marker, Series = series };
            _fieldPos[result] = positions;
            return result;
        }

        private SeriesSpec? BindSeries(YNode node, string screen)
        {
            var r = new MapReader(node, $"the series of screen '{screen}'", d, node.Pos, "count", "items", "constraints");
            int count = r.Int("count", 0, 1, 1000);
            if (!r.Has("count")) d.Error(r.Pos, $"the series of screen '{screen}' needs 'count': how many screens");
            var items = new List<IReadOnlyDictionary<string, string>>();
            if (r.Node("items") is YSequence seq && seq.Items.Count > 0)
            {
                foreach (var item in seq.Items.Take(1000))
                {
                    var values = new Dictionary<string, string>(StringComparer.Ordinal);
                    if (item is YMapping m)
                        foreach (var (k, v) in m.Entries)
                        {
                            if (v is YScalar sv) values[k.Value] = sv.Value;
                            else d.Error(v.Pos, $"series item '{k.Value}' must be a text value");
                        }
                    else d.Error(item.Pos, "each series item is a mapping of column to value, e.g. {arrow: '<', answer: left}");
                    items.Add(values);
                }
                var first = items[0].Keys.ToHashSet();
                foreach (var (item, i) in items.Select((x, i) => (x, i)))
                    if (!item.Keys.ToHashSet().SetEquals(first)) d.Error(seq.Items[i].Pos, $"series item {i + 1} has columns {string.Join(", ", item.Keys)}; the first has {string.Join(", ", first)}");
            }
            else d.Error(r.Pos, $"the series of screen '{screen}' needs 'items': a list of {{column: value}} drawn per screen");
            if (items.Count > 0 && count % items.Count != 0)
                d.Error(r.PosOf("count"), $"unsatisfiable: a balanced series shows each of its {items.Count} items equally often, so 'count' must be a multiple of {items.Count} (it is {count})");
            var columns = items.Count > 0 ? items[0].Keys.ToList() : [];
            var constraints = BindConstraints(r, columns, $"the series of screen '{screen}'");
            CheckOrderFeasible(items.Count == 0 ? [] : Enumerable.Range(0, count).Select(i => items[i % items.Count]).ToList(), constraints, $"the series of screen '{screen}'");
            return new SeriesSpec(count, items, constraints, node.Pos);
        }

        private IReadOnlyDictionary<string, string> BindConditionColumns(MapReader r, string condition)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (k, v) in r.Entries("columns"))
            {
                if (v is YScalar s && !s.IsNull) result[k.Value] = s.Value;
                else d.Error(v.Pos, $"column '{k.Value}' of condition '{condition}' must be a text value");
            }
            return result;
        }

        /// <summary>The table of a block: read once per file, whatever the number of blocks that name it.</summary>
        private TrialTable? ReadTable(YNode node)
        {
            string? path = ResolvePath(node, "the trial table", mustExist: true, directory: false);
            if (path == null) return null;
            if (_tables.TryGetValue(path, out var known)) return known;
            string name = ((YScalar)node).Value;
            TrialTable? table = null;
            try
            {
                var rows = Csv.Parse(Csv.DecodeUtf8(_files.ReadAllBytes(path, FileLimits.Table)));
                if (rows.Count < 2) d.Error(node.Pos, $"the trial table {name} has {(rows.Count == 0 ? "no header" : "a header but no rows")}; one row a trial, with a header of column names");
                else
                {
                    var header = rows[0].Select(h => h.Trim()).ToArray();
                    var bad = header.FirstOrDefault(h => h.Length == 0 || !h.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'));
                    var dup = header.GroupBy(h => h).FirstOrDefault(g => g.Count() > 1)?.Key;
                    if (bad != null) d.Error(node.Pos, $"the trial table {name} has a column named '{bad}'; column names are letters, digits and '_' (they are used as {{column}})");
                    else if (dup != null) d.Error(node.Pos, $"the trial table {name} has two columns named '{dup}'");
                    else
                    {
                        var list = new List<TableRow>();
                        int problems = 0;
                        for (int i = 1; i < rows.Count; i++)
                        {
                            if (rows[i].Length != header.Length)
                            {
                                if (problems++ < 10) d.Error(node.Pos, $"the trial table {name}, row {i + 1} has {rows[i].Length} fields; the header has {header.Length}");
                                continue;
                            }
                            list.Add(new TableRow(i, header.Select((h, j) => (h, v: rows[i][j].Trim())).ToDictionary(x => x.h, x => x.v, StringComparer.Ordinal)));
                        }
                        if (list.Count > MaxTrialsPerBlock * 10) d.Error(node.Pos, $"the trial table {name} has {list.Count:N0} rows; at most {MaxTrialsPerBlock * 10:N0}");
                        table = new TrialTable(path, name, header, list, node.Pos);
                    }
                }
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException or ConfinedFileException)
            {
                d.Error(node.Pos, $"the trial table {name} cannot be read: {e.Message}");
            }
            _tables[path] = table;
            return table;
        }

        /// <summary>A table block: its table, how many trials, where the condition comes from, its constraints.</summary>
        private BlockSpec BindTableBlock(MapReader br, string label, string trial, int? atVolume, SourcePos pos, Dictionary<string, ConditionSpec> conditions)
        {
            var table = ReadTable(br.Node("table")!);
            int rows = table?.Rows.Count ?? 0;
            int n = br.Has("trials") ? br.Int("trials", rows, 1, MaxTrialsPerBlock) : Math.Min(rows, MaxTrialsPerBlock);
            string? conditionColumn = null;
            string? fixedCondition = null;
            var cond = br.OptString("condition");
            if (cond != null && PlaceholderPattern.Match(cond) is { Success: true } m && m.Value == cond)
            {
                conditionColumn = m.Groups[1].Value;
                if (table != null && !table.Columns.Contains(conditionColumn))
                    d.Error(br.Node("condition")!.Pos, $"the trial table {table.Name} has no column '{conditionColumn}'{Suggest.DidYouMean(conditionColumn, table.Columns)}; it has {string.Join(", ", table.Columns)}");
            }
            else if (cond != null)
            {
                fixedCondition = cond;
                CheckCondition(cond, br.PosOf("condition"), conditions);
            }
            else if (table != null && table.Columns.Contains("condition")) conditionColumn = "condition";
            var columns = (table?.Columns ?? []).Append("condition").Distinct().ToList();
            var constraints = BindConstraints(br, columns, $"block '{label}'");
            if (table != null)
            {
                if (constraints.NoRowTwice && n > rows)
                    d.Error(br.Has("trials") ? br.PosOf("trials") : pos, $"unsatisfiable: block '{label}' draws {n} trials from {rows} rows of {table.Name}, and no_row_twice forbids a row twice in a run");
                foreach (var column in constraints.Balance)
                {
                    int values = table.Rows.Select(r => ValueOf(r.Values, column, conditionColumn, fixedCondition ?? label)).Distinct().Count();
                    if (values > 0 && n % values != 0)
                        d.Error(constraints.Pos, $"unsatisfiable: block '{label}' balances '{column}' over its {values} values, so its {n} trials must be a multiple of {values}");
                }
                if (table.Rows.Count > 0)
                {
                    // The order constraints on the rows as drawn: each row equally often is the typical draw.
                    var sample = Enumerable.Range(0, n).Select(i => Row(table.Rows[i % table.Rows.Count].Values, conditionColumn, fixedCondition ?? label)).ToList();
                    CheckOrderFeasible(sample, constraints, $"block '{label}'");
                }
            }
            string conditionLabel = fixedCondition ?? (conditionColumn != null ? $"{{{conditionColumn}}}" : label);
            return new BlockSpec(label, [new(conditionLabel, n)], trial, atVolume, pos)
            {
                Table = table, ConditionColumn = conditionColumn, Constraints = constraints,
            };
        }

        private static string ValueOf(IReadOnlyDictionary<string, string> row, string column, string? conditionColumn, string condition) =>
            column == "condition" && conditionColumn == null ? condition : row.GetValueOrDefault(column, "");

        private static IReadOnlyDictionary<string, string> Row(IReadOnlyDictionary<string, string> values, string? conditionColumn, string condition)
        {
            var row = new Dictionary<string, string>(values, StringComparer.Ordinal);
            row["condition"] = conditionColumn != null ? values.GetValueOrDefault(conditionColumn, "") : condition;
            return row;
        }

        /// <summary>'constraints:' of a block or a series, over <paramref name="columns"/>.</summary>
        private RowConstraints BindConstraints(MapReader owner, IReadOnlyList<string> columns, string what)
        {
            if (!owner.Has("constraints")) return RowConstraints.None;
            var r = new MapReader(owner.Node("constraints"), $"the constraints of {what}", d, owner.PosOf("constraints"), "max_in_row", "min_distance", "no_row_twice", "balance");
            List<KeyValuePair<string, int>> Limits(string key, int min)
            {
                var list = new List<KeyValuePair<string, int>>();
                foreach (var (k, v) in r.Entries(key))
                {
                    if (!columns.Contains(k.Value)) d.Error(k.Pos, $"{what} has no column '{k.Value}'{Suggest.DidYouMean(k.Value, columns)}; columns: {string.Join(", ", columns)}");
                    int n = v is YScalar s && int.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int x) ? x : -1;
                    if (n < min || n > 1000) { d.Error(v.Pos, $"'{key}' for '{k.Value}' must be a whole number from {min} to 1000"); continue; }
                    list.Add(new(k.Value, n));
                }
                return list;
            }
            var balance = r.StringList("balance");
            foreach (var b in balance)
                if (!columns.Contains(b)) d.Error(r.PosOf("balance"), $"{what} balances '{b}', which is no column{Suggest.DidYouMean(b, columns)}; columns: {string.Join(", ", columns)}");
            return new RowConstraints(Limits("max_in_row", 1), Limits("min_distance", 1), r.Bool("no_row_twice", false), balance, r.Pos);
        }

        /// <summary>
        /// What no order can satisfy, found from the counts alone: n equal values with at most k in a row need
        /// ceil(n/k) − 1 others between; n equal values d apart need (n − 1)·d + 1 trials.
        /// </summary>
        private void CheckOrderFeasible(IReadOnlyList<IReadOnlyDictionary<string, string>> rows, RowConstraints c, string what)
        {
            int total = rows.Count;
            foreach (var (column, max) in c.MaxInRow.Where(m => rows.Any(r => r.ContainsKey(m.Key))))
                foreach (var g in rows.GroupBy(r => r.GetValueOrDefault(column, "")))
                {
                    int n = g.Count();
                    if ((n + max - 1) / max - 1 > total - n)
                    {
                        d.Error(c.Pos, $"unsatisfiable: {what} has {n} trials with {column} '{g.Key}' and only {total - n} others, so 'max_in_row: {{{column}: {max}}}' cannot hold");
                        break;
                    }
                }
            foreach (var (column, dist) in c.MinDistance.Where(m => rows.Any(r => r.ContainsKey(m.Key))))
                foreach (var g in rows.GroupBy(r => r.GetValueOrDefault(column, "")))
                {
                    int n = g.Count();
                    if ((long)(n - 1) * dist + 1 > total)
                    {
                        d.Error(c.Pos, $"unsatisfiable: {what} has {n} trials with {column} '{g.Key}' in {total} trials, so they cannot be {dist} apart ('min_distance: {{{column}: {dist}}}')");
                        break;
                    }
                }
        }

        /// <summary>
        /// Every {column} a screen uses must be a column of each table (or condition) that fills it; each row's value
        /// must make a usable image path, sound name, marker code and correct response.
        /// </summary>
        private void CheckTrialColumns(List<PhaseSpec> phases, Dictionary<string, TrialSpec> trials, Dictionary<string, ConditionSpec> conditions, Dictionary<string, string> sounds)
        {
            var usedWith = new HashSet<(string Trial, BlockSpec? Block)>();
            foreach (var block in phases.OfType<ScanPhase>().SelectMany(s => s.Blocks))
                usedWith.Add((block.Trial, block));
            // A trial no block uses is still checked: only profile placeholders are known to it.
            foreach (var name in trials.Keys.Where(t => usedWith.All(u => u.Trial != t))) usedWith.Add((name, null));
            var reported = new HashSet<(SourcePos, string)>();
            foreach (var (trialName, block) in usedWith)
            {
                if (!trials.TryGetValue(trialName, out var trial)) continue;
                var rows = RowsFor(block, conditions);
                var known = rows.SelectMany(r => r.Keys).ToHashSet(StringComparer.Ordinal);
                foreach (var screen in trial.Screens)
                {
                    var seriesColumns = screen.Series?.Items.FirstOrDefault()?.Keys ?? [];
                    var positions = _fieldPos.GetValueOrDefault(screen) ?? new();
                    foreach (var (field, value) in Templated(screen))
                    {
                        var pos = positions.GetValueOrDefault(field, screen.Pos);
                        foreach (var column in PlaceholdersIn(value))
                        {
                            if (seriesColumns.Contains(column) || known.Contains(column)) continue;
                            if (field == "text" && Placeholders.ProfileFields.Contains(column) && block?.Table == null) continue;
                            if (!reported.Add((pos, column))) continue;
                            var candidates = known.Concat(seriesColumns).Concat(block?.Table == null ? Placeholders.ProfileFields : []).Distinct().ToList();
                            string source = block?.Table != null ? $"the trial table {block.Table.Name} (block '{block.Label}')"
                                : block != null && known.Count > 1 ? $"the columns of the conditions of block '{block.Label}'"
                                : "any table, condition column or profile";
                            d.Error(pos, $"screen '{screen.Name}' uses '{{{column}}}', which is no column of {source}{Suggest.DidYouMean(column, candidates)}; it would be shown as typed. Columns: {(candidates.Count == 0 ? "none" : string.Join(", ", candidates))}");
                        }
                    }
                    CheckRowValues(screen, rows, positions, sounds, trialName);
                }
            }
        }

        private static IEnumerable<(string Field, string? Value)> Templated(ScreenSpec s) =>
            [("text", s.Text), ("image", s.Image), ("sound", s.Sound), ("marker", s.MarkerTemplate), ("correct", s.Correct)];

        /// <summary>The rows that fill a block's trials: its table's rows, or its conditions' columns (with 'condition').</summary>
        private static List<IReadOnlyDictionary<string, string>> RowsFor(BlockSpec? block, Dictionary<string, ConditionSpec> conditions)
        {
            if (block == null) return [];
            if (block.Table != null)
                return block.Table.Rows.Select(r => Row(r.Values, block.ConditionColumn, block.Conditions[0].Key)).ToList();
            return block.Conditions.Select(c =>
            {
                var row = new Dictionary<string, string>(conditions.GetValueOrDefault(c.Key)?.Columns ?? new Dictionary<string, string>(), StringComparer.Ordinal)
                {
                    ["condition"] = c.Key,
                };
                return (IReadOnlyDictionary<string, string>)row;
            }).ToList();
        }

        /// <summary>Each row's filled image, sound, marker and correct answer must be usable; at most a few errors per screen.</summary>
        private void CheckRowValues(ScreenSpec screen, List<IReadOnlyDictionary<string, string>> rows, Dictionary<string, SourcePos> positions,
            Dictionary<string, string> sounds, string trial)
        {
            var fills = screen.Series != null
                ? rows.DefaultIfEmpty(new Dictionary<string, string>()).SelectMany(r => screen.Series.Items.Select(i => Merge(r, i))).ToList()
                : rows;
            int problems = 0;
            void Problem(string field, string message)
            {
                if (problems++ < 5) d.Error(positions.GetValueOrDefault(field, screen.Pos), message);
            }
            foreach (var row in fills)
            {
                const string where = "";
                if (IsTemplate(screen.Image))
                {
                    string image = FillRow(screen.Image!, row);
                    if (!IsTemplate(image) && !_tableImages.ContainsKey(image))
                    {
                        ConfinedPath? check = image.Length is > 0 and <= 1024 && !image.Contains('\0') ? _files.Check(Path.Combine(dir, image)) : null;
                        if (check is { Ok: true } ok)
                        {
                            _tableImages[image] = ok.RealPath;
                            Opens(StimulusKind.Image, ok.RealPath, positions.GetValueOrDefault("image", screen.Pos), $"the image '{image}' of screen '{screen.Name}' in trial '{trial}'");
                        }
                        else Problem("image", $"screen '{screen.Name}'{where}: image '{image}' {(check is { } bad ? bad.Reason(RootsText) : "is not a usable path")}");
                    }
                }
                if (IsTemplate(screen.Sound) && FillRow(screen.Sound!, row) is var sound && !IsTemplate(sound) && !sounds.ContainsKey(sound))
                    Problem("sound", $"screen '{screen.Name}'{where}: no sound named '{sound}'{Suggest.DidYouMean(sound, sounds.Keys)}; define it under stimuli.sounds");
                if (screen.MarkerTemplate != null && FillRow(screen.MarkerTemplate, row) is var marker && !IsTemplate(marker)
                    && !(int.TryParse(marker, NumberStyles.Integer, CultureInfo.InvariantCulture, out int code) && code is >= 0 and <= 255))
                    Problem("marker", $"screen '{screen.Name}'{where}: marker '{marker}' must be a whole number from 0 to 255");
                if (IsTemplate(screen.Correct) && FillRow(screen.Correct!, row) is var correct && !IsTemplate(correct))
                {
                    if (!screen.Responses.Contains(correct))
                        Problem("correct", $"screen '{screen.Name}'{where}: the correct answer '{correct}' is not one of its responses ({string.Join(", ", screen.Responses)}){Suggest.DidYouMean(correct, screen.Responses)}");
                }
            }
            if (problems > 5) d.Error(positions.GetValueOrDefault("image", screen.Pos), $"… and {problems - 5} more problems with the rows of screen '{screen.Name}'");
        }

        private static IReadOnlyDictionary<string, string> Merge(IReadOnlyDictionary<string, string> row, IReadOnlyDictionary<string, string> item)
        {
            var merged = new Dictionary<string, string>(row, StringComparer.Ordinal);
            foreach (var (k, v) in item) merged[k] = v;
            return merged;
        }
        /// <summary>'point_responses' of a Likert rating: one response a point, in order; pressing the k-th answers point k.</summary>
        private IReadOnlyList<string> BindPointResponses(MapReader r, RatingKind kind, int points, string rating)
        {
            if (!r.Has("point_responses")) return [];
            var list = r.StringList("point_responses");
            var pos = r.PosOf("point_responses");
            if (kind != RatingKind.Likert) d.Error(pos, $"rating '{rating}': 'point_responses' answers a Likert scale point by point; a VAS is answered with the cursor");
            else if (list.Count != points) d.Error(pos, $"rating '{rating}' has {points} points but {list.Count} point_responses; give one response a point, in order");
            foreach (var resp in list) CheckResponse(resp, pos, $"rating '{rating}' point_responses");
            foreach (var dup in list.GroupBy(x => x).Where(g => g.Count() > 1)) d.Error(pos, $"rating '{rating}': response '{dup.Key}' answers two points");
            foreach (var cursorKey in new[] { r.String("decrease", "left"), r.String("increase", "right"), r.String("confirm", "confirm") })
                if (list.Contains(cursorKey)) d.Error(pos, $"rating '{rating}': response '{cursorKey}' both moves or confirms the cursor and answers a point; give the points their own responses");
            return list;
        }
    }
}
