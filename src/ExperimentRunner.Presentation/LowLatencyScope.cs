using System.Runtime;

namespace ExperimentRunner.Presentation;

/// <summary>
/// Asks the garbage collector to avoid blocking (gen 2) collections while a run is timed
/// (<see cref="GCLatencyMode.SustainedLowLatency"/>), and puts the previous mode back on dispose.
/// <code>using (LowLatencyScope.Enter()) { …frame loop… }</code>
/// </summary>
public sealed class LowLatencyScope : IDisposable
{
    private readonly GCLatencyMode _previous;
    private bool _disposed;

    private LowLatencyScope()
    {
        _previous = GCSettings.LatencyMode;
        GCSettings.LatencyMode = GCLatencyMode.SustainedLowLatency;
    }

    public static LowLatencyScope Enter() => new();

    /// <summary>The mode in force now.</summary>
    public static GCLatencyMode Current => GCSettings.LatencyMode;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        GCSettings.LatencyMode = _previous;
    }
}
