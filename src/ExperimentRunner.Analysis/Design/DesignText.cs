using System.Globalization;

namespace ExperimentRunner.Analysis.Design;

/// <summary>The figures of a design report as lines of text: what <c>exrun design</c> prints and index.md holds.</summary>
public static class DesignText
{
    public static string Settings(DesignReport report)
    {
        var s = report.Settings;
        return F($"TR {s.TrS:0.###} s; canonical HRF (SPM: peak 6 s, undershoot 16 s, ratio 1/6), 16 microtime bins per TR; high-pass {(s.HighPassS > 0 ? F($"{s.HighPassS:0.#} s (DCT)") : "none")}; temporal derivative {(s.TemporalDerivative ? "yes" : "no")}; warn at |r| > {s.MaxCorrelation:0.##}, VIF > {s.MaxVif:0.##}");
    }

    /// <summary>Everything, for the terminal.</summary>
    public static IEnumerable<string> Lines(DesignReport report, string paradigmArgument)
    {
        var first = report.First;
        yield return $"design of {paradigmArgument} for {first.ParticipantId} (plan seed {first.Seed}): {Settings(report)}";
        foreach (var note in report.Notes) yield return $"  note: {note}";
        foreach (var run in first.Runs)
        {
            yield return $"run {run.Run}: {run.Matrix.Scans} volumes, {run.Events.Events.Count} modelled events, regressors: {string.Join(", ", run.Regressors)}";
            foreach (var c in run.Stats.Contrasts) yield return $"  efficiency {Eff(c),10}  {c.Text}";
            yield return "  VIF: " + string.Join(", ", run.Regressors.Select((n, i) => $"{n} {Vif(run.Stats.Vif[i])}"));
            if (MaxPair(run) is var (a, b, r)) yield return F($"  largest |r|: {r:0.000} ({a} ~ {b})");
        }
        if (first.Runs.Count > 1)
        {
            yield return "session (runs together, a constant per run):";
            foreach (var c in first.Session) yield return $"  efficiency {Eff(c),10}  {c.Text}";
        }
        var warnings = first.Warnings.ToList();
        yield return warnings.Count == 0 ? "no warnings" : $"{warnings.Count} warning(s):";
        foreach (var w in warnings) yield return $"  warning: {w}";
        if (report.Distribution is { } d)
        {
            yield return $"over {d.Participants} participants ({Ids(report)}), session efficiency min / median / max:";
            foreach (var (c, s) in d.Contrasts) yield return F($"  {s.Min,10:0.###} {s.Median,10:0.###} {s.Max,10:0.###}  {c}");
            yield return F($"  largest VIF     {d.MaxVif.Min:0.##} / {d.MaxVif.Median:0.##} / {d.MaxVif.Max:0.##}");
            yield return F($"  largest |r|     {d.MaxAbsCorrelation.Min:0.###} / {d.MaxAbsCorrelation.Median:0.###} / {d.MaxAbsCorrelation.Max:0.###}");
            yield return $"  participants with a warning: {d.WithWarnings} of {d.Participants}";
        }
        if (report.Search is { } s2)
        {
            string crit = Criterion(s2.Criterion);
            yield return F($"search over {s2.Draws} other seeds for {first.ParticipantId}, criterion {crit}: own seed {s2.OwnSeed} scores {Score(s2.OwnScore, s2.Criterion)}; best seed {s2.BestSeed} scores {Score(s2.BestScore, s2.Criterion)}");
            if (s2.BestSeed == s2.OwnSeed) yield return "  no drawn seed did better; the paradigm is unchanged";
            else
            {
                yield return $"  nothing was changed; to look at it: exrun plan {paradigmArgument} --participant {first.ParticipantId} --seed {s2.BestSeed}";
                foreach (var (run, screen, durations) in s2.BestJitter)
                    yield return $"  run {run} '{screen}' durations drawn: {{list: [{string.Join(", ", durations.Select(v => v.ToString("0.###", CultureInfo.InvariantCulture) + "s"))}]}}";
            }
        }
    }

#pragma warning disable CS8524 // an unnamed value is a bug and throws SwitchExpressionException
    public static string Criterion(SearchCriterion c) => c switch
    {
        SearchCriterion.MinEfficiency => "min-efficiency (the largest smallest contrast efficiency)",
        SearchCriterion.MeanEfficiency => "mean-efficiency (the largest mean contrast efficiency)",
        SearchCriterion.MaxVif => "max-vif (the smallest largest VIF)",
        SearchCriterion.MaxCorrelation => "max-correlation (the smallest largest |r|)",
    };
#pragma warning restore CS8524

    public static string Score(double score, SearchCriterion c) =>
        (c is SearchCriterion.MaxVif or SearchCriterion.MaxCorrelation ? -score : score).ToString("0.####", CultureInfo.InvariantCulture);

    public static string Eff(ContrastResult c) => c.Estimable ? c.Efficiency.ToString("0.###", CultureInfo.InvariantCulture) : "n/e";

    public static string Vif(double v) => double.IsPositiveInfinity(v) ? "inf" : v.ToString("0.00", CultureInfo.InvariantCulture);

    public static (string A, string B, double R)? MaxPair(RunDesign run)
    {
        var r = run.Stats.Correlation;
        int p = r.GetLength(0);
        (string, string, double)? best = null;
        for (int i = 0; i < p; i++)
            for (int j = i + 1; j < p; j++)
                if (!double.IsNaN(r[i, j]) && (best is null || Math.Abs(r[i, j]) > best.Value.Item3)) best = (run.Regressors[i], run.Regressors[j], Math.Abs(r[i, j]));
        return best;
    }

    private static string Ids(DesignReport report)
    {
        var ids = DesignCheck.ParticipantIds(report.First.ParticipantId, report.Distribution!.Participants);
        return ids.Count == 1 ? ids[0] : $"{ids[0]} … {ids[^1]}";
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
