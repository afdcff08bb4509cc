using System.Globalization;
using System.Text.RegularExpressions;
using ExperimentRunner.Core.Events;

namespace ExperimentRunner.Storage.Report;

/// <summary>pass: nothing to worry about; warn: look at the plots before using the run; fail: the run's timing is
/// outside what an analysis should accept without a closer look.</summary>
public enum QcVerdict { Pass, Warn, Fail }

/// <summary>
/// The limits a run's timing is judged against. The report states them in its index, so a verdict can always be
/// checked by hand. Onset limits are in refresh periods (of the session's measured refresh rate).
/// </summary>
public sealed record QcThresholds
{
    public static QcThresholds Default { get; } = new();

    /// <summary>Pass needs the 99th percentile of |onset error| below this many refresh periods (0.5: half a frame).</summary>
    public double PassOnsetP99Periods { get; init; } = 0.5;
    /// <summary>Warn needs the 99th percentile of |onset error| below this many refresh periods.</summary>
    public double WarnOnsetP99Periods { get; init; } = 1.0;
    /// <summary>Warn allows at most this many missed frames in a run (pass allows none).</summary>
    public int WarnMaxMissedFrames { get; init; } = 3;
    /// <summary>Warn allows at most this fraction (0–1) of the run's volumes to be missing pulses (pass allows none).</summary>
    public double WarnMaxMissingPulseFraction { get; init; } = 0.01;
    /// <summary>Screens whose intended onset is within this many refresh periods of t0 are left out of the onset
    /// statistics: the pulse that is t0 is seen only after the next flip, so the run's first screen appears 1–2
    /// frames late by design.</summary>
    public int ExcludeFramesAfterT0 { get; init; } = 2;
}

/// <summary>Summary statistics of signed onset errors (actual − intended, ms), and of their absolute values.
/// All NaN when <see cref="Count"/> is 0.</summary>
public sealed record OnsetStats(int Count, int Excluded, double MeanMs, double SdMs, double P50Ms, double P99Ms, double MaxMs, double AbsP99Ms, double AbsMaxMs);

/// <summary>One run's timing, from its stored events and flips. Times of the plots are from the run's t0.</summary>
public sealed class RunQc
{
    public required int Run { get; init; }
    /// <summary>t0 of the run's (latest) start, ns of the run clock.</summary>
    public required long T0Ns { get; init; }
    /// <summary>How many times the run was started (more than 1 after an interruption and resume).</summary>
    public required int Starts { get; init; }
    /// <summary>Signed onset errors (actual − intended), ms, of the screens that count (see <see cref="QcThresholds.ExcludeFramesAfterT0"/>).</summary>
    public required double[] OnsetErrorsMs { get; init; }
    public required OnsetStats Onsets { get; init; }
    public required int Flips { get; init; }
    /// <summary>Each flip's time from t0 (s) and the interval since the flip before it (ms); the run's first flip has none.</summary>
    public required double[] FlipTimesS { get; init; }
    public required double[] FlipIntervalsMs { get; init; }
    public required int MissedFrames { get; init; }
    /// <summary>The missed frames' flip times from t0 (s) and the interval that ended with them (ms).</summary>
    public required double[] MissedFrameTimesS { get; init; }
    public required double[] MissedFrameIntervalsMs { get; init; }
    /// <summary>Counted pulses (dummy scans excluded): volume index and interval since the counted pulse before (s).</summary>
    public required int CountedPulses { get; init; }
    public required double[] PulseVolumes { get; init; }
    public required double[] PulseIntervalsS { get; init; }
    public required double[] MissingPulseVolumes { get; init; }
    public int MissingPulses => MissingPulseVolumes.Length;
    /// <summary>Missing pulses as a fraction (0–1) of the volumes the run should have had (counted + missing); 0 without pulses.</summary>
    public double MissingPulseFraction => CountedPulses + MissingPulses == 0 ? 0 : MissingPulses / (double)(CountedPulses + MissingPulses);
    /// <summary>Response times (ms) of the run's Response events that have one.</summary>
    public required double[] ResponseTimesMs { get; init; }
    public required int Responses { get; init; }
    /// <summary>Timed-out choices and ratings of the run (their events carry Code 1).</summary>
    public required int MissedResponses { get; init; }
    /// <summary>Measured TR (s), from the RunEnded event, else fitted here from the pulses; NaN when unknown.</summary>
    public required double MeasuredTrS { get; init; }
    /// <summary>The scanner clock's drift over the run as the runner reported it (e.g. "+0.2 ms"), or "n/a".</summary>
    public required string Drift { get; init; }
    /// <summary>False when the run has no RunEnded event (interrupted).</summary>
    public required bool Ended { get; init; }
    public required QcVerdict Verdict { get; init; }
    /// <summary>Why the verdict is not pass, one short sentence each; empty for pass.</summary>
    public required IReadOnlyList<string> Reasons { get; init; }
}

