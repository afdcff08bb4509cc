using ExperimentRunner.Core.Paradigm;

namespace ExperimentRunner.Core.Engine;

/// <summary>The short self-paced phases: instruction pages, ratings outside a scan, a break, the end screen.</summary>
internal static class SelfPacedPhases
{
    /// <summary>How long a screen that waits for a key stays up at least, ns (a key held from the screen before does not skip it).</summary>
    public const long MinimumReadNs = 500_000_000;

    public static void RunInstructions(IPhaseHost runner, InstructionsPhase phase)
    {
        var scenes = runner.Session.Scenes;
        for (int i = 0; i < phase.Pages.Count && !runner.Finished; i++)
        {
            runner.Session.Machine.Fire(SessionTrigger.Page);
            var scene = scenes.InstructionsPage(phase, i);
            if (phase.AutoAdvanceNs > 0) runner.ShowSelfPaced(scene, ScreenMode.None, $"page{i + 1}", [], phase.AutoAdvanceNs);
            else runner.ShowSelfPaced(scene, ScreenMode.Advance, $"page{i + 1}", [phase.AdvanceResponse], 0, minimumNs: MinimumReadNs);
        }
    }

    public static void RunRatings(IPhaseHost runner, RatingPhase phase)
    {
        var p = runner.Session.Paradigm;
        foreach (var name in phase.Ratings)
        {
            if (runner.Finished) break;
            runner.Session.Machine.Fire(SessionTrigger.Rating);
            var r = p.Ratings[name];
            bool answered = runner.ShowSelfPaced(runner.Session.Scenes.Rating(r), ScreenMode.Rating, name, r.Responses(), r.TimeLimitNs, r.Marker, r, runner.StartValue(r));
            runner.LogRating(r, answered);
        }
    }

    public static void RunBreak(IPhaseHost runner, BreakPhase phase)
    {
        var scenes = runner.Session.Scenes;
        runner.Session.Machine.Fire(SessionTrigger.ScreenStep);
        var scene = scenes.Break(phase);
        if (phase.DurationNs > 0) runner.ShowSelfPaced(scene, ScreenMode.None, "break", [], phase.DurationNs);
        else runner.ShowSelfPaced(scene, ScreenMode.Advance, "break", [phase.AdvanceResponse], 0, minimumNs: MinimumReadNs);
    }

    public static void RunEnd(IPhaseHost runner, EndPhase phase)
    {
        runner.Session.Machine.Fire(SessionTrigger.ScreenStep);
        runner.ShowSelfPaced(runner.Session.Scenes.End(phase), ScreenMode.None, "end", [], Math.Max(phase.DurationNs, runner.FramePeriodNs));
    }
}
