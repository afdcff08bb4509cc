using System.CommandLine;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Presentation.Composition;
using ExperimentRunner.Presentation.Preview;

namespace ExperimentRunner.Cli.Commands;

/// <summary>preview: one screen of a paradigm rendered to PNG, as the participant would see it.</summary>
public static class PresentationCommands
{
    /// <summary>The kind words <c>--screen</c> takes besides screen, phase and rating names.</summary>
    public static readonly string[] Screens = ScreenCatalog.KindWords;

    public static IEnumerable<Command> Create()
    {
        yield return Preview();
    }

    /// <summary>
    /// The scene a preview shows for a screen name (or kind word) and index, with its dynamic state: asked of the
    /// engine's <see cref="ScreenCatalog"/> and <see cref="SceneFactory"/>, which the runner uses too.
    /// </summary>
    public static (SceneSpec Scene, SceneState State) SceneFor(ParadigmModel p, string screen, int index, string? condition)
    {
        try
        {
            return ScreenCatalog.Find(p, screen, index, condition);
        }
        catch (UnknownScreenException e)
        {
            throw new UserFacingException(e.Message, ExitCodes.Invalid);
        }
    }

    private static Command Preview()
    {
        var file = new Argument<string>("FILE") { Description = "Paradigm file." };
        var screen = new Option<string?>("--screen")
        {
            Description = $"Which screen: a trial's screen name (or TRIAL.SCREEN), a phase's name, a rating's name, or a kind word ({string.Join(", ", Screens)}).",
        };
        var all = new Option<bool>("--all") { Description = "Every screen of the paradigm, each to NAME.png (NAME-INDEX.png for pages and items) in the --out folder." };
        var index = new Option<int>("--index") { Description = "Which one (0-based): page, item, rating of a phase, or profile.", DefaultValueFactory = _ => 0 };
        var condition = new Option<string?>("--condition") { Description = "Feedback condition (default: by index)." };
        var output = new Option<string>("--out") { Description = "PNG file to write (a folder with --all).", Required = true };
        var noGl = new Option<bool>("--no-gl") { Description = "Compose with Skia only (no OpenGL)." };
        var patch = new Option<bool>("--photodiode-patch") { Description = "Show the photodiode patch, as run --photodiode-patch draws it (a paradigm's display.photodiode shows anyway)." };
        var command = new Command("preview", "Renders a screen of a paradigm (or every screen, --all) to PNG, offscreen, as the participant would see it.")
        {
            file, screen, all, index, condition, output, noGl, patch,
        };
        command.SetAction(parse =>
        {
            var paradigm = ParadigmCommands.LoadOrThrow(parse.GetValue(file)!);
            if (parse.GetValue(patch)) paradigm = paradigm with { Display = Operator.RigPreflight.Style(paradigm.Display, true) };
            int i = parse.GetValue(index);
            if (i < 0) throw new UserFacingException("--index must be 0 or more", ExitCodes.Invalid);
            string? name = parse.GetValue(screen);
            string outPath = parse.GetValue(output)!;
            bool useGl = !parse.GetValue(noGl);
            if (parse.GetValue(all))
            {
                if (name != null) throw new UserFacingException("give --screen or --all, not both", ExitCodes.Invalid);
                var entries = ScreenCatalog.All(paradigm);
                var counts = entries.GroupBy(e => e.Name).ToDictionary(g => g.Key, g => g.Count());
                foreach (var (n, k) in entries)
                {
                    string png = Path.Combine(outPath, counts[n] > 1 ? $"{n}-{k}.png" : $"{n}.png");
                    Render(paradigm, n, k, parse.GetValue(condition), png, useGl);
                }
                return ExitCodes.Ok;
            }
            if (name == null) throw new UserFacingException($"give --screen NAME (one of: {string.Join(", ", ScreenCatalog.All(paradigm).Select(e => e.Name).Distinct())}) or --all", ExitCodes.Invalid);
            if (!outPath.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new UserFacingException("--out must name a .png file", ExitCodes.Invalid);
            Render(paradigm, name, i, parse.GetValue(condition), outPath, useGl);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Render(ParadigmModel paradigm, string name, int index, string? condition, string outPath, bool useGl)
    {
        var (scene, state) = SceneFor(paradigm, name, index, condition);
        PreviewResult result;
        try
        {
            result = PreviewRenderer.RenderToPng(paradigm.Display, scene, state, outPath, useGl);
        }
        catch (SceneCompositionException e)
        {
            throw new UserFacingException(e.Message, ExitCodes.Invalid);
        }
        if (result.Note != null) Console.Error.WriteLine($"exrun: note: {result.Note}");
        Console.Out.WriteLine($"{outPath}: {name} ({scene.Key}), {paradigm.Display.Width}x{paradigm.Display.Height}, {(result.UsedGl ? "OpenGL offscreen" : "Skia")}");
    }
}
