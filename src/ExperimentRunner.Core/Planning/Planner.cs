using System.Globalization;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Core.Planning;

/// <summary>
/// Turns a paradigm and session facts into a concrete timeline: block orders, condition sequences, jitter, feedback
/// target slots and every onset, frame-locked. Same inputs, same plan.
/// </summary>
public static class Planner
{
    /// <summary>Redraws of a run's jitter before giving up on fitting it into the scanner's volumes.</summary>
    public const int MaxRedraws = 200;

    public static ulong DeriveSeed(ParadigmModel paradigm, SessionFacts facts) =>
        facts.Seed ?? DetRandom.Derive("exrun-seed", paradigm.Sha256, facts.ParticipantId, facts.SessionLabel);

    /// <summary>The participant's number for counterbalancing: the digits of the ID ("sub-07" → 7), else a hash.</summary>
    public static int ParticipantNumber(string participantId)
    {
        var digits = new string(participantId.Where(char.IsAsciiDigit).ToArray());
        if (digits.Length > 0 && digits.Length <= 9) return int.Parse(digits, CultureInfo.InvariantCulture);
        return (int)(DetRandom.Derive("participant", participantId) % 100_000);
    }

    public static Plan Make(ParadigmModel paradigm, SessionFacts facts)
    {
        ulong seed = DeriveSeed(paradigm, facts);
        int number = ParticipantNumber(facts.ParticipantId);
        var phases = new List<PlannedPhase>();
        int runIndex = 0;
        // A phase declared for other sessions (session: 1) is not part of this session's plan.
        foreach (var phase in paradigm.Phases.Where(p => p.RunsIn(facts.SessionLabel)))
        {
            switch (phase)
            {
                case ScanPhase scan:
                    var runs = new List<PlannedRun>();
                    for (int r = 0; r < scan.Runs; r++)
                    {
                        runIndex++;
                        runs.Add(PlanRun(paradigm, scan, runIndex, r, number, seed));
                    }
                    phases.Add(new PlannedPhase(phase, runs, []));
                    break;
                case SelectionPhase selection:
                    var ids = paradigm.ProfileRows.Select(p => p.Id).ToList();
                    new DetRandom(DetRandom.Derive(seed, "selection", phase.Name)).Shuffle(ids);
                    phases.Add(new PlannedPhase(phase, [], ids.Take(selection.ProfileCount).ToList()));
                    break;
                default:
                    phases.Add(new PlannedPhase(phase, [], []));
                    break;
            }
        }
        return new Plan(paradigm, facts, seed, number, phases);
    }

    /// <summary>Problems a plan would hit, found without a participant (for validate): run lengths against the volumes.</summary>
    public static void Check(ParadigmModel paradigm, Diagnostics d)
    {
        var scanner = paradigm.Scanner;
        foreach (var scan in paradigm.Phases.OfType<ScanPhase>())
        {
            if (scanner.Volumes <= 0 || scanner.TrNs <= 0) continue;
            long capacity = scanner.Volumes * scanner.TrNs;
            var (min, mean, max) = EstimateLength(paradigm, scan);
            string cap = $"{scanner.Volumes} volumes × {Ns.ToSeconds(scanner.TrNs):0.###} s = {Ns.ToSeconds(capacity):0.###} s";
            if (min > capacity)
                d.Error(scan.Pos, $"run of '{scan.Name}' lasts at least {Ns.ToSeconds(min):0.###} s but the scanner gives {cap}; add volumes or shorten the run");
            else if (mean > capacity)
                d.Error(scan.Pos, $"run of '{scan.Name}' lasts {Ns.ToSeconds(mean):0.###} s on average but the scanner gives {cap}; add volumes or shorten the run");
            else if (max > capacity)
                d.Warning(scan.Pos, $"run of '{scan.Name}' can last up to {Ns.ToSeconds(max):0.###} s against {cap}; the planner redraws jitter until it fits");
            foreach (var block in scan.Blocks.Where(b => b.AtVolume != null))
            {
                if (block.AtVolume!.Value * scanner.TrNs >= capacity)
                    d.Error(block.Pos, $"block '{block.Label}' starts at volume {block.AtVolume} but the run has only {scanner.Volumes} volumes");
            }
        }
    }

