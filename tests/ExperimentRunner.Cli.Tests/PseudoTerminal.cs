using System.Runtime.InteropServices;

namespace ExperimentRunner.Cli.Tests;

/// <summary>
/// A pseudo-terminal made with posix_openpt/grantpt/unlockpt: exrun opens <see cref="SlavePath"/> as a serial device;
/// the test writes what the device would send to the master, and closing the master is the device vanishing.
/// </summary>
public sealed partial class PseudoTerminal : IDisposable
{
    // O_CLOEXEC: exrun, started after, must not inherit the master (closing it would then not hang up the line).
    private const int ORdWr = 2, ONoCtty = 0x100, OCloExec = 0x80000;
    private int _master;

    public PseudoTerminal()
    {
        _master = posix_openpt(ORdWr | ONoCtty | OCloExec);
        if (_master < 0 || grantpt(_master) != 0 || unlockpt(_master) != 0)
            throw new InvalidOperationException($"no pseudo-terminal (errno {Marshal.GetLastPInvokeError()})");
        SlavePath = Marshal.PtrToStringAnsi(ptsname(_master)) ?? throw new InvalidOperationException("ptsname failed");
    }

    /// <summary>The device path exrun opens (/dev/pts/N).</summary>
    public string SlavePath { get; }

    /// <summary>Sends bytes as the device would.</summary>
    public unsafe void Write(ReadOnlySpan<byte> bytes)
    {
        fixed (byte* p = bytes) _ = write(_master, p, bytes.Length);
    }

    /// <summary>The device goes away: the other side reads a hang-up.</summary>
    public void Close()
    {
        if (_master >= 0) close(_master);
        _master = -1;
    }

    public void Dispose() => Close();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int posix_openpt(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int grantpt(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int unlockpt(int fd);

    [LibraryImport("libc")]
    private static partial nint ptsname(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint write(int fd, byte* buffer, nint count);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}
