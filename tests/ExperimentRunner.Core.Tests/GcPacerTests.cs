using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Core.Tests;

/// <summary>Issue 17: young-generation collections moved to just after a flip, once the runtime's budget is known.</summary>
public sealed class GcPacerTests
{
    [Fact]
    public void OnceTheBudgetIsKnownThePacerRunsTheCollectionsItselfAfterFlips()
    {
        if (!GcPacer.Enabled) return; // EXRUN_GC_PACING=0 in this environment
        var pacer = new GcPacer { MinFlipsBetween = 1 };
        var keep = new object[64];
        int flips = 0;
        // "Frames" that each allocate 256 KiB elsewhere, until the pacer has learned the budget and collected 20 times.
        while (pacer.Induced < 20 && flips < 100_000)
        {
            for (int i = 0; i < 64; i++) keep[i] = new byte[4096];
            pacer.AfterFlip();
            flips++;
        }
        Assert.True(pacer.BudgetBytes >= 1 << 20, $"budget seen {pacer.BudgetBytes}");
        Assert.Equal(20, pacer.Induced);
        int unpacedWhenLearned = pacer.Unpaced;
        // From now on the pacer stays ahead of the runtime: its collections outnumber the runtime's own.
        int inducedBefore = pacer.Induced;
        for (int f = 0; f < 20_000; f++)
        {
            for (int i = 0; i < 64; i++) keep[i] = new byte[4096];
            pacer.AfterFlip();
        }
        int induced = pacer.Induced - inducedBefore, unpaced = pacer.Unpaced - unpacedWhenLearned;
        Assert.True(induced > 0 && unpaced < induced, $"pacer {induced}, runtime {unpaced}");
        GC.KeepAlive(keep);
    }

    [Fact]
    public void WithoutAnAllocationNothingIsCollected()
    {
        var pacer = new GcPacer { MinFlipsBetween = 1 };
        for (int f = 0; f < 1000; f++) pacer.AfterFlip();
        Assert.Equal(0, pacer.Induced);
    }
}
