namespace ExperimentRunner.Core.Paradigm;

public static partial class ParadigmLoader
{
    private sealed partial class Binder
    {
        /// <summary>The optional <c>design:</c> section (issue 16): contrasts and settings of the fMRI design check.
        /// Labels are checked against the plan by <c>exrun design</c>, which knows them; here only their form.</summary>
        private DesignSpec BindDesign(MapReader top)
        {
            if (!top.Has("design")) return DesignSpec.Default;
            var m = new MapReader(top.Node("design"), "design", d, _start,
                "contrasts", "high_pass", "baseline", "temporal_derivative", "max_correlation", "max_vif");
            if (!m.Exists) return DesignSpec.Default;
            var contrasts = new List<ContrastSpec>();
            var node = m.Node("contrasts");
            if (node is YSequence seq)
            {
                foreach (var item in seq.Items)
                {
                    if (item is not YScalar s || s.IsNull)
                    {
                        d.Error(item.Pos, "each contrast is a text such as \"rejection_feedback - acceptance_feedback\"");
                        continue;
                    }
                    var c = ContrastParser.Parse(s.Value, s.Pos, out string? error);
                    if (c is null) d.Error(s.Pos, error!);
                    else if (contrasts.Any(x => x.Text == c.Text)) d.Error(s.Pos, $"contrast '{c.Text}' is listed twice");
                    else contrasts.Add(c);
                }
            }
            else if (node is not null && !(node is YScalar { IsNull: true }))
                d.Error(node.Pos, "'contrasts' in design must be a list of texts such as \"rejection_feedback - acceptance_feedback\"");

            double highPass = DesignSpec.Default.HighPassS;
            if (m.Has("high_pass"))
            {
                var hp = m.Node("high_pass")!;
                if (hp is YScalar { Value: "none" or "off" }) highPass = 0;
                // A value that runs over several lines (a list item indented under it) would put a line break into
                // the message, leaving its second line without a position.
                else if (hp is YScalar multi && multi.Value.Contains('\n'))
                    d.Error(hp.Pos, "design.high_pass must be one duration such as 128s (or 'none') on its own line; the lines under it are read as part of its value");
                else
                {
                    long? ns = _dur.ParseFixed(hp, "design.high_pass", allowZero: false);
                    if (ns is long v) highPass = v / 1e9;
                    if (highPass is > 0 and < 10) d.Error(hp.Pos, $"design.high_pass of {highPass:0.###} s would filter out the responses themselves; SPM's default is 128s");
                }
            }
            IReadOnlyList<string>? baseline = m.Has("baseline") ? m.StringList("baseline") : null;
            return new DesignSpec
            {
                Contrasts = contrasts,
                HighPassS = highPass,
                Baseline = baseline,
                TemporalDerivative = m.Bool("temporal_derivative", false),
                MaxCorrelation = m.Number("max_correlation", DesignSpec.Default.MaxCorrelation, 0, 1),
                MaxVif = m.Number("max_vif", DesignSpec.Default.MaxVif, 1, 1e6),
            };
        }
    }
}
