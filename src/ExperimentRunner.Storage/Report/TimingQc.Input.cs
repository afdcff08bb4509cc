using ExperimentRunner.Core.Events;

namespace ExperimentRunner.Storage.Report;

/// <summary>
/// Where a session's key stamps fall in the frame (issue 19): each response's time since the last flip before it, in
/// tenths of a refresh period. Stamped on arrival (xinput2), presses fall anywhere: about 30% in the first three
/// tenths; taken by the frame loop after each flip (frame-polled), nearly all of them do.
/// </summary>
public sealed record KeyPhaseStats(int Responses, int[] Deciles)
{
    /// <summary>The share in the first three tenths of the frame (0.3 when spread evenly).</summary>
    public double EarlyShare => Responses == 0 ? double.NaN : (Deciles[0] + Deciles[1] + Deciles[2]) / (double)Responses;

    /// <summary>As <c>exrun timing-test</c> judges it: over 60% in the first three tenths.</summary>
    public bool ClusteredAfterFlips => Responses > 0 && EarlyShare > 0.6;
}

public static partial class TimingQc
{
    /// <summary>The phase of every response of the session after the flip before it; null without responses or flips.</summary>
    public static KeyPhaseStats? KeyPhase(IReadOnlyList<StoredEvent> events, IReadOnlyList<FlipChunk> chunks, double periodNs)
    {
        var flips = chunks.SelectMany(c => c.TimeNs).Order().ToArray();
        if (flips.Length == 0) return null;
        var deciles = new int[10];
        int n = 0;
        foreach (StoredEvent s in events)
        {
            if (s.Event.Kind != EventKind.Response) continue;
            long t = s.Event.TimeNs;
            int k = Array.BinarySearch(flips, t);
            if (k < 0) k = ~k - 1;
            if (k < 0) continue;
            deciles[Math.Clamp((int)((t - flips[k]) * 10 / periodNs), 0, 9)]++;
            n++;
        }
        return n == 0 ? null : new KeyPhaseStats(n, deciles);
    }
}
