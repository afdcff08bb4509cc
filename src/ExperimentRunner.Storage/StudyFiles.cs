using LiteDB;
using LiteDB.Engine;

namespace ExperimentRunner.Storage;

/// <summary>Why a study database could not be opened; each has its own message for people.</summary>
public enum StudyOpenFailure
{
    NotFound,
    PasswordRequired,
    WrongPassword,
    NotEncrypted,
    InUse,
    Damaged,
}

/// <summary>A study database that cannot be opened, with a message that says what to do. Never carries a stack trace to
/// people. An <see cref="IOException"/>, so callers that already turn I/O failures into messages keep working.</summary>
public sealed class StudyOpenException(StudyOpenFailure failure, string message, Exception? inner = null) : IOException(message, inner)
{
    public StudyOpenFailure Failure { get; } = failure;
}

/// <summary>
/// The files of one study database, opened on streams we own so that we decide when bytes reach the disk.
/// LiteDB keeps committed transactions in a log file beside the data file (<c>study-log.db</c> for <c>study.db</c>)
/// and copies them into the data file at checkpoints.
/// </summary>
public static class StudyFiles
{
    /// <summary>The environment variable that carries the encryption password. Never an argument or paradigm field.</summary>
    public const string PasswordVariable = "EXRUN_DB_PASSWORD";

    /// <summary>The default study database, relative to the working folder (<c>/data/</c> is ignored by git).</summary>
    public const string DefaultPath = "data/study.db";

    /// <summary>LiteDB's page size in bytes; the log always holds whole pages, except a tail torn by a kill.</summary>
    public const int PageSize = 8192;

    /// <summary>Owner-only file mode (0600) for databases and exported files.</summary>
    public const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Owner-only folder mode (0700) for folders we create.</summary>
    public const UnixFileMode OwnerFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The password from <see cref="PasswordVariable"/>, or null when unset or empty.</summary>
    public static string? PasswordFromEnvironment()
    {
        string? value = Environment.GetEnvironmentVariable(PasswordVariable);
        return string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>LiteDB's log file for a data file: <c>dir/name-log.ext</c>.</summary>
    public static string LogPathFor(string dataPath)
    {
        string dir = Path.GetDirectoryName(dataPath) ?? "";
        return Path.Combine(dir, Path.GetFileNameWithoutExtension(dataPath) + "-log" + Path.GetExtension(dataPath));
    }

    /// <summary>The lock file a writer holds exclusively (an OS lock, released when the process ends, even by a kill)
    /// while a study is open for writing. The file itself stays; its presence means nothing.</summary>
    public static string LockPathFor(string dataPath) => dataPath + ".lock";

    /// <summary>The one mapper of the study database: whitespace and empty strings are kept exactly as given.</summary>
    public static BsonMapper CreateMapper()
    {
        var mapper = new BsonMapper
        {
            TrimWhitespace = false,
            EmptyStringToNull = false,
            SerializeNullValues = false,
            EnumAsInteger = false,
        };
        // Seeds are 64-bit unsigned: keep every bit (stored as the Int64 with the same bits).
        mapper.RegisterType<ulong>(v => new BsonValue(unchecked((long)v)), b => unchecked((ulong)b.AsInt64));
        return mapper;
    }

    /// <summary>Creates <paramref name="folder"/> and every missing parent owner-only when it does not exist yet
    /// (.NET's CreateDirectory with a mode gives it to the last folder only; the parents would be 0755).</summary>
    public static void EnsureFolder(string folder)
    {
        if (string.IsNullOrEmpty(folder) || Directory.Exists(folder)) return;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return;
        }
        EnsureFolder(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))) ?? "");
        Directory.CreateDirectory(folder, OwnerFolder);
    }

    /// <summary>Options for a new or existing file we write: owner-only when we create it.</summary>
    internal static FileStreamOptions WriteOptions(FileMode mode, FileShare share)
    {
        var options = new FileStreamOptions
        {
            Mode = mode,
            Access = FileAccess.ReadWrite,
            Share = share,
            BufferSize = 0, // LiteDB writes whole pages; nothing may wait in a .NET buffer when the process dies
        };
        if (!OperatingSystem.IsWindows() && mode != FileMode.Open) options.UnixCreateMode = OwnerFile;
        return options;
    }

    /// <summary>Creates (or truncates) an exported file, owner-only.</summary>
    public static FileStream CreateExportFile(string path)
    {
        EnsureFolder(Path.GetDirectoryName(path) ?? "");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerFile;
        return new FileStream(path, options);
    }

    /// <summary>Checks the first page of an existing data file before LiteDB reads it, so a file that is not a study
    /// database, or a password that does not fit, gets a plain answer. Leaves the stream at position 0.</summary>
    internal static void CheckHeader(Stream data, string path, bool passwordGiven)
    {
        if (data.Length == 0) return; // new
        var head = new byte[64];
        data.Position = 0;
        int read = data.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        data.Position = 0;
        bool plain = read >= 0x20 + Magic.Length && head.AsSpan(0x20, Magic.Length).SequenceEqual(Magic);
        // An encrypted LiteDB file starts with 1 and a 16-byte salt; the rest of the page is ciphertext.
        bool encrypted = !plain && read > 0 && head[0] == 1;
        if (!plain && !encrypted)
            throw new StudyOpenException(StudyOpenFailure.Damaged, $"{path} is not a study database (it does not start with a LiteDB header)");
        if (encrypted && !passwordGiven)
            throw new StudyOpenException(StudyOpenFailure.PasswordRequired, $"{path} is encrypted; set {PasswordVariable} (or use --encrypt at a terminal) to open it");
        if (plain && passwordGiven)
            throw new StudyOpenException(StudyOpenFailure.NotEncrypted, $"{path} is not encrypted but {PasswordVariable} is set; unset it to open this study");
    }

    private static readonly byte[] Magic = "** This is a LiteDB file **"u8.ToArray();

    /// <summary>Turns LiteDB's and the OS's failures at open into a <see cref="StudyOpenException"/>.</summary>
    internal static StudyOpenException Explain(Exception e, string path, bool passwordGiven)
    {
        string message = e.Message;
        if (e is StudyOpenException known) return known;
        if (e is LiteException lite)
        {
            if (message.Contains("password", StringComparison.OrdinalIgnoreCase) || message.Contains("encrypted", StringComparison.OrdinalIgnoreCase))
            {
                return passwordGiven
                    ? (message.Contains("not encrypted", StringComparison.OrdinalIgnoreCase)
                        ? new StudyOpenException(StudyOpenFailure.NotEncrypted, $"{path} is not encrypted but {PasswordVariable} is set; unset it to open this study", e)
                        : new StudyOpenException(StudyOpenFailure.WrongPassword, $"{path} is encrypted and the password in {PasswordVariable} is wrong", e))
                    : new StudyOpenException(StudyOpenFailure.PasswordRequired, $"{path} is encrypted; set {PasswordVariable} (or use --encrypt at a terminal) to open it", e);
            }
            return new StudyOpenException(StudyOpenFailure.Damaged, $"{path} is not a readable study database ({lite.Message})", e);
        }
        if (e is IOException io && (io.HResult == 11 || message.Contains("used by another process", StringComparison.OrdinalIgnoreCase)))
            return new StudyOpenException(StudyOpenFailure.InUse, $"{path} is open for writing by another exrun process", e);
        if (e is UnauthorizedAccessException)
            return new StudyOpenException(StudyOpenFailure.Damaged, $"{path} cannot be read: permission denied", e);
        if (e is System.Security.Cryptography.CryptographicException)
            return passwordGiven
                ? new StudyOpenException(StudyOpenFailure.WrongPassword, $"{path} is encrypted and the password in {PasswordVariable} is wrong", e)
                : new StudyOpenException(StudyOpenFailure.PasswordRequired, $"{path} is encrypted; set {PasswordVariable} (or use --encrypt at a terminal) to open it", e);
        return new StudyOpenException(StudyOpenFailure.Damaged, $"{path} is not a readable study database ({e.GetType().Name}: {message})", e);
    }

    /// <summary>Engine settings over our own streams (data, log), with the password when there is one.</summary>
    internal static LiteDatabase OpenDatabase(Stream data, Stream log, string? password, bool readOnly, BsonMapper mapper)
    {
        var settings = new EngineSettings
        {
            DataStream = data,
            LogStream = log,
            TempStream = new MemoryStream(),
            Password = password,
            ReadOnly = readOnly,
            AutoRebuild = false,
        };
        var engine = new LiteEngine(settings);
        return new LiteDatabase(engine, mapper, disposeOnClose: true);
    }
}

