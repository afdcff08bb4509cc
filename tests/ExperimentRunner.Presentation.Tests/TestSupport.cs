using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using SkiaSharp;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace ExperimentRunner.Presentation.Tests;

/// <summary>Fonts, styles, and test pictures drawn with Skia into a temporary folder.</summary>
internal static class TestSupport
{
    public static string RepoRoot { get; } = FindRoot();

    public static string FontPath => Path.Combine(RepoRoot, "stimuli", "fonts", "DejaVuSans.ttf");

    public static DisplayStyle Style(int width = 640, int height = 360, double hz = 60) => new()
    {
        FontPath = FontPath,
        Width = width,
        Height = height,
        Background = "#101418",
        Foreground = "#F2F2F2",
        Accent = "#E91E63",
        ExpectedRefreshHz = hz,
    };

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ExperimentRunner.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("repository root (ExperimentRunner.sln) not found above " + AppContext.BaseDirectory);
    }

    /// <summary>This test run's scratch folder, removed when the test process exits.</summary>
    private static readonly Lazy<string> RunDir = new(() =>
    {
        string dir = Path.Combine(Path.GetTempPath(), "exrun-present-tests", Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        return dir;
    });

    public static string TempDir()
    {
        string dir = Path.Combine(RunDir.Value, Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A portrait "photo": a saturated colour field with a lighter disc for a face, as a PNG.</summary>
    public static string Photo(string dir, string name, SKColor color, int width = 400, int height = 500)
    {
        string path = Path.Combine(dir, name);
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(color);
            using var face = new SKPaint { IsAntialias = true, Color = new SKColor(0xF1, 0xC2, 0x9B) };
            canvas.DrawCircle(width / 2f, height * 0.42f, width * 0.22f, face);
            using var body = new SKPaint { IsAntialias = true, Color = new SKColor(0x30, 0x3F, 0x9F) };
            canvas.DrawOval(width / 2f, height * 1.02f, width * 0.42f, height * 0.3f, body);
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        data.SaveTo(file);
        return path;
    }

    public static ProfileInfo Profile(string photoPath) =>
        new("p01", "Alex", 29, "Loves hiking, bad puns and Sunday markets. Looking for someone to share long breakfasts and longer walks.", photoPath);

    /// <summary>True when the colour is clearly not the background (#101418).</summary>
    public static bool IsInk(SKColor c) => Math.Abs(c.Red - 0x10) + Math.Abs(c.Green - 0x14) + Math.Abs(c.Blue - 0x18) > 60;

    public static bool IsBackground(SKColor c) => Math.Abs(c.Red - 0x10) + Math.Abs(c.Green - 0x14) + Math.Abs(c.Blue - 0x18) <= 6;

    /// <summary>Counts pixels in a rectangle that satisfy a predicate.</summary>
    public static int Count(RgbaImage image, int x, int y, int w, int h, Func<SKColor, bool> predicate)
    {
        int n = 0;
        for (int j = Math.Max(0, y); j < Math.Min(image.Height, y + h); j++)
        for (int i = Math.Max(0, x); i < Math.Min(image.Width, x + w); i++)
            if (predicate(image.GetPixel(i, j))) n++;
        return n;
    }
}
