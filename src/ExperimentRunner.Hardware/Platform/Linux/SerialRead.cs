using System.Runtime.InteropServices;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Hardware.Platform.Linux;

/// <summary>
/// One step of a serial reader thread (trigger sources, light sensors, response boxes): sleep in <c>poll(2)</c> until
/// the port has bytes or the timeout passes, read the clock the moment it wakes (before <c>read</c>, so a stamp has no
/// polling delay; the bytes of one read share it), then read. Errors are sorted into "try again" (EINTR, EAGAIN) and
/// "the port is gone" (I/O error, end of file, hang-up), which the caller reports and reopens.
/// </summary>
internal static class SerialRead
{
    public enum Outcome
    {
        /// <summary>Nothing came within the timeout.</summary>
        Timeout,
        /// <summary><c>count</c> bytes were read, stamped <c>stampNs</c>.</summary>
        Bytes,
        /// <summary>Interrupted or not ready after all: try again.</summary>
        Retry,
        /// <summary>The port is gone: <c>lost</c> says why.</summary>
        Lost,
    }

    public static unsafe Outcome Step(int fd, IClock clock, int timeoutMs, Span<byte> buffer, out int count, out long stampNs, out string? lost)
    {
        count = 0;
        lost = null;
        var pfd = new LibC.PollFd { Fd = fd, Events = LibC.POLLIN };
        int ready = LibC.Poll(&pfd, 1, timeoutMs);
        stampNs = clock.NowNs;
        if (ready < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == LibC.EINTR) return Outcome.Retry;
            lost = LibC.Describe(errno);
            return Outcome.Lost;
        }
        if (ready == 0) return Outcome.Timeout;
        if ((pfd.REvents & LibC.POLLIN) != 0)
        {
            nint n;
            fixed (byte* p = buffer) n = LibC.Read(fd, p, buffer.Length);
            if (n > 0)
            {
                count = (int)n;
                return Outcome.Bytes;
            }
            int errno = Marshal.GetLastPInvokeError();
            if (n < 0 && (errno == LibC.EAGAIN || errno == LibC.EINTR)) return Outcome.Retry;
            lost = n == 0 ? "end of file" : LibC.Describe(errno);
            return Outcome.Lost;
        }
        if ((pfd.REvents & (LibC.POLLHUP | LibC.POLLERR | LibC.POLLNVAL)) != 0)
        {
            lost = "hang-up";
            return Outcome.Lost;
        }
        return Outcome.Retry;
    }
}