/// <summary>A file stream whose <see cref="Flush()"/> forces the bytes to the disk (fsync), so LiteDB's own flushes
/// (after a checkpoint has copied the log into the data file, before the log is emptied) survive a power cut.</summary>
internal sealed class FsyncOnFlushStream(FileStream inner) : Stream
{
    public FileStream Inner { get; } = inner;
    public override bool CanRead => Inner.CanRead;
    public override bool CanSeek => Inner.CanSeek;
    public override bool CanWrite => Inner.CanWrite;
    public override long Length => Inner.Length;
    public override long Position { get => Inner.Position; set => Inner.Position = value; }
    public override void Flush() => Inner.Flush(flushToDisk: true);
    public override int Read(byte[] buffer, int offset, int count) => Inner.Read(buffer, offset, count);
    public override long Seek(long offset, SeekOrigin origin) => Inner.Seek(offset, origin);
    public override void SetLength(long value) => Inner.SetLength(value);
    public override void Write(byte[] buffer, int offset, int count) => Inner.Write(buffer, offset, count);
    protected override void Dispose(bool disposing)
    {
        if (disposing) Inner.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>A read-only view of a log file that hides a partial last page (a write torn by a killed process),
/// so a reader can open a study while leaving the file exactly as it is.</summary>
internal sealed class WholePagesReadStream(Stream inner) : Stream
{
    private readonly long _length = inner.Length - inner.Length % StudyFiles.PageSize;
    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => _length;
    public override long Position { get => inner.Position; set => inner.Position = value; }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count)
    {
        long left = _length - inner.Position;
        if (left <= 0) return 0;
        return inner.Read(buffer, offset, (int)Math.Min(count, left));
    }
    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    public override void SetLength(long value) => throw new NotSupportedException("read-only view");
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("read-only view");
    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
