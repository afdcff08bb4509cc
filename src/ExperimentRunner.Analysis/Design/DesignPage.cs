using System.Globalization;
using System.Net;
using System.Text;

namespace ExperimentRunner.Analysis.Design;

/// <summary>
/// The design report as files, like the timing report: per run of the first participant the matrix image, the
/// regressors over time and the correlation heat map (PNG), the matrix itself (TSV), and index.md / index.html
/// with every figure and warning.
/// </summary>
public static class DesignPage
{
    public const string MarkdownName = "index.md", HtmlName = "index.html";

    /// <summary>Writes into <paramref name="dir"/> (created if missing); returns the files written, relative to it.</summary>
    public static IReadOnlyList<string> Write(DesignReport report, string paradigmArgument, string dir)
    {
        Directory.CreateDirectory(dir);
        var files = new List<string>();
        var figures = new List<(int Run, string File, string Caption)>();
        void Save(string name, byte[] bytes)
        {
            File.WriteAllBytes(Path.Combine(dir, name), bytes);
            files.Add(name);
        }
        foreach (var run in report.First.Runs)
        {
            string prefix = $"run-{run.Run}_";
            Save(prefix + "design-matrix.png", DesignPlots.Matrix(run));
            figures.Add((run.Run, prefix + "design-matrix.png", $"Run {run.Run}: the design matrix (volumes down, columns across; each column scaled to its range)"));
            Save(prefix + "regressors.png", DesignPlots.Regressors(run));
            figures.Add((run.Run, prefix + "regressors.png", $"Run {run.Run}: the regressors over time"));
            Save(prefix + "correlations.png", DesignPlots.Correlations(run, report.Settings.MaxCorrelation));
            figures.Add((run.Run, prefix + "correlations.png", $"Run {run.Run}: correlations between regressors"));
            Save(prefix + "design.tsv", Encoding.UTF8.GetBytes(Tsv(run)));
        }
        var lines = DesignText.Lines(report, paradigmArgument).ToList();
        File.WriteAllText(Path.Combine(dir, MarkdownName), Markdown(report, lines, figures));
        files.Add(MarkdownName);
        File.WriteAllText(Path.Combine(dir, HtmlName), Html(report, lines, figures));
        files.Add(HtmlName);
        return files;
    }

    /// <summary>The filtered design matrix: a column per regressor and the constant, a row per volume (its onset in s
    /// from t0; the regressors are sampled at its middle).</summary>
    public static string Tsv(RunDesign run)
    {
        var m = run.Matrix;
        var sb = new StringBuilder("volume_onset");
        foreach (var c in m.Columns) sb.Append('\t').Append(c);
        sb.Append('\n');
        for (int i = 0; i < m.Scans; i++)
        {
            sb.Append((i * m.Settings.TrS).ToString("0.###", CultureInfo.InvariantCulture));
            for (int j = 0; j < m.Columns.Count; j++) sb.Append('\t').Append(m.X[i, j].ToString("R", CultureInfo.InvariantCulture));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static string Markdown(DesignReport report, List<string> lines, List<(int Run, string File, string Caption)> figures)
    {
        var sb = new StringBuilder();
        sb.Append("# Design check: ").Append(Path.GetFileName(report.ParadigmFile)).Append("\n\n");
        sb.Append(DesignText.Settings(report)).Append("\n\n```text\n");
        foreach (var l in lines) sb.Append(l).Append('\n');
        sb.Append("```\n");
        foreach (var run in report.First.Runs)
        {
            sb.Append("\n## Run ").Append(run.Run).Append("\n\n");
            sb.Append("| contrast | efficiency |\n| --- | --- |\n");
            foreach (var c in run.Stats.Contrasts) sb.Append("| ").Append(c.Text).Append(" | ").Append(DesignText.Eff(c)).Append(" |\n");
            sb.Append("\n| regressor | VIF |\n| --- | --- |\n");
            for (int i = 0; i < run.Regressors.Count; i++) sb.Append("| ").Append(run.Regressors[i]).Append(" | ").Append(DesignText.Vif(run.Stats.Vif[i])).Append(" |\n");
            foreach (var f in figures.Where(f => f.Run == run.Run)) sb.Append("\n![").Append(f.Caption).Append("](").Append(f.File).Append(")\n");
            sb.Append("\nThe matrix: [").Append($"run-{run.Run}_design.tsv").Append("](").Append($"run-{run.Run}_design.tsv").Append(")\n");
        }
        return sb.ToString();
    }

    private static string Html(DesignReport report, List<string> lines, List<(int Run, string File, string Caption)> figures)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Design check: ");
        sb.Append(E(Path.GetFileName(report.ParadigmFile))).Append("</title>\n<style>body{font-family:sans-serif;max-width:1300px;margin:2em auto}")
          .Append("pre{background:#f4f4f4;padding:1em;overflow-x:auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px}")
          .Append("img{max-width:100%}.warn{color:#b00}</style></head><body>\n");
        sb.Append("<h1>Design check: ").Append(E(Path.GetFileName(report.ParadigmFile))).Append("</h1>\n<p>").Append(E(DesignText.Settings(report))).Append("</p>\n");
        var warnings = report.First.Warnings.ToList();
        if (warnings.Count > 0)
        {
            sb.Append("<ul class=\"warn\">");
            foreach (var w in warnings) sb.Append("<li>").Append(E(w)).Append("</li>");
            sb.Append("</ul>\n");
        }
        sb.Append("<pre>");
        foreach (var l in lines) sb.Append(E(l)).Append('\n');
        sb.Append("</pre>\n");
        foreach (var run in report.First.Runs)
        {
            sb.Append("<h2>Run ").Append(run.Run).Append("</h2>\n<table><tr><th>contrast</th><th>efficiency</th></tr>");
            foreach (var c in run.Stats.Contrasts) sb.Append("<tr><td>").Append(E(c.Text)).Append("</td><td>").Append(DesignText.Eff(c)).Append("</td></tr>");
            sb.Append("</table>\n<table><tr><th>regressor</th><th>VIF</th></tr>");
            for (int i = 0; i < run.Regressors.Count; i++)
                sb.Append("<tr><td>").Append(E(run.Regressors[i])).Append("</td><td>").Append(DesignText.Vif(run.Stats.Vif[i])).Append("</td></tr>");
            sb.Append("</table>\n");
            foreach (var f in figures.Where(f => f.Run == run.Run))
                sb.Append("<figure><img src=\"").Append(E(f.File)).Append("\" alt=\"").Append(E(f.Caption)).Append("\"><figcaption>").Append(E(f.Caption)).Append("</figcaption></figure>\n");
            sb.Append("<p>The matrix: <a href=\"").Append(E($"run-{run.Run}_design.tsv")).Append("\">").Append(E($"run-{run.Run}_design.tsv")).Append("</a></p>\n");
        }
        sb.Append("</body></html>\n");
        return sb.ToString();
    }
}
