using System.CommandLine;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Presentation.Composition;
using ExperimentRunner.Presentation.Preview;

namespace ExperimentRunner.Cli.Commands;

/// <summary>preview: one screen of a paradigm rendered to PNG, as the participant would see it.</summary>
public static class PresentationCommands
{
    public static readonly string[] Screens = ["instructions", "selection", "fixation", "profile", "question", "feedback", "rating", "questionnaire", "wait", "end", "ball_toss"];

    public static IEnumerable<Command> Create()
    {
        yield return Preview();
    }

    /// <summary>
    /// The scene a preview shows: the N-th of its kind in the paradigm (0-based), with its dynamic state. The scene
    /// itself comes from the engine's <see cref="SceneFactory"/> (the runner shows the same one); this only picks which
    /// and fills the state a running session would be in.
    /// </summary>
    public static (SceneSpec Scene, SceneState State) SceneFor(ParadigmModel p, string screen, int index, string? condition)
    {
        var scenes = new SceneFactory(p);
        var state = SceneState.Default;
        ProfileInfo Profile()
        {
            if (p.ProfileRows.Count == 0) throw new UserFacingException("the paradigm has no profile table, so it has no profile screens", ExitCodes.Invalid);
            return p.ProfileRows[index % p.ProfileRows.Count];
        }
        T Nth<T>(IReadOnlyList<T> list, string what)
        {
            if (list.Count == 0) throw new UserFacingException($"the paradigm has no {what}", ExitCodes.Invalid);
            if (index >= list.Count) throw new UserFacingException($"--index {index} is past the last {what} (there are {list.Count}; the first is 0)", ExitCodes.Invalid);
            return list[index];
        }
        switch (screen)
        {
            case "instructions":
            {
                var pages = p.Phases.OfType<InstructionsPhase>().SelectMany(ph => ph.Pages.Select((_, i) => (ph, i))).ToList();
                var (ph, i) = Nth(pages, "instruction pages");
                return (scenes.InstructionsPage(ph, i), state);
            }
            case "selection":
                return (scenes.Selection(p.Phases.OfType<SelectionPhase>().FirstOrDefault()
                    ?? throw new UserFacingException("the paradigm has no selection phase", ExitCodes.Invalid), Profile()), state);
            case "fixation":
                return (scenes.Fixation(), state);
            case "wait":
            {
                var scan = Nth(p.Phases.OfType<ScanPhase>().ToList(), "scan phases");
                state.Counter = SceneFactory.WarmUpVolumes(p) > 0 ? SceneFactory.WarmUpVolumes(p) : -1;
                return (scenes.Wait(scan.Name, scan.WaitText), state);
            }
            case "end":
            {
                var end = Nth(p.Phases.OfType<EndPhase>().ToList(), "end phases");
                return (scenes.End(end), state);
            }
            case "rating":
            {
                var r = Nth(p.Ratings.Values.ToList(), "ratings");
                // Without a fixed start the runner draws one at random; a preview shows the middle.
                state.Cursor = double.IsNaN(r.Start) ? (r.Min + r.Max) / 2 : r.Start;
                return (scenes.Rating(r), state);
            }
            case "questionnaire":
            {
                var q = p.Questionnaires.Values.FirstOrDefault() ?? throw new UserFacingException("the paradigm has no questionnaire", ExitCodes.Invalid);
                var keys = scenes.QuestionnaireKeys ?? throw new UserFacingException("a questionnaire needs a rating for its keys", ExitCodes.Invalid);
                var item = Nth(q.Items, "questionnaire items");
                state.Cursor = SceneFactory.QuestionnaireStart(q);
                return (scenes.QuestionnaireItem(q, item, keys), state);
            }
            case "profile":
            case "question":
            case "feedback":
            {
                var kind = screen switch { "profile" => ScreenKindSpec.Profile, "question" => ScreenKindSpec.Question, _ => ScreenKindSpec.Feedback };
                var template = p.Trials.Values.SelectMany(t => t.Screens).FirstOrDefault(s => s.Show == kind)
                    ?? throw new UserFacingException($"no trial of the paradigm shows a {screen} screen", ExitCodes.Invalid);
                var conditions = p.Conditions.Keys.ToList();
                string cond = condition ?? (conditions.Count > 0 ? conditions[index % conditions.Count] : "");
                if (condition != null && !p.Conditions.ContainsKey(condition))
                    throw new UserFacingException($"no condition '{condition}'{Suggest.DidYouMean(condition, conditions)}; conditions: {string.Join(", ", conditions)}", ExitCodes.Invalid);
                var ev = new PlannedEvent
                {
                    Run = 1, Block = 1, Trial = 1, Condition = cond, Screen = template.Name, Role = PlannedRole.Screen, Template = template,
                    OnsetNs = 0, DurationNs = 0, OnsetFrame = 0, DurationFrames = 0,
                };
                return (scenes.ForEvent(ev, Profile()), state);
            }
            case "ball_toss":
            {
                // Mid-throw: the ball halfway through a flight from the N-th other player to the participant.
                var game = p.Games.Values.FirstOrDefault() ?? throw new UserFacingException("the paradigm has no ball-toss game (games:)", ExitCodes.Invalid);
                int you = game.ParticipantIndex;
                var others = Enumerable.Range(0, game.Players.Count).Where(i => i != you).ToList();
                if (index >= others.Count) throw new UserFacingException($"--index {index} is past the last thrower (there are {others.Count} other players; the first is 0)", ExitCodes.Invalid);
                int from = others[index];
                (state.BallX, state.BallY) = game.BallAt(from, you < 0 ? from : you, 0.5);
                return (scenes.BallToss(game), state);
            }
            default:
                throw new UserFacingException($"unknown screen '{screen}'; screens: {string.Join(", ", Screens)}", ExitCodes.Invalid);
        }
    }

