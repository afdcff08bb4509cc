using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Hardware.Platform.Linux;

namespace ExperimentRunner.Hardware.ResponseBoxes;

// The reader thread: stamps, decodes, resynchronises, limits floods, reconnects.
public sealed partial class XidResponseBox
{
    /// <summary>A key event whose timer is this far ahead of the time elapsed since alignment (plus drift room) is no
    /// event but bytes that happen to start with 'k': 1 s.</summary>
    private const double AheadToleranceMs = 1000;

    /// <summary>… or this far behind it: 10 s (a press never waits that long in a port).</summary>
    private const double BehindToleranceMs = 10_000;

    private void ReadLoop()
    {
        try
        {
            ReadUntilStopped();
        }
        catch (Exception e)
        {
            // Never take the process down from a device thread.
            _portFault = $"{Path}: the reader stopped ({e.GetType().Name}: {e.Message}); no box presses are taken (the keyboard still works)";
        }
    }

    private void ReadUntilStopped()
    {
        Span<byte> buffer = stackalloc byte[64];
        while (!_stopping)
        {
            var port = _port;
            if (port is null)
            {
                Thread.Sleep(ReopenIntervalMs);
                TryReopen();
                continue;
            }
            var outcome = SerialRead.Step(port.Fd, _clock, PollTimeoutMs, buffer, out int n, out long stampNs, out string? lost);
            if (outcome == SerialRead.Outcome.Lost)
            {
                Lost(lost!);
                continue;
            }
            QueryWhenDue(stampNs);
            if (outcome == SerialRead.Outcome.Bytes) Accept(buffer[..n], stampNs);
        }
    }

    /// <summary>Feeds bytes of one read (all stamped <paramref name="stampNs"/>) through the packet decoder.</summary>
    private void Accept(ReadOnlySpan<byte> bytes, long stampNs)
    {
        long garbage = 0;
        foreach (byte b in bytes)
        {
            if (_packetLength == 0 && b != XidProtocol.KeyEvent && b != XidProtocol.TimerAnswer)
            {
                garbage++;
                continue;
            }
            _packet[_packetLength++] = b;
            if (_packetLength < XidProtocol.KeyEventLength) continue;
            if (TryTake(stampNs))
            {
                _packetLength = 0;
                continue;
            }
            // Not a plausible event: the 'k' was garbage. Drop it and look for the next 'k' in what was collected.
            garbage++;
            int next = Array.IndexOf(_packet, XidProtocol.KeyEvent, 1);
            if (next < 0)
            {
                garbage += _packetLength - 1;
                _packetLength = 0;
            }
            else
            {
                garbage += next - 1;
                Array.Copy(_packet, next, _packet, 0, _packetLength - next);
                _packetLength -= next;
            }
        }
        if (garbage > 0)
        {
            long total = Interlocked.Add(ref _garbageBytes, garbage);
            _garbageFault = $"{Path}: {total.ToString(CultureInfo.InvariantCulture)} byte(s) outside the XID protocol were skipped (the presses around them were kept): " +
                "check the baud rate (the box's DIP switches against baud=), that the box is in XID mode, and that no other device shares this port";
        }
    }

    /// <summary>Decodes the collected packet; false when it is no plausible key event.</summary>
    private bool TryTake(long stampNs)
    {
        if (_packet[0] == XidProtocol.TimerAnswer) return TryTakeTimer(stampNs);
        if (!XidProtocol.TryDecodeKey(_packet, out _, out int key, out bool pressed, out uint timerMs)) return false;
        long aligned;
        lock (_clockLock)
        {
            double elapsedMs = (stampNs - _boxClock.AnchorNs) / 1e6;
            double room = Math.Abs(elapsedMs) * BoxClock.MaxPlausiblePpm * 1e-6;
            if (timerMs > elapsedMs + AheadToleranceMs + room || timerMs < elapsedMs - BehindToleranceMs - room) return false;
            if (pressed) _boxClock.Add(timerMs, stampNs);
            aligned = _boxClock.ToRunClock(timerMs);
            if (_boxClock.Implausible && _driftFault is null)
                _driftFault = $"{Path}: the box's clock drifts by {(_boxClock.Estimate().DriftPpm).ToString("+0;-0", CultureInfo.InvariantCulture)} ppm against ours, " +
                    "far beyond a crystal's: was its timer reset by another program? Response times use its timer without drift correction";
        }
        Interlocked.Increment(ref _decoded);
        if (pressed && !FloodAllows(stampNs))
        {
            long dropped = Interlocked.Increment(ref _floodDropped);
            _floodFault = $"{Path}: response box flood: {dropped.ToString(CultureInfo.InvariantCulture)} press(es) beyond {FloodPressesPerSecond} a second were not taken " +
                "(a stuck or bouncing button, or another device sending on this port?)";
            return true;
        }
        _ring.TryWrite(new InputEvent(aligned, _keys[key], pressed, InputSource.ResponseBox, Device: "xid", ArrivalNs: stampNs, DeviceTimeMs: timerMs));
        return true;
    }

