using System.Globalization;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Analysis.Design;

/// <summary>
/// <c>exrun design</c>: from the plan a participant will run, each scan run's fMRI design matrix at the scanner's TR
/// and what it says (correlations, VIFs, contrast efficiencies, warnings at the declared thresholds); over many
/// participants, their spread; and, asked, the best of K other seeds. Reads the paradigm, changes nothing.
/// </summary>
public static partial class DesignCheck
{
    public static DesignReport Run(ParadigmModel paradigm, DesignOptions options)
    {
        CheckApplies(paradigm);
        if (options.Participants < 1) throw new DesignException("--participants must be at least 1");
        if (options.Search < 0) throw new DesignException("--search must be 0 or more");
        var spec = paradigm.Design;
        var notes = new List<string>();
        double trS = Ns.ToSeconds(paradigm.Scanner.TrNs);
        var partial = new DesignSettings(trS, options.HighPassS ?? spec.HighPassS, options.TemporalDerivative ?? spec.TemporalDerivative,
            options.MaxCorrelation ?? spec.MaxCorrelation, options.MaxVif ?? spec.MaxVif, [], false);
        if (partial.HighPassS < 0) throw new DesignException("--high-pass must be 0 (no filter) or more seconds");

        var firstPlan = MakePlan(paradigm, new SessionFacts(options.ParticipantId, options.SessionLabel, options.Seed));
        var firstRuns = DesignEvents.FromPlan(firstPlan, spec);
        var labels = DesignEvents.Labels(firstRuns);
        if (labels.Count == 0)
            throw new DesignException($"{paradigm.FilePath}: no event of the scan runs is modelled (every screen is baseline); name fewer screens in design.baseline", notApplicable: true);
        var settings = partial with { Contrasts = Contrasts(paradigm, options, firstPlan, labels, out bool defaulted), ContrastsDefaulted = defaulted };
        if (defaulted) notes.Add("no contrasts declared (design.contrasts) or given (--contrast): one per label, each against the baseline");
        if (spec.Baseline is { } names)
        {
            var screens = firstPlan.Runs.SelectMany(r => r.Events).SelectMany(e => new[] { e.Screen, DesignEvents.Label(e) }).ToHashSet();
            foreach (var n in names.Where(n => !screens.Contains(n)))
                notes.Add($"design.baseline names '{n}', which is no screen or label of the plan{Suggest.DidYouMean(n, screens)}");
        }
        if (firstPlan.Runs.SelectMany(r => r.Events).Any(e => e.Role == PlannedRole.Rating && !DesignEvents.IsBaseline(e, spec)))
            notes.Add("ratings are self-paced: they are modelled for their time limit, the longest they can last");

        var first = Analyse(firstPlan, firstRuns, labels, settings);
        DesignDistribution? distribution = null;
        if (options.Participants > 1)
        {
            var all = new List<ParticipantDesign> { first };
            foreach (string id in ParticipantIds(options.ParticipantId, options.Participants).Skip(1))
            {
                var plan = MakePlan(paradigm, new SessionFacts(id, options.SessionLabel));
                var runs = DesignEvents.FromPlan(plan, spec);
                all.Add(Analyse(plan, runs, labels, settings));
            }
            distribution = Distribute(all, settings);
        }
        SearchResult? search = options.Search > 0 ? Search(paradigm, options, spec, labels, settings, first) : null;
        return new DesignReport(paradigm.FilePath, settings, first, distribution, search, notes);
    }

    /// <summary>Refuses, with the reason, a paradigm whose check would mean nothing: PET, no scanner, no scan run, no TR.</summary>
    public static void CheckApplies(ParadigmModel paradigm)
    {
        var scanner = paradigm.Scanner;
        string file = paradigm.FilePath;
        if (scanner.Modality != Modality.Fmri)
            throw new DesignException($"{file} is a{(scanner.Modality == Modality.Pet ? " PET" : "n")} paradigm without fMRI (scanner.modality: {scanner.Modality.ToString().ToLowerInvariant()}): the design check models the BOLD response of fMRI runs and does not apply", notApplicable: true);
        if (!paradigm.Phases.OfType<ScanPhase>().Any())
            throw new DesignException($"{file} has no scan phase (only self-paced phases): there is no run to model, so the design check does not apply", notApplicable: true);
        if (scanner.TrNs <= 0)
            throw new DesignException($"{file} gives no scanner.tr: the design check needs the repetition time", notApplicable: true);
    }

    private static Plan MakePlan(ParadigmModel paradigm, SessionFacts facts)
    {
        try { return Planner.Make(paradigm, facts); }
        catch (PlanException e) { throw new DesignException($"{e.Pos}: error: {e.Message}"); }
    }

