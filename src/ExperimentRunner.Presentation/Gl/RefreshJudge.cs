namespace ExperimentRunner.Presentation.Gl;

/// <summary>
/// Decides from timed flips whether swaps wait for vertical blank, and what the refresh period is. Pure, so every
/// verdict can be tested with made-up intervals.
/// </summary>
internal static class RefreshJudge
{
    /// <param name="videoDriver">SDL's video driver ("offscreen" and "dummy" never sync).</param>
    /// <param name="swapIntervalRefusal">SDL's error when a swap interval of 1 was refused; null when accepted.</param>
    /// <param name="swapIntervalsNs">Intervals between consecutive timed flips (draw, swap, glFinish), ns.</param>
    /// <param name="drawOnlyNs">Times to draw and glFinish without swapping, ns.</param>
    /// <param name="osRefreshHz">The OS's claim for the monitor, Hz (0: unknown); recorded, never trusted.</param>
    /// <param name="expectedPeriodNs">The paradigm's period, ns: the pace when unsynchronised.</param>
    public static RefreshMeasurement Judge(string videoDriver, string? swapIntervalRefusal, long[] swapIntervalsNs, long[] drawOnlyNs,
        int osRefreshHz, long expectedPeriodNs)
    {
        long median = Median(swapIntervalsNs), drawOnly = Median(drawOnlyNs);
        // The period: the mean of the intervals within 15 % of the median (a late frame's double interval is left out).
        long sum = 0;
        int kept = 0;
        foreach (long v in swapIntervalsNs)
            if (Math.Abs(v - median) <= median * 15 / 100) { sum += v; kept++; }
        long period = kept > 0 ? sum / kept : median;
        var sorted = (long[])swapIntervalsNs.Clone();
        Array.Sort(sorted);
        long iqr = sorted[sorted.Length * 3 / 4] - sorted[sorted.Length / 4];

        string reason;
        bool synced = false;
        if (videoDriver is "offscreen" or "dummy")
            reason = $"the '{videoDriver}' video driver has no vertical blank";
        else if (swapIntervalRefusal is not null)
            reason = $"the GL driver refused a swap interval of 1 ({swapIntervalRefusal})";
        else if (median < 2_500_000 || median < drawOnly * 3 / 2 + 500_000)
            reason = $"swaps return without waiting (median {median / 1e6:F2} ms, drawing alone {drawOnly / 1e6:F2} ms)";
        else if (iqr > median / 5)
            reason = $"flip intervals are irregular (median {median / 1e6:F2} ms, interquartile range {iqr / 1e6:F2} ms)";
        else
        {
            synced = true;
            reason = $"flip interval {period / 1e6:F3} ms ({1e9 / period:F2} Hz) from {kept} of {swapIntervalsNs.Length} flips; the OS reports {osRefreshHz} Hz";
        }
        if (!synced) reason += $"; flips are paced by the clock at {1e9 / expectedPeriodNs:F2} Hz";
        return new RefreshMeasurement(synced ? period : median, drawOnly, osRefreshHz, synced, reason);
    }

    private static long Median(long[] values)
    {
        if (values.Length == 0) return 0;
        var copy = (long[])values.Clone();
        Array.Sort(copy);
        return copy[copy.Length / 2];
    }
}