    /// <summary>The answer to a timer query: a point on the box's clock, exact to half the round trip.</summary>
    private bool TryTakeTimer(long stampNs)
    {
        if (_packet[1] != (byte)'3' || !_queryPending) return false;
        uint timerMs = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(_packet.AsSpan(2));
        long sent = _querySentNs, roundTrip = stampNs - sent;
        lock (_clockLock)
        {
            double elapsedMs = (stampNs - _boxClock.AnchorNs) / 1e6;
            double room = Math.Abs(elapsedMs) * BoxClock.MaxPlausiblePpm * 1e-6;
            if (timerMs > elapsedMs + AheadToleranceMs + room || timerMs < elapsedMs - BehindToleranceMs - room) return false;
            if (roundTrip >= 0 && roundTrip <= MaxQueryRoundTripNs) _boxClock.AddQuery(timerMs, sent + roundTrip / 2);
        }
        _lastQueryNs = stampNs;
        _queryPending = false;
        return true;
    }

    /// <summary>Asks the box's timer every <see cref="QueryIntervalNs"/>; forgets a query unanswered for a second.</summary>
    private void QueryWhenDue(long nowNs)
    {
        if (_queryPending && Stopwatch.GetElapsedTime(_queryStartedTicks).TotalSeconds > 1) _queryPending = false;
        if (!AutoQuery || !_answersQueries || _queryPending || _packetLength != 0) return;
        if (_lastQueryNs != long.MinValue && nowNs - _lastQueryNs < QueryIntervalNs) return;
        _lastQueryNs = nowNs;
        TryQueryNow();
    }

    /// <summary>A token bucket: bursts of up to <see cref="FloodPressesPerSecond"/> presses, refilled at that rate.</summary>
    private bool FloodAllows(long stampNs)
    {
        if (_lastTokenNs != long.MinValue)
            _tokens = Math.Min(FloodPressesPerSecond, _tokens + (stampNs - _lastTokenNs) / 1e9 * FloodPressesPerSecond);
        _lastTokenNs = stampNs;
        if (_tokens < 1) return false;
        _tokens -= 1;
        return true;
    }

    private void Lost(string why)
    {
        var port = Interlocked.Exchange(ref _port, null);
        port?.Dispose();
        if (_stopping) return;
        _portFault = $"{Path}: the response box was lost ({why}): its presses are not taken until it comes back (check its USB cable and power; " +
            "the keyboard still works and everything recorded is kept)";
    }

    private void TryReopen()
    {
        FileDescriptor port;
        try
        {
            port = Tty.Open(Path, forWriting: false, _spec.Baud, _option, readWrite: true);
        }
        catch (HardwareException)
        {
            return; // still gone: the fault already says so; try again later
        }
        if (_stopping)
        {
            port.Dispose();
            return;
        }
        try
        {
            // A box that was unplugged restarted its timer: reset and align it again.
            Align(port, _boxClock.RoundTripNs);
        }
        catch (HardwareException)
        {
            port.Dispose();
            return;
        }
        _port = port;
        _portFault = $"{Path}: the response box was lost and has reconnected (its timer was reset and aligned again); presses while it was gone were missed";
    }
}
