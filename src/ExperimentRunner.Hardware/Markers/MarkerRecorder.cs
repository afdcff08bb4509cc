using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Core.Vocabulary;

namespace ExperimentRunner.Hardware.Markers;

/// <summary>
/// A session's marker outputs and their record: opens the outputs a session asked for, stores one
/// <see cref="EventKind.Marker"/> event per marker that went out (in the sink given by <see cref="RecordInto"/>, from
/// the outputs' threads), and at the end sends what is still queued before closing. Used by <c>run</c> and
/// <c>simulate</c> alike, so a simulated session's markers are sent and recorded exactly like a real one's.
/// </summary>
public sealed class MarkerRecorder : IDisposable
{
    /// <summary>
    /// Queue length for a session on the virtual clock: it runs an hour in seconds, so every marker of a session may be
    /// queued before the first goes out; none may be dropped.
    /// </summary>
    public const int VirtualClockQueueCapacity = 1 << 16;

    private readonly MarkerOutputSet? _set;
    private IEventSink? _sink;
    private bool _finished;

    private MarkerRecorder(MarkerOutputSet? set) => _set = set;

    /// <summary>No outputs: nothing is sent or recorded.</summary>
    public static MarkerRecorder None { get; } = new(null);

    /// <summary>
    /// Opens every output in <paramref name="specs"/> (none: <see cref="None"/>). Throws
    /// <see cref="HardwareException"/> for a device that cannot be opened (those already opened are closed).
    /// </summary>
    /// <param name="clock">The session's clock: stamps the send times.</param>
    /// <param name="queueCapacity">Markers that may wait per output (see <see cref="VirtualClockQueueCapacity"/>).</param>
    public static MarkerRecorder Open(IReadOnlyList<MarkerSpec> specs, IClock clock, int queueCapacity = 256)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(clock);
        if (specs.Count == 0) return None;
        MarkerRecorder? recorder = null;
        var set = MarkerOutputs.OpenAll(specs, new MarkerOutputOptions
        {
            Clock = clock,
            QueueCapacity = queueCapacity,
            OnSent = sent => recorder!.Record(sent),
        });
        recorder = new MarkerRecorder(set);
        return recorder;
    }

    /// <summary>The outputs for the session's devices, one by one (each fault is its own); empty when none.</summary>
    public IReadOnlyList<IMarkerOutput> Outputs => _set == null ? [] : _set.Outputs;

    /// <summary>The outputs as the session's provenance names them; empty when none.</summary>
    public string Description => _set?.Description ?? "";

    /// <summary>
    /// From now on each marker sent is stored in <paramref name="sink"/> (markers may open before the store, as in a
    /// run's preflight; none is sent before the session starts).
    /// </summary>
    public void RecordInto(IEventSink sink) => Volatile.Write(ref _sink, sink);

    /// <summary>The event stored for a marker that went out: its send time, the time of the screen it marks, code and label.</summary>
    public static EventRecord EventOf(in MarkerSent sent) =>
        SessionEvents.Marker(sent.SentNs, sent.Marker.TimeNs, sent.Marker.Code, sent.Marker.Label, sent.Output);

    private void Record(MarkerSent sent) => Volatile.Read(ref _sink)?.Write(EventOf(sent));

    /// <summary>
    /// Sends what is still queued (up to <paramref name="timeout"/>), so every marker sent is also recorded, then closes
    /// the outputs. Call before the store is flushed and closed. False when some output did not finish in time.
    /// </summary>
    public bool Finish(TimeSpan timeout)
    {
        if (_set == null || _finished) return true;
        _finished = true;
        bool all = _set.Flush(timeout);
        _set.Dispose();
        return all;
    }

    /// <summary>Closes the outputs (after sending what is queued, up to a second each).</summary>
    public void Dispose()
    {
        if (_set == null || _finished) return;
        _finished = true;
        _set.Dispose();
    }
}
