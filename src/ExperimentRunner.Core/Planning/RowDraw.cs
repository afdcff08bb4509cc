using ExperimentRunner.Core.Paradigm;

namespace ExperimentRunner.Core.Planning;

/// <summary>One trial as drawn: its condition and the row whose columns fill its screens ({column}).</summary>
/// <param name="Row">The columns (a table row, a condition's columns, with 'condition'); empty when none.</param>
/// <param name="RowLabel">"file.csv:3" for a table row (1-based data row); null otherwise.</param>
public sealed record DrawnTrial(string Condition, IReadOnlyDictionary<string, string> Row, string? RowLabel);

/// <summary>
/// Draws a block's trials (rows of its table, or its conditions) and orders them under its constraints and the scan's
/// <c>max_same_in_row</c>, which hold over the whole run: the trials before the block count.
/// </summary>
public static class RowDraw
{
    private const int Attempts = 200;

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    /// <summary>The trials of <paramref name="block"/>, in order. <paramref name="before"/> is the run so far (for the limits across blocks).</summary>
    public static List<DrawnTrial> Block(ParadigmModel paradigm, ScanPhase scan, BlockSpec block, DetRandom rng,
        IReadOnlyList<DrawnTrial> before, Dictionary<string, HashSet<int>> usedRows)
    {
        var maxInRow = block.Constraints.MaxInRow.ToList();
        if (scan.MaxSameInRow > 0 && maxInRow.All(m => m.Key != "condition")) maxInRow.Add(new("condition", scan.MaxSameInRow));
        var minDistance = block.Constraints.MinDistance;
        List<DrawnTrial> trials;
        if (block.Table is { } table)
        {
            trials = DrawRows(table, block, rng, usedRows);
        }
        else
        {
            // A condition or mix block: the order the planner has always drawn (same seed, same plan), then the
            // constraints over the whole run checked, and redrawn only where that order breaks one.
            var list = new List<string>();
            foreach (var (cond, n) in block.Conditions) for (int i = 0; i < n; i++) list.Add(cond);
            if (block.Conditions.Count > 1) list = Planner.ConstrainedShuffle(list, scan.MaxSameInRow, rng);
            trials = list.Select(c => new DrawnTrial(c, RowOf(paradigm, c), null)).ToList();
            if (!block.Constraints.OrdersTrials && Keeps(trials, maxInRow, minDistance, before)) return trials;
        }
        if (maxInRow.Count == 0 && minDistance.Count == 0) return trials;
        var order = Order(trials.Select(t => t.Row).ToList(), maxInRow, minDistance, before.Select(t => t.Row).ToList(), rng)
            ?? throw new PlanException(block.Constraints.Pos == default ? block.Pos : block.Constraints.Pos,
                $"the trials of block '{block.Label}' cannot be ordered under its constraints{Describe(maxInRow, minDistance)} after the {before.Count} trials before it in the run");
        return order.Select(i => trials[i]).ToList();
    }

    private static IReadOnlyDictionary<string, string> RowOf(ParadigmModel paradigm, string condition)
    {
        var columns = paradigm.Conditions.GetValueOrDefault(condition)?.Columns;
        var row = columns is { Count: > 0 } ? new Dictionary<string, string>(columns, StringComparer.Ordinal) : new Dictionary<string, string>(StringComparer.Ordinal);
        row["condition"] = condition;
        return row;
    }

    private static string Describe(IEnumerable<KeyValuePair<string, int>> maxInRow, IEnumerable<KeyValuePair<string, int>> minDistance) =>
        " (" + string.Join("; ", maxInRow.Select(m => $"at most {m.Value} of a {m.Key} in a row").Concat(minDistance.Select(m => $"equal {m.Key} at least {m.Value} apart"))) + ")";