    /// <summary>The shortest, mean and longest run length of a scan phase, ns.</summary>
    public static (long Min, long Mean, long Max) EstimateLength(ParadigmModel paradigm, ScanPhase scan)
    {
        long min = scan.LeadInNs + scan.LeadOutNs, mean = min, max = min;
        foreach (var name in scan.RatingsBeforeRun)
            if (paradigm.Ratings.TryGetValue(name, out var r)) { min += r.TimeLimitNs; mean += r.TimeLimitNs; max += r.TimeLimitNs; }
        int repeat = scan.Order == BlockOrder.Abba ? 2 : 1;
        foreach (var block in scan.Blocks)
        {
            if (!paradigm.Trials.TryGetValue(block.Trial, out var trial)) continue;
            foreach (var screen in trial.Screens)
            {
                var (lo, avg, hi) = BlockSum(screen.Duration, block.TrialCount * (screen.Series?.Count ?? 1));
                min += repeat * lo;
                max += repeat * hi;
                mean += repeat * avg;
            }
            foreach (var name in scan.RatingsAfterBlock)
                if (paradigm.Ratings.TryGetValue(name, out var r)) { min += repeat * r.TimeLimitNs; mean += repeat * r.TimeLimitNs; max += repeat * r.TimeLimitNs; }
            if (scan.RestAfterBlock != null)
            {
                min += repeat * scan.RestAfterBlock.MinNs; mean += repeat * scan.RestAfterBlock.MeanNs; max += repeat * scan.RestAfterBlock.MaxNs;
            }
        }
        return (min, mean, max);
    }

    /// <summary>Shortest, mean and longest total of n draws in one block (a shuffled list is used without replacement).</summary>
    private static (long Min, long Mean, long Max) BlockSum(DurationSpec d, int n)
    {
        if (d is ListJitter l && l.ValuesNs.Count > 0)
        {
            int cycles = n / l.ValuesNs.Count, rest = n % l.ValuesNs.Count;
            long whole = cycles * l.ValuesNs.Sum();
            var sorted = l.ValuesNs.OrderBy(v => v).ToList();
            return (whole + sorted.Take(rest).Sum(), whole + rest * l.MeanNs, whole + sorted.TakeLast(rest).Sum());
        }
        return (n * d.MinNs, n * d.MeanNs, n * d.MaxNs);
    }

    private static PlannedRun PlanRun(ParadigmModel paradigm, ScanPhase scan, int runIndex, int runInPhase, int participant, ulong seed)
    {
        var scanner = paradigm.Scanner;
        long capacity = scanner.Volumes > 0 && scanner.TrNs > 0 ? scanner.Volumes * scanner.TrNs : long.MaxValue;
        var order = BlockOrderFor(scan, participant, runInPhase, seed);
        PlannedRun? last = null;
        for (int attempt = 0; attempt < MaxRedraws; attempt++)
        {
            var rng = new DetRandom(DetRandom.Derive(seed, "run", runIndex, attempt));
            last = BuildRun(paradigm, scan, runIndex, order, rng);
            if (last.DurationNs <= capacity) return scanner.End == RunEnd.AfterVolumes && capacity != long.MaxValue ? last with { DurationNs = capacity } : last;
        }
        throw new PlanException(scan.Pos,
            $"no draw of the jitter in {MaxRedraws} tries fits run {runIndex} ({Ns.ToSeconds(last!.DurationNs):0.###} s) into {scanner.Volumes} volumes × {Ns.ToSeconds(scanner.TrNs):0.###} s");
    }

    /// <summary>The block order for this participant and run, as indices into <see cref="ScanPhase.Blocks"/>.</summary>
    public static IReadOnlyList<int> BlockOrderFor(ScanPhase scan, int participant, int runInPhase, ulong seed)
    {
        int n = scan.Blocks.Count;
        var identity = Enumerable.Range(0, n).ToList();
        switch (scan.Order)
        {
            case BlockOrder.Shuffle:
                new DetRandom(DetRandom.Derive(seed, "blocks", scan.Name, runInPhase)).Shuffle(identity);
                // max_same_in_row holds across blocks: blocks of one condition side by side must not make a longer streak.
                for (int attempt = 1; attempt <= 1000 && !BlockStreaksKeep(scan, identity); attempt++)
                    new DetRandom(DetRandom.Derive(seed, "blocks", scan.Name, runInPhase, attempt)).Shuffle(identity);
                return identity;
            case BlockOrder.LatinSquare:
                return LatinSquareRow(n, participant - 1 + runInPhase);
            case BlockOrder.Abba:
                bool aFirst = (participant + runInPhase) % 2 == 1;
                return aFirst ? [0, 1, 1, 0] : [1, 0, 0, 1];
            default:
                return identity;
        }
    }

