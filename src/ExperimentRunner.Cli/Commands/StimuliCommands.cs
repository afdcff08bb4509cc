using System.Buffers.Binary;
using System.CommandLine;
using System.Globalization;
using System.Text;
using Bogus;
using SkiaSharp;
using Spectre.Console;

namespace ExperimentRunner.Cli.Commands;

/// <summary>
/// <c>exrun stimuli …</c>: placeholder stimuli for pilots and demos, all generated (no real faces, no downloads):
/// <c>generate</c> (dating profiles with drawn avatars), <c>silhouette</c> (the participant's placeholder photo) and
/// <c>chime</c> (a short sine tone). The same arguments always give byte-identical files.
/// </summary>
public static class StimuliCommands
{
    public static IEnumerable<Command> Create()
    {
        var stimuli = new Command("stimuli", "Generates placeholder stimuli (synthetic profiles, a participant silhouette, a chime). Same seed, same bytes.");
        stimuli.Subcommands.Add(GenerateCommand());
        stimuli.Subcommands.Add(SilhouetteCommand());
        stimuli.Subcommands.Add(ChimeCommand());
        yield return stimuli;
    }

    private static Command GenerateCommand()
    {
        var count = new Option<int>("--count") { Description = "How many profiles (1–999).", DefaultValueFactory = _ => 60 };
        var seed = new Option<int>("--seed") { Description = "Seed: the same seed gives byte-identical files.", DefaultValueFactory = _ => 2026 };
        var output = new Option<string>("--out") { Description = "Folder to write profiles.csv and images/ into (created if missing).", Required = true };
        var command = new Command("generate", "Writes synthetic dating profiles: profiles.csv (id,photo,name,age,bio) and images/pNNN.png (400×500 drawn avatars).")
        {
            count, seed, output,
        };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(count);
            if (n is < 1 or > ProfileGenerator.MaxCount)
                throw new UserFacingException($"--count must be between 1 and {ProfileGenerator.MaxCount}, not {n}", ExitCodes.Invalid);
            string dir = parse.GetValue(output)!;
            int s = parse.GetValue(seed);
            IReadOnlyList<GeneratedProfile> profiles;
            try
            {
                if (!Console.IsOutputRedirected)
                {
                    profiles = [];
                    AnsiConsole.Progress()
                        .AutoClear(false)
                        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                        .Start(ctx =>
                        {
                            var task = ctx.AddTask("drawing profiles", maxValue: n);
                            profiles = ProfileGenerator.Generate(n, s, dir, done => task.Value = done);
                        });
                }
                else
                {
                    profiles = ProfileGenerator.Generate(n, s, dir);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserFacingException($"cannot write stimuli to {dir}: {e.Message}");
            }
            Console.Out.WriteLine($"wrote {profiles.Count} profiles (seed {s}) to {Path.Combine(dir, ProfileGenerator.TableName)} and {Path.Combine(dir, "images")}{Path.DirectorySeparatorChar}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command SilhouetteCommand()
    {
        var output = new Option<string>("--out") { Description = "PNG file to write (400×500).", Required = true };
        var command = new Command("silhouette", "Writes a neutral grey silhouette avatar: the participant's placeholder photo.") { output };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(output)!;
            WriteOrExplain(path, () => AvatarPainter.WriteFile(path, AvatarPainter.Portrait(AvatarPainter.Silhouette())));
            Console.Out.WriteLine($"wrote {path}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ChimeCommand()
    {
        var output = new Option<string>("--out") { Description = "WAV file to write (16-bit PCM, mono, 44.1 kHz).", Required = true };
        var frequency = new Option<double>("--frequency") { Description = "Tone frequency in Hz (100–8000).", DefaultValueFactory = _ => Chime.DefaultFrequencyHz };
        var duration = new Option<int>("--duration-ms") { Description = "Length in milliseconds (20–5000), fades included.", DefaultValueFactory = _ => Chime.DefaultDurationMs };
        var command = new Command("chime", "Writes a short sine chime with a smooth fade in and out.") { output, frequency, duration };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(output)!;
            double hz = parse.GetValue(frequency);
            int ms = parse.GetValue(duration);
            if (hz is < 100 or > 8000) throw new UserFacingException($"--frequency must be between 100 and 8000 Hz, not {hz.ToString(CultureInfo.InvariantCulture)}", ExitCodes.Invalid);
            if (ms is < 20 or > 5000) throw new UserFacingException($"--duration-ms must be between 20 and 5000, not {ms}", ExitCodes.Invalid);
            WriteOrExplain(path, () => Chime.WriteWav(path, hz, ms));
            Console.Out.WriteLine($"wrote {path}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void WriteOrExplain(string path, Action write)
    {
        try
        {
            string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (dir != null) Directory.CreateDirectory(dir);
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserFacingException($"cannot write {path}: {e.Message}");
        }
    }
}

/// <summary>One row of <c>profiles.csv</c>. <see cref="Photo"/> is relative to the table's folder, with '/' separators.</summary>
public sealed record GeneratedProfile(string Id, string Photo, string Name, int Age, string Bio);

/// <summary>
/// Synthetic dating profiles: fictitious first names, ages 21–45, two-sentence bios (Bogus with a fixed seed) and a
/// drawn avatar per profile. Deterministic: the same (count, seed) gives the same bytes, on the same SkiaSharp build.
/// </summary>
public static class ProfileGenerator
{
    public const int MaxCount = 999;
    public const string TableName = "profiles.csv";
    public const string Header = "id,photo,name,age,bio";

    /// <summary>
    /// Writes <c>profiles.csv</c> and <c>images/pNNN.png</c> into <paramref name="outDir"/>; returns the rows.
    /// <paramref name="onProgress"/> is called on the calling thread with the number of profiles done so far.
    /// </summary>
    public static IReadOnlyList<GeneratedProfile> Generate(int count, int seed, string outDir, Action<int>? onProgress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxCount);
        string images = Path.Combine(outDir, "images");
        Directory.CreateDirectory(images);

        // Text and pictures draw from separate streams, so changing the drawing never changes names or bios.
        var faker = new Faker("en") { Random = new Randomizer(seed) };
        var drawing = new Random(seed);
        var usedNames = new HashSet<string>(StringComparer.Ordinal);
        var rows = new List<GeneratedProfile>(count);
        for (int i = 1; i <= count; i++)
        {
            bool female = faker.Random.Bool();
            var gender = female ? Bogus.DataSets.Name.Gender.Female : Bogus.DataSets.Name.Gender.Male;
            string name = faker.Name.FirstName(gender);
            for (int tries = 0; tries < 20 && !usedNames.Add(name); tries++) name = faker.Name.FirstName(gender);
            int age = faker.Random.Int(21, 45);
            string bio = Bios.Make(faker);
            string id = $"p{i:000}";
            string photo = $"images/{id}.png";
            var look = AvatarLook.Random(drawing, female);
            AvatarPainter.WriteFile(Path.Combine(images, id + ".png"), AvatarPainter.Portrait(look));
            rows.Add(new GeneratedProfile(id, photo, name, age, bio));
            onProgress?.Invoke(i);
        }
        File.WriteAllText(Path.Combine(outDir, TableName), ToCsv(rows), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return rows;
    }

    /// <summary>The table as RFC 4180 CSV (fields with a comma, quote or line break are quoted, quotes doubled), LF line ends.</summary>
    public static string ToCsv(IEnumerable<GeneratedProfile> rows)
    {
        var sb = new StringBuilder();
        sb.Append(Header).Append('\n');
        foreach (var r in rows)
        {
            sb.Append(Quote(r.Id)).Append(',').Append(Quote(r.Photo)).Append(',').Append(Quote(r.Name)).Append(',')
              .Append(r.Age.ToString(CultureInfo.InvariantCulture)).Append(',').Append(Quote(r.Bio)).Append('\n');
        }
        return sb.ToString();
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";
}

/// <summary>Two-sentence bios from small hand-written phrase lists; Bogus supplies the choices and the cities.</summary>
internal static class Bios
{
    private static readonly string[] Jobs =
    [
        "a nurse", "a primary school teacher", "a software developer", "an architect", "a physiotherapist", "a chef",
        "a graphic designer", "an accountant", "a vet", "a librarian", "an electrician", "a journalist",
        "a pharmacist", "a bike mechanic", "a marketing manager", "a social worker", "a lab technician", "a translator",
    ];

    private static readonly string[] Activities =
    [
        "hiking", "climbing", "baking bread", "playing the guitar", "running along the river", "trying new recipes",
        "reading crime novels", "swimming", "going to gigs", "gardening", "painting", "playing board games",
        "cycling", "doing yoga", "visiting museums", "watching old films", "dancing salsa", "taking photos",
    ];

    private static readonly string[] Foods =
    [
        "good coffee", "a long brunch", "homemade pizza", "ramen", "fresh croissants", "a big Sunday roast",
        "street food", "dark chocolate", "spicy curry", "ice cream",
    ];

    private static readonly string[] Wishes =
    [
        "Looking for someone kind who makes me laugh.",
        "Hoping to meet someone curious and easy-going.",
        "Looking for a partner in crime for weekend trips.",
        "I'd love to meet someone who enjoys the little things.",
        "Looking for honesty, humour and good conversation.",
        "Hoping to find someone to share adventures with.",
    ];

    public static string Make(Faker f)
    {
        string first = f.Random.Int(0, 3) switch
        {
            0 => $"I work as {f.PickRandom(Jobs)} and spend my weekends {f.PickRandom(Activities)}.",
            1 => $"Originally from {f.Address.City()}, I love {f.PickRandom(Activities)} and {f.PickRandom(Foods)}.",
            2 => $"By day I'm {f.PickRandom(Jobs)}, by night I'm {f.PickRandom(Activities)}.",
            _ => $"Happiest when I'm {f.PickRandom(Activities)}, ideally followed by {f.PickRandom(Foods)}.",
        };
        string second = f.Random.Bool(0.6f)
            ? f.PickRandom(Wishes)
            : $"Ask me about {f.PickRandom(Activities)}, or just bring {f.PickRandom(Foods)}.";
        return first + " " + second;
    }
}

/// <summary>What one avatar looks like; every value is chosen from a seeded <see cref="Random"/>.</summary>
public sealed record AvatarLook(
    SKColor BackgroundTop,
    SKColor BackgroundBottom,
    SKColor Skin,
    SKColor Hair,
    SKColor Shirt,
    HairStyle Style,
    float HeadWidth,
    float HeadHeight,
    float ShoulderWidth,
    bool Features)
{
    private static readonly SKColor[] SkinTones =
    [
        new(0xFF, 0xE0, 0xC4), new(0xF6, 0xCF, 0xAE), new(0xEA, 0xBD, 0x98), new(0xD9, 0xA5, 0x7E),
        new(0xC0, 0x8A, 0x62), new(0xA0, 0x6C, 0x48), new(0x7D, 0x52, 0x36), new(0x5C, 0x3B, 0x28),
    ];

    private static readonly SKColor[] HairColours =
    [
        new(0x1E, 0x17, 0x14), new(0x3B, 0x27, 0x1C), new(0x5E, 0x3D, 0x26), new(0x8A, 0x5A, 0x32),
        new(0xB0, 0x6A, 0x3B), new(0xD8, 0xB3, 0x72), new(0xE8, 0xD0, 0x9A), new(0x6B, 0x2E, 0x1F),
    ];

    public static AvatarLook Random(Random rng, bool longHairLikely)
    {
        float hue = rng.Next(360);
        var top = SKColor.FromHsv(hue, 18 + rng.Next(20), 88 + rng.Next(10));
        var bottom = SKColor.FromHsv((hue + 20) % 360, 30 + rng.Next(20), 62 + rng.Next(15));
        var skin = SkinTones[rng.Next(SkinTones.Length)];
        var hair = HairColours[rng.Next(HairColours.Length)];
        var shirt = SKColor.FromHsv(rng.Next(360), 35 + rng.Next(45), 35 + rng.Next(50));
        HairStyle style = longHairLikely
            ? (HairStyle)new[] { 2, 2, 3, 3, 4, 1 }[rng.Next(6)]
            : (HairStyle)new[] { 0, 1, 1, 4, 5, 5 }[rng.Next(6)];
        return new AvatarLook(top, bottom, skin, hair, shirt, style,
            HeadWidth: 150 + rng.Next(30), HeadHeight: 190 + rng.Next(30), ShoulderWidth: 300 + rng.Next(70), Features: true);
    }
}

/// <summary>Hair shapes of the drawn avatars.</summary>
public enum HairStyle { Buzz = 0, Short = 1, Long = 2, Bob = 3, Bun = 4, Curly = 5, None = 6 }

/// <summary>Draws stylised head-and-shoulders avatars with SkiaSharp (flat shapes: small, losslessly compressible PNGs).</summary>
public static class AvatarPainter
{
    public const int Width = 400;
    public const int Height = 500;

    /// <summary>The participant's placeholder: grey shapes on a light background, no hair colour, no features.</summary>
    public static AvatarLook Silhouette() => new(
        new SKColor(0xEE, 0xEE, 0xEE), new SKColor(0xCC, 0xCC, 0xCC), new SKColor(0x9A, 0x9A, 0x9A), new SKColor(0x9A, 0x9A, 0x9A),
        new SKColor(0x88, 0x88, 0x88), HairStyle.None, 165, 205, 340, Features: false);

    /// <summary>Draws <paramref name="look"/> into a 400×500 opaque PNG and returns its bytes.</summary>
    public static byte[] Portrait(AvatarLook look)
    {
        var info = new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var surface = SKSurface.Create(info) ?? throw new InvalidOperationException("SkiaSharp could not create a raster surface");
        Draw(surface.Canvas, look);
        surface.Canvas.Flush();
        using var image = surface.Snapshot();
        using var pixmap = image.PeekPixels();
        // All PNG filters + zlib 9: flat drawings compress to a few kB. Skia writes no time chunk, so bytes are stable.
        using var data = pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, 9))
            ?? throw new InvalidOperationException("SkiaSharp could not encode the PNG");
        return data.ToArray();
    }

    public static void WriteFile(string path, byte[] png) => File.WriteAllBytes(path, png);

    private static void Draw(SKCanvas canvas, AvatarLook look)
    {
        // Without features (the silhouette) skin is one flat tone: no shading of neck and ears.
        float neckShade = look.Features ? 0.9f : 1f, earShade = look.Features ? 0.95f : 1f;
        using var paint = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill };
        using (var shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, Height),
                   [look.BackgroundTop, look.BackgroundBottom], null, SKShaderTileMode.Clamp))
        {
            paint.Shader = shader;
            canvas.DrawRect(0, 0, Width, Height, paint);
            paint.Shader = null;
        }

        const float cx = Width / 2f;
        float headCy = 215;
        float rx = look.HeadWidth / 2, ry = look.HeadHeight / 2;
        float headBottom = headCy + ry;
        float shoulderTop = headBottom + 30;

        // Long hair and bobs fall behind the head and neck.
        if (look.Style is HairStyle.Long or HairStyle.Bob)
        {
            paint.Color = look.Hair;
            float bottom = look.Style == HairStyle.Long ? shoulderTop + 70 : headCy + ry * 0.75f;
            canvas.DrawRoundRect(new SKRect(cx - rx - 22, headCy - ry - 14, cx + rx + 22, bottom), 70, 70, paint);
        }

        // Neck under the shirt, then the shirt, then a V of skin into the collar.
        paint.Color = Shade(look.Skin, neckShade);
        canvas.DrawRect(cx - 30, headBottom - 30, 60, shoulderTop - headBottom + 40, paint);
        paint.Color = look.Shirt;
        float sw = look.ShoulderWidth / 2;
        canvas.DrawRoundRect(new SKRect(cx - sw, shoulderTop, cx + sw, Height + 120), 110, 110, paint);
        paint.Color = Shade(look.Skin, neckShade);
        using (var collar = new SKPath())
        {
            collar.MoveTo(cx - 30, shoulderTop - 1);
            collar.LineTo(cx + 30, shoulderTop - 1);
            collar.LineTo(cx, shoulderTop + 44);
            collar.Close();
            canvas.DrawPath(collar, paint);
        }

        // Ears, then the head.
        paint.Color = Shade(look.Skin, earShade);
        canvas.DrawOval(cx - rx, headCy + 8, 14, 24, paint);
        canvas.DrawOval(cx + rx, headCy + 8, 14, 24, paint);
        paint.Color = look.Skin;
        canvas.DrawOval(cx, headCy, rx, ry, paint);

        DrawHairTop(canvas, paint, look, cx, headCy, rx, ry);

        if (look.Features)
        {
            // Stylised features only: dots for eyes, a line for a smile. Nobody's face.
            paint.Color = new SKColor(0x2A, 0x22, 0x20);
            canvas.DrawOval(cx - rx * 0.38f, headCy + 6, 7, 8, paint);
            canvas.DrawOval(cx + rx * 0.38f, headCy + 6, 7, 8, paint);
            using var stroke = new SKPaint
            {
                IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 5, StrokeCap = SKStrokeCap.Round,
                Color = Shade(look.Skin, 0.6f),
            };
            using var smile = new SKPath();
            smile.MoveTo(cx - 26, headCy + ry * 0.48f);
            smile.QuadTo(cx, headCy + ry * 0.48f + 18, cx + 26, headCy + ry * 0.48f);
            canvas.DrawPath(smile, stroke);
        }
    }

    private static void DrawHairTop(SKCanvas canvas, SKPaint paint, AvatarLook look, float cx, float cy, float rx, float ry)
    {
        paint.Color = look.Hair;
        switch (look.Style)
        {
            case HairStyle.None:
                break;
            case HairStyle.Buzz:
            {
                // A thin cap over the crown with a gently curved hairline.
                using var cap = new SKPath();
                cap.ArcTo(new SKRect(cx - rx - 2, cy - ry - 4, cx + rx + 2, cy + ry), 180 + 25, 130, forceMoveTo: true);
                cap.QuadTo(cx, cy - ry * 0.62f, cx - rx * 0.83f, cy - ry * 0.55f);
                cap.Close();
                canvas.DrawPath(cap, paint);
                break;
            }
            case HairStyle.Curly:
            {
                for (int i = 0; i <= 8; i++)
                {
                    double a = Math.PI * (1.05 + 0.9 * i / 8.0);
                    float x = cx + (float)Math.Cos(a) * (rx + 4);
                    float y = cy - 12 + (float)Math.Sin(a) * (ry + 2);
                    canvas.DrawCircle(x, y, 30, paint);
                }
                using var cap = new SKPath();
                cap.ArcTo(new SKRect(cx - rx - 6, cy - ry - 10, cx + rx + 6, cy + ry), 180, 180, forceMoveTo: true);
                cap.QuadTo(cx, cy - ry * 0.25f, cx - rx - 6, cy);
                cap.Close();
                canvas.DrawPath(cap, paint);
                break;
            }
            default:
            {
                // Short, long, bob and bun share a cap with a side-swept fringe; the bun adds a knot on top.
                using var cap = new SKPath();
                cap.ArcTo(new SKRect(cx - rx - 8, cy - ry - 14, cx + rx + 8, cy + ry + 8), 180, 180, forceMoveTo: true);
                cap.LineTo(cx + rx + 8, cy + ry * 0.05f);
                cap.LineTo(cx + rx * 0.88f, cy + ry * 0.05f);
                cap.QuadTo(cx + rx * 0.8f, cy - ry * 0.4f, cx + rx * 0.35f, cy - ry * 0.5f);
                cap.QuadTo(cx - rx * 0.3f, cy - ry * 0.55f, cx - rx * 0.75f, cy - ry * 0.2f);
                cap.QuadTo(cx - rx * 0.85f, cy - ry * 0.05f, cx - rx * 0.88f, cy + ry * 0.05f);
                cap.LineTo(cx - rx - 8, cy + ry * 0.05f);
                cap.Close();
                canvas.DrawPath(cap, paint);
                if (look.Style == HairStyle.Bun) canvas.DrawCircle(cx, cy - ry - 20, 36, paint);
                break;
            }
        }
    }

    private static SKColor Shade(SKColor c, float factor) =>
        new((byte)(c.Red * factor), (byte)(c.Green * factor), (byte)(c.Blue * factor), c.Alpha);
}

/// <summary>A short pure sine tone as a WAV file: 16-bit PCM, mono, 44.1 kHz, raised-cosine fade in and out.</summary>
public static class Chime
{
    public const int SampleRateHz = 44_100;
    public const double DefaultFrequencyHz = 880;
    public const int DefaultDurationMs = 200;

    /// <summary>Fade length at each end, in ms (clicks come from a sudden start or stop).</summary>
    public const int FadeMs = 20;

    /// <summary>The whole WAV file's bytes. Peak amplitude is half of full scale.</summary>
    public static byte[] Wav(double frequencyHz = DefaultFrequencyHz, int durationMs = DefaultDurationMs)
    {
        int samples = SampleRateHz * durationMs / 1000;
        int fade = Math.Min(SampleRateHz * FadeMs / 1000, samples / 2);
        int dataBytes = samples * 2;
        var bytes = new byte[44 + dataBytes];
        var span = bytes.AsSpan();
        Encoding.ASCII.GetBytes("RIFF", span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], 36 + dataBytes);
        Encoding.ASCII.GetBytes("WAVE", span[8..]);
        Encoding.ASCII.GetBytes("fmt ", span[12..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);          // fmt chunk size
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1);           // PCM
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], 1);           // mono
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], SampleRateHz);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], SampleRateHz * 2); // bytes per second
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], 2);           // block align
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], 16);          // bits per sample
        Encoding.ASCII.GetBytes("data", span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], dataBytes);
        for (int i = 0; i < samples; i++)
        {
            double envelope = 1;
            if (i < fade) envelope = 0.5 - 0.5 * Math.Cos(Math.PI * i / fade);
            else if (i >= samples - fade) envelope = 0.5 - 0.5 * Math.Cos(Math.PI * (samples - 1 - i) / fade);
            double t = i / (double)SampleRateHz;
            double v = Math.Sin(2 * Math.PI * frequencyHz * t);
            short sample = (short)Math.Round(v * envelope * 0.5 * short.MaxValue);
            BinaryPrimitives.WriteInt16LittleEndian(span[(44 + 2 * i)..], sample);
        }
        return bytes;
    }

    public static void WriteWav(string path, double frequencyHz = DefaultFrequencyHz, int durationMs = DefaultDurationMs) =>
        File.WriteAllBytes(path, Wav(frequencyHz, durationMs));
}
