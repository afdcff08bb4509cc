using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;

namespace ExperimentRunner.Core.Engine;

/// <summary>The selection phase: one profile per screen, a choice or a timeout each, then the feedback targets.</summary>
internal static class SelectionPhaseRunner
{
    /// <summary>Selection screens composed at a time: 40 full-HD screens are ~330 MB of textures.</summary>
    private const int SelectionBatch = 40;

    public static void Run(IPhaseHost runner, SelectionPhase phase, IReadOnlyList<string> order)
    {
        var session = runner.Session;
        var window = runner.Window;
        var byId = session.Paradigm.ProfileRows.ToDictionary(p => p.Id);
        var responses = phase.Choices.Select(c => c.Response).ToList();
        int marker = session.Paradigm.Markers.GetValueOrDefault("selection");
        for (int i = 0; i < order.Count; i++)
        {
            var id = order[i];
            if (runner.Finished) break;
            if (i % SelectionBatch == 0)
                runner.PrepareScenes(order.Skip(i).Take(SelectionBatch).Select(x => session.Scenes.Selection(phase, byId[x])).Append(session.Scenes.Fixation()).ToList());
            session.Machine.Fire(SessionTrigger.Profile);
            var profile = byId[id];
            window.Stimulus = id;
            var scene = session.Scenes.Selection(phase, profile);
            bool answered = runner.ShowSelfPaced(scene, ScreenMode.Choice, "selection", responses, phase.TimeLimitNs, marker);
            var choice = answered ? phase.Choices.First(c => c.Response == window.Response) : null;
            if (!answered) session.CountMissedResponse();
            runner.FeedbackTargets.Selections.Add((id, choice?.Name));
            session.Write(SessionEvents.Selection(answered ? window.ResponseNs : session.Now, session.PhaseName, "selection", id, choice?.Name,
                answered ? window.RtNs : EventRecord.None, choice?.Selects == true));
        }
        window.Stimulus = null;
        runner.FeedbackTargets.Resolve();
    }
}

/// <summary>
/// The selection's answers (this session's, or an earlier one's) and the feedback targets chosen from them: the
/// profiles the participant selected, in a seeded order; too few, and the paradigm's fallback fills up (other
/// choices, then unrated, then any), each fill recorded.
/// </summary>
internal sealed class FeedbackTargets(SessionContext session)
{
    /// <summary>Profile id → choice name (null for no answer), in the order answered.</summary>
    public List<(string ProfileId, string? Choice)> Selections { get; } = [];

    public IReadOnlyList<ProfileInfo> Targets { get; private set; } = [];

    public void Resolve()
    {
        var p = session.Paradigm;
        var plan = session.Plan;
        var selections = Selections;
        var selection = p.Phases.OfType<SelectionPhase>().FirstOrDefault();
        int needed = plan.Runs.Select(r => r.TargetSlots).DefaultIfEmpty(0).Max();
        var byId = p.ProfileRows.ToDictionary(x => x.Id);
        var selectingChoices = selection?.Choices.Where(c => c.Selects).Select(c => c.Name).ToHashSet() ?? [];
        var chosen = selections.Where(s => s.Choice != null && selectingChoices.Contains(s.Choice)).Select(s => byId[s.ProfileId]).ToList();
        var rng = new DetRandom(DetRandom.Derive(plan.Seed, "targets"));
        rng.Shuffle(chosen);
        var targets = chosen;
        if (targets.Count < needed && selection != null)
        {
            var used = targets.Select(t => t.Id).ToHashSet();
            foreach (var source in selection.Fallback)
            {
                if (targets.Count >= needed) break;
                List<ProfileInfo> pool = source switch
                {
                    "unrated" => p.ProfileRows.Where(x => !selections.Any(s => s.ProfileId == x.Id)).ToList(),
                    "any" => p.ProfileRows.ToList(),
                    _ => selections.Where(s => s.Choice == source).Select(s => byId[s.ProfileId]).ToList(),
                };
                pool = pool.Where(x => !used.Contains(x.Id)).ToList();
                rng.Shuffle(pool);
                int take = Math.Min(needed - targets.Count, pool.Count);
                if (take == 0) continue;
                targets.AddRange(pool.Take(take));
                foreach (var x in pool.Take(take)) used.Add(x.Id);
                session.Write(SessionEvents.Fallback(session.Now, session.PhaseName, source, take,
                    $"{chosen.Count - 0} selected before fallback; {take} target(s) filled from '{source}' ({needed} needed)"));
            }
        }
        // No target at all is no repeat: the run refuses to show feedback without a profile (ScanPhaseRunner).
        if (targets.Count > 0 && targets.Count < needed)
            session.Warn($"only {targets.Count} feedback targets for {needed} trials per run: profiles repeat within a run");
        Targets = targets;
    }
}
