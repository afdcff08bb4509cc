using System.Globalization;
using System.Net;
using System.Text;

namespace ExperimentRunner.Storage.Report;

/// <summary>A plot of a run, as the index shows it: the file (relative to the index) and what it shows.</summary>
public sealed record QcPlot(int Run, string FileName, string Caption);

/// <summary>
/// The report's index, as Markdown and as self-contained HTML (inline style, images referenced relatively), from one
/// list of blocks so the two always say the same. Holds nothing that changes between two reports of one database
/// (no time of writing), so the same database gives the same bytes.
/// </summary>
public static class QcIndex
{
    public const string MarkdownName = "index.md", HtmlName = "index.html";

    private abstract record Block;
    private sealed record Heading(int Level, string Text) : Block;
    private sealed record Para(string Text, bool Strong = false) : Block;
    private sealed record Items(IReadOnlyList<string> Lines) : Block;
    private sealed record Table(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows) : Block;
    private sealed record Image(string File, string Caption) : Block;

    public static string Markdown(SessionQc qc, IReadOnlyList<QcPlot> plots)
    {
        var sb = new StringBuilder();
        foreach (Block b in Blocks(qc, plots))
        {
            switch (b)
            {
                case Heading h: sb.Append('#', h.Level).Append(' ').Append(h.Text).Append("\n\n"); break;
                case Para p: sb.Append(p.Strong ? $"**{p.Text}**" : p.Text).Append("\n\n"); break;
                case Items l:
                    foreach (string line in l.Lines) sb.Append("- ").Append(line).Append('\n');
                    sb.Append('\n');
                    break;
                case Table t:
                    sb.Append("| ").Append(string.Join(" | ", t.Header.Select(Cell))).Append(" |\n");
                    sb.Append('|').Append(string.Concat(t.Header.Select(_ => " --- |"))).Append('\n');
                    foreach (var row in t.Rows) sb.Append("| ").Append(string.Join(" | ", row.Select(Cell))).Append(" |\n");
                    sb.Append('\n');
                    break;
                case Image i: sb.Append("![").Append(i.Caption).Append("](").Append(i.File).Append(")\n\n"); break;
            }
        }
        return sb.ToString();
    }

    public static string Html(SessionQc qc, IReadOnlyList<QcPlot> plots)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<title>").Append(E(Title(qc))).Append("</title>\n<style>\n")
            .Append("body { font-family: system-ui, sans-serif; max-width: 1040px; margin: 2em auto; padding: 0 1em; color: #222; }\n")
            .Append("table { border-collapse: collapse; margin: 0.5em 0 1em; }\n")
            .Append("th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }\n")
            .Append("th { background: #f3f3f3; }\n")
            .Append("figure { margin: 1em 0; } img { max-width: 100%; border: 1px solid #ddd; }\n")
            .Append(".pass { color: #176f2c; } .warn { color: #9a6200; } .fail { color: #b00020; }\n")
            .Append("</style>\n</head>\n<body>\n");
        foreach (Block b in Blocks(qc, plots))
        {
            switch (b)
            {
                case Heading h: sb.Append($"<h{h.Level}>").Append(E(h.Text)).Append($"</h{h.Level}>\n"); break;
                case Para p:
                    string cls = VerdictClass(p.Text);
                    sb.Append(p.Strong ? $"<p{cls}><strong>" : $"<p{cls}>").Append(E(p.Text)).Append(p.Strong ? "</strong></p>\n" : "</p>\n");
                    break;
                case Items l:
                    sb.Append("<ul>\n");
                    foreach (string line in l.Lines) sb.Append("<li>").Append(E(line)).Append("</li>\n");
                    sb.Append("</ul>\n");
                    break;
                case Table t:
                    sb.Append("<table>\n<tr>");
                    foreach (string h in t.Header) sb.Append("<th>").Append(E(h)).Append("</th>");
                    sb.Append("</tr>\n");
                    foreach (var row in t.Rows)
                    {
                        sb.Append("<tr>");
                        foreach (string c in row) sb.Append("<td>").Append(E(c)).Append("</td>");
                        sb.Append("</tr>\n");
                    }
                    sb.Append("</table>\n");
                    break;
                case Image i:
                    sb.Append("<figure><img src=\"").Append(E(i.File)).Append("\" alt=\"").Append(E(i.Caption))
                        .Append("\" width=\"1000\"><figcaption>").Append(E(i.Caption)).Append("</figcaption></figure>\n");
                    break;
            }
        }
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    /// <summary>"pass", "warn" or "fail": the word the index uses for a verdict.</summary>
    public static string Word(QcVerdict v) => v.ToString().ToLowerInvariant();

    private static string Title(SessionQc qc) => $"Timing QC: session {qc.Session.SessionId}";

