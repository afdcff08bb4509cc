using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Hardware.Markers;

/// <summary>
/// A marker that went out: <see cref="SentNs"/> is the run-clock time (ns) when the OS call that put it on the wire
/// returned (for a parallel port: when the data lines were set). <see cref="Output"/> is the output's description.
/// </summary>
public readonly record struct MarkerSent(MarkerMessage Marker, long SentNs, string Output)
{
    /// <summary>From the marker's event to its sending, ns: the output's queueing plus sending latency.</summary>
    public long LatencyNs => SentNs - Marker.TimeNs;
}

/// <summary>Settings every marker output shares.</summary>
public sealed record MarkerOutputOptions
{
    /// <summary>The run clock: stamps the send times.</summary>
    public required IClock Clock { get; init; }

    /// <summary>
    /// Called on the output's own thread after each marker went out. Keep it short and thread-safe (for example
    /// <see cref="MarkerSentQueue.Add"/>, which the frame loop drains). Null: nobody is told.
    /// </summary>
    public Action<MarkerSent>? OnSent { get; init; }

    /// <summary>How many markers may wait to be sent; beyond that new markers are dropped and reported. Default 256.</summary>
    public int QueueCapacity { get; init; } = 256;
}

/// <summary>
/// The common shape of marker outputs: <see cref="Send"/> copies the marker into a bounded ring under a short lock
/// and returns (no allocation, no I/O, no waiting on the device); a background thread sends each marker and reports
/// it through <see cref="MarkerOutputOptions.OnSent"/>. Failures never reach the caller: they set <see cref="Fault"/>
/// and are counted.
/// </summary>
public abstract class QueuedMarkerOutput : IMarkerOutput
{
    private readonly MarkerMessage[] _ring;
    private readonly object _lock = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly Thread _thread;
    private readonly Action<MarkerSent>? _onSent;
    private int _head, _count, _inFlight;
    private volatile bool _closing;
    private volatile string? _fault;
    private long _sent, _dropped, _failed;

    protected QueuedMarkerOutput(string description, MarkerOutputOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.QueueCapacity, 1);
        Description = description;
        Clock = options.Clock;
        _onSent = options.OnSent;
        _ring = new MarkerMessage[options.QueueCapacity];
        _thread = new Thread(SendLoop) { IsBackground = true, Name = $"markers {description}", Priority = ThreadPriority.AboveNormal };
    }

    /// <summary>Starts the sending thread; called by the subclass once its device is open.</summary>
    protected void Start() => _thread.Start();

    protected IClock Clock { get; }

    public string Description { get; }

    /// <summary>The latest problem (queue full, a send failed, the device vanished) for the operator, or null.</summary>
    public string? Fault => _fault;

    /// <summary>Markers sent so far.</summary>
    public long SentCount => Interlocked.Read(ref _sent);

    /// <summary>Markers dropped because the queue was full (the device is stuck or too slow).</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>Markers whose sending failed.</summary>
    public long FailedCount => Interlocked.Read(ref _failed);

    /// <summary>Queues the marker and returns at once; never blocks, never throws for device problems.</summary>
    public void Send(in MarkerMessage marker)
    {
        lock (_lock)
        {
            if (_closing) return;
            if (_count == _ring.Length)
            {
                _dropped++;
                _fault = null; // rebuilt below, outside the lock
            }
            else
            {
                _ring[(_head + _count) % _ring.Length] = marker;
                _count++;
                _signal.Release();
                return;
            }
        }
        // Only when full: the message allocates, which is acceptable in a failure the operator must see.
        _fault = $"{Description}: marker queue full, {DroppedCount} marker(s) dropped (is the device stuck?)";
    }

    /// <summary>Waits until every queued marker was sent (or failed), up to <paramref name="timeout"/>. Not for the frame loop.</summary>
    public bool Flush(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            lock (_lock)
            {
                if (_count == 0 && _inFlight == 0) return true;
            }
            if (DateTime.UtcNow >= deadline) return false;
            Thread.Sleep(1);
        }
    }

    /// <summary>Sends one marker on the output's thread; returns the run-clock time (ns) it went out. May throw.</summary>
    protected abstract long Deliver(in MarkerMessage marker);

    /// <summary>
    /// Runs once on the sending thread before the first marker: exercise the sending code without sending (formatting,
    /// for instance), so the first marker of a session does not pay for just-in-time compilation (several ms).
    /// </summary>
    protected virtual void WarmUp() { }

    /// <summary>Closes the device; called once, after the sending thread stopped.</summary>
    protected abstract void CloseDevice();

    /// <summary>Records a problem for the operator (from the output's thread).</summary>
    protected void ReportFault(string message) => _fault = message;

    /// <summary>The single byte a byte-wide output sends for <paramref name="code"/>, or a readable error.</summary>
    protected static byte CodeByte(in MarkerMessage marker) =>
        marker.Code is >= 0 and <= 255
            ? (byte)marker.Code
            : throw new HardwareException($"marker '{marker.Label}' has code {marker.Code}, which does not fit in one byte (0–255); not sent");

    private void SendLoop()
    {
        try
        {
            WarmUp();
            SendUntilClosed();
        }
        catch (Exception e)
        {
            // Never take the process down from a device thread.
            _fault = $"{Description}: the sending thread stopped ({e.GetType().Name}: {e.Message}); markers are no longer sent";
        }
    }

    private void SendUntilClosed()
    {
        while (true)
        {
            // A bounded wait (house style): wakes once a second to notice a close even without a release.
            if (!_signal.Wait(TimeSpan.FromSeconds(1)))
            {
                lock (_lock)
                    if (_closing && _count == 0) return;
                continue;
            }
            MarkerMessage marker;
            lock (_lock)
            {
                if (_count == 0)
                {
                    if (_closing) return;
                    continue;
                }
                marker = _ring[_head];
                _ring[_head] = default;
                _head = (_head + 1) % _ring.Length;
                _count--;
                _inFlight = 1;
            }
            try
            {
                long sentNs = Deliver(in marker);
                Interlocked.Increment(ref _sent);
                _onSent?.Invoke(new MarkerSent(marker, sentNs, Description));
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref _failed);
                _fault = e is HardwareException ? $"{Description}: {e.Message}" : $"{Description}: sending marker '{marker.Label}' failed: {e.Message}";
            }
            finally
            {
                lock (_lock) _inFlight = 0;
            }
        }
    }

    /// <summary>Sends what is queued (up to 1 s), stops the thread and closes the device.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_closing) return;
        }
        Flush(TimeSpan.FromSeconds(1));
        lock (_lock)
        {
            _closing = true;
            _count = 0;
        }
        _signal.Release();
        if (_thread.IsAlive && !_thread.Join(TimeSpan.FromSeconds(2)))
        {
            // Stuck inside the device call: leave the device and the signal to the finaliser rather than pull them away.
            _fault = $"{Description}: the sending thread did not stop within 2 s";
            return;
        }
        CloseDevice();
        _signal.Dispose();
        GC.SuppressFinalize(this);
    }
}
