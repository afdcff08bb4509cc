using System.Runtime.InteropServices;

namespace ExperimentRunner.Core.Files;

/// <summary>What is at a path, without opening it.</summary>
public enum FileKind { Missing, Regular, Directory, Link, Fifo, CharacterDevice, BlockDevice, Socket, Other }

/// <summary>
/// The kind of a file from its inode, read without opening it and without following a final link (statx(2) with
/// AT_SYMLINK_NOFOLLOW): .NET itself cannot tell a FIFO or a device from a regular file, and opening a FIFO blocks.
/// Where statx is unavailable (not Linux), folders and links are told apart and everything else counts as regular.
/// </summary>
public static partial class FileKinds
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28; // struct statx: stx_mask, stx_blksize (u32), stx_attributes (u64), stx_nlink, stx_uid, stx_gid (u32), stx_mode (u16)
    private const int ENOENT = 2, ENOTDIR = 20;

    private static bool _noStatx;

    public static FileKind Of(string path)
    {
        if (!_noStatx && OperatingSystem.IsLinux())
        {
            try
            {
                return OfStatx(path);
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                _noStatx = true;
            }
        }
        var info = new FileInfo(path);
        if (info.LinkTarget is not null) return FileKind.Link;
        if (Directory.Exists(path)) return FileKind.Directory;
        return info.Exists ? FileKind.Regular : FileKind.Missing;
    }

    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Missing => "missing",
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a folder",
        FileKind.Link => "a link",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        _ => "not a file",
    };

    private static unsafe FileKind OfStatx(string path)
    {
        byte* buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, buffer) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno is ENOENT or ENOTDIR) return FileKind.Missing;
            throw new ConfinedFileException($"{path} cannot be examined ({Marshal.GetPInvokeErrorMessage(errno)})");
        }
        int mode = *(ushort*)(buffer + ModeOffset) & 0xF000;
        return mode switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.Link,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            _ => FileKind.Other,
        };
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}
