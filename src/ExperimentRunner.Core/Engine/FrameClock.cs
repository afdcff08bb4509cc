using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Core.Engine;

/// <summary>
/// The frame clock: flips the display, numbers the flips, and logs a flip that came more than half a period after
/// its deadline (the previous flip plus one period) as a missed frame. Allocates nothing.
/// </summary>
internal sealed class FrameClock(IDisplay display, SessionContext session)
{
    /// <summary>The display's refresh period, ns.</summary>
    public long PeriodNs { get; } = display.PeriodNs;

    /// <summary>The last flip's time, ns on the run clock; <see cref="EventRecord.None"/> before the first flip or
    /// after a preparation (which has no deadline to miss).</summary>
    public long LastFlipNs { get; private set; } = EventRecord.None;

    /// <summary>Flips so far (the first is 1).</summary>
    public long FlipIndex { get; private set; }

    public int MissedFrames { get; private set; }

    /// <summary>In real time, young-generation collections moved to just after a flip (issue 17); none on a virtual clock.</summary>
    public GcPacer? GcPacer { get; } = session.Devices.Clock.IsRealTime ? new GcPacer() : null;

    /// <summary>The next flip's expected time, ns: the last flip plus one period.</summary>
    public long PredictedNextFlipNs => LastFlipNs + PeriodNs;

    /// <summary>A flip is missed when it comes more than half a period after its deadline; no deadline, no miss.</summary>
    public static bool IsMissed(long flipNs, long deadlineNs, long periodNs) =>
        deadlineNs != EventRecord.None && flipNs - deadlineNs > periodNs / 2;

    /// <summary>Forgets the last flip: the next one has no deadline (after screens were composed, on purpose slowly).</summary>
    public void Restart() => LastFlipNs = EventRecord.None;

    /// <summary>Flips, logs the flip (and a missed frame, against <paramref name="screen"/>), returns its time, ns.</summary>
    public long Flip(string screen)
    {
        long deadline = LastFlipNs == EventRecord.None ? EventRecord.None : LastFlipNs + PeriodNs;
        long flip = display.Flip();
        FlipIndex++;
        session.Live.Flips++;
        if (IsMissed(flip, deadline, PeriodNs))
        {
            MissedFrames++;
            session.Live.MissedFrames = MissedFrames;
            session.Write(SessionEvents.MissedFrame(flip, deadline, session.Run, session.Block, session.Trial, screen, (flip - deadline) / (double)PeriodNs));
        }
        session.Write(SessionEvents.Flip(flip, deadline, session.Run, FlipIndex));
        LastFlipNs = flip;
        GcPacer?.AfterFlip();
        return flip;
    }
}
