using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;

namespace ExperimentRunner.Core.Engine;

/// <summary>A screen name that names nothing, or an index past the last: the message says what exists.</summary>
public sealed class UnknownScreenException(string message) : Exception(message);

/// <summary>
/// Every screen of a paradigm by name, and the scene a session shows for it, asked of <see cref="SceneFactory"/> (the
/// runner's own): what <c>exrun preview</c> draws. A name is, looked up in this order: <c>TRIAL.SCREEN</c>; a trial's
/// screen name; a phase's name (an instructions page or questionnaire item by index; a scan phase's wait screen); a
/// rating's name; or a kind word (<see cref="KindWords"/>: the N-th of that kind).
/// </summary>
public static class ScreenCatalog
{
    /// <summary>Words that name a screen by its kind; the index picks the N-th of it (page, profile, rating, item).</summary>
    public static readonly string[] KindWords = ["instructions", "selection", "fixation", "profile", "question", "feedback", "rating", "questionnaire", "wait", "end", "ball_toss"];

    /// <summary>
    /// Every screen of the paradigm once, as a name and index that <see cref="Find"/> takes: each trial screen, each
    /// instructions page, each questionnaire item, each rating, each break and end, each scan phase's wait screen.
    /// </summary>
    public static IReadOnlyList<(string Name, int Index)> All(ParadigmModel p)
    {
        var list = new List<(string, int)>();
        var screenNames = p.Trials.Values.SelectMany(t => t.Screens).GroupBy(s => s.Name).ToDictionary(g => g.Key, g => g.Count());
        foreach (var trial in p.Trials.Values)
            foreach (var s in trial.Screens)
                list.Add((screenNames[s.Name] == 1 ? s.Name : $"{trial.Name}.{s.Name}", 0));
        int scanIndex = 0;
        foreach (var phase in p.Phases)
        {
            // A phase whose name a trial screen also has is reached by its kind word and index instead.
            bool shadowed = screenNames.ContainsKey(phase.Name);
            switch (phase)
            {
                case InstructionsPhase ip:
                    for (int i = 0; i < ip.Pages.Count; i++) list.Add((shadowed ? "instructions" : ip.Name, shadowed ? PageIndex(p, ip) + i : i));
                    break;
                case SelectionPhase:
                    list.Add((shadowed ? "selection" : phase.Name, 0));
                    break;
                case QuestionnairePhase qp when p.Questionnaires.TryGetValue(qp.Questionnaire, out var q):
                    for (int i = 0; i < q.Items.Count; i++) list.Add((shadowed ? "questionnaire" : phase.Name, i));
                    break;
                case ScanPhase:
                    list.Add((shadowed ? "wait" : phase.Name, shadowed ? scanIndex : 0));
                    break;
                case BreakPhase:
                case EndPhase:
                    if (!shadowed) list.Add((phase.Name, 0));
                    break;
            }
            if (phase is ScanPhase) scanIndex++;
        }
        foreach (var r in p.Ratings.Keys) if (!screenNames.ContainsKey(r) && !p.Phases.Any(ph => ph.Name == r)) list.Add((r, 0));
        return list;
    }

    private static int PageIndex(ParadigmModel p, InstructionsPhase phase) =>
        p.Phases.OfType<InstructionsPhase>().TakeWhile(ph => !ReferenceEquals(ph, phase)).Sum(ph => ph.Pages.Count);

