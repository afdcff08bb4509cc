using System.Globalization;
using System.Runtime.InteropServices;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Hardware.Platform.Linux;

namespace ExperimentRunner.Hardware.Markers;

/// <summary>
/// Markers as single bytes on a serial port: the byte is the marker's code (0–255). The port is opened raw 8N1 at
/// the given baud; a write waits at most <see cref="WriteTimeoutMs"/> for the port (flow control, a full buffer),
/// then the marker fails and <see cref="QueuedMarkerOutput.Fault"/> says so. A port that vanished is reopened on
/// the next marker.
/// </summary>
public sealed class SerialMarkerOutput : QueuedMarkerOutput
{
    /// <summary>The longest a marker waits for the port to accept it, ms.</summary>
    public const int WriteTimeoutMs = 500;

    private readonly string _option;
    private FileDescriptor? _port;

    /// <summary>Opens the port (throws <see cref="HardwareException"/> when it cannot) and starts the sending thread.</summary>
    /// <param name="baud">Line speed in baud (9600, 115200…).</param>
    /// <param name="option">The command-line option that named the port, for messages.</param>
    public SerialMarkerOutput(string path, int baud, MarkerOutputOptions options, string option = "--markers")
        : base($"serial {path} {baud.ToString(CultureInfo.InvariantCulture)} baud", options)
    {
        Path = path;
        Baud = baud;
        _option = option;
        _port = Tty.Open(path, forWriting: true, baud, option);
        Start();
    }

    public string Path { get; }

    /// <summary>Line speed, baud.</summary>
    public int Baud { get; }

    protected override unsafe long Deliver(in MarkerMessage marker)
    {
        byte value = CodeByte(in marker);
        var port = _port ??= Reopen();
        var pfd = new LibC.PollFd { Fd = port.Fd, Events = LibC.POLLOUT };
        while (true)
        {
            nint n = LibC.Write(port.Fd, &value, 1);
            if (n == 1) return Clock.NowNs;
            int errno = Marshal.GetLastPInvokeError();
            if (n < 0 && errno == LibC.EINTR) continue;
            if (n < 0 && errno == LibC.EAGAIN)
            {
                int ready = LibC.Poll(&pfd, 1, WriteTimeoutMs);
                if (ready > 0 && (pfd.REvents & LibC.POLLOUT) != 0) continue;
                if (ready == 0) throw new HardwareException($"serial port {Path} did not accept marker '{marker.Label}' within {WriteTimeoutMs} ms; not sent");
            }
            // Hang-up, I/O error: the device is gone. Close it; the next marker tries to reopen it.
            _port = null;
            port.Dispose();
            throw new HardwareException($"serial port {Path} was lost ({LibC.Describe(errno)}); marker '{marker.Label}' not sent (check the cable)");
        }
    }

    private FileDescriptor Reopen() => Tty.Open(Path, forWriting: true, Baud, _option);

    protected override void CloseDevice()
    {
        _port?.Dispose();
        _port = null;
    }
}
