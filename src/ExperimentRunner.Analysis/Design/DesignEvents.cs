using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Storage.Export;

namespace ExperimentRunner.Analysis.Design;

/// <summary>A scan run's modelled events, as the plan has them, and the volumes the scanner takes for it.</summary>
public sealed record RunEvents(int Run, IReadOnlyList<DesignEvent> Events, int Scans);

/// <summary>
/// The events of a plan that become regressors: every planned screen and rating of a scan run, labelled with the
/// trial_type the BIDS export writes for it (<see cref="TrialTypes"/>), at its planned onset from the run's t0 and
/// for its planned duration (a self-paced rating is modelled for its time limit). Lead-in, lead-out, rests and waits
/// for a volume are the baseline, and so are the screens the paradigm's <c>design.baseline</c> names (by screen name
/// or label), by default those shown as fixation or blank.
/// </summary>
public static class DesignEvents
{
    /// <summary>The label an event gets in the BIDS events.tsv: the one rule, shared with the exporter.</summary>
    public static string Label(PlannedEvent e) => EventLabels.TrialType(e);

    public static bool IsBaseline(PlannedEvent e, DesignSpec spec)
    {
        if (e.Role is PlannedRole.LeadIn or PlannedRole.LeadOut or PlannedRole.Rest) return true;
        if (spec.Baseline is { } names) return names.Contains(e.Screen) || names.Contains(Label(e));
        return e.Template?.Show is SceneKind.Fixation or SceneKind.Blank;
    }

    /// <summary>The runs of every scan phase of <paramref name="plan"/>, in order.</summary>
    public static IReadOnlyList<RunEvents> FromPlan(Plan plan, DesignSpec spec)
    {
        var scanner = plan.Paradigm.Scanner;
        var runs = new List<RunEvents>();
        foreach (var run in plan.Runs)
        {
            var events = run.Events.Where(e => !IsBaseline(e, spec))
                .Select(e => new DesignEvent(Label(e), Ns.ToSeconds(e.OnsetNs), Ns.ToSeconds(e.DurationNs))).ToList();
            int scans = scanner.End == RunEnd.AfterVolumes && scanner.Volumes > 0
                ? scanner.Volumes
                : (int)Math.Ceiling(run.DurationNs / (double)scanner.TrNs - 1e-9);
            runs.Add(new RunEvents(run.Index, events, Math.Max(1, scans)));
        }
        return runs;
    }

    /// <summary>The labels of all runs, in ordinal order (the same columns for every participant).</summary>
    public static IReadOnlyList<string> Labels(IEnumerable<RunEvents> runs)
    {
        return runs.SelectMany(r => r.Events).Select(e => e.Label).Distinct().Order(StringComparer.Ordinal).ToList();
    }
}