    /// <summary>
    /// The scene named <paramref name="name"/> (see the class summary) with the dynamic state a session would first
    /// show it in. <paramref name="index"/> picks the page, item, rating or profile; <paramref name="condition"/> the
    /// feedback condition (default: by index). Throws <see cref="UnknownScreenException"/> naming what exists.
    /// </summary>
    public static (SceneSpec Scene, SceneState State) Find(ParadigmModel p, string name, int index, string? condition = null)
    {
        var scenes = new SceneFactory(p);
        int dot = name.IndexOf('.');
        if (dot > 0 && p.Trials.TryGetValue(name[..dot], out var trial) && trial.Screens.FirstOrDefault(s => s.Name == name[(dot + 1)..]) is { } qualified)
            return TrialScreen(p, scenes, qualified, index, condition);
        if (p.Trials.Values.SelectMany(t => t.Screens).FirstOrDefault(s => s.Name == name) is { } screen)
            return TrialScreen(p, scenes, screen, index, condition);
        if (p.Phases.FirstOrDefault(ph => ph.Name == name) is { } phase && PhaseScreen(p, scenes, phase, index) is { } shown)
            return shown;
        if (p.Ratings.TryGetValue(name, out var rating)) return RatingScreen(scenes, rating);
        if (Array.IndexOf(KindWords, name) >= 0) return KindScreen(p, scenes, name, index, condition);
        var names = All(p).Select(n => n.Name).Distinct().ToList();
        throw new UnknownScreenException($"no screen named '{name}'{Suggest.DidYouMean(name, names.Concat(KindWords))}; screens: {string.Join(", ", names)}");
    }

    private static T Nth<T>(IReadOnlyList<T> list, int index, string what)
    {
        if (list.Count == 0) throw new UnknownScreenException($"the paradigm has no {what}");
        if (index >= list.Count) throw new UnknownScreenException($"--index {index} is past the last {what} (there are {list.Count}; the first is 0)");
        return list[index];
    }

    private static ProfileInfo Profile(ParadigmModel p, int index)
    {
        if (p.ProfileRows.Count == 0) throw new UnknownScreenException("the paradigm has no profile table, so it has no profile screens");
        return p.ProfileRows[index % p.ProfileRows.Count];
    }

    /// <summary>A trial's screen as a planned event of it would show: the index-th profile, the condition by index.</summary>
    private static (SceneSpec, SceneState) TrialScreen(ParadigmModel p, SceneFactory scenes, ScreenSpec template, int index, string? condition)
    {
        var conditions = p.Conditions.Keys.ToList();
        if (condition != null && !p.Conditions.ContainsKey(condition))
            throw new UnknownScreenException($"no condition '{condition}'{Suggest.DidYouMean(condition, conditions)}; conditions: {string.Join(", ", conditions)}");
        string cond = condition ?? (conditions.Count > 0 ? conditions[index % conditions.Count] : "");
        var rating = template.Rating != null ? p.Ratings.GetValueOrDefault(template.Rating) : null;
        var ev = new PlannedEvent
        {
            Run = 1, Block = 1, Trial = 1, Condition = cond, Screen = template.Name, Role = rating != null ? PlannedRole.Rating : PlannedRole.Screen,
            Template = template, Rating = rating, OnsetNs = 0, DurationNs = 0, OnsetFrame = 0, DurationFrames = 0,
        };
        var state = SceneState.Default;
        if (rating != null) state.Cursor = StartCursor(rating);
        if (template.Show == SceneKind.BallToss && template.Game != null && p.Games.TryGetValue(template.Game, out var game))
        {
            // Mid-throw: the ball halfway through a flight from the index-th other player to the participant.
            int you = game.ParticipantIndex;
            var others = Enumerable.Range(0, game.Players.Count).Where(i => i != you).ToList();
            int from = others[index % others.Count];
            (state.BallX, state.BallY) = game.BallAt(from, you < 0 ? from : you, 0.5);
        }
        return (scenes.ForEvent(ev, template.ShowsProfile || p.ProfileRows.Count > 0 ? Profile(p, index) : null), state);
    }

    // Without a fixed start the runner draws one at random; a preview shows the middle.
    private static double StartCursor(RatingSpec r) => double.IsNaN(r.Start) ? (r.Min + r.Max) / 2 : r.Start;

    private static (SceneSpec, SceneState) RatingScreen(SceneFactory scenes, RatingSpec r)
    {
        var state = SceneState.Default;
        state.Cursor = StartCursor(r);
        return (scenes.Rating(r), state);
    }