    /// <summary>One participant's runs and session figures, columns over <paramref name="labels"/>.</summary>
    public static ParticipantDesign Analyse(Plan plan, IReadOnlyList<RunEvents> runs, IReadOnlyList<string> labels, DesignSettings settings)
    {
        var ms = new MatrixSettings { TrS = settings.TrS, HighPassS = settings.HighPassS, TemporalDerivative = settings.TemporalDerivative };
        var designs = new List<RunDesign>();
        var stacked = new List<DesignMatrix>();
        foreach (var run in runs)
        {
            var present = labels.Where(l => run.Events.Any(e => e.Label == l)).ToList();
            var matrix = DesignMatrix.Build(run.Events, present, run.Scans, ms);
            var stats = DesignStats.Compute(matrix.X, settings.Contrasts.Select(c => (c.Text, Weights(c, matrix.Roles))).ToList());
            // A contrast naming a label this run has no event of cannot be estimated here (its weights there would be
            // silently dropped, and "a - b" would report the efficiency of "a").
            for (int c = 0; c < settings.Contrasts.Count; c++)
                if (settings.Contrasts[c].Terms.Any(t => !present.Contains(t.Label))) stats.NotEstimable(c);
            designs.Add(new RunDesign(run.Run, run, matrix, stats, Warnings(run.Run, matrix, stats, settings)));
            stacked.Add(present.Count == labels.Count ? matrix : DesignMatrix.Build(run.Events, labels, run.Scans, ms));
        }
        return new ParticipantDesign(plan.Facts.ParticipantId, plan.Seed, designs, SessionContrasts(stacked, settings));
    }

    /// <summary>The runs stacked (regressors shared, a constant per run): each contrast over the whole session.</summary>
    private static IReadOnlyList<ContrastResult> SessionContrasts(IReadOnlyList<DesignMatrix> runs, DesignSettings settings)
    {
        if (runs.Count == 0) return [];
        int p = runs[0].Columns.Count - 1, n = runs.Sum(r => r.Scans), k = runs.Count;
        var x = new double[n, p + k];
        int row = 0;
        for (int r = 0; r < k; r++)
        {
            var m = runs[r].X;
            for (int i = 0; i < runs[r].Scans; i++, row++)
            {
                for (int j = 0; j < p; j++) x[row, j] = m[i, j];
                x[row, p + r] = 1;
            }
        }
        var roles = runs[0].Roles.Take(p).Concat(Enumerable.Repeat<(string?, bool)>((null, false), k)).ToList();
        return DesignStats.Compute(x, settings.Contrasts.Select(c => (c.Text, Weights(c, roles))).ToList()).Contrasts;
    }

    /// <summary>The contrast's weight on each column: its label's weight on the label's main column, 0 elsewhere.</summary>
    private static double[] Weights(ContrastSpec contrast, IReadOnlyList<(string? Label, bool Derivative)> roles)
    {
        var w = new double[roles.Count];
        for (int j = 0; j < roles.Count; j++)
        {
            if (roles[j].Label is not { } label || roles[j].Derivative) continue;
            foreach (var t in contrast.Terms) if (t.Label == label) w[j] += t.Weight;
        }
        return w;
    }

    private static List<string> Warnings(int run, DesignMatrix matrix, DesignStats stats, DesignSettings settings)
    {
        var list = new List<string>();
        var names = matrix.Columns;
        int p = stats.Vif.Length;
        for (int i = 0; i < p; i++)
        {
            if (double.IsNaN(stats.Correlation[i, i])) { list.Add($"run {run}: '{names[i]}' does not vary after the high-pass filter: it cannot be told from the baseline"); continue; }
            for (int j = i + 1; j < p; j++)
            {
                double r = stats.Correlation[i, j];
                if (!double.IsNaN(r) && Math.Abs(r) > settings.MaxCorrelation)
                    list.Add(F($"run {run}: '{names[i]}' and '{names[j]}' correlate, r = {r:0.000} (|r| above {settings.MaxCorrelation:0.##})"));
            }
        }
        for (int i = 0; i < p; i++)
        {
            if (double.IsNaN(stats.Correlation[i, i])) continue;
            if (double.IsPositiveInfinity(stats.Vif[i]))
                list.Add($"run {run}: '{names[i]}' is a linear combination of the other regressors (VIF infinite): its effect cannot be estimated");
            else if (stats.Vif[i] > settings.MaxVif)
                list.Add(F($"run {run}: '{names[i]}' has a variance inflation factor of {stats.Vif[i]:0.00} (above {settings.MaxVif:0.##})"));
        }
        foreach (var c in stats.Contrasts.Where(c => !c.Estimable))
        {
            var contrast = settings.Contrasts.First(x => x.Text == c.Text);
            var absent = contrast.Terms.Select(t => t.Label).Where(l => matrix.Roles.All(r => r.Label != l)).ToList();
            list.Add(absent.Count > 0
                ? $"run {run}: contrast '{c.Text}' cannot be estimated in this run: no event of {string.Join(", ", absent.Select(a => $"'{a}'"))} in it"
                : $"run {run}: contrast '{c.Text}' cannot be estimated: its regressors are collinear");
        }
        return list;
    }

    public static double MaxAbsR(double[,] r)
    {
        double max = 0;
        int p = r.GetLength(0);
        for (int i = 0; i < p; i++) for (int j = i + 1; j < p; j++) if (!double.IsNaN(r[i, j])) max = Math.Max(max, Math.Abs(r[i, j]));
        return max;
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
