using System.Globalization;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Presentation.Calibration;

/// <summary>The sensor did not answer, or failed: what happened and what to check. Nothing measured is a calibration.</summary>
public sealed class PhotodiodeTestException(string message) : Exception(message);

/// <summary>How a <see cref="PhotodiodeTimingTest"/> flashes.</summary>
public sealed record FlashSchedule
{
    /// <summary>Flashes (white patch, then black) to show.</summary>
    public int Flashes { get; init; } = 100;
    /// <summary>One flash's cycle in frames: white for the first half, black for the rest (at least 2).</summary>
    public int CycleFrames { get; init; } = 16;
    /// <summary>Black frames before the first flash, so the sensor settles.</summary>
    public int LeadFrames { get; init; } = 30;
    /// <summary>No edge at all within this long of the first flash: the sensor is not answering (ns).</summary>
    public long NoAnswerNs { get; init; } = 3_000_000_000;
    /// <summary>How long after the last flash to wait for its edge (ns).</summary>
    public long TailNs { get; init; } = 300_000_000;
}

/// <summary>What a <see cref="PhotodiodeTimingTest"/> measured.</summary>
/// <param name="LagsMs">Light edge − flip timestamp of each seen flash, ms, in flash order.</param>
/// <param name="Extra">Light edges that belong to no flash (reflections, a flickering backlight, a threshold too low).</param>
public sealed record PhotodiodeTimingResult(string Sensor, int Flashes, double[] LagsMs, int Extra, double PeriodMs, long[] OnsetFlipsNs)
{
    public int Seen => LagsMs.Length;
    public int Missed => Flashes - Seen;
    public double MeanMs => LagsMs.Length == 0 ? double.NaN : LagsMs.Average();
    public double SdMs => LagsMs.Length < 2 ? double.NaN : Math.Sqrt(LagsMs.Sum(x => (x - MeanMs) * (x - MeanMs)) / (LagsMs.Length - 1));
    public double MinMs => LagsMs.Length == 0 ? double.NaN : LagsMs.Min();
    public double MaxMs => LagsMs.Length == 0 ? double.NaN : LagsMs.Max();

    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"photodiode: {Seen} of {Flashes} flashes seen ({Missed} missed, {Extra} extra edges); light - flip mean {MeanMs:0.000} ms, SD {SdMs:0.000} ms, min {MinMs:0.000}, max {MaxMs:0.000}");
}

/// <summary>
/// The photodiode measurement behind <c>exrun timing-test --photodiode</c>: a frame loop turns the patch white for
/// half of each flash cycle and black for the rest, on a fixed schedule of frames; the sensor's light edges are
/// matched to the flips that turned the patch white (the first light edge from a quarter cycle before such a flip to
/// half a cycle after it), giving light − flip per flash. The loop allocates nothing; an optional callback runs after
/// each flash's flip (the audio click).
/// </summary>
public static class PhotodiodeTimingTest
{
    /// <param name="display">Flips (its patch must be on).</param>
    /// <param name="setLight">Sets the patch's colour for the next flip.</param>
    /// <param name="sensor">The light sensor.</param>
    /// <param name="onFlash">Runs right after each flash's flip with the flash index and its flip time (plays a click), or null.</param>
    public static PhotodiodeTimingResult Run(IDisplay display, Action<bool> setLight, IPhotodiode sensor, IClock clock, FlashSchedule schedule,
        Action<int, long>? onFlash = null)
    {
        int flashes = schedule.Flashes, cycle = Math.Max(2, schedule.CycleFrames), lit = cycle / 2;
        var onFlips = new long[flashes];
        var edges = new long[flashes * 4 + 64];
        int edgeCount = 0, extraEdges = 0;
        var buffer = new LightEdge[64];
        int frames = schedule.LeadFrames + flashes * cycle;
        long firstFlashNs = 0;

        void Drain()
        {
            int n;
            while ((n = sensor.Poll(buffer)) > 0)
            {
                for (int i = 0; i < n; i++)
                {
                    if (!buffer[i].Light) continue;
                    if (edgeCount < edges.Length) edges[edgeCount++] = buffer[i].TimeNs;
                    else extraEdges++;
                }
            }
            if (sensor.Fault is { } fault) throw new PhotodiodeTestException(fault);
        }

        for (int f = 0; f < frames; f++)
        {
            int k = f - schedule.LeadFrames;
            bool light = k >= 0 && k % cycle < lit;
            setLight(light);
            long flip = display.Flip();
            sensor.Flipped(flip, light);
            if (k >= 0 && k % cycle == 0)
            {
                onFlips[k / cycle] = flip;
                if (k == 0) firstFlashNs = flip;
                onFlash?.Invoke(k / cycle, flip);
            }
            Drain();
            if (edgeCount == 0 && k >= 0 && flip - firstFlashNs > schedule.NoAnswerNs)
                throw new PhotodiodeTestException(NoAnswer(sensor, schedule.NoAnswerNs));
        }
        setLight(false);
        long until = clock.NowNs + schedule.TailNs;
        while (clock.NowNs < until)
        {
            display.Flip();
            Drain();
        }
        if (edgeCount == 0) throw new PhotodiodeTestException(NoAnswer(sensor, schedule.NoAnswerNs));
        return Match(sensor.Description, onFlips, edges.AsSpan(0, edgeCount), extraEdges, display.PeriodNs, cycle);
    }

    private static string NoAnswer(IPhotodiode sensor, long waitedNs) =>
        string.Create(CultureInfo.InvariantCulture, $"the photodiode ({sensor.Description}) sent no light edge within {waitedNs / 1e9:0.#} s of the first flash: ")
        + "check the cable and the port, the sensor's threshold (does its LED blink with the patch?), and that the sensor sits over the patch "
        + "(corner and size as shown; --photodiode-corner, --photodiode-size)"
        + (sensor.Garbage > 0 ? string.Create(CultureInfo.InvariantCulture, $"; it sent {sensor.Garbage} byte(s) that are not edges") : "");

    /// <summary>Each flash takes the first unclaimed light edge in [flip − cycle/4, flip + cycle/2).</summary>
    internal static PhotodiodeTimingResult Match(string sensor, long[] onFlips, ReadOnlySpan<long> edges, int extra, long periodNs, int cycleFrames)
    {
        var sorted = edges.ToArray();
        Array.Sort(sorted);
        var used = new bool[sorted.Length];
        long before = periodNs * cycleFrames / 4, after = periodNs * cycleFrames / 2;
        var lags = new List<double>(onFlips.Length);
        int j = 0;
        foreach (long flip in onFlips)
        {
            while (j < sorted.Length && sorted[j] < flip - before) j++;
            for (int i = j; i < sorted.Length && sorted[i] < flip + after; i++)
            {
                if (used[i]) continue;
                used[i] = true;
                lags.Add(Ns.ToMs(sorted[i] - flip));
                break;
            }
        }
        int unused = used.Count(u => !u);
        return new PhotodiodeTimingResult(sensor, onFlips.Length, [.. lags], extra + unused, Ns.ToMs(periodNs), onFlips);
    }
}