    private static (SceneSpec, SceneState)? PhaseScreen(ParadigmModel p, SceneFactory scenes, PhaseSpec phase, int index)
    {
        switch (phase)
        {
            case InstructionsPhase ip:
                Nth(ip.Pages, index, $"page of '{ip.Name}'");
                return (scenes.InstructionsPage(ip, index), SceneState.Default);
            case SelectionPhase sp:
                return (scenes.Selection(sp, Profile(p, index)), SceneState.Default);
            case QuestionnairePhase qp when p.Questionnaires.TryGetValue(qp.Questionnaire, out var q):
                return QuestionnaireScreen(scenes, q, index);
            case RatingPhase rp:
                return RatingScreen(scenes, p.Ratings[Nth(rp.Ratings, index, $"rating of '{rp.Name}'")]);
            case ScanPhase scan:
                return WaitScreen(p, scenes, Nth([scan], index, $"wait screen of '{scan.Name}'"));
            case BreakPhase bp:
                return (scenes.Break(Nth([bp], index, $"screen of '{bp.Name}'")), SceneState.Default);
            case EndPhase ep:
                return (scenes.End(Nth([ep], index, $"screen of '{ep.Name}'")), SceneState.Default);
            default:
                return null;
        }
    }

    private static (SceneSpec, SceneState) QuestionnaireScreen(SceneFactory scenes, QuestionnaireSpec q, int index)
    {
        var keys = scenes.QuestionnaireKeys ?? throw new UnknownScreenException("a questionnaire needs a rating for its keys");
        var item = Nth(q.Items, index, "questionnaire items");
        var state = SceneState.Default;
        state.Cursor = SceneFactory.QuestionnaireStart(q);
        return (scenes.QuestionnaireItem(q, item, keys), state);
    }

    private static (SceneSpec, SceneState) WaitScreen(ParadigmModel p, SceneFactory scenes, ScanPhase scan)
    {
        var state = SceneState.Default;
        state.Counter = SceneFactory.WarmUpVolumes(p) > 0 ? SceneFactory.WarmUpVolumes(p) : -1;
        return (scenes.Wait(scan.Name, scan.WaitText), state);
    }

    /// <summary>The N-th screen of a kind (the words `preview --screen` took before screens had names).</summary>
    private static (SceneSpec, SceneState) KindScreen(ParadigmModel p, SceneFactory scenes, string word, int index, string? condition)
    {
        switch (word)
        {
            case "instructions":
            {
                var pages = p.Phases.OfType<InstructionsPhase>().SelectMany(ph => ph.Pages.Select((_, i) => (ph, i))).ToList();
                var (ph, i) = Nth(pages, index, "instruction pages");
                return (scenes.InstructionsPage(ph, i), SceneState.Default);
            }
            case "selection":
                return (scenes.Selection(p.Phases.OfType<SelectionPhase>().FirstOrDefault()
                    ?? throw new UnknownScreenException("the paradigm has no selection phase"), Profile(p, index)), SceneState.Default);
            case "fixation":
                return (scenes.Fixation(), SceneState.Default);
            case "wait":
                return WaitScreen(p, scenes, Nth(p.Phases.OfType<ScanPhase>().ToList(), index, "scan phases"));
            case "end":
                return (scenes.End(Nth(p.Phases.OfType<EndPhase>().ToList(), index, "end phases")), SceneState.Default);
            case "rating":
                return RatingScreen(scenes, Nth(p.Ratings.Values.ToList(), index, "ratings"));
            case "questionnaire":
                return QuestionnaireScreen(scenes, p.Questionnaires.Values.FirstOrDefault() ?? throw new UnknownScreenException("the paradigm has no questionnaire"), index);
            default: // profile, question, feedback: the first trial screen of that kind
            {
                var kind = ScreenKinds.ShowNames[word];
                var template = p.Trials.Values.SelectMany(t => t.Screens).FirstOrDefault(s => s.Show == kind)
                    ?? throw new UnknownScreenException($"no trial of the paradigm shows a {word} screen");
                return TrialScreen(p, scenes, template, index, condition);
            }
        }
    }
}
