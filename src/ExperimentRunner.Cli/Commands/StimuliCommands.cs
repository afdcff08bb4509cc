using System.CommandLine;
using System.Globalization;
using ExperimentRunner.Presentation.Stimuli;
using Spectre.Console;

namespace ExperimentRunner.Cli.Commands;

/// <summary>
/// <c>exrun stimuli …</c>: placeholder stimuli for pilots and demos, all generated (no real faces, no downloads):
/// <c>generate</c> (dating profiles with drawn avatars), <c>silhouette</c> (the participant's placeholder photo) and
/// <c>chime</c> (a short sine tone). The same arguments always give byte-identical files. The generators themselves
/// live in Presentation's <c>Stimuli/</c>; this class parses, checks ranges, maps write errors and prints.
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
        var output = new Option<string>("--out") { Description = "Folder to write profiles.csv (faces.csv with --faces) and images/ into (created if missing).", Required = true };
        var faces = new Option<bool>("--faces") { Description = "Faces without name, age or bio: faces.csv (id,photo) and images/fNNN.png, for face-judgment tasks." };
        var command = new Command("generate", "Writes synthetic dating profiles: profiles.csv (id,photo,name,age,bio) and images/pNNN.png (400×500 drawn avatars); with --faces, faces only.")
        {
            count, seed, output, faces,
        };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(count);
            if (n is < 1 or > ProfileGenerator.MaxCount)
                throw new UserFacingException($"--count must be between 1 and {ProfileGenerator.MaxCount}, not {n}", ExitCodes.Invalid);
            string dir = parse.GetValue(output)!;
            int s = parse.GetValue(seed);
            bool onlyFaces = parse.GetValue(faces);
            Func<int, int, string, Action<int>?, IReadOnlyList<GeneratedProfile>> generate = onlyFaces ? ProfileGenerator.GenerateFaces : ProfileGenerator.Generate;
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
                            var task = ctx.AddTask(onlyFaces ? "drawing faces" : "drawing profiles", maxValue: n);
                            profiles = generate(n, s, dir, done => task.Value = done);
                        });
                }
                else
                {
                    profiles = generate(n, s, dir, null);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserFacingException($"cannot write stimuli to {dir}: {e.Message}");
            }
            Console.Out.WriteLine($"wrote {profiles.Count} {(onlyFaces ? "faces" : "profiles")} (seed {s}) to {Path.Combine(dir, onlyFaces ? ProfileTableWriter.FacesFileName : ProfileTableWriter.FileName)} and {Path.Combine(dir, ProfileGenerator.ImagesFolder)}{Path.DirectorySeparatorChar}");
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
