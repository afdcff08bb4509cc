using System.Globalization;
using ExperimentRunner.Storage.Report;
using ScottPlot;

namespace ExperimentRunner.Cli.Report;

/// <summary>
/// The four timing plots of a run, drawn with ScottPlot as PNG bytes. Each has a title naming the run, axis labels
/// with units and, where something is marked, a legend. Same data, same bytes (no time, no randomness).
/// </summary>
public static class QcPlots
{
    public const int Width = 1000, Height = 500;

    private static readonly Color Ok = Color.FromHex("#1f77b4");
    private static readonly Color Bad = Color.FromHex("#d62728");
    private static readonly Color Guide = Color.FromHex("#7f7f7f");

    /// <summary>The plots of one run: file name (relative to the report folder), caption, and a way to draw it.</summary>
    public static IReadOnlyList<(QcPlot Plot, Func<byte[]> Draw)> ForRun(RunQc run, SessionQc session)
    {
        string prefix = $"run-{run.Run}_";
        return
        [
            (new QcPlot(run.Run, prefix + "onset-errors.png", $"Run {run.Run}: onset error of each screen (actual − intended, ms)"), () => OnsetErrors(run, session)),
            (new QcPlot(run.Run, prefix + "flip-intervals.png", $"Run {run.Run}: interval between flips over the run (ms), missed frames in red"), () => FlipIntervals(run, session)),
            (new QcPlot(run.Run, prefix + "pulse-intervals.png", $"Run {run.Run}: interval between scanner pulses per volume (s), missing pulses in red"), () => PulseIntervals(run, session)),
            (new QcPlot(run.Run, prefix + "response-times.png", $"Run {run.Run}: response times (ms)"), () => ResponseTimes(run)),
        ];
    }

    public static byte[] OnsetErrors(RunQc run, SessionQc session)
    {
        using var plot = NewPlot();
        double period = session.RefreshPeriodMs;
        plot.Title(string.Create(CultureInfo.InvariantCulture,
            $"Run {run.Run}: onset errors of {run.Onsets.Count} screens ({run.Onsets.Excluded} within {session.Thresholds.ExcludeFramesAfterT0} frames of t0 left out); pass limit |p99| < {session.Thresholds.PassOnsetP99Periods * period:0.###} ms"), 14);
        plot.XLabel("onset error: actual − intended onset (ms; positive = late)");
        plot.YLabel("screens");
        double limit = session.Thresholds.PassOnsetP99Periods * period;
        var range = Histogram(plot, run.OnsetErrorsMs, "no screen with an intended onset in this run", x => Math.Abs(x) >= limit);
        // The pass limits only where the data come near them; otherwise they would squash a tight distribution.
        if (range is var (lo, hi) && (hi >= limit / 2 || lo <= -limit / 2))
        {
            foreach (double x in new[] { -limit, limit })
            {
                var line = plot.Add.VerticalLine(x, 1.5f, Bad, LinePattern.Dashed);
                line.LegendText = x > 0 ? string.Create(CultureInfo.InvariantCulture, $"pass limit ±{limit:0.###} ms (screens beyond it in red)") : "";
            }
            plot.Axes.SetLimitsX(Math.Min(lo, -limit) - period / 4, Math.Max(hi, limit) + period / 4);
            plot.ShowLegend(Alignment.UpperRight);
        }
        return Png(plot);
    }

    public static byte[] FlipIntervals(RunQc run, SessionQc session)
    {
        using var plot = NewPlot();
        plot.Title($"Run {run.Run}: flip intervals ({Plural(run.Flips, "flip")}, {Plural(run.MissedFrames, "missed frame")})", 14);
        plot.XLabel("time from the run's t0 (s)");
        plot.YLabel("interval since the previous flip (ms)");
        if (run.FlipIntervalsMs.Length == 0)
        {
            NoData(plot, "fewer than two flips in this run");
            return Png(plot);
        }
        var flips = plot.Add.ScatterPoints(run.FlipTimesS, run.FlipIntervalsMs, Ok);
        flips.MarkerSize = 3;
        flips.LegendText = "flip";
        var nominal = plot.Add.HorizontalLine(session.RefreshPeriodMs, 1, Guide, LinePattern.Dashed);
        nominal.LegendText = string.Create(CultureInfo.InvariantCulture, $"refresh period ({session.RefreshPeriodMs:0.###} ms)");
        if (run.FlipTimesS[0] < 0)
        {
            // Flips before t0 are the wait for the scanner; the line shows where the run's clock starts.
            var t0 = plot.Add.VerticalLine(0, 1, Guide, LinePattern.Dotted);
            t0.LegendText = "t0 (first counted pulse)";
        }
        if (run.MissedFrameTimesS.Length > 0)
        {
            var missed = plot.Add.Markers(run.MissedFrameTimesS, run.MissedFrameIntervalsMs, MarkerShape.OpenCircle, 10, Bad);
            missed.MarkerLineWidth = 2;
            missed.LegendText = $"missed frame ({run.MissedFrames})";
        }
        double top = Math.Max(run.FlipIntervalsMs.Max(), session.RefreshPeriodMs * 2.5);
        plot.Axes.SetLimitsY(0, top * 1.08);
        plot.ShowLegend(Alignment.UpperRight);
        return Png(plot);
    }

