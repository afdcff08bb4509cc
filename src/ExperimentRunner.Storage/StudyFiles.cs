using ExperimentRunner.Core.Events;
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
    /// <summary>Not a study, cut short, or failing its checks: invalid input, left exactly as it is.</summary>
    Damaged,
    /// <summary>The path is a folder.</summary>
    IsDirectory,
    /// <summary>The OS refused (permissions, a read-only file system): a failure of the environment, not of the input.</summary>
    NoPermission,
    /// <summary>The disk failed (full, I/O error): a failure of the environment.</summary>
    DiskFailure,
}

/// <summary>A study database that cannot be opened, with a message that says what to do. Never carries a stack trace to
/// people. An <see cref="IOException"/>, so callers that already turn I/O failures into messages keep working.</summary>
public sealed class StudyOpenException(StudyOpenFailure failure, string message, Exception? inner = null) : IOException(message, inner)
{
    public StudyOpenFailure Failure { get; } = failure;

    /// <summary>True when the environment failed (permissions, disk, another writer), false when the input is at fault
    /// (no such study, a folder, damaged, the wrong password): exit 1 and exit 2 at the command line.</summary>
    public bool IsEnvironmentFailure => Failure is StudyOpenFailure.NoPermission or StudyOpenFailure.DiskFailure or StudyOpenFailure.InUse;
}