    /// <summary>Whether blocks of a single condition, in this order, keep <c>max_same_in_row</c> where they meet.</summary>
    private static bool BlockStreaksKeep(ScanPhase scan, IReadOnlyList<int> order)
    {
        if (scan.MaxSameInRow <= 0) return true;
        string? last = null;
        int streak = 0;
        foreach (int i in order)
        {
            var block = scan.Blocks[i];
            if (block.Table != null || block.Conditions.Count != 1) { last = null; streak = 0; continue; }
            var (condition, n) = block.Conditions[0];
            streak = condition == last ? streak + n : n;
            last = condition;
            if (streak > scan.MaxSameInRow) return false;
        }
        return true;
    }

    /// <summary>
    /// Row <paramref name="row"/> (mod n) of a balanced Latin square (Williams design for even n: each block follows
    /// every other block equally often; cyclic for odd n).
    /// </summary>
    public static IReadOnlyList<int> LatinSquareRow(int n, int row)
    {
        if (n == 0) return [];
        int r = ((row % n) + n) % n;
        var first = new int[n];
        if (n % 2 == 0)
        {
            // 0, 1, n-1, 2, n-2, ...
            int lo = 1, hi = n - 1;
            for (int j = 1; j < n; j++) first[j] = j % 2 == 1 ? lo++ : hi--;
        }
        else for (int j = 0; j < n; j++) first[j] = j;
        return first.Select(v => (v + r) % n).ToList();
    }

    private sealed class Cursor(double hz)
    {
        public readonly double Hz = hz;
        public long FrameOf(long ns) => (long)Math.Round(ns * Hz / 1e9);
        public long NsOf(long frame) => (long)Math.Round(frame * 1e9 / Hz);
    }

