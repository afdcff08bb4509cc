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
        if (ShowingScan(plan, skipPhases) is not { } scan) return null;
        var selection = SourceOf(plan.Paradigm, scan);
        if (selection == null) return null;
        // A selection of another session (session: 1) never runs here: its answers come from that session's record.
        bool runsHere = resume == null && !skipPhases.Contains(selection.Name) && plan.Phases.Any(p => p.Spec == selection);
        return runsHere ? null : selection;
    }

    /// <summary>The first scan of this session that shows selected profiles (or earlier answers), or null.</summary>
    private static ScanPhase? ShowingScan(Plan plan, IReadOnlyCollection<string> skipPhases) =>
        plan.Phases.Select(p => p.Spec).OfType<ScanPhase>().FirstOrDefault(s => s.Targets == TargetSource.Selected && !skipPhases.Contains(s.Name));

    /// <summary>The selection phase whose answers <paramref name="scan"/> shows: the one its <c>earlier:</c> names, else the first.</summary>
    public static SelectionPhase? SourceOf(ParadigmModel paradigm, ScanPhase scan) =>
        scan.Earlier is { } earlier ? paradigm.Phases.OfType<SelectionPhase>().FirstOrDefault(p => p.Name == earlier.Phase)
            : paradigm.Phases.OfType<SelectionPhase>().FirstOrDefault();

    /// <summary>Why a session that needs an earlier selection and has none cannot start (for people).</summary>
    public static string Missing(Plan plan, SelectionPhase selection, IReadOnlyCollection<string> skipPhases, ResumePoint? resume, string studyDatabase)
    {
        var scan = ShowingScan(plan, skipPhases)!;
        string participant = plan.Facts.ParticipantId;
        if (!selection.RunsIn(plan.Facts.SessionLabel))
        {
            string earlier = string.Join(" or ", selection.Sessions);
            return $"session {plan.Facts.SessionLabel} of {participant} shows, in scan '{scan.Name}', the answers {participant} gave in phase '{selection.Name}' of session {earlier}, "
                + $"but {studyDatabase} holds no session {earlier} of {participant} with those answers; run session {earlier} first "
                + $"(exrun run|simulate PARADIGM --participant {participant} --session {selection.Sessions[0]} --db {studyDatabase}), or give the study database that holds it";
        }
        string why = skipPhases.Contains(selection.Name) ? $"its selection phase '{selection.Name}' is skipped (--skip)"
            : resume != null ? $"it starts at run {resume.Run}, after its selection phase '{selection.Name}'"
            : $"its selection phase '{selection.Name}' does not run";
        return $"scan '{scan.Name}' shows the profiles {participant} selected (targets: selected), but {why} and {studyDatabase} holds no earlier selection by {participant}; "
            + $"run the selection phase in this session, or give the study database that holds {participant}'s selection";
    }
}
