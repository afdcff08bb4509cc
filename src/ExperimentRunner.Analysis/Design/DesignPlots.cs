using System.Globalization;
using ScottPlot;

namespace ExperimentRunner.Analysis.Design;

/// <summary>
/// The pictures of a run's design, as PNG bytes (ScottPlot): the matrix as an image (each column scaled to its own
/// range, as SPM shows it), the regressors over time, and the correlations as a heat map. Same design, same bytes.
/// </summary>
public static class DesignPlots
{
    private static readonly Color[] Palette =
        new[] { "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf" }
            .Select(Color.FromHex).ToArray();

    public static byte[] Matrix(RunDesign run)
    {
        var m = run.Matrix;
        int rows = m.Scans, cols = m.Columns.Count;
        // The y axis runs down (time from the top, as SPM shows a design); with the rectangle given bottom-up, ScottPlot
        // then draws the first row (t0) at the top.
        var scaled = new double[rows, cols];
        for (int j = 0; j < cols; j++)
        {
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            for (int i = 0; i < rows; i++) { lo = Math.Min(lo, m.X[i, j]); hi = Math.Max(hi, m.X[i, j]); }
            for (int i = 0; i < rows; i++) scaled[i, j] = hi - lo < 1e-12 ? 1 : (m.X[i, j] - lo) / (hi - lo);
        }
        using var plot = new Plot();
        var map = plot.Add.Heatmap(scaled);
        map.Colormap = new ScottPlot.Colormaps.Grayscale();
        map.Position = new CoordinateRect(0, cols, 0, rows * m.Settings.TrS);
        plot.Title(F($"Run {run.Run}: design matrix ({rows} volumes × {cols} columns, TR {m.Settings.TrS:0.###} s, high-pass {HighPass(m.Settings.HighPassS)})"), 13);
        plot.YLabel("time from t0 (s)");
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, cols).Select(j => j + 0.5).ToArray(), m.Columns.ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 30;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 130;
        plot.Axes.SetLimits(0, cols, rows * m.Settings.TrS, 0);
        return plot.GetImageBytes(Math.Clamp(220 + 90 * cols, 500, 1400), 800, ImageFormat.Png);
    }

    public static byte[] Regressors(RunDesign run)
    {
        var m = run.Matrix;
        using var plot = new Plot();
        var time = Enumerable.Range(0, m.Scans).Select(i => i * m.Settings.TrS).ToArray();
        int shown = 0;
        for (int j = 0; j < m.Columns.Count - 1; j++)
        {
            if (m.Roles[j].Derivative) continue;
            var y = Enumerable.Range(0, m.Scans).Select(i => m.X[i, j]).ToArray();
            var line = plot.Add.ScatterLine(time, y, Palette[shown++ % Palette.Length]);
            line.LineWidth = 1.5f;
            line.LegendText = m.Columns[j];
        }
        plot.Title(F($"Run {run.Run}: regressors after the HRF and the high-pass filter ({HighPass(m.Settings.HighPassS)})"), 13);
        plot.XLabel("time from t0 (s)");
        plot.YLabel("regressor (a block of events plateaus at 1)");
        plot.ShowLegend(Alignment.UpperRight);
        return plot.GetImageBytes(1200, 450, ImageFormat.Png);
    }

    public static byte[] Correlations(RunDesign run, double threshold)
    {
        var r = run.Stats.Correlation;
        int p = r.GetLength(0);
        var names = run.Regressors;
        using var plot = new Plot();
        var values = new double[p, p];
        for (int i = 0; i < p; i++) for (int j = 0; j < p; j++) values[i, j] = r[i, j];
        var map = plot.Add.Heatmap(values);
        map.Colormap = new ScottPlot.Colormaps.Balance();
        map.ManualRange = new ScottPlot.Range(-1, 1);
        map.Position = new CoordinateRect(0, p, 0, p);
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++)
            {
                string text = double.IsNaN(r[i, j]) ? "–" : r[i, j].ToString("0.00", CultureInfo.InvariantCulture);
                var label = plot.Add.Text(text, j + 0.5, i + 0.5);
                label.LabelFontSize = 13;
                label.LabelAlignment = Alignment.MiddleCenter;
                bool flagged = i != j && Math.Abs(r[i, j]) > threshold;
                // Black on the pale middle of the map, white on its dark ends; a warning's value in bold (red where pale).
                label.LabelFontColor = Math.Abs(r[i, j]) > 0.6 ? Colors.White : flagged ? Colors.Red : Colors.Black;
                label.LabelBold = flagged;
            }
        plot.Add.ColorBar(map);
        plot.Title(F($"Run {run.Run}: correlations between regressors (values with |r| above {threshold:0.##} in bold)"), 13);
        var ticks = Enumerable.Range(0, p).Select(j => j + 0.5).ToArray();
        plot.Axes.Bottom.SetTicks(ticks, names.ToArray());
        plot.Axes.Left.SetTicks(ticks, names.ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 30;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 130;
        plot.Axes.SetLimits(0, p, p, 0);
        int side = Math.Clamp(260 + 80 * p, 500, 1200);
        return plot.GetImageBytes(side + 120, side, ImageFormat.Png);
    }

    private static string HighPass(double s) => s > 0 ? F($"{s:0.#} s") : "none";

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
