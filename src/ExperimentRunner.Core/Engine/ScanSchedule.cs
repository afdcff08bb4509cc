using ExperimentRunner.Core.Planning;

namespace ExperimentRunner.Core.Engine;

/// <summary>
/// The non-slip schedule of one scan run: every planned event is due at t0 + its plan offset (plus the shift a block
/// locked to a volume takes from that volume's real pulse), shown on the flip nearest that time. A late frame delays
/// one screen, never the ones after it. Allocates nothing per frame.
/// </summary>
internal sealed class ScanSchedule(List<PlannedEvent> events, bool lockToVolumes)
{
    /// <summary>The planned events of the run, in order (shifted when resumed mid-run).</summary>
    public List<PlannedEvent> Events { get; } = events;

    /// <summary>
    /// Moves every later onset when a block locked to a volume starts on that volume's real pulse, ns.
    /// </summary>
    public long ShiftNs { get; private set; }

    /// <summary>
    /// The events left after resuming at <paramref name="fromBlock"/>: the lead-in, then the blocks from there on and
    /// the lead-out, moved earlier by <paramref name="shiftNs"/> so they follow the lead-in (a new scanner run, a new
    /// t0). Empty when nothing is left; the whole run when <paramref name="fromBlock"/> is 1.
    /// </summary>
    public static List<PlannedEvent> FromBlock(IReadOnlyList<PlannedEvent> planned, int fromBlock, out long shiftNs)
    {
        shiftNs = 0;
        var events = planned.ToList();
        if (fromBlock <= 1) return events;
        var leadIn = events.Where(e => e.Role == PlannedRole.LeadIn).ToList();
        var rest = events.Where(e => e.Block >= fromBlock || e.Role == PlannedRole.LeadOut).ToList();
        if (rest.Count == 0) return [];
        long leadEnd = leadIn.Count > 0 ? leadIn[^1].OnsetNs + leadIn[^1].DurationNs : 0;
        long shift = rest[0].OnsetNs - leadEnd;
        long shiftFrames = rest[0].OnsetFrame - (leadIn.Count > 0 ? leadIn[^1].OnsetFrame + leadIn[^1].DurationFrames : 0);
        shiftNs = shift;
        return [.. leadIn, .. rest.Select(e => e with { OnsetNs = e.OnsetNs - shift, OnsetFrame = e.OnsetFrame - shiftFrames })];
    }

    /// <summary>
    /// The last event due by the flip predicted at <paramref name="predictedFlipNs"/> (due: its onset within half a
    /// period after that flip), starting after <paramref name="current"/>; <paramref name="current"/> itself when
    /// none is. An event locked to a volume waits for that volume's pulse (<paramref name="scanner"/>).
    /// </summary>
    public int Due(int current, long t0Ns, long predictedFlipNs, long periodNs, ScannerClock scanner, long lastFlipNs)
    {
        int due = current;
        while (due + 1 < Events.Count)
        {
            var next = Events[due + 1];
            if (next.AtVolume is int volume && lockToVolumes)
            {
                long? lockNs = scanner.VolumeLock(volume, t0Ns + next.OnsetNs + ShiftNs, lastFlipNs);
                if (lockNs == null) break; // wait for the pulse
                ShiftNs = lockNs.Value - (t0Ns + next.OnsetNs);
            }
            if (t0Ns + next.OnsetNs + ShiftNs > predictedFlipNs + periodNs / 2) break;
            due++;
        }
        return due;
    }

    /// <summary>The number of trials in a block.</summary>
    public int TrialsIn(int block)
    {
        // No lambda may capture a variable of the frame loop's body: the compiler would allocate its closure every frame.
        int max = 0;
        foreach (var e in Events)
            if (e.Block == block && e.Trial > max) max = e.Trial;
        return max;
    }
}
