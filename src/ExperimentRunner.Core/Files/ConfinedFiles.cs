namespace ExperimentRunner.Core.Files;

/// <summary>Why a file may not be read: the message says what and why, never what the file holds.</summary>
public sealed class ConfinedFileException(string message) : IOException(message);

/// <summary>Why <see cref="ConfinedFiles.Check"/> refused a path; <see cref="None"/> when it may be read.</summary>
public enum Refusal
{
    None,
    /// <summary>The path as written (before following links) leaves every root.</summary>
    Leaves,
    /// <summary>The path as written stays inside, but a link in it (a folder or the file) leads outside every root.</summary>
    LinksOutside,
    Missing,
    /// <summary>A FIFO, device, socket or folder where a file was expected, or a file where a folder was.</summary>
    WrongKind,
    /// <summary>More than <see cref="ConfinedFiles.MaxLinkHops"/> links, or a loop.</summary>
    TooManyLinks,
}

/// <summary>The verdict on one path.</summary>
/// <param name="RealPath">The path with every link of every component resolved (as realpath(3)); the missing tail as written.</param>
/// <param name="Kind">What is there, in words ("a regular file", "a FIFO", …).</param>
public readonly record struct ConfinedPath(string RealPath, Refusal Refusal, string Kind)
{
    public bool Ok => Refusal == Refusal.None;

    /// <summary>The reason in words, to follow the path's name in a message ("does not exist").</summary>
    public string Reason(string roots) => Refusal switch
    {
        Refusal.None => "may be read",
        Refusal.Leaves => $"leaves {roots}",
        Refusal.LinksOutside => $"is a link (or lies in a linked folder) leading outside {roots}",
        Refusal.Missing => "does not exist",
        Refusal.WrongKind => $"is {Kind}",
        Refusal.TooManyLinks => "has too many links to follow (a loop?)",
        _ => Refusal.ToString(),
    };
}

/// <summary>
/// The one way a paradigm's files are read. Every file a paradigm or its tables name must lie inside one of the roots
/// (the paradigm's folder, the stimuli root) by its lexical path and by its real path, with the links of every
/// component resolved (folders too, so <c>stimuli/ext → /etc</c> cannot lead out); only regular files are opened (a
/// FIFO would block the open, a device such as /dev/zero never ends), and every read is bounded.
/// </summary>
public sealed class ConfinedFiles
{
    /// <summary>Links followed in one path before giving up (Linux's own limit).</summary>
    public const int MaxLinkHops = 40;

    private readonly string[] _lexicalRoots;
    private readonly string[] _realRoots;

    /// <param name="roots">Folders whose trees may be read; relative ones are taken from the working directory.</param>
    public ConfinedFiles(params IEnumerable<string> roots)
    {
        _lexicalRoots = roots.Select(r => Path.TrimEndingDirectorySeparator(Path.GetFullPath(r))).Distinct().ToArray();
        _realRoots = _lexicalRoots.Select(r => TryRealPath(r) ?? r).Distinct().ToArray();
    }

    /// <summary>The roots with their links resolved.</summary>
    public IReadOnlyList<string> RealRoots => _realRoots;

    /// <summary>Whether <paramref name="path"/> may be read as a file (or, with <paramref name="directory"/>, listed as a folder).</summary>
    public ConfinedPath Check(string path, bool directory = false)
    {
        string full = Path.IsPathRooted(path) ? path : Path.Combine(Environment.CurrentDirectory, path);
        if (!_lexicalRoots.Any(r => IsInside(Path.GetFullPath(full), r))) return new ConfinedPath(Path.GetFullPath(full), Refusal.Leaves, "");
        string? real = TryRealPath(full);
        if (real is null) return new ConfinedPath(Path.GetFullPath(full), Refusal.TooManyLinks, "");
        if (!_realRoots.Any(r => IsInside(real, r))) return new ConfinedPath(real, Refusal.LinksOutside, "");
        var kind = FileKinds.Of(real);
        if (kind == FileKind.Missing) return new ConfinedPath(real, Refusal.Missing, FileKinds.Describe(kind));
        bool right = directory ? kind == FileKind.Directory : kind == FileKind.Regular;
        return new ConfinedPath(real, right ? Refusal.None : Refusal.WrongKind, FileKinds.Describe(kind) + (directory ? ", not a folder" : ", not a regular file"));
    }