    /// <summary>The rows a table block shows: balanced over its balance columns, each row at most once a run where asked.</summary>
    private static List<DrawnTrial> DrawRows(TrialTable table, BlockSpec block, DetRandom rng, Dictionary<string, HashSet<int>> usedRows)
    {
        int n = block.TrialCount;
        var c = block.Constraints;
        if (!usedRows.TryGetValue(table.Path, out var used)) usedRows[table.Path] = used = [];
        var pool = c.NoRowTwice ? table.Rows.Where(r => !used.Contains(r.Number)).ToList() : table.Rows.ToList();
        string condition = block.Conditions[0].Key;
        string KeyOf(TableRow r) => string.Join("\u001f", c.Balance.Select(col => col == "condition" && block.ConditionColumn == null ? condition : r.Values.GetValueOrDefault(col, "")));
        var groups = pool.GroupBy(KeyOf).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
        if (groups.Count == 0)
            throw new PlanException(block.Pos, $"block '{block.Label}' has no rows of {table.Name} left to draw (no_row_twice: every row was used earlier in the run)");
        if (n % groups.Count != 0)
            throw new PlanException(c.Pos, $"block '{block.Label}' balances {string.Join(", ", c.Balance)} over {groups.Count} groups of rows, so its {n} trials must be a multiple of {groups.Count}");
        var drawn = new List<TableRow>();
        foreach (var group in groups)
            drawn.AddRange(Take(group, n / groups.Count, c.NoRowTwice, rng, block, table));
        foreach (var r in drawn) used.Add(r.Number);
        rng.Shuffle(drawn);
        return drawn.Select(r =>
        {
            var row = new Dictionary<string, string>(r.Values, StringComparer.Ordinal);
            string cond = block.ConditionColumn != null ? r.Values.GetValueOrDefault(block.ConditionColumn, "") : condition;
            row["condition"] = cond;
            return new DrawnTrial(cond, row, $"{table.Name}:{r.Number}");
        }).ToList();
    }

    /// <summary><paramref name="count"/> rows of a group: whole shuffled passes through it, then part of one more.</summary>
    private static IEnumerable<TableRow> Take(List<TableRow> group, int count, bool once, DetRandom rng, BlockSpec block, TrialTable table)
    {
        if (once && count > group.Count)
            throw new PlanException(block.Constraints.Pos == default ? block.Pos : block.Constraints.Pos,
                $"block '{block.Label}' needs {count} rows of a kind but {table.Name} has only {group.Count} left in this run, and no_row_twice forbids a row twice");
        var result = new List<TableRow>(count);
        while (result.Count < count)
        {
            var pass = group.ToList();
            rng.Shuffle(pass);
            result.AddRange(pass.Take(count - result.Count));
        }
        return result;
    }

    /// <summary>Whether a sequence keeps every limit, counting the run before it.</summary>
    public static bool Keeps(IReadOnlyList<DrawnTrial> trials, IReadOnlyList<KeyValuePair<string, int>> maxInRow,
        IReadOnlyList<KeyValuePair<string, int>> minDistance, IReadOnlyList<DrawnTrial> before)
    {
        var seq = before.Select(t => t.Row).ToList();
        foreach (var t in trials)
        {
            if (!Allowed(t.Row, seq, maxInRow, minDistance)) return false;
            seq.Add(t.Row);
        }
        return true;
    }

    /// <summary>
    /// An order of <paramref name="rows"/> (indices) that keeps every limit after <paramref name="before"/>; null when
    /// none is found. Random constructions first (each step picks uniformly among the rows allowed next), then a greedy
    /// one that takes the most plentiful value first.
    /// </summary>
    public static List<int>? Order(IReadOnlyList<IReadOnlyDictionary<string, string>> rows, IReadOnlyList<KeyValuePair<string, int>> maxInRow,
        IReadOnlyList<KeyValuePair<string, int>> minDistance, IReadOnlyList<IReadOnlyDictionary<string, string>> before, DetRandom rng)
    {
        int attempts = rows.Count > 200 ? 20 : Attempts;
        for (int attempt = 0; attempt <= attempts; attempt++)
        {
            bool greedy = attempt == attempts;
            var seq = before.ToList();
            var remaining = Enumerable.Range(0, rows.Count).ToList();
            var order = new List<int>(rows.Count);
            var allowed = new List<int>();
            while (remaining.Count > 0)
            {
                allowed.Clear();
                foreach (int i in remaining)
                    if (Allowed(rows[i], seq, maxInRow, minDistance)) allowed.Add(i);
                if (allowed.Count == 0) break;
                int pick;
                if (greedy)
                {
                    string column = maxInRow.Count > 0 ? maxInRow[0].Key : minDistance.Count > 0 ? minDistance[0].Key : "condition";
                    var counts = remaining.GroupBy(i => rows[i].GetValueOrDefault(column, "")).ToDictionary(g => g.Key, g => g.Count());
                    int best = allowed.Max(i => counts[rows[i].GetValueOrDefault(column, "")]);
                    var top = allowed.Where(i => counts[rows[i].GetValueOrDefault(column, "")] == best).ToList();
                    pick = top[rng.Next(top.Count)];
                }
                else pick = allowed[rng.Next(allowed.Count)];
                remaining.Remove(pick);
                order.Add(pick);
                seq.Add(rows[pick]);
            }
            if (order.Count == rows.Count) return order;
        }
        return null;
    }

