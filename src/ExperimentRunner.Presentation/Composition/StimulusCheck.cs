using System.Collections.Concurrent;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Presentation.Audio;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Composition;

/// <summary>
/// Decodes every file a session will open (images with Skia's codecs, WAV sounds with <see cref="WavDecoder"/>, fonts
/// with <see cref="SKTypeface"/>), the way the session itself will, so that a damaged or mistaken file is reported by
/// <c>validate</c> and preflight, located at the paradigm key that names it, and never first found in the scanner.
/// Core lists the files (<see cref="ParadigmModel.StimulusFiles"/>); decoding needs the native libraries, so it is here.
/// </summary>
public static class StimulusCheck
{
    /// <summary>Largest image, pixels: a photo of a few megapixels is plenty; a decompression bomb is not.</summary>
    public const long MaxImagePixels = 40_000_000;

    /// <summary>Largest stimulus file, bytes.</summary>
    public const long MaxFileBytes = 200L * 1024 * 1024;

    // Verdicts by path, length and time of last write: one process decodes a file once (validate of several paradigms
    // sharing a stimuli folder, then preflight), and a file changed in between is decoded again.
    private static readonly ConcurrentDictionary<(string Path, long Length, DateTime Written), string?> Verdicts = new();

    /// <summary>One error per file that cannot be opened and decoded (and a warning for an unreadable bold font), in file order.</summary>
    public static IReadOnlyList<Diagnostic> Check(IEnumerable<StimulusFile> files)
    {
        var list = files.ToList();
        // Decoded side by side (a study's photos are independent files); reported in file order.
        var problems = new string?[list.Count];
        Parallel.For(0, list.Count, i => problems[i] = Problem(list[i]));
        var d = new Diagnostics();
        var seenBold = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < list.Count; i++)
        {
            var file = list[i];
            if (problems[i] is { } problem) d.Error(file.Pos, $"{file.What} ({Show(file.Path)}) {problem}");
            if (file.Kind == StimulusKind.Font && BoldSibling(file.Path) is { } bold && seenBold.Add(bold)
                && Problem(file with { Path = bold }) is { } boldProblem)
                d.Warning(file.Pos, $"the bold face beside {file.What} ({Show(bold)}) {boldProblem}; bold text will be the regular face thickened");
        }
        return d.Sorted().ToList();
    }

    /// <summary>Why the file cannot be used, or null when it decodes.</summary>
    public static string? Problem(StimulusFile file)
    {
        FileInfo info;
        try
        {
            info = new FileInfo(file.Path);
            if (!info.Exists) return "does not exist";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return "cannot be opened: " + e.Message;
        }
        // What is no regular file (a FIFO, a device, a folder) is named and never opened: reading it could block or never end.
        var kind = ExperimentRunner.Core.Files.FileKinds.Of(ExperimentRunner.Core.Files.ConfinedFiles.TryRealPath(file.Path) ?? file.Path);
        if (kind != ExperimentRunner.Core.Files.FileKind.Regular)
            return $"is {ExperimentRunner.Core.Files.FileKinds.Describe(kind)}, not a regular file";
        if (info.Length == 0) return "is empty";
        if (info.Length > MaxFileBytes) return $"is {info.Length / 1024 / 1024:N0} MiB; a stimulus file is at most {MaxFileBytes / 1024 / 1024} MiB";
        return Verdicts.GetOrAdd((info.FullName + "\0" + file.Kind, info.Length, info.LastWriteTimeUtc), _ => Decode(file.Kind, info.FullName));
    }

    private static string? Decode(StimulusKind kind, string path)
    {
        try
        {
            return kind switch
            {
                StimulusKind.Image => DecodeImage(path),
                StimulusKind.Sound => DecodeSound(path),
                _ => DecodeFont(path),
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or OutOfMemoryException
                                   or ArgumentException or NotSupportedException or OverflowException)
        {
            return "cannot be read: " + (e.InnerException?.Message ?? e.Message);
        }
    }

    private static string? DecodeImage(string path)
    {
        using var codec = SKCodec.Create(path, out var created);
        if (codec is null) return $"cannot be decoded as an image ({Describe(created)}); use a PNG or JPEG file";
        long pixels = (long)codec.Info.Width * codec.Info.Height;
        if (codec.Info.Width <= 0 || codec.Info.Height <= 0) return "is an image with no pixels";
        if (pixels > MaxImagePixels)
            return $"is {codec.Info.Width}×{codec.Info.Height} pixels; at most {MaxImagePixels / 1_000_000} megapixels (scale it down)";
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        return result switch
        {
            SKCodecResult.Success => null,
            SKCodecResult.IncompleteInput or SKCodecResult.ErrorInInput => "is damaged or cut short: only part of it decodes; replace the file",
            _ => $"cannot be decoded ({Describe(result)}); replace the file",
        };
    }

    private static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.Unimplemented => "an image format Skia cannot read",
        SKCodecResult.InvalidInput or SKCodecResult.ErrorInInput => "the data is not a valid image",
        SKCodecResult.IncompleteInput => "the file is cut short",
        _ => result.ToString(),
    };

    private static string? DecodeSound(string path)
    {
        var sound = WavDecoder.Read(path);
        return sound.Frames == 0 ? "is a WAV file with no samples" : null;
    }

    private static string? DecodeFont(string path)
    {
        using var face = SKTypeface.FromFile(path);
        if (face is null) return "cannot be read as a font; use a TrueType or OpenType file (.ttf, .otf)";
        if (face.GlyphCount == 0) return "is a font with no glyphs";
        return null;
    }

    /// <summary>The "-Bold" face the composer looks for beside a font, when it exists.</summary>
    private static string? BoldSibling(string fontPath)
    {
        string bold = Path.Combine(Path.GetDirectoryName(fontPath) ?? ".",
            Path.GetFileNameWithoutExtension(fontPath) + "-Bold" + Path.GetExtension(fontPath));
        return File.Exists(bold) ? bold : null;
    }

    private static string Show(string path)
    {
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }
}