    private static Command Preview()
    {
        var file = new Argument<string>("FILE") { Description = "Paradigm file." };
        var screen = new Option<string>("--screen") { Description = $"Which screen: {string.Join(", ", Screens)}.", Required = true };
        screen.AcceptOnlyFromAmong(Screens);
        var index = new Option<int>("--index") { Description = "Which one of its kind (0-based): page, profile, rating, item.", DefaultValueFactory = _ => 0 };
        var condition = new Option<string?>("--condition") { Description = "Feedback condition (default: by index)." };
        var output = new Option<string>("--out") { Description = "PNG file to write.", Required = true };
        var noGl = new Option<bool>("--no-gl") { Description = "Compose with Skia only (no OpenGL)." };
        var command = new Command("preview", "Renders one screen of a paradigm to a PNG, offscreen, as the participant would see it.")
        {
            file, screen, index, condition, output, noGl,
        };
        command.SetAction(parse =>
        {
            var paradigm = ParadigmCommands.LoadOrThrow(parse.GetValue(file)!);
            int i = parse.GetValue(index);
            if (i < 0) throw new UserFacingException("--index must be 0 or more", ExitCodes.Invalid);
            var (scene, state) = SceneFor(paradigm, parse.GetValue(screen)!, i, parse.GetValue(condition));
            string outPath = parse.GetValue(output)!;
            if (!outPath.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new UserFacingException("--out must name a .png file", ExitCodes.Invalid);
            PreviewResult result;
            try
            {
                result = PreviewRenderer.RenderToPng(paradigm.Display, scene, state, outPath, useGl: !parse.GetValue(noGl));
            }
            catch (SceneCompositionException e)
            {
                throw new UserFacingException(e.Message, ExitCodes.Invalid);
            }
            if (result.Note != null) Console.Error.WriteLine($"exrun: note: {result.Note}");
            Console.Out.WriteLine($"{outPath}: {parse.GetValue(screen)} ({scene.Key}), {paradigm.Display.Width}x{paradigm.Display.Height}, {(result.UsedGl ? "OpenGL offscreen" : "Skia")}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
