using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Hardware.Markers;

/// <summary>
/// Markers as UDP datagrams, one per marker, each a UTF-8 JSON object:
/// <c>{"code":21,"label":"feedback_accept","run_time_s":812.456789,"from_t0_s":95.123456,"wall_time":"2026-11-23T11:30:00.1234567Z"}</c>.
/// <c>run_time_s</c>: the marker's event on the run clock, seconds (only differences mean anything);
/// <c>from_t0_s</c>: seconds from the run's t0, null before there is a t0 (<see cref="MarkerMessage.FromT0Ns"/> =
/// <see cref="long.MinValue"/>); <c>wall_time</c>: UTC wall-clock time of the event, ISO 8601 (the wall clock at
/// sending minus the time the marker waited). The socket is unconnected, so a receiver that is not listening yet
/// costs nothing (no ICMP errors).
/// </summary>
public sealed class UdpMarkerOutput : QueuedMarkerOutput
{
    private readonly Socket _socket;
    private readonly IPEndPoint _target;
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private readonly Utf8JsonWriter _json;

    public UdpMarkerOutput(IPEndPoint target, MarkerOutputOptions options)
        : base($"udp {target}", options)
    {
        _target = target;
        _socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(target.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
        _json = new Utf8JsonWriter(_buffer);
        Start();
    }

    /// <summary>Where the datagrams go.</summary>
    public IPEndPoint Target => _target;

    protected override long Deliver(in MarkerMessage marker)
    {
        Format(in marker);
        _socket.SendTo(_buffer.WrittenSpan, SocketFlags.None, _target);
        return Clock.NowNs;
    }

    protected override void WarmUp()
    {
        var dummy = new MarkerMessage(0, "warm-up", Clock.NowNs, long.MinValue);
        for (int i = 0; i < 3; i++)
        {
            Format(in dummy);
            Format(dummy with { FromT0Ns = 0 });
        }
        // One datagram to our own socket (never to the receiver) compiles the sending path too.
        try
        {
            int ownPort = ((IPEndPoint)_socket.LocalEndPoint!).Port;
            var self = new IPEndPoint(_target.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback, ownPort);
            _socket.SendTo(_buffer.WrittenSpan, SocketFlags.None, self);
        }
        catch (SocketException)
        {
            // No loopback: the first marker pays instead.
        }
    }

    /// <summary>Writes the marker's JSON into the buffer.</summary>
    private void Format(in MarkerMessage marker)
    {
        long nowNs = Clock.NowNs;
        var wall = DateTime.UtcNow.AddTicks(-Math.Max(0, nowNs - marker.TimeNs) / 100);
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        _json.WriteNumber("code", marker.Code);
        _json.WriteString("label", marker.Label);
        _json.WriteNumber("run_time_s", Math.Round(Ns.ToSeconds(marker.TimeNs), 9));
        if (marker.FromT0Ns == long.MinValue) _json.WriteNull("from_t0_s");
        else _json.WriteNumber("from_t0_s", Math.Round(Ns.ToSeconds(marker.FromT0Ns), 9));
        _json.WriteString("wall_time", wall.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        _json.WriteEndObject();
        _json.Flush();
    }

    protected override void CloseDevice()
    {
        _json.Dispose();
        _socket.Dispose();
    }
}