    private static PlannedRun BuildRun(ParadigmModel paradigm, ScanPhase scan, int runIndex, IReadOnlyList<int> order, DetRandom rng)
    {
        var events = new List<PlannedEvent>();
        var blocks = new List<PlannedBlock>();
        var cursor = new Cursor(paradigm.Display.ExpectedRefreshHz);
        long timeNs = 0; // exact (unrounded) running time; frames derive from it, so rounding never accumulates

        void Add(int block, int trial, string condition, string screen, PlannedRole role, long durationNs, ScreenSpec? template = null,
            RatingSpec? rating = null, int slot = -1, string? profile = null, int marker = 0, string? sound = null, int? atVolume = null, string? row = null)
        {
            long startFrame = cursor.FrameOf(timeNs);
            timeNs += durationNs;
            long endFrame = cursor.FrameOf(timeNs);
            if (endFrame == startFrame && durationNs > 0) { endFrame = startFrame + 1; timeNs = cursor.NsOf(endFrame); }
            events.Add(new PlannedEvent
            {
                Run = runIndex, Block = block, Trial = trial, Condition = condition, Screen = screen, Role = role,
                Template = template, Rating = rating, TargetSlot = slot, ProfileId = profile,
                OnsetFrame = startFrame, DurationFrames = endFrame - startFrame,
                OnsetNs = cursor.NsOf(startFrame), DurationNs = cursor.NsOf(endFrame) - cursor.NsOf(startFrame),
                Marker = marker, Sound = sound, AtVolume = atVolume, Row = row, Correct = template?.Correct,
            });
        }

        if (scan.LeadInNs > 0) Add(0, 0, "", "lead_in", PlannedRole.LeadIn, scan.LeadInNs, marker: Marker(paradigm, "lead_in"));
        foreach (var name in scan.RatingsBeforeRun)
        {
            var rating = paradigm.Ratings[name];
            Add(0, 0, "", name, PlannedRole.Rating, rating.TimeLimitNs, rating: rating, marker: rating.Marker);
        }

        // Trials in presentation order, with their conditions and rows, before assigning targets; the limits on
        // repeats hold across blocks, so each block is drawn after the ones before it.
        var blockConditions = new List<List<DrawnTrial>>();
        var drawnSoFar = new List<DrawnTrial>();
        var usedRows = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        foreach (int b in order)
        {
            var list = RowDraw.Block(paradigm, scan, scan.Blocks[b], rng, drawnSoFar, usedRows);
            blockConditions.Add(list);
            drawnSoFar.AddRange(list);
        }
        int totalTrials = blockConditions.Sum(l => l.Count);
        bool usesTargets = scan.Targets == TargetSource.Selected;
        var slots = Enumerable.Range(0, totalTrials).ToList();
        rng.Shuffle(slots);
        var profileOrder = paradigm.ProfileRows.Select(p => p.Id).ToList();
        rng.Shuffle(profileOrder);
        int trialCounter = 0;

        for (int bi = 0; bi < order.Count; bi++)
        {
            var block = scan.Blocks[order[bi]];
            var trial = paradigm.Trials[block.Trial];
            if (block.AtVolume is int volume)
            {
                long lockNs = volume * paradigm.Scanner.TrNs;
                if (lockNs < timeNs)
                    throw new PlanException(block.Pos, $"block '{block.Label}' is locked to volume {volume} ({Ns.ToSeconds(lockNs):0.###} s) but the run reaches it only at {Ns.ToSeconds(timeNs):0.###} s");
                if (lockNs > timeNs) Add(0, 0, "", "wait_volume", PlannedRole.Rest, lockNs - timeNs, marker: 0);
            }
            var listJitters = new Dictionary<ScreenSpec, Queue<long>>();
            var conds = blockConditions[bi];
            var blockConds = block.Table == null ? block.Conditions.Select(c => c.Key).ToList() : conds.Select(c => c.Condition).Distinct().Order(StringComparer.Ordinal).ToList();
            string blockLabel = block.Table == null ? string.Join("+", block.Conditions.Select(c => $"{c.Key}x{c.Value}"))
                : string.Join("+", blockConds.Select(c => $"{c}x{conds.Count(x => x.Condition == c)}"));
            blocks.Add(new PlannedBlock(bi + 1, block.Label, blockLabel, cursor.NsOf(cursor.FrameOf(timeNs)), block.AtVolume));
            for (int t = 0; t < conds.Count; t++)
            {
                string condition = conds[t].Condition;
                var row = conds[t].Row;
                int slot = -1;
                string? profile = null;
                if (trial.Screens.Any(s => s.ShowsProfile))
                {
                    if (usesTargets) slot = scan.UniqueProfilesPerRun ? slots[trialCounter] : rng.Next(Math.Max(1, totalTrials));
                    else if (profileOrder.Count > 0)
                        profile = scan.UniqueProfilesPerRun ? profileOrder[trialCounter % profileOrder.Count] : profileOrder[rng.Next(profileOrder.Count)];
                }
                trialCounter++;
                bool firstOfBlock = t == 0;
                foreach (var declared in trial.Screens)
                {
                    var items = declared.Series != null ? RowDraw.Series(declared.Series, rng, declared.Name) : [row];
                    foreach (var item in items)
                    {
                        var screen = RowDraw.Fill(paradigm, declared, declared.Series != null ? Merge(row, item) : row);
                        long screenNs = Draw(declared.Duration, rng, listJitters, declared);
                        int marker = screen.MarkerTemplate != null && int.TryParse(screen.MarkerTemplate, NumberStyles.Integer, CultureInfo.InvariantCulture, out int code) ? code
                            : screen.Marker ?? (screen.ShowsFeedback && paradigm.Conditions.TryGetValue(condition, out var c) && c.Marker > 0
                            ? c.Marker : Marker(paradigm, screen.Name));
                        RatingSpec? rating = screen.Rating != null ? paradigm.Ratings.GetValueOrDefault(screen.Rating) : null;
                        Add(bi + 1, t + 1, condition, screen.Name, rating != null ? PlannedRole.Rating : PlannedRole.Screen, screenNs, screen, rating, slot, profile, marker, screen.Sound,
                            firstOfBlock ? block.AtVolume : null, conds[t].RowLabel);
                        firstOfBlock = false;
                    }
                }
            }
            foreach (var name in scan.RatingsAfterBlock)
            {
                var rating = paradigm.Ratings[name];
                Add(bi + 1, 0, conds.Count > 0 ? string.Join("+", blockConds.Distinct()) : "", name, PlannedRole.Rating, rating.TimeLimitNs, rating: rating, marker: rating.Marker);
            }
            if (scan.RestAfterBlock != null && bi < order.Count - 1)
                Add(bi + 1, 0, "", "rest", PlannedRole.Rest, Draw(scan.RestAfterBlock, rng, null, null), marker: Marker(paradigm, "rest"));
        }
        if (scan.LeadOutNs > 0) Add(0, 0, "", "lead_out", PlannedRole.LeadOut, scan.LeadOutNs, marker: Marker(paradigm, "lead_out"));
        long duration = cursor.NsOf(cursor.FrameOf(timeNs));
        string orderLabel = string.Join(",", order.Select(i => scan.Blocks[i].Label));
        return new PlannedRun(scan.Name, runIndex, blocks, events, duration, usesTargets ? totalTrials : 0, orderLabel);
    }