/// <summary>A session's timing QC: its runs and what happened outside them.</summary>
public sealed class SessionQc
{
    public required StoredSession Session { get; init; }
    public required QcThresholds Thresholds { get; init; }
    /// <summary>The refresh period the limits use, ms (from the measured refresh rate, else the expected one).</summary>
    public required double RefreshPeriodMs { get; init; }
    public required IReadOnlyList<RunQc> Runs { get; init; }
    /// <summary>Missed frames outside scan runs (instructions, selection, questionnaires).</summary>
    public required int MissedFramesOutsideRuns { get; init; }
    /// <summary>Where the session's response stamps fall in the frame (<see cref="TimingQc.KeyPhase"/>); null without responses.</summary>
    public KeyPhaseStats? KeyStamps { get; init; }
    /// <summary>The latest photodiode calibration of the session's machine (<c>timing-test --photodiode</c>), or null.</summary>
    public DisplayCalibration? Calibration { get; init; }
    /// <summary>The worst verdict of the runs; pass when there are none.</summary>
    /// <summary>Accuracy and response time per condition over the session's scored screens (<c>correct:</c>); empty when none.</summary>
    public IReadOnlyList<Export.ConditionAccuracy> Accuracy { get; init; } = [];
    public QcVerdict Verdict => Runs.Count == 0 ? QcVerdict.Pass : Runs.Max(r => r.Verdict);
}

/// <summary>Reads a stored session and judges its timing, run by run. Pure: same database, same answer.</summary>
public static partial class TimingQc
{
    private const double NsPerMs = 1e6, NsPerS = 1e9;

    public static SessionQc Analyse(StudyReader reader, StoredSession session, QcThresholds? thresholds = null)
    {
        thresholds ??= QcThresholds.Default;
        string id = session.SessionId;
        IReadOnlyList<StoredEvent> events = reader.Events(id);
        var assembly = Export.SessionAssembly.Of(events, session.Info.StartedNs);
        IReadOnlyList<StoredRun> starts = assembly.Runs;
        IReadOnlyList<FlipChunk> chunks = reader.FlipChunks(id);
        double hz = session.Info.MeasuredRefreshHz > 0 ? session.Info.MeasuredRefreshHz : session.Info.ExpectedRefreshHz;
        double periodNs = hz > 0 ? NsPerS / hz : NsPerS / 60;
        var runs = new List<RunQc>();
        foreach (int run in starts.Select(s => s.Run).Where(r => r > 0).Distinct().Order())
            runs.Add(AnalyseRun(run, session, events, starts.Where(s => s.Run == run).ToList(), chunks, periodNs, thresholds, assembly));
        return new SessionQc
        {
            Session = session, Thresholds = thresholds, RefreshPeriodMs = periodNs / NsPerMs, Runs = runs,
            MissedFramesOutsideRuns = events.Count(e => e.Event.Kind == EventKind.MissedFrame && e.Event.Run <= 0),
            Accuracy = Export.Scoring.ByCondition(assembly.Trials),
            KeyStamps = KeyPhase(events, chunks, periodNs),
            Calibration = reader.LatestCalibration(session.Info.Machine, session.Info.StartedUtc),
        };
    }

