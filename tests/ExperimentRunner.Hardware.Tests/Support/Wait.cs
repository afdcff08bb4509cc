namespace ExperimentRunner.Hardware.Tests.Support;

public static class Wait
{
    /// <summary>Polls <paramref name="condition"/> every 5 ms until it holds or <paramref name="timeout"/> passes.</summary>
    public static bool Until(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            Thread.Sleep(5);
        }
        return true;
    }
}
