using System.Collections.Concurrent;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Events;

namespace ExperimentRunner.Core.Tests;

/// <summary>
/// Every marker a session queued is sent, and its record stored, before the session's end is (a session on the
/// virtual clock outruns an output that takes real time to send; markers recorded after the end were stored outside
/// the session and missing from its record).
/// </summary>
public sealed class MarkerFlushTests
{
    /// <summary>An output that sends on a thread of its own, a millisecond a marker, and records each as it goes out.</summary>
    private sealed class SlowMarkerOutput : IMarkerOutput
    {
        private readonly BlockingCollection<MarkerMessage> _queue = new();
        private readonly Thread _thread;
        private int _pending;
        public IEventSink? Sink;
        public int Queued;

        public SlowMarkerOutput()
        {
            _thread = new Thread(() =>
            {
                foreach (var m in _queue.GetConsumingEnumerable())
                {
                    Thread.Sleep(1);
                    Sink!.Write(SessionEvents.Marker(m.TimeNs, m.TimeNs, m.Code, m.Label, Description));
                    Interlocked.Decrement(ref _pending);
                }
            }) { IsBackground = true };
            _thread.Start();
        }

        public string Description => "slow test link";

        public void Send(in MarkerMessage marker)
        {
            Queued++;
            Interlocked.Increment(ref _pending);
            _queue.Add(marker);
        }

        public bool Flush(TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (Volatile.Read(ref _pending) > 0)
            {
                if (DateTime.UtcNow >= deadline) return false;
                Thread.Sleep(1);
            }
            return true;
        }

        public void Dispose()
        {
            _queue.CompleteAdding();
            _thread.Join();
            _queue.Dispose();
        }
    }

    /// <summary>Counts the markers stored before the session's end was.</summary>
    private sealed class EndWatchingSink : IEventSink
    {
        private readonly object _gate = new();
        public int Markers, MarkersAtEnd = -1;
        public void SessionStarted(SessionInfo info) { }
        public void Write(in EventRecord e)
        {
            if (e.Kind != EventKind.Marker) return;
            lock (_gate) Markers++;
        }
        public void SessionEnded(SessionEnd end)
        {
            lock (_gate) MarkersAtEnd = Markers;
        }
        public bool Flush(TimeSpan timeout) => true;
        public void Dispose() { }
    }

    [Fact]
    public void A_simulated_session_ends_only_after_its_slow_marker_output_sent_and_recorded_every_marker()
    {
        var sink = new EndWatchingSink();
        using var output = new SlowMarkerOutput { Sink = sink };
        DeviceFaultTests.RunSimulated(output, sink);
        Assert.True(output.Queued > 50, $"only {output.Queued} markers");
        Assert.Equal(output.Queued, sink.MarkersAtEnd);
    }
}
