using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;

namespace ExperimentRunner.Core.Engine;

/// <summary>
/// Where a session's feedback targets come from. A scan with <c>targets: selected</c> shows the profiles the participant
/// selected: from this session's selection phase, or, when that phase does not run here (skipped with --skip, a later
/// run started with --run, a resume), from the participant's earlier selection in the same study. With neither, the
/// session cannot show what the paradigm says, so simulate and run both refuse it before it starts.
/// </summary>
public static class SelectionSource
{
    /// <summary>
    /// The selection phase whose answers this session must take from an earlier record, or null: it runs its own
    /// selection, or shows no selected profiles.
    /// </summary>
    /// <param name="skipPhases">Phases left out (--skip).</param>
    /// <param name="resume">Where the session starts when not at its beginning (resume, --run); null: at its beginning.</param>
    public static SelectionPhase? NeededFromEarlier(Plan plan, IReadOnlyCollection<string> skipPhases, ResumePoint? resume)
    {
        var phases = plan.Paradigm.Phases;
        bool showsSelected = phases.OfType<ScanPhase>().Any(s => s.Targets == TargetSource.Selected && !skipPhases.Contains(s.Name));
        var selection = phases.OfType<SelectionPhase>().FirstOrDefault();
        if (!showsSelected || selection == null) return null;
        bool runsHere = resume == null && !skipPhases.Contains(selection.Name);
        return runsHere ? null : selection;
    }

    /// <summary>Why a session that needs an earlier selection and has none cannot start (for people).</summary>
    public static string Missing(Plan plan, SelectionPhase selection, IReadOnlyCollection<string> skipPhases, ResumePoint? resume, string studyDatabase)
    {
        var scan = plan.Paradigm.Phases.OfType<ScanPhase>().First(s => s.Targets == TargetSource.Selected && !skipPhases.Contains(s.Name));
        string participant = plan.Facts.ParticipantId;
        string why = skipPhases.Contains(selection.Name) ? $"its selection phase '{selection.Name}' is skipped (--skip)"
            : resume != null ? $"it starts at run {resume.Run}, after its selection phase '{selection.Name}'"
            : $"its selection phase '{selection.Name}' does not run";
        return $"scan '{scan.Name}' shows the profiles {participant} selected (targets: selected), but {why} and {studyDatabase} holds no earlier selection by {participant}; "
            + $"run the selection phase in this session, or give the study database that holds {participant}'s selection";
    }
}