    private static RunQc AnalyseRun(int run, StoredSession session, IReadOnlyList<StoredEvent> all, IReadOnlyList<StoredRun> starts,
        IReadOnlyList<FlipChunk> chunks, double periodNs, QcThresholds limits, Export.SessionAssembly assembly)
    {
        // A run started again after an interruption is a new acquisition with its own t0: each event (and flip chunk)
        // is measured from the t0 of the acquisition it belongs to.
        long T0(long seq) => assembly.AcquisitionAt(run, seq) is { HasT0: true } a ? a.T0Ns : starts[0].T0Ns;
        var events = all.Where(e => e.Event.Run == run).ToList();

        var errors = new List<double>();
        int excluded = 0;
        foreach (StoredEvent s in events)
        {
            if (s.Event.Kind != EventKind.ScreenOnset) continue;
            ScreenOnsetEvent e = s.Event.AsScreenOnset();
            if (!e.IsPlanned) continue;
            if (e.IntendedNs - T0(s.Seq) < limits.ExcludeFramesAfterT0 * periodNs) { excluded++; continue; }
            errors.Add(e.OnsetErrorNs / NsPerMs);
        }

        // Flips: the interval is taken only between flips of the same start of the run.
        var flipTimes = new List<double>();
        var flipIntervals = new List<double>();
        var intervalAt = new Dictionary<long, double>();
        int flips = 0;
        long previous = EventRecord.None, previousT0 = EventRecord.None;
        foreach (FlipChunk c in chunks)
        {
            if (c.Run != run) continue;
            long t0 = T0(c.FirstSeq);
            foreach (long t in c.TimeNs)
            {
                flips++;
                if (previous != EventRecord.None && previousT0 == t0)
                {
                    double ms = (t - previous) / NsPerMs;
                    flipTimes.Add((t - t0) / NsPerS);
                    flipIntervals.Add(ms);
                    intervalAt[t] = ms;
                }
                previous = t;
                previousT0 = t0;
            }
        }
        var missedTimes = new List<double>();
        var missedIntervals = new List<double>();
        foreach (StoredEvent s in events.Where(e => e.Event.Kind == EventKind.MissedFrame))
        {
            MissedFrameEvent missedFrame = s.Event.AsMissedFrame();
            missedTimes.Add((missedFrame.FlipNs - T0(s.Seq)) / NsPerS);
            missedIntervals.Add(intervalAt.TryGetValue(missedFrame.FlipNs, out double ms) ? ms
                : (missedFrame.FlipNs - missedFrame.DeadlineNs + periodNs) / NsPerMs);
        }

        var volumes = new List<double>();
        var pulseIntervals = new List<double>();
        var pulses = new List<(double Volume, long TimeNs)>();
        long lastPulse = EventRecord.None, lastPulseT0 = EventRecord.None;
        foreach (StoredEvent s in events.Where(e => e.Event.Kind == EventKind.Pulse && e.Event.AsPulse().IsCounted))
        {
            PulseEvent pulse = s.Event.AsPulse();
            long t0 = T0(s.Seq);
            if (lastPulse != EventRecord.None && lastPulseT0 == t0)
            {
                volumes.Add(pulse.Volume);
                pulseIntervals.Add((pulse.TimeNs - lastPulse) / NsPerS);
            }
            if (t0 == starts[^1].T0Ns) pulses.Add((pulse.Volume, pulse.TimeNs));
            lastPulse = pulse.TimeNs;
            lastPulseT0 = t0;
        }
        double[] missing = events.Where(e => e.Event.Kind == EventKind.MissingPulse).Select(e => (double)e.Event.AsMissingPulse().Volume).ToArray();

        double[] rts = events.Where(e => e.Event.Kind == EventKind.Response && e.Event.RtNs != EventRecord.None)
            .Select(e => e.Event.RtNs / NsPerMs).ToArray();
        int missedResponses = events.Count(e => Unanswered(e.Event));

        RunEndedEvent? ended = events.LastOrDefault(e => e.Event.Kind == EventKind.RunEnded) is { Event.Kind: EventKind.RunEnded } last ? last.Event.AsRunEnded() : null;
        double tr = ended is { } en && !double.IsNaN(en.MeasuredTrS) ? en.MeasuredTrS : FitTr(pulses);
        string drift = ended?.Summary is { } text && DriftPattern().Match(text) is { Success: true } m ? m.Groups[1].Value.Trim()
            : DriftOf(tr, session.Info.RepetitionTimeS, pulses);

        OnsetStats stats = Stats(errors, excluded);
        int missedFrames = missedTimes.Count;
        int counted = events.Count(e => e.Event.Kind == EventKind.Pulse && e.Event.AsPulse().IsCounted);
        var (verdict, reasons) = Judge(stats, missedFrames, missing.Length, counted, periodNs / NsPerMs, limits);
        return new RunQc
        {
            Run = run, T0Ns = starts[^1].T0Ns, Starts = starts.Count,
            OnsetErrorsMs = errors.ToArray(), Onsets = stats,
            Flips = flips, FlipTimesS = flipTimes.ToArray(), FlipIntervalsMs = flipIntervals.ToArray(),
            MissedFrames = missedFrames, MissedFrameTimesS = missedTimes.ToArray(), MissedFrameIntervalsMs = missedIntervals.ToArray(),
            CountedPulses = counted,
            PulseVolumes = volumes.ToArray(), PulseIntervalsS = pulseIntervals.ToArray(), MissingPulseVolumes = missing,
            ResponseTimesMs = rts, Responses = events.Count(e => e.Event.Kind == EventKind.Response), MissedResponses = missedResponses,
            MeasuredTrS = tr, Drift = drift, Ended = ended is not null, Verdict = verdict, Reasons = reasons,
        };
    }

    /// <summary>A choice or rating that timed out.</summary>
    private static bool Unanswered(in EventRecord e) => e.Kind switch
    {
        EventKind.Choice => e.IsSelection() ? !e.AsSelection().Answered : !e.AsPrediction().Answered,
        EventKind.Rating => !e.AsRating().Answered,
        _ => false,
    };