    private static string VerdictClass(string text)
    {
        foreach (QcVerdict v in Enum.GetValues<QcVerdict>())
            if (text.StartsWith("verdict: " + Word(v), StringComparison.Ordinal)
                || text.StartsWith("session verdict: " + Word(v), StringComparison.Ordinal))
                return $" class=\"{Word(v)}\"";
        return "";
    }

    private static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal);

    private static string F(double v, string format = "0.000") =>
        double.IsNaN(v) ? "n/a" : v.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>The machine's latest photodiode calibration beside the mega-study's Linux figures.</summary>
    private static string CalibrationText(DisplayCalibration? c) => c is null
        ? "none for this machine in the study (measure one: exrun timing-test --photodiode DEVICE --db THIS_STUDY)"
        : c.Describe() + "; Bridges et al. 2020, Psychtoolbox on Linux: light − flip 4.5 ms, SD 0.18 ms; sound −0.7 ms, SD 0.17 ms";

    private static IEnumerable<Block> Blocks(SessionQc qc, IReadOnlyList<QcPlot> plots)
    {
        var info = qc.Session.Info;
        var inv = CultureInfo.InvariantCulture;
        QcThresholds t = qc.Thresholds;
        double period = qc.RefreshPeriodMs;

        yield return new Heading(1, Title(qc));
        yield return new Para($"session verdict: {Word(qc.Verdict)} " + (qc.Runs.Count == 0 ? "(no scan runs: nothing to judge)" : "(the worst verdict of its runs)"), Strong: true);

        yield return new Heading(2, "Provenance");
        var rows = new List<IReadOnlyList<string>>
        {
            new[] { "participant (pseudonymous)", info.ParticipantId },
            new[] { "session", $"{info.SessionLabel} (id {info.SessionId})" },
            new[] { "status", qc.Session.Status + (qc.Session.Reason is { } why ? $" ({why})" : "") + (qc.Session.Resumes.Count > 0 ? $", resumed {qc.Session.Resumes.Count} time(s)" : "") },
            new[] { "paradigm", $"{info.ParadigmName} (task {info.TaskLabel})" },
            new[] { "paradigm sha256", info.ParadigmSha256 },
            new[] { "software version", info.SoftwareVersion + (string.IsNullOrEmpty(info.SoftwareCommit) ? "" : $" (commit {info.SoftwareCommit})") },
            new[] { "seed", info.Seed.ToString(inv) },
            new[] { "mode", info.Mode },
            new[] { "timing", $"{info.Timing} ({TimingMeaning(info.Timing)})" },
            new[] { "input", $"{(string.IsNullOrEmpty(info.InputTiming) ? "not recorded" : info.InputTiming)} ({ExperimentRunner.Core.Devices.InputTimings.Meaning(info.InputTiming)})" + KeyPhaseText(qc.KeyStamps) },
            new[] { "refresh rate", $"measured {F(info.MeasuredRefreshHz)} Hz (expected {F(info.ExpectedRefreshHz, "0.###")} Hz); period used below {F(period)} ms" },
            new[] { "scanner", info.RepetitionTimeS > 0 ? $"{info.Modality}, nominal TR {F(info.RepetitionTimeS, "0.###")} s" : $"{info.Modality}, no TR" },
            new[] { "trigger", string.IsNullOrEmpty(info.Trigger) ? "n/a" : info.Trigger },
            new[] { "display", string.IsNullOrEmpty(info.DisplayResolution) ? "n/a" : info.DisplayResolution },
            new[] { "display calibration", CalibrationText(qc.Calibration) },
        };
        yield return new Table(["what", "value"], rows);

        yield return new Heading(2, "How runs are judged");
        yield return new Items(
        [
            $"pass: no missed frame, no missing pulse, and |onset error| p99 below {t.PassOnsetP99Periods.ToString(inv)} refresh period ({F(t.PassOnsetP99Periods * period)} ms).",
            $"warn: at most {t.WarnMaxMissedFrames} missed frames, missing pulses at most {(t.WarnMaxMissingPulseFraction * 100).ToString("0.###", inv)}% of the run's volumes, and |onset error| p99 below {t.WarnOnsetP99Periods.ToString(inv)} refresh period ({F(t.WarnOnsetP99Periods * period)} ms).",
            "fail: anything else. The session's verdict is the worst of its runs'.",
            "onset error: a screen's actual onset (the flip that showed it) minus its intended onset (the run's t0 plus the plan's onset), in ms; positive is late.",
            $"Screens whose intended onset is within {t.ExcludeFramesAfterT0} frames of t0 ({F(t.ExcludeFramesAfterT0 * period)} ms; the run's first screen, e.g. lead_in) are left out of the onset statistics and the histogram: the pulse that is t0 is seen only after the next flip, so that screen appears 1–2 frames after t0 by design.",
            "missed frame: a flip later than its deadline by more than half a refresh period. missing pulse: a scanner pulse that should have come (interval over 1.5 TR) and did not.",
            "missed responses: choices and ratings of the run that timed out.",
        ]);

        if (qc.Runs.Count == 0) yield return new Para("This session has no scan runs: nothing to judge.");
        yield return new Para($"outside scan runs: missed frames: {qc.MissedFramesOutsideRuns}");

        if (qc.Runs.Count > 0)
        {
            yield return new Heading(2, "Summary");
            yield return new Table(["run", "verdict", "flips", "missed frames", "missing pulses", "responses", "missed responses", "|onset error| p99 (ms)", "measured TR (s)", "drift"],
                qc.Runs.Select(r => (IReadOnlyList<string>)new[]
                {
                    r.Run.ToString(inv), Word(r.Verdict), r.Flips.ToString(inv), r.MissedFrames.ToString(inv), r.MissingPulses.ToString(inv),
                    r.Responses.ToString(inv), r.MissedResponses.ToString(inv), F(r.Onsets.AbsP99Ms), F(r.MeasuredTrS, "0.000000"), r.Drift,
                }).ToList());
        }

        if (qc.Accuracy.Count > 0)
        {
            yield return new Heading(2, "Scored responses");
            yield return new Para("Screens with a correct answer (correct: in the paradigm), per condition: an unanswered screen counts as incorrect; the response time is the mean over correct answers, from the screen's onset.");
            yield return new Table(["condition", "scored", "correct", "accuracy", "unanswered", "mean RT of correct (ms)"],
                qc.Accuracy.Select(a => (IReadOnlyList<string>)new[]
                {
                    a.Condition, a.Scored.ToString(inv), a.Correct.ToString(inv), F(a.Accuracy, "0.000"), a.Unanswered.ToString(inv), F(a.MeanCorrectRtMs, "0.0"),
                }).ToList());
        }

        foreach (RunQc r in qc.Runs)
        {
            yield return new Heading(2, $"Run {r.Run}");
            yield return new Para($"verdict: {Word(r.Verdict)}" + (r.Reasons.Count > 0 ? " — " + string.Join("; ", r.Reasons) : ""), Strong: true);
            var lines = new List<string>
            {
                $"flips: {r.Flips}",
                $"missed frames: {r.MissedFrames}",
                $"missing pulses: {r.MissingPulses} (counted pulses: {r.CountedPulses}; {F(r.MissingPulseFraction * 100, "0.0")}% of the volumes missing)",
                $"responses: {r.Responses}, missed: {r.MissedResponses}",
                info.RepetitionTimeS > 0
                    ? $"measured TR: {(double.IsNaN(r.MeasuredTrS) ? "n/a" : F(r.MeasuredTrS, "0.000000") + " s")} (nominal {F(info.RepetitionTimeS, "0.###")} s); drift over the run: {r.Drift}"
                    : "measured TR: n/a (the paradigm has no scanner TR)",
            };
            if (r.Starts > 1) lines.Add($"started {r.Starts} times (resumed); times are from the latest start's t0");
            if (!r.Ended) lines.Add("the run has no end record: it was interrupted");
            yield return new Items(lines);
            OnsetStats o = r.Onsets;
            yield return new Table(["onset error (ms)", "screens", "excluded", "mean", "SD", "p50", "p99", "max", "|error| p99", "|error| max"],
            [
                [ "actual − intended", o.Count.ToString(inv), o.Excluded.ToString(inv), F(o.MeanMs), F(o.SdMs), F(o.P50Ms), F(o.P99Ms), F(o.MaxMs), F(o.AbsP99Ms), F(o.AbsMaxMs) ],
            ]);
            foreach (QcPlot p in plots.Where(p => p.Run == r.Run)) yield return new Image(p.FileName, p.Caption);
        }
    }

    /// <summary>Where the response stamps fall in the frame: spread when stamped on arrival, just after flips when frame-polled.</summary>
    private static string KeyPhaseText(KeyPhaseStats? k) => k is null ? "" : string.Create(CultureInfo.InvariantCulture,
        $"; response stamps after a flip, by tenth of the frame: {string.Join(" ", k.Deciles)} ({k.EarlyShare * 100:0}% of {k.Responses} in the first three tenths: {(k.ClusteredAfterFlips ? "clustered after flips" : "spread over the frame")}; about 30% when stamped on arrival)");

    private static string TimingMeaning(string timing) => timing switch
    {
        "vsync" => "flips wait for vertical blank",
        "unsynchronised" => "flips paced by the clock, not synced to the display",
        "virtual" => "simulated display on a virtual clock",
        _ => "as recorded",
    };
}