    /// <summary>The bytes of a confined regular file, at most <paramref name="maxBytes"/>.</summary>
    /// <exception cref="ConfinedFileException">Refused or too large, with the reason (never the content).</exception>
    public byte[] ReadAllBytes(string path, long maxBytes)
    {
        var check = Check(path);
        if (!check.Ok) throw new ConfinedFileException($"{path} {check.Reason("the allowed folders")}");
        return RegularFile.ReadAllBytes(check.RealPath, maxBytes);
    }

    /// <summary>
    /// <paramref name="path"/> with every link of every component resolved, '..' applied after resolving (as the
    /// kernel does), the missing tail kept as written; null past <see cref="MaxLinkHops"/> links.
    /// </summary>
    public static string? TryRealPath(string path)
    {
        string full = Path.IsPathRooted(path) ? path : Path.Combine(Environment.CurrentDirectory, path);
        string root = Path.GetPathRoot(full)!;
        var pending = new Stack<string>(Split(full[root.Length..]).Reverse());
        string resolved = root;
        int hops = 0;
        while (pending.Count > 0)
        {
            string part = pending.Pop();
            if (part is "" or ".") continue;
            if (part == "..")
            {
                resolved = Path.GetDirectoryName(resolved) ?? resolved;
                continue;
            }
            string next = Path.Join(resolved, part);
            string? target = LinkTarget(next);
            if (target is null)
            {
                resolved = next;
                continue;
            }
            if (++hops > MaxLinkHops) return null;
            foreach (string t in Split(target).Reverse()) pending.Push(t);
            if (Path.IsPathRooted(target))
            {
                resolved = Path.GetPathRoot(target)!;
            }
        }
        return resolved;
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="root"/> or below it (both full paths).</summary>
    public static bool IsInside(string path, string root)
    {
        root = Path.TrimEndingDirectorySeparator(root);
        return path == root || path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
               || (root.Length > 0 && root[^1] == Path.DirectorySeparatorChar && path.StartsWith(root, StringComparison.Ordinal));
    }

    private static string[] Split(string path) => path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar]);

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>Reads one regular file, bounded: for files given on the command line and for what the loader confined.</summary>
public static class RegularFile
{
    /// <summary>
    /// The bytes of <paramref name="path"/> (links followed) when it is a regular file of at most
    /// <paramref name="maxBytes"/>; the kind is checked before opening, and the read stops after the cap.
    /// </summary>
    /// <exception cref="ConfinedFileException">Missing, not a regular file, or too large.</exception>
    public static byte[] ReadAllBytes(string path, long maxBytes)
    {
        using var stream = OpenRead(path);
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        long total = 0;
        int n;
        while ((n = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, maxBytes + 1 - total))) > 0)
        {
            total += n;
            if (total > maxBytes) throw new ConfinedFileException($"{path} is larger than {Size(maxBytes)}, the limit for such a file");
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    /// <summary>Opens a regular file for reading, after checking its kind (a FIFO's open would block).</summary>
    /// <exception cref="ConfinedFileException">Missing or not a regular file.</exception>
    public static FileStream OpenRead(string path)
    {
        string real = ConfinedFiles.TryRealPath(path) ?? throw new ConfinedFileException($"{path} has too many links to follow (a loop?)");
        var kind = FileKinds.Of(real);
        if (kind == FileKind.Missing) throw new ConfinedFileException($"{path} does not exist");
        if (kind != FileKind.Regular) throw new ConfinedFileException($"{path} is {FileKinds.Describe(kind)}, not a regular file");
        try
        {
            return new FileStream(real, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        }
        catch (UnauthorizedAccessException)
        {
            throw new ConfinedFileException($"{path} cannot be read (permission denied)");
        }
    }

    /// <summary>"20 MiB", "512 KiB".</summary>
    public static string Size(long bytes) =>
        bytes >= 1024 * 1024 ? $"{bytes / (1024 * 1024)} MiB" : bytes >= 1024 ? $"{bytes / 1024} KiB" : $"{bytes} bytes";
}

/// <summary>Caps on what one file of each kind may hold: far above any real stimulus, far below what exhausts memory.</summary>
public static class FileLimits
{
    public const long Table = 20L * 1024 * 1024;
    public const long Image = 64L * 1024 * 1024;
    public const long Font = 32L * 1024 * 1024;
    public const long Sound = 256L * 1024 * 1024;
}
