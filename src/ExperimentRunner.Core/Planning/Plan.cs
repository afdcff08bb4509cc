using ExperimentRunner.Core.Paradigm;

namespace ExperimentRunner.Core.Planning;

/// <summary>Who and which session a plan is for.</summary>
public sealed record SessionFacts(string ParticipantId, string SessionLabel = "1", ulong? Seed = null);

/// <summary>What an event of a run is.</summary>
public enum PlannedRole { Screen, Rating, Rest, LeadIn, LeadOut }

/// <summary>
/// One planned event of a scan run. Onsets are relative to the run's t0 and frame-locked: <see cref="OnsetFrame"/>
/// at the paradigm's expected refresh rate, and <see cref="OnsetNs"/> the time of that frame.
/// </summary>
public sealed record PlannedEvent
{
    public required int Run { get; init; }
    /// <summary>1-based block index in presentation order; 0 for lead-in, lead-out and run-level ratings.</summary>
    public required int Block { get; init; }
    /// <summary>1-based trial within the block; 0 outside trials.</summary>
    public required int Trial { get; init; }
    public required string Condition { get; init; }
    public required string Screen { get; init; }
    public required PlannedRole Role { get; init; }
    public ScreenSpec? Template { get; init; }
    public RatingSpec? Rating { get; init; }
    /// <summary>Feedback target slot (index into the run's target list, filled after selection); -1 none.</summary>
    public int TargetSlot { get; init; } = -1;
    /// <summary>The profile shown, where the plan knows it (targets: all); null when it comes from a slot.</summary>
    public string? ProfileId { get; init; }
    public required long OnsetNs { get; init; }
    public required long DurationNs { get; init; }
    public required long OnsetFrame { get; init; }
    public required long DurationFrames { get; init; }
    /// <summary>Marker code, 0 none.</summary>
    public int Marker { get; init; }
    public string? Sound { get; init; }
    /// <summary>
    /// Set on the first screen of a block locked to a scanner volume (Presentation's mri_pulse): it is shown when that
    /// pulse arrives, and the rest of the run follows from there.
    /// </summary>
    public int? AtVolume { get; init; }
    /// <summary>The trial table row this trial shows ("file.csv:3", 1-based data row); null when the block has no table.</summary>
    public string? Row { get; init; }
    /// <summary>The correct response of a scored screen, filled from the row; null when the screen is not scored.</summary>
    public string? Correct { get; init; }

    /// <summary>What the plan says is shown: a profile id, "target:N" (the N-th target after selection), or "".</summary>
    public string StimulusLabel => ProfileId ?? (TargetSlot >= 0 ? $"target:{TargetSlot + 1}" : "");
}

public sealed record PlannedBlock(int Index, string Label, string Conditions, long OnsetNs, int? AtVolume);

public sealed record PlannedRun(
    string Phase,
    int Index,
    IReadOnlyList<PlannedBlock> Blocks,
    IReadOnlyList<PlannedEvent> Events,
    /// <summary>From t0 to the end of the run, ns.</summary>
    long DurationNs,
    /// <summary>How many distinct feedback targets the run needs.</summary>
    int TargetSlots,
    /// <summary>The block order given to this participant (labels), for the record.</summary>
    string BlockOrder);

public sealed record PlannedPhase(PhaseSpec Spec, IReadOnlyList<PlannedRun> Runs, IReadOnlyList<string> ProfileOrder);

/// <summary>The whole session as planned: the researcher's proof of what will happen.</summary>
public sealed record Plan(
    ParadigmModel Paradigm,
    SessionFacts Facts,
    ulong Seed,
    /// <summary>The participant's counterbalancing index (from the digits of the ID).</summary>
    int Counterbalance,
    IReadOnlyList<PlannedPhase> Phases)
{
    public IEnumerable<PlannedRun> Runs => Phases.SelectMany(p => p.Runs);
}

/// <summary>A plan that cannot be made (a constraint that no draw satisfies), located in the paradigm.</summary>
public sealed class PlanException(SourcePos pos, string message) : Exception(message)
{
    public SourcePos Pos { get; } = pos;
}