    private static (QcVerdict, IReadOnlyList<string>) Judge(OnsetStats onsets, int missedFrames, int missingPulses, int countedPulses,
        double periodMs, QcThresholds limits)
    {
        var reasons = new List<string>();
        bool warnOk = true;
        CultureInfo inv = CultureInfo.InvariantCulture;
        if (missedFrames > 0)
        {
            bool ok = missedFrames <= limits.WarnMaxMissedFrames;
            warnOk &= ok;
            reasons.Add(string.Format(inv, "{0} missed frame{1} ({2} {3} allowed for warn)", missedFrames, missedFrames == 1 ? "" : "s",
                ok ? "at most" : "more than the", limits.WarnMaxMissedFrames));
        }
        if (missingPulses > 0)
        {
            double fraction = missingPulses / (double)(missingPulses + countedPulses);
            bool ok = fraction <= limits.WarnMaxMissingPulseFraction;
            warnOk &= ok;
            reasons.Add(string.Format(inv, "{0} missing pulse{1}, {2:0.0}% of the volumes ({3} {4:0.#}% allowed for warn)", missingPulses,
                missingPulses == 1 ? "" : "s", fraction * 100, ok ? "at most" : "more than the", limits.WarnMaxMissingPulseFraction * 100));
        }
        if (onsets.Count > 0 && onsets.AbsP99Ms >= limits.PassOnsetP99Periods * periodMs)
        {
            bool ok = onsets.AbsP99Ms < limits.WarnOnsetP99Periods * periodMs;
            warnOk &= ok;
            reasons.Add(string.Format(inv, "|onset error| p99 {0:0.000} ms is not below {1:0.000} ms ({2} period{3}){4}", onsets.AbsP99Ms,
                limits.PassOnsetP99Periods * periodMs, limits.PassOnsetP99Periods, limits.PassOnsetP99Periods > 1 ? "s" : "",
                ok ? "" : string.Format(inv, " nor below {0:0.000} ms, the warn limit", limits.WarnOnsetP99Periods * periodMs)));
        }
        QcVerdict verdict = reasons.Count == 0 ? QcVerdict.Pass : warnOk ? QcVerdict.Warn : QcVerdict.Fail;
        return (verdict, reasons);
    }

    /// <summary>Mean, SD (n − 1), nearest-rank percentiles and maximum; NaN for an empty list.</summary>
    public static OnsetStats Stats(IReadOnlyList<double> errorsMs, int excluded)
    {
        int n = errorsMs.Count;
        if (n == 0) return new OnsetStats(0, excluded, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        double mean = errorsMs.Average();
        double sd = n > 1 ? Math.Sqrt(errorsMs.Sum(x => (x - mean) * (x - mean)) / (n - 1)) : 0;
        double[] sorted = errorsMs.Order().ToArray();
        double[] abs = errorsMs.Select(Math.Abs).Order().ToArray();
        return new OnsetStats(n, excluded, mean, sd, Percentile(sorted, 50), Percentile(sorted, 99), sorted[^1], Percentile(abs, 99), abs[^1]);
    }

    /// <summary>Nearest-rank percentile of an ascending array: the smallest value with at least p% of values at or below it.</summary>
    public static double Percentile(double[] ascending, double p)
    {
        int rank = (int)Math.Ceiling(p / 100 * ascending.Length);
        return ascending[Math.Clamp(rank - 1, 0, ascending.Length - 1)];
    }

    /// <summary>Least-squares slope of pulse time on volume index, s; NaN with fewer than 2 pulses.</summary>
    private static double FitTr(IReadOnlyList<(double Volume, long TimeNs)> pulses)
    {
        if (pulses.Count < 2) return double.NaN;
        long first = pulses[0].TimeNs;
        double mx = pulses.Average(p => p.Volume), my = pulses.Average(p => (double)(p.TimeNs - first));
        double sxy = pulses.Sum(p => (p.Volume - mx) * (p.TimeNs - first - my));
        double sxx = pulses.Sum(p => (p.Volume - mx) * (p.Volume - mx));
        return sxx == 0 ? double.NaN : sxy / sxx / NsPerS;
    }

    private static string DriftOf(double trS, double nominalS, IReadOnlyList<(double Volume, long TimeNs)> pulses) =>
        double.IsNaN(trS) || nominalS <= 0 || pulses.Count < 2 ? "n/a"
            : ((trS - nominalS) * pulses[^1].Volume * 1000).ToString("+0.###;-0.###;0", CultureInfo.InvariantCulture) + " ms";

    [GeneratedRegex(@"drift over the run ([^;]+)")]
    private static partial Regex DriftPattern();
}
