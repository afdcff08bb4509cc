using ExperimentRunner.Presentation.Gl;

namespace ExperimentRunner.Presentation.Tests;

public sealed class RefreshJudgeTests
{
    private static long[] Around(long ns, int n, long jitter, int seed = 1)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => ns + r.NextInt64(-jitter, jitter + 1)).ToArray();
    }

    private const long Period60 = 16_666_667;

    [Fact]
    public void RegularIntervalsLongerThanDrawingAreVsyncAndGiveThePeriod()
    {
        var swaps = Around(Period60, 60, 80_000);
        swaps[10] = 2 * Period60; // one missed frame does not move the estimate
        var m = RefreshJudge.Judge("x11", null, swaps, Around(2_000_000, 20, 100_000), 60, Period60);
        Assert.True(m.Synchronised, m.Reason);
        Assert.InRange(m.MedianIntervalNs, Period60 - 60_000, Period60 + 60_000);
        Assert.Contains("from 59 of 60 flips", m.Reason);
    }

    [Fact]
    public void SwapsThatReturnAtOnceAreUnsynchronised()
    {
        var m = RefreshJudge.Judge("x11", null, Around(400_000, 60, 50_000), Around(350_000, 20, 50_000), 60, Period60);
        Assert.False(m.Synchronised);
        Assert.Contains("without waiting", m.Reason);
        Assert.Contains("paced by the clock at 60.00 Hz", m.Reason);
    }

    [Fact]
    public void SlowDrawingIsNotMistakenForAVerticalBlank()
    {
        // Software rendering at 1080p: every swap takes as long as drawing does.
        var m = RefreshJudge.Judge("x11", null, Around(15_000_000, 60, 300_000), Around(14_500_000, 20, 300_000), 0, Period60);
        Assert.False(m.Synchronised);
    }

    [Fact]
    public void IrregularIntervalsAreUnsynchronised()
    {
        var m = RefreshJudge.Judge("wayland", null, Around(12_000_000, 60, 6_000_000), Around(1_000_000, 20, 10_000), 60, Period60);
        Assert.False(m.Synchronised);
        Assert.Contains("irregular", m.Reason);
    }

    [Fact]
    public void ARefusedSwapIntervalOrAScreenlessDriverIsUnsynchronisedWhateverTheTimes()
    {
        var swaps = Around(Period60, 60, 10_000);
        var draws = Around(1_000_000, 20, 10_000);
        Assert.False(RefreshJudge.Judge("x11", "not supported", swaps, draws, 60, Period60).Synchronised);
        Assert.False(RefreshJudge.Judge("offscreen", null, swaps, draws, 60, Period60).Synchronised);
    }
}