/// <summary>A record of a study that fails its checksum, cannot be decoded, or is missing: thrown by every
/// <see cref="StudyReader"/> method that would otherwise hand on wrong or partial data. Names the session.</summary>
public sealed class StudyDamageException(string? sessionId, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The damaged session, or null when the damage is not in one session.</summary>
    public string? SessionId { get; } = sessionId;
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
    /// while a study is open for writing. A clean close removes it; after a kill it stays, and its presence means nothing.</summary>
    public static string LockPathFor(string dataPath) => dataPath + ".lock";

    /// <summary>
    /// The mapper every writer and reader of this process shares. A new mapper compiles a getter and a setter per
    /// property of <see cref="SessionInfo"/> the first time it maps one (about 60 dynamic methods, tens of ms of JIT):
    /// once per process instead of once per open (issue 17). Its one entity map is built here, before anyone else
    /// sees it; <see cref="ToDocument"/> and <see cref="ToSessionInfo"/> map under a lock all the same.
    /// </summary>
    public static BsonMapper Mapper { get; } = WarmMapper();

    private static BsonMapper WarmMapper()
    {
        var mapper = CreateMapper();
        var sample = new SessionInfo
        {
            SessionId = "", ParticipantId = "", SessionLabel = "", ParadigmName = "", TaskLabel = "", ParadigmText = "",
            ParadigmSha256 = "", SoftwareVersion = "", Seed = 0, Machine = "", Mode = "", Timing = "", StartedUtc = "",
        };
        mapper.ToObject<SessionInfo>(mapper.ToDocument(sample));
        return mapper;
    }

    /// <summary>A session's provenance as stored (with <see cref="Mapper"/>).</summary>
    public static BsonDocument ToDocument(SessionInfo info)
    {
        lock (Mapper) return Mapper.ToDocument(info);
    }

    /// <summary>A stored provenance read back (with <see cref="Mapper"/>).</summary>
    public static SessionInfo ToSessionInfo(BsonDocument d)
    {
        lock (Mapper) return Mapper.ToObject<SessionInfo>(d);
    }

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

    /// <summary>
    /// What every writer does before it touches anything: true when <paramref name="path"/> does not exist (a new study
    /// is made there); false when it is a study that opens read-only and passes <see cref="StudyCheck"/>. Anything else
    /// (a folder, an empty or cut file, a file that is not a study, a damaged study) throws a
    /// <see cref="StudyOpenException"/>, and the file is left byte for byte as it was.
    /// </summary>
    public static bool CheckBeforeWriting(string path, string? password)
    {
        if (Directory.Exists(path))
            throw new StudyOpenException(StudyOpenFailure.IsDirectory, $"{path} is a directory, not a study database (give a file such as {Path.Combine(path, "study.db")} with --db)");
        if (!File.Exists(path))
        {
            string? folder = Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(folder) && File.Exists(folder))
                throw new StudyOpenException(StudyOpenFailure.Damaged, $"{folder} is a file, so {path} cannot be created in it");
            string log = LogPathFor(path);
            if (File.Exists(log) && new FileInfo(log).Length > 0)
            {
                // LiteDB would replay it into the new file: the last commits of a study whose file has gone.
                throw new StudyOpenException(StudyOpenFailure.Damaged,
                    $"{path} does not exist but its log {log} does (the last commits of a study whose file was moved or deleted); put the study file back, or move the log away to start a new study here");
            }
            return true;
        }
        StudyCheckReport report;
        try
        {
            using StudyReader reader = StudyReader.Open(path, password);
            report = StudyCheck.Run(reader);
        }
        catch (StudyOpenException e) when (e.Failure == StudyOpenFailure.Damaged)
        {
            throw new StudyOpenException(StudyOpenFailure.Damaged,
                $"{e.Message}; it was left unchanged: a study is created only where no file exists (choose another --db, or restore the study from a backup)", e);
        }
        if (!report.Healthy)
        {
            throw new StudyOpenException(StudyOpenFailure.Damaged,
                $"{path} is damaged ({report.Problems[0]}{(report.Problems.Count > 1 ? $"; and {report.Problems.Count - 1} more problem(s)" : "")}); " +
                "nothing is written to a damaged study and it was left unchanged: see `exrun db check`, export what is intact with `exrun export --salvage`, and record new sessions in another --db");
        }
        return false;
    }

    /// <summary>Takes the writer's lock file (an exclusive OS lock) beside <paramref name="dataPath"/>; true in the
    /// second item when this call created the file.</summary>
    internal static (FileStream Lock, bool Created) TakeLock(string dataPath)
    {
        string lockPath = LockPathFor(dataPath);
        for (int attempt = 0; ; attempt++)
        {
            bool existed = File.Exists(lockPath);
            FileStream stream;
            try
            {
                stream = new FileStream(lockPath, WriteOptions(FileMode.OpenOrCreate, FileShare.None));
            }
            catch (UnauthorizedAccessException e)
            {
                throw ExplainWrite(e, dataPath);
            }
            catch (IOException e) when (e.HResult == 11 || e.Message.Contains("used by another process", StringComparison.OrdinalIgnoreCase))
            {
                throw new StudyOpenException(StudyOpenFailure.InUse, $"{dataPath} is open for writing by another exrun process", e);
            }
            catch (IOException e)
            {
                throw ExplainWrite(e, dataPath);
            }
            // A writer that closed between our open and our lock deleted the file we hold: take the new one instead.
            if (File.Exists(lockPath) || attempt >= 3) return (stream, !existed);
            stream.Dispose();
        }
    }

    /// <summary>Deletes a file we own, quietly (it may be gone already, or the folder read-only).</summary>
    internal static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* left behind; harmless */ }
    }

    /// <summary>A failure to write the study's files, for people: permission (exit 1) or the disk (exit 1).</summary>
    internal static StudyOpenException ExplainWrite(Exception e, string path)
    {
        if (e is StudyOpenException known) return known;
        if (e is UnauthorizedAccessException)
            return new StudyOpenException(StudyOpenFailure.NoPermission,
                $"{path} cannot be written: permission denied (check the permissions of the file and its folder {Path.GetDirectoryName(path)})", e);
        return new StudyOpenException(StudyOpenFailure.DiskFailure, $"{path} cannot be written: {e.Message}", e);
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
            return new StudyOpenException(StudyOpenFailure.NoPermission, $"{path} cannot be read: permission denied", e);
        if (e is System.Security.Cryptography.CryptographicException)
            return passwordGiven
                ? new StudyOpenException(StudyOpenFailure.WrongPassword, $"{path} is encrypted and the password in {PasswordVariable} is wrong", e)
                : new StudyOpenException(StudyOpenFailure.PasswordRequired, $"{path} is encrypted; set {PasswordVariable} (or use --encrypt at a terminal) to open it", e);
        if (e is IOException)
            return new StudyOpenException(StudyOpenFailure.DiskFailure, $"{path} cannot be read: {message}", e);
        return new StudyOpenException(StudyOpenFailure.Damaged, $"{path} is not a readable study database ({message})", e);
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
