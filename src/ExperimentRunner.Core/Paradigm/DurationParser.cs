using System.Globalization;
using System.Text.RegularExpressions;

namespace ExperimentRunner.Core.Paradigm;

/// <summary>Durations as researchers write them: "500ms", "2 s", "1.5min", "30 frames", "2 TR".</summary>
internal sealed partial class DurationParser(Diagnostics d, double refreshHz, long trNs)
{
    [GeneratedRegex(@"^\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s|sec|min|frames?|tr|trs)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();

    public const long MaxNs = 24L * 3600 * 1_000_000_000;

    public long? ParseFixed(YNode? node, string what, bool allowZero = true)
    {
        if (node is not YScalar s || s.IsNull)
        {
            if (node != null) d.Error(node.Pos, $"{what} must be a duration such as '2s' or '500ms'");
            return null;
        }
        string text = s.Value.Trim();
        if (text.StartsWith('-'))
        {
            d.Error(s.Pos, $"{what} is negative ('{text}'); durations must be zero or more");
            return null;
        }
        var m = Pattern().Match(text);
        if (!m.Success)
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                d.Error(s.Pos, $"{what} '{text}' has no unit; write e.g. '{text}s' or '{text}ms' (units: ms, s, min, frames, TR)");
            else
                d.Error(s.Pos, $"{what} '{text}' is not a duration; write e.g. '2s', '500ms', '1.5min', '30 frames' or '2 TR'");
            return null;
        }
        double value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        string unit = m.Groups[2].Value.ToLowerInvariant();
        double ns;
        switch (unit)
        {
            case "ms": ns = value * 1e6; break;
            case "s": case "sec": ns = value * 1e9; break;
            case "min": ns = value * 60e9; break;
            case "frame": case "frames": ns = value * 1e9 / refreshHz; break;
            default:
                if (trNs <= 0)
                {
                    d.Error(s.Pos, $"{what} is in TRs, but the scanner has no 'tr'");
                    return null;
                }
                ns = value * trNs;
                break;
        }
        if (ns > MaxNs)
        {
            d.Error(s.Pos, $"{what} '{text}' is longer than 24 hours");
            return null;
        }
        if (!allowZero && ns <= 0)
        {
            d.Error(s.Pos, $"{what} must be more than zero");
            return null;
        }
        return (long)Math.Round(ns);
    }

    public DurationSpec? Parse(YNode? node, string what)
    {
        if (node == null) return null;
        if (node is YScalar)
        {
            var ns = ParseFixed(node, what);
            return ns is null ? null : new FixedDuration(node.Pos, ns.Value);
        }
        if (node is not YMapping m || m.Entries.Count != 1)
        {
            d.Error(node.Pos, $"{what} must be a duration ('2s') or one distribution: {{uniform: [2s, 6s]}}, {{exponential: {{mean: 3s, min: 2s, max: 8s}}}} or {{list: [2s, 3s, 4s]}}");
            return null;
        }
        var (key, value) = m.Entries[0];
        switch (key.Value)
        {
            case "uniform":
            {
                if (value is not YSequence { Items.Count: 2 } seq)
                {
                    d.Error(value.Pos, $"uniform jitter takes two bounds: uniform: [2s, 6s]");
                    return null;
                }
                var lo = ParseFixed(seq.Items[0], $"{what} lower bound");
                var hi = ParseFixed(seq.Items[1], $"{what} upper bound");
                if (lo is null || hi is null) return null;
                if (hi < lo)
                {
                    d.Error(value.Pos, $"{what}: the upper bound is below the lower bound");
                    return null;
                }
                return new UniformJitter(node.Pos, lo.Value, hi.Value);
            }
            case "exponential":
            {
                var r = new MapReader(value, "exponential jitter", d, value.Pos, "mean", "realised_mean", "min", "max");
                bool realised = r.Node("realised_mean") != null;
                if (realised && r.Node("mean") != null)
                {
                    d.Error(r.PosOf("realised_mean"), $"{what}: give either 'mean' (of the exponential before truncation) or 'realised_mean' (of the draws), not both");
                    return null;
                }
                string meanKey = realised ? "realised_mean" : "mean";
                var mean = ParseFixed(r.Node(meanKey), $"{what} {meanKey}", allowZero: false);
                var lo = ParseFixed(r.Node("min"), $"{what} min");
                var hi = ParseFixed(r.Node("max"), $"{what} max");
                if (r.Node(meanKey) == null || r.Node("min") == null || r.Node("max") == null)
                {
                    d.Error(value.Pos, "exponential jitter needs min, max and mean (or realised_mean)");
                    return null;
                }
                if (mean is null || lo is null || hi is null) return null;
                if (hi < lo)
                {
                    d.Error(value.Pos, $"{what}: max is below min");
                    return null;
                }
                if (realised)
                {
                    var param = ExponentialJitter.MeanParamForRealisedMean(mean.Value, lo.Value, hi.Value);
                    if (param is null)
                    {
                        d.Error(r.PosOf("realised_mean"), $"{what}: the realised mean ({mean / 1e9:0.###} s) must lie between min and the middle of min and max ({lo / 1e9:0.###}–{(lo + hi) / 2 / 1e9:0.###} s, both excluded): an exponential truncated at max averages less than that middle");
                        return null;
                    }
                    return new ExponentialJitter(node.Pos, param.Value, lo.Value, hi.Value);
                }
                if (mean <= lo || mean >= hi)
                {
                    d.Error(r.PosOf("mean"), $"{what}: the mean ({mean / 1e9:0.###} s) lies outside its range ({lo / 1e9:0.###}–{hi / 1e9:0.###} s); a truncated exponential needs min < mean < max");
                    return null;
                }
                return new ExponentialJitter(node.Pos, mean.Value, lo.Value, hi.Value);
            }
            case "list":
            {
                if (value is not YSequence { Items.Count: > 0 } seq)
                {
                    d.Error(value.Pos, "list jitter takes a non-empty list: list: [2s, 3s, 4s]");
                    return null;
                }
                if (seq.Items.Count > 10_000)
                {
                    d.Error(value.Pos, "list jitter has more than 10,000 values");
                    return null;
                }
                var values = new List<long>();
                foreach (var item in seq.Items)
                    if (ParseFixed(item, $"{what} list value") is { } v) values.Add(v);
                return values.Count == seq.Items.Count ? new ListJitter(node.Pos, values) : null;
            }
            default:
                d.Error(key.Pos, $"unknown distribution '{key.Value}'{Suggest.DidYouMean(key.Value, ["uniform", "exponential", "list"])}; use uniform, exponential or list");
                return null;
        }
    }
}
