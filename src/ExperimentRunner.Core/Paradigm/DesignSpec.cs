using System.Globalization;
using System.Text.RegularExpressions;

namespace ExperimentRunner.Core.Paradigm;

/// <summary>
/// The paradigm's optional <c>design:</c> section, read by <c>exrun design</c> (issue 16): the contrasts of interest
/// and how the fMRI design matrix is built and judged. Nothing here changes what a session does.
/// </summary>
public sealed record DesignSpec
{
    public static readonly DesignSpec Default = new();

    /// <summary>Contrasts of interest, in file order; empty: one per modelled event label (each against the baseline).</summary>
    public IReadOnlyList<ContrastSpec> Contrasts { get; init; } = [];
    /// <summary>High-pass cut-off of the DCT filter, seconds (SPM's default 128); 0 means no filter.</summary>
    public double HighPassS { get; init; } = 128;
    /// <summary>Screen names or event labels left out of the model (the implicit baseline); null: screens shown as
    /// fixation or blank. Lead-in, lead-out, rests between blocks and waits for a volume are always baseline.</summary>
    public IReadOnlyList<string>? Baseline { get; init; }
    /// <summary>Adds each label's temporal derivative (SPM's, orthogonalised) as a regressor of no interest.</summary>
    public bool TemporalDerivative { get; init; }
    /// <summary>Warn when two regressors correlate more than this (absolute Pearson r, 0–1).</summary>
    public double MaxCorrelation { get; init; } = 0.7;
    /// <summary>Warn when a regressor's variance inflation factor exceeds this (≥ 1).</summary>
    public double MaxVif { get; init; } = 5;
}

/// <summary>One contrast: weights on event labels (the BIDS <c>trial_type</c>), as written, with where it was written.</summary>
public sealed record ContrastSpec(string Text, IReadOnlyList<ContrastTerm> Terms, SourcePos? Pos);

public readonly record struct ContrastTerm(string Label, double Weight);

/// <summary>
/// Reads a contrast: terms joined by " + " or " - " (spaces around the sign), each an optional weight and a label:
/// <c>rejection_feedback - acceptance_feedback</c>, <c>2*a - b - c</c>, <c>0.5 a + 0.5 b</c>. A label named twice adds up.
/// </summary>
public static partial class ContrastParser
{
    [GeneratedRegex(@"^(?:(?<w>[0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*\*?\s*)?(?<l>[^\s*]+)$")]
    private static partial Regex Term();

    /// <summary>The contrast, or null with <paramref name="error"/> saying what is wrong.</summary>
    public static ContrastSpec? Parse(string text, SourcePos? pos, out string? error)
    {
        error = null;
        string s = text.Trim();
        if (s.Length == 0) { error = "a contrast is empty; write labels joined by ' - ' or ' + ', e.g. 'rejection_feedback - acceptance_feedback'"; return null; }
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        var order = new List<string>();
        double sign = 1;
        if (s.StartsWith('-') || s.StartsWith('+'))
        {
            sign = s[0] == '-' ? -1 : 1;
            s = s[1..].TrimStart();
        }
        // Split at a sign with space on both sides; a sign inside a label (no spaces) stays part of it.
        var parts = Regex.Split(s, @"\s+([+-])\s+");
        for (int i = 0; i < parts.Length; i += 2)
        {
            if (i > 0) sign = parts[i - 1] == "-" ? -1 : 1;
            var m = Term().Match(parts[i].Trim());
            if (!m.Success)
            {
                error = $"'{parts[i].Trim()}' in contrast '{text}' is not a term: write an optional weight and a label ('2*a', '0.5 b', 'a'), and put spaces around + and -";
                return null;
            }
            double w = m.Groups["w"].Success ? double.Parse(m.Groups["w"].Value, CultureInfo.InvariantCulture) : 1;
            string label = m.Groups["l"].Value;
            if (!weights.ContainsKey(label)) order.Add(label);
            weights[label] = weights.GetValueOrDefault(label) + sign * w;
        }
        var terms = order.Where(l => weights[l] != 0).Select(l => new ContrastTerm(l, weights[l])).ToList();
        if (terms.Count == 0) { error = $"contrast '{text}' has no weight left (its terms cancel out)"; return null; }
        return new ContrastSpec(text.Trim(), terms, pos);
    }
}
