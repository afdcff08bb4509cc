using System.Runtime.InteropServices;
using System.Text;

namespace ExperimentRunner.Hardware.Platform.Linux;

/// <summary>The pseudo-terminal calls of libc (posix_openpt, grantpt, unlockpt, ptsname_r).</summary>
internal static partial class LibC
{
    [LibraryImport("libc", EntryPoint = "posix_openpt", SetLastError = true)]
    public static partial int PosixOpenPt(int flags);

    [LibraryImport("libc", EntryPoint = "grantpt", SetLastError = true)]
    public static partial int GrantPt(int fd);

    [LibraryImport("libc", EntryPoint = "unlockpt", SetLastError = true)]
    public static partial int UnlockPt(int fd);

    [LibraryImport("libc", EntryPoint = "ptsname_r", SetLastError = true)]
    public static unsafe partial int PtsNameR(int fd, byte* buffer, nuint length);
}

/// <summary>
/// A pseudo-terminal pair opened in this process: the master end (<see cref="Master"/>, for a simulated device) and
/// the path of its slave end (<see cref="SlavePath"/>, "/dev/pts/N", opened by the code under test as if it were a
/// serial port). Closing the master makes the slave hang up, as an unplugged USB adapter does.
/// </summary>
internal sealed class PseudoTerminal : IDisposable
{
    private PseudoTerminal(FileDescriptor master, string slavePath)
    {
        Master = master;
        SlavePath = slavePath;
    }

    public FileDescriptor Master { get; }

    public string SlavePath { get; }

    /// <summary>Opens a new pair, the master non-blocking and raw; throws <see cref="HardwareException"/> when it cannot.</summary>
    public static unsafe PseudoTerminal Open()
    {
        if (!OperatingSystem.IsLinux()) throw new HardwareException("pseudo-terminals are supported on Linux only");
        int fd = LibC.PosixOpenPt(LibC.O_RDWR | LibC.O_NOCTTY | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        if (fd < 0) throw new HardwareException($"cannot open a pseudo-terminal: {LibC.Describe(Marshal.GetLastPInvokeError())}");
        var master = new FileDescriptor(fd);
        try
        {
            byte* name = stackalloc byte[128];
            if (LibC.GrantPt(fd) != 0 || LibC.UnlockPt(fd) != 0 || LibC.PtsNameR(fd, name, 128) != 0)
                throw new HardwareException($"cannot set up a pseudo-terminal: {LibC.Describe(Marshal.GetLastPInvokeError())}");
            byte* termios = stackalloc byte[LibC.TermiosBufferSize];
            // Raw on both sides from the start: no echo of what the master writes, no line editing.
            if (LibC.TcGetAttr(fd, termios) == 0)
            {
                LibC.CfMakeRaw(termios);
                LibC.TcSetAttr(fd, LibC.TCSANOW, termios);
            }
            int length = 0;
            while (length < 128 && name[length] != 0) length++;
            return new PseudoTerminal(master, Encoding.ASCII.GetString(name, length));
        }
        catch
        {
            master.Dispose();
            throw;
        }
    }

    public void Dispose() => Master.Dispose();
}