    public static byte[] PulseIntervals(RunQc run, SessionQc session)
    {
        using var plot = NewPlot();
        double tr = session.Session.Info.RepetitionTimeS;
        plot.Title(tr > 0 ? $"Run {run.Run}: scanner pulse intervals ({Plural(run.CountedPulses, "counted pulse")}, {run.MissingPulses} missing)"
            : $"Run {run.Run}: scanner pulse intervals (none expected: the paradigm has no TR)", 14);
        plot.XLabel("volume (0 = t0, the first counted pulse)");
        plot.YLabel("interval since the previous counted pulse (s)");
        if (run.PulseIntervalsS.Length == 0 && run.MissingPulses == 0)
        {
            NoData(plot, tr > 0 ? "fewer than two counted pulses in this run" : "no pulse intervals: this paradigm has no scanner TR");
            return Png(plot);
        }
        if (run.PulseIntervalsS.Length > 0)
        {
            var pulses = plot.Add.ScatterPoints(run.PulseVolumes, run.PulseIntervalsS, Ok);
            pulses.MarkerSize = 5;
            pulses.LegendText = "pulse";
        }
        if (tr > 0)
        {
            var nominal = plot.Add.HorizontalLine(tr, 1, Guide, LinePattern.Dashed);
            nominal.LegendText = string.Create(CultureInfo.InvariantCulture, $"nominal TR ({tr:0.###} s)");
        }
        if (run.MissingPulses > 0)
        {
            double y = tr > 0 ? tr : run.PulseIntervalsS.DefaultIfEmpty(1).Min();
            var missing = plot.Add.Markers(run.MissingPulseVolumes, Enumerable.Repeat(y, run.MissingPulses).ToArray(), MarkerShape.Eks, 12, Bad);
            missing.MarkerLineWidth = 2.5f;
            missing.LegendText = $"missing pulse ({run.MissingPulses}), at its volume";
        }
        double top = run.PulseIntervalsS.DefaultIfEmpty(tr).Max();
        plot.Axes.SetLimitsY(0, Math.Max(top, tr * 2.2) * 1.08);
        plot.ShowLegend(Alignment.UpperRight);
        return Png(plot);
    }

    public static byte[] ResponseTimes(RunQc run)
    {
        using var plot = NewPlot();
        plot.Title($"Run {run.Run}: response times ({Plural(run.ResponseTimesMs.Length, "response")} with a time, {run.MissedResponses} timed out)", 14);
        plot.XLabel("response time from the screen's onset (ms)");
        plot.YLabel("responses");
        if (Histogram(plot, run.ResponseTimesMs, "no responses in this run") is not null)
        {
            double median = TimingQc.Percentile(run.ResponseTimesMs.Order().ToArray(), 50);
            var line = plot.Add.VerticalLine(median, 1.5f, Guide, LinePattern.Dashed);
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"median {median:0} ms");
            plot.ShowLegend(Alignment.UpperRight);
        }
        return Png(plot);
    }

    private static string Plural(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";

    private static Plot NewPlot()
    {
        var plot = new Plot();
        plot.Axes.Bottom.Label.FontSize = 14;
        plot.Axes.Left.Label.FontSize = 14;
        return plot;
    }

    /// <summary>A histogram of <paramref name="values"/> with whole-number count ticks; returns the binned range, or
    /// null when there was nothing to draw.</summary>
    private static (double Low, double High)? Histogram(Plot plot, double[] values, string whenEmpty, Func<double, bool>? bad = null)
    {
        if (values.Length == 0)
        {
            NoData(plot, whenEmpty);
            return null;
        }
        double min = values.Min(), max = values.Max();
        if (max - min < 1e-9)
        {
            // One value (or all equal): a visible bar around it rather than a zero-width range.
            double half = Math.Max(Math.Abs(min) * 0.01, 1e-3);
            min -= half;
            max += half;
        }
        int bins = Math.Clamp((int)Math.Ceiling(Math.Sqrt(values.Length)) * 2, 10, 60);
        var histogram = ScottPlot.Statistics.Histogram.WithBinCount(bins, min, max);
        histogram.IncludeOutliers = true;
        histogram.AddRange(values);
        var bars = plot.Add.Histogram(histogram, Ok);
        bars.BarWidthFraction = 0.9;
        if (bad is not null && values.Any(bad))
        {
            // The same bins again, holding only the values beyond a limit, drawn over the others in red.
            var beyond = ScottPlot.Statistics.Histogram.WithBinCount(bins, min, max);
            beyond.IncludeOutliers = true;
            beyond.AddRange(values.Where(bad));
            plot.Add.Histogram(beyond, Bad).BarWidthFraction = 0.9;
        }
        double bin = (max - min) / bins;
        plot.Axes.SetLimits(min - bin, max + bin, 0, Math.Max(histogram.Counts.Max(), 1) * 1.1);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        return (min, max);
    }

    private static void NoData(Plot plot, string text)
    {
        plot.Add.Annotation(text, Alignment.MiddleCenter);
        plot.Axes.SetLimits(0, 1, 0, 1);
    }

    private static byte[] Png(Plot plot) => plot.GetImageBytes(Width, Height, ImageFormat.Png);
}
