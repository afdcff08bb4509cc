using System.Runtime.InteropServices;

namespace ExperimentRunner.Hardware.Platform.Linux;

/// <summary>Opens serial ports (and pseudo-terminals) as raw 8N1 byte streams through libc, without blocking calls.</summary>
internal static class Tty
{
    private const uint CREAD = 0x80;
    private const uint CLOCAL = 0x800;

    /// <summary>Baud rates a serial port can be set to.</summary>
    public static string SupportedBauds => Core.Vocabulary.SerialSettings.SupportedBaudsText;

    /// <summary>
    /// Opens <paramref name="path"/> non-blocking, sets raw mode (no echo, no line editing, 8 data bits, no parity,
    /// ignore modem lines) at <paramref name="baud"/>, and discards input that was waiting. <paramref name="option"/>
    /// names the command-line option that chose the port, for the error message ("--scanner", "--markers").
    /// </summary>
    /// <remarks><paramref name="readWrite"/>: open for both (a response box that is sent commands and answers); then
    /// input waiting at open is discarded too.</remarks>
    public static unsafe FileDescriptor Open(string path, bool forWriting, int baud, string option, bool readWrite = false)
    {
        if (!OperatingSystem.IsLinux())
            throw new HardwareException($"serial port {path}: serial ports are supported on Linux only");
        if (!LibC.BaudCodes.TryGetValue(baud, out uint speed))
            throw new HardwareException($"baud rate {baud} is not supported for serial port {path}; use one of {SupportedBauds}");
        int flags = (readWrite ? LibC.O_RDWR : forWriting ? LibC.O_WRONLY : LibC.O_RDONLY) | LibC.O_NOCTTY | LibC.O_NONBLOCK | LibC.O_CLOEXEC;
        int fd = LibC.Open(path, flags);
        if (fd < 0) throw OpenError(path, Marshal.GetLastPInvokeError(), option);
        var handle = new FileDescriptor(fd);
        try
        {
            byte* termios = stackalloc byte[LibC.TermiosBufferSize];
            if (LibC.TcGetAttr(fd, termios) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw errno == LibC.ENOTTY
                    ? new HardwareException($"{path} is not a serial port (not a terminal device); check {option}")
                    : new HardwareException($"cannot read the settings of serial port {path}: {LibC.Describe(errno)}");
            }
            LibC.CfMakeRaw(termios);
            // c_cflag is the third 32-bit field of struct termios on Linux: receive on, modem lines ignored.
            ((uint*)termios)[2] |= CREAD | CLOCAL;
            if (LibC.CfSetSpeed(termios, speed) != 0 || LibC.TcSetAttr(fd, LibC.TCSANOW, termios) != 0)
                throw new HardwareException($"cannot set serial port {path} to {baud} baud raw mode: {LibC.Describe(Marshal.GetLastPInvokeError())}");
            if (!forWriting || readWrite) LibC.TcFlush(fd, LibC.TCIFLUSH);
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The message for a failed open(2), naming the usual cause and what to do.</summary>
    public static HardwareException OpenError(string path, int errno, string option) => errno switch
    {
        LibC.ENOENT or LibC.ENXIO or LibC.ENODEV =>
            new HardwareException($"serial port {path} does not exist (check the cable and {option})"),
        LibC.EACCES =>
            new HardwareException($"no permission to open serial port {path} (add your user to the 'dialout' group and log in again)"),
        LibC.EBUSY =>
            new HardwareException($"serial port {path} is in use by another program"),
        _ => new HardwareException($"cannot open serial port {path}: {LibC.Describe(errno)} (check {option})"),
    };
}