    private static bool Allowed(IReadOnlyDictionary<string, string> row, List<IReadOnlyDictionary<string, string>> seq,
        IReadOnlyList<KeyValuePair<string, int>> maxInRow, IReadOnlyList<KeyValuePair<string, int>> minDistance)
    {
        foreach (var (column, max) in maxInRow)
        {
            if (!row.TryGetValue(column, out var value)) continue;
            int run = 0;
            for (int k = seq.Count - 1; k >= 0 && seq[k].TryGetValue(column, out var v) && v == value; k--) run++;
            if (run >= max) return false;
        }
        foreach (var (column, distance) in minDistance)
        {
            if (!row.TryGetValue(column, out var value)) continue;
            for (int k = seq.Count - 1; k >= 0 && k >= seq.Count - (distance - 1); k--)
                if (seq[k].TryGetValue(column, out var v) && v == value) return false;
        }
        return true;
    }

    /// <summary>The items of a series, <paramref name="series"/>.Count of them: each item equally often, ordered under its constraints.</summary>
    public static List<IReadOnlyDictionary<string, string>> Series(SeriesSpec series, DetRandom rng, string screen)
    {
        if (series.Items.Count == 0) return [];
        var items = Enumerable.Range(0, series.Count).Select(i => series.Items[i % series.Items.Count]).ToList();
        rng.Shuffle(items);
        var c = series.Constraints;
        if (!c.OrdersTrials) return items;
        var order = Order(items, c.MaxInRow, c.MinDistance, [], rng)
            ?? throw new PlanException(c.Pos, $"the series of screen '{screen}' cannot be ordered under its constraints{Describe(c.MaxInRow, c.MinDistance)}");
        return order.Select(i => items[i]).ToList();
    }

    /// <summary>A screen as one trial shows it: {column} filled from the row in text, image, sound, marker and correct answer.</summary>
    public static ScreenSpec Fill(ParadigmModel paradigm, ScreenSpec screen, IReadOnlyDictionary<string, string> row)
    {
        if (row.Count == 0) return screen;
        string? F(string? s) => s == null || !s.Contains('{') ? s : Fill(s, row);
        string? image = screen.Image;
        if (image != null && image.Contains('{'))
        {
            string filled = Fill(image, row);
            image = paradigm.TableImages.GetValueOrDefault(filled, filled);
        }
        return screen with { Text = F(screen.Text), Image = image, Sound = F(screen.Sound), Correct = F(screen.Correct), MarkerTemplate = F(screen.MarkerTemplate) };
    }

    /// <summary>Fills {column} from a row; a column the row lacks stays as typed (validate reports it).</summary>
    public static string Fill(string template, IReadOnlyDictionary<string, string> row)
    {
        var sb = new System.Text.StringBuilder(template.Length);
        int i = 0;
        while (i < template.Length)
        {
            int open = template.IndexOf('{', i);
            int close = open < 0 ? -1 : template.IndexOf('}', open + 1);
            if (open < 0 || close < 0) { sb.Append(template, i, template.Length - i); break; }
            sb.Append(template, i, open - i);
            string name = template.Substring(open + 1, close - open - 1);
            if (!name.Contains('{') && row.TryGetValue(name, out var value)) sb.Append(value);
            else sb.Append(template, open, close - open + 1);
            i = close + 1;
        }
        return sb.ToString();
    }
}
