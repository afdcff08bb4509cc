using System.Globalization;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;

namespace ExperimentRunner.Analysis.Design;

// Contrasts (from --contrast, the paradigm's design.contrasts, or one per label), participants, spread and search.
public static partial class DesignCheck
{
    private static IReadOnlyList<ContrastSpec> Contrasts(ParadigmModel paradigm, DesignOptions options, Plan plan, IReadOnlyList<string> labels, out bool defaulted)
    {
        defaulted = false;
        var errors = new List<string>();
        var contrasts = new List<ContrastSpec>();
        if (options.Contrasts.Count > 0)
        {
            foreach (string text in options.Contrasts)
            {
                var c = ContrastParser.Parse(text, null, out string? error);
                if (c is null) errors.Add($"--contrast '{text}': {error}");
                else contrasts.Add(c);
            }
        }
        else contrasts.AddRange(paradigm.Design.Contrasts);
        if (errors.Count > 0) throw new DesignException(string.Join("\n", errors));
        if (contrasts.Count == 0)
        {
            defaulted = true;
            return labels.Select(l => new ContrastSpec(l, [new ContrastTerm(l, 1)], null)).ToList();
        }
        var baseline = plan.Runs.SelectMany(r => r.Events).Where(e => DesignEvents.IsBaseline(e, paradigm.Design))
            .SelectMany(e => new[] { DesignEvents.Label(e), e.Screen }).ToHashSet();
        foreach (var c in contrasts)
        {
            foreach (var t in c.Terms.Where(t => !labels.Contains(t.Label)))
            {
                string where = c.Pos is { } pos ? $"{pos}: error: contrast" : "--contrast";
                string why = baseline.Contains(t.Label)
                    ? "is baseline (left out of the model: lead-in, lead-out, rests, fixation and blank screens, or design.baseline)"
                    : $"is no label of the plan's events{Suggest.DidYouMean(t.Label, labels)}";
                errors.Add($"{where} '{c.Text}' names '{t.Label}', which {why}; the modelled labels (the BIDS trial_type) are: {string.Join(", ", labels)}");
            }
        }
        if (errors.Count > 0) throw new DesignException(string.Join("\n", errors));
        return contrasts;
    }

    /// <summary>
    /// <paramref name="count"/> participant IDs from <paramref name="first"/> on: its last run of digits counted up
    /// with the same width (sub-01 → sub-01 … sub-100), or -2, -3 … appended to an ID without digits.
    /// </summary>
    public static IReadOnlyList<string> ParticipantIds(string first, int count)
    {
        int end = first.Length;
        while (end > 0 && !char.IsAsciiDigit(first[end - 1])) end--;
        int start = end;
        while (start > 0 && char.IsAsciiDigit(first[start - 1])) start--;
        var ids = new List<string>(count) { first };
        if (end == 0 || end - start > 9)
        {
            for (int i = 2; i <= count; i++) ids.Add($"{first}-{i}");
            return ids;
        }
        long n = long.Parse(first[start..end], CultureInfo.InvariantCulture);
        int width = end - start;
        for (int i = 1; i < count; i++)
            ids.Add(first[..start] + (n + i).ToString(CultureInfo.InvariantCulture).PadLeft(width, '0') + first[end..]);
        return ids;
    }

    private static DesignDistribution Distribute(IReadOnlyList<ParticipantDesign> all, DesignSettings settings)
    {
        var contrasts = settings.Contrasts.Select((c, i) => (c.Text, Spread.Of(all.Select(p => p.Session[i].Efficiency)))).ToList();
        return new DesignDistribution(all.Count, contrasts, Spread.Of(all.Select(p => p.MaxVif)),
            Spread.Of(all.Select(p => p.MaxAbsCorrelation)), all.Count(p => p.Warnings.Any()));
    }

    /// <summary>A draw's score under the criterion: higher is better.</summary>
#pragma warning disable CS8524 // an unnamed value is a bug and throws SwitchExpressionException
    public static double Score(ParticipantDesign p, SearchCriterion criterion) => criterion switch
    {
        SearchCriterion.MinEfficiency => p.Session.Select(c => c.Efficiency).DefaultIfEmpty(0).Min(),
        SearchCriterion.MeanEfficiency => p.Session.Select(c => c.Efficiency).DefaultIfEmpty(0).Average(),
        SearchCriterion.MaxVif => -p.MaxVif,
        SearchCriterion.MaxCorrelation => -p.MaxAbsCorrelation,
    };
#pragma warning restore CS8524

    private static SearchResult Search(ParadigmModel paradigm, DesignOptions options, DesignSpec spec, IReadOnlyList<string> labels,
        DesignSettings settings, ParticipantDesign own)
    {
        double ownScore = Score(own, options.Criterion);
        ParticipantDesign best = own;
        double bestScore = ownScore;
        Plan? bestPlan = null;
        for (int i = 1; i <= options.Search; i++)
        {
            ulong seed = DetRandom.Derive("exrun-design-search", paradigm.Sha256, options.ParticipantId, options.SessionLabel, i);
            var plan = MakePlan(paradigm, new SessionFacts(options.ParticipantId, options.SessionLabel, seed));
            var design = Analyse(plan, DesignEvents.FromPlan(plan, spec), labels, settings);
            double score = Score(design, options.Criterion);
            if (score > bestScore) { best = design; bestScore = score; bestPlan = plan; }
        }
        bestPlan ??= MakePlan(paradigm, new SessionFacts(options.ParticipantId, options.SessionLabel, own.Seed));
        return new SearchResult(options.Criterion, options.Search, own.Seed, ownScore, best.Seed, bestScore, best, Jitter(bestPlan));
    }

    /// <summary>The drawn durations of every jittered screen (and jittered rest) of each run, in presentation order.</summary>
    private static IReadOnlyList<(int Run, string Screen, IReadOnlyList<double> DurationsS)> Jitter(Plan plan)
    {
        var list = new List<(int, string, IReadOnlyList<double>)>();
        foreach (var run in plan.Runs)
        {
            var scan = plan.Phases.First(p => p.Runs.Contains(run)).Spec as ScanPhase;
            var jittered = run.Events.Where(e => e.Template?.Duration is not (null or FixedDuration)
                    || (e.Role == PlannedRole.Rest && e.Screen == "rest" && scan?.RestAfterBlock is not (null or FixedDuration)))
                .GroupBy(e => e.Screen);
            foreach (var g in jittered) list.Add((run.Index, g.Key, g.Select(e => Math.Round(e.DurationNs / 1e9, 3)).ToList()));
        }
        return list;
    }
}
