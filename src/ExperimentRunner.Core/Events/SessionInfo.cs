namespace ExperimentRunner.Core.Events;

/// <summary>The provenance of a session, stored once at its start. Pseudonymous: nothing here names a person.</summary>
public sealed record SessionInfo
{
    public required string SessionId { get; init; }
    public required string ParticipantId { get; init; }
    /// <summary>The BIDS session label (e.g. "1").</summary>
    public required string SessionLabel { get; init; }
    public required string ParadigmName { get; init; }
    /// <summary>BIDS task label, letters and digits only.</summary>
    public required string TaskLabel { get; init; }
    public required string ParadigmText { get; init; }
    public required string ParadigmSha256 { get; init; }
    public required string SoftwareVersion { get; init; }
    public string? SoftwareCommit { get; init; }
    public required ulong Seed { get; init; }
    public required string Machine { get; init; }
    /// <summary>The operating system the session ran on (BIDS StimulusPresentation.OperatingSystem); null in old records.</summary>
    public string? OperatingSystem { get; init; }
    /// <summary>"simulate" or "run".</summary>
    public required string Mode { get; init; }
    public double ExpectedRefreshHz { get; init; }
    public double MeasuredRefreshHz { get; init; }
    /// <summary>"vsync" when flips wait for vertical blank; "unsynchronised" when paced by the clock; "virtual".</summary>
    public required string Timing { get; init; }
    /// <summary>How keys were stamped (<see cref="Devices.InputTimings"/>): "xinput2" on arrival, "frame-polled" at the next
    /// frame, "virtual"; null in records written before this was stored.</summary>
    public string? InputTiming { get; init; }
    public string Modality { get; init; } = "none";
    /// <summary>Nominal repetition time, seconds; 0 where no scanner.</summary>
    public double RepetitionTimeS { get; init; }
    public string Trigger { get; init; } = "";
    public string Markers { get; init; } = "";
    /// <summary>The response box ("xid /dev/ttyUSB0 115200 baud, Cedrus RB-840, keys 1:left,2:right"; "forp …"); null
    /// without one and in records written before boxes (left out of the JSON export then, so old exports are unchanged).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? ResponseBox { get; init; }
    /// <summary>Blinded arm code (double-blind studies); stored and exported as is, never shown.</summary>
    public string? ArmCode { get; init; }
    /// <summary>Wall-clock start, ISO 8601 UTC (for the record only; no analysis uses it).</summary>
    public required string StartedUtc { get; init; }
    /// <summary>Run-clock nanoseconds at the wall-clock start, to relate the two.</summary>
    public long StartedNs { get; init; }
    public string DisplayResolution { get; init; } = "";
    /// <summary>The per-session stimuli as "slot=sha256; …" (the files themselves are in the study's stimuli
    /// collection, by hash); null when the paradigm has none.</summary>
    public string? SessionStimuli { get; init; }
    /// <summary>Preflight items overridden by the operator, if any.</summary>
    public string? Overrides { get; init; }
    /// <summary>Counterbalancing: the block order index given to this participant.</summary>
    public int Counterbalance { get; init; }
}

/// <summary>How a session ended.</summary>
public sealed record SessionEnd(string SessionId, string Status, long EndedNs, string? Reason);
