using System.Globalization;
using System.Runtime.InteropServices;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Hardware.Platform.Linux;

namespace ExperimentRunner.Hardware.Markers;

/// <summary>
/// Markers on a parallel port's eight data lines through Linux ppdev (<c>/dev/parport0</c>): the port is claimed
/// once (PPCLAIM), each marker sets the data byte to its code (PPWDATA), holds it for the pulse width, then sets it
/// back to 0; the port is released (PPRELEASE) on dispose. The reported send time is when the lines were set.
/// Markers that come during a pulse wait for it to end. Needs the <c>ppdev</c> kernel module and write access to the
/// device (usually the 'lp' group).
/// </summary>
public sealed class ParallelPortMarkerOutput : QueuedMarkerOutput
{
    private readonly FileDescriptor _port;

    // The pulse is held in real time even when the run clock is virtual: a virtual clock must not be moved from here.
    private readonly MonotonicClock _pulseClock = new();

    /// <param name="pulseWidthNs">How long the code stays on the lines before they return to 0, ns (&gt; 0).</param>
    public ParallelPortMarkerOutput(string path, long pulseWidthNs, MarkerOutputOptions options)
        : base($"parport {path} pulse {Ns.ToMs(pulseWidthNs).ToString("0.###", CultureInfo.InvariantCulture)} ms", options)
    {
        if (pulseWidthNs <= 0) throw new HardwareException($"parallel port {path}: the pulse width must be above 0 ms");
        if (!OperatingSystem.IsLinux()) throw new HardwareException($"parallel port {path}: parallel ports are supported on Linux only (ppdev)");
        Path = path;
        PulseWidthNs = pulseWidthNs;
        int fd = LibC.Open(path, LibC.O_RDWR | LibC.O_CLOEXEC);
        if (fd < 0) throw OpenError(path, Marshal.GetLastPInvokeError());
        _port = new FileDescriptor(fd);
        if (LibC.Ioctl(fd, LibC.PPCLAIM) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            _port.Dispose();
            throw errno is LibC.ENOTTY or 22 /* EINVAL */
                ? new HardwareException($"{path} is not a parallel port (ppdev) device; use a path such as /dev/parport0 in --markers parport:PATH")
                : new HardwareException($"cannot claim parallel port {path}: {LibC.Describe(errno)} (is another program using it?)");
        }
        try
        {
            WriteData(0);
        }
        catch
        {
            LibC.Ioctl(fd, LibC.PPRELEASE);
            _port.Dispose();
            throw;
        }
        Start();
    }

    public string Path { get; }

    /// <summary>How long each code stays on the data lines, ns.</summary>
    public long PulseWidthNs { get; }

    protected override long Deliver(in MarkerMessage marker)
    {
        byte value = CodeByte(in marker);
        WriteData(value);
        long sentNs = Clock.NowNs;
        _pulseClock.SleepUntil(_pulseClock.NowNs + PulseWidthNs);
        WriteData(0);
        return sentNs;
    }

    private unsafe void WriteData(byte value)
    {
        if (LibC.Ioctl(_port.Fd, LibC.PPWDATA, &value) != 0)
            throw new HardwareException($"writing to parallel port {Path} failed: {LibC.Describe(Marshal.GetLastPInvokeError())}");
    }

    private static HardwareException OpenError(string path, int errno) => errno switch
    {
        LibC.ENOENT or LibC.ENXIO or LibC.ENODEV =>
            new HardwareException($"parallel port {path} does not exist (check the card and --markers; is the ppdev module loaded? 'sudo modprobe ppdev')"),
        LibC.EACCES =>
            new HardwareException($"no permission to open parallel port {path} (add your user to the 'lp' group and log in again)"),
        _ => new HardwareException($"cannot open parallel port {path}: {LibC.Describe(errno)}"),
    };

    protected override void CloseDevice()
    {
        try
        {
            WriteData(0);
        }
        catch (HardwareException)
        {
            // The port is going away anyway.
        }
        LibC.Ioctl(_port.Fd, LibC.PPRELEASE);
        _port.Dispose();
    }
}