    private static int Marker(ParadigmModel paradigm, string name) => paradigm.Markers.GetValueOrDefault(name);

    private static IReadOnlyDictionary<string, string> Merge(IReadOnlyDictionary<string, string> row, IReadOnlyDictionary<string, string> item)
    {
        var merged = new Dictionary<string, string>(row, StringComparer.Ordinal);
        foreach (var (k, v) in item) merged[k] = v;
        return merged;
    }

    internal static long Draw(DurationSpec spec, DetRandom rng, Dictionary<ScreenSpec, Queue<long>>? lists, ScreenSpec? key)
    {
        switch (spec)
        {
            case FixedDuration f: return f.Ns;
            case UniformJitter u: return u.LowNs + (long)(rng.NextDouble() * (u.HighNs - u.LowNs));
            case ExponentialJitter e:
                // Truncated by redrawing: shift to min, draw with a mean that makes the truncated mean close to the asked one.
                for (int i = 0; i < 1000; i++)
                {
                    double x = e.LowNs - Math.Log(1 - rng.NextDouble()) * (e.MeanParamNs - e.LowNs);
                    if (x <= e.HighNs) return (long)x;
                }
                return e.MeanParamNs;
            case ListJitter l:
                if (lists == null || key == null) return l.ValuesNs[rng.Next(l.ValuesNs.Count)];
                if (!lists.TryGetValue(key, out var queue) || queue.Count == 0)
                {
                    var values = l.ValuesNs.ToList();
                    rng.Shuffle(values);
                    lists[key] = queue = new Queue<long>(values);
                }
                return queue.Dequeue();
            default: return spec.MeanNs;
        }
    }

    /// <summary>
    /// A shuffle with no more than <paramref name="maxRun"/> equal items in a row (0: no limit). Random draws weighted
    /// by what remains; if a draw paints itself into a corner, a greedy most-remaining-first pass (which succeeds
    /// whenever the constraint is satisfiable) finishes it.
    /// </summary>
    public static List<string> ConstrainedShuffle(List<string> items, int maxRun, DetRandom rng)
    {
        var copy = items.ToList();
        rng.Shuffle(copy);
        if (maxRun <= 0) return copy;
        for (int attempt = 0; attempt < 100; attempt++)
        {
            var result = TryBuild(items, maxRun, rng, greedy: false);
            if (result != null) return result;
        }
        return TryBuild(items, maxRun, rng, greedy: true)
            ?? throw new InvalidOperationException($"no order of these trials keeps at most {maxRun} of a condition in a row");
    }

    private static List<string>? TryBuild(List<string> items, int maxRun, DetRandom rng, bool greedy)
    {
        var remaining = items.GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        var keys = remaining.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        var result = new List<string>(items.Count);
        string? last = null;
        int runLength = 0;
        while (result.Count < items.Count)
        {
            var allowed = keys.Where(k => remaining[k] > 0 && !(k == last && runLength >= maxRun)).ToList();
            if (allowed.Count == 0) return null;
            string pick;
            if (greedy)
            {
                int best = allowed.Max(k => remaining[k]);
                var top = allowed.Where(k => remaining[k] == best).ToList();
                pick = top[rng.Next(top.Count)];
            }
            else
            {
                int total = allowed.Sum(k => remaining[k]);
                int x = rng.Next(total);
                pick = allowed[^1];
                foreach (var k in allowed)
                {
                    if (x < remaining[k]) { pick = k; break; }
                    x -= remaining[k];
                }
            }
            remaining[pick]--;
            runLength = pick == last ? runLength + 1 : 1;
            last = pick;
            result.Add(pick);
        }
        return result;
    }
}
