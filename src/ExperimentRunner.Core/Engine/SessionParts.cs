using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Core.Engine;

/// <summary>What the operator can do during a session.</summary>
public enum OperatorCommand { None, Pause, Resume, Abort, ConfirmAbort, CancelAbort, ManualStart, Stop }

/// <summary>The operator's controls (terminal keys, a test script). Polled once per frame; must not block.</summary>
public interface IOperatorControl
{
    OperatorCommand Poll(long nowNs);
}

/// <summary>Operator commands at given times on the run clock: for tests and simulated sessions.</summary>
public sealed class ScriptedOperator(IEnumerable<(long AtNs, OperatorCommand Command)> script) : IOperatorControl
{
    private readonly Queue<(long AtNs, OperatorCommand Command)> _script = new(script.OrderBy(s => s.AtNs));

    public OperatorCommand Poll(long nowNs) =>
        _script.TryPeek(out var next) && next.AtNs <= nowNs ? _script.Dequeue().Command : OperatorCommand.None;
}

/// <summary>
/// What is happening now, for the operator's live view. Written by the frame loop (plain fields, no allocation),
/// read by the view's thread; a torn read shows a value one frame old, which is harmless.
/// </summary>
public sealed class LiveStatus
{
    public volatile string Phase = "";
    public volatile string Screen = "";
    public volatile string Condition = "";
    public volatile string State = "";
    public int Run, Block, Trial, Blocks, Trials;
    public int VolumesReceived, VolumesExpected, MissingPulses;
    public long RunStartNs = EventRecord.None, RunDurationNs;
    public long SessionStartNs;
    public int MissedFrames, Flips, Responses, MissedResponses, Warnings;
    public volatile string LastResponse = "";
    public long LastRtNs = EventRecord.None;
    public volatile string LastWarning = "";
    public volatile bool Paused, AbortPending, WaitingForScanner, Finished;
    /// <summary>Screens being composed ahead of a phase or run: percent done, or -1 when not preparing.</summary>
    public int PreparePercent = -1;
    public double RefreshHz;
}

/// <summary>The devices a session runs on: real ones in the scanner, simulated ones in tests and `simulate`.</summary>
public sealed class SessionDevices
{
    public required IClock Clock { get; init; }
    public required IDisplay Display { get; init; }
    public required IInput Input { get; init; }
    public required ITriggerSource Trigger { get; init; }
    public required IEventSink Sink { get; init; }
    public IAudio? Audio { get; init; }
    public IReadOnlyList<IMarkerOutput> Markers { get; init; } = [];
    public IOperatorControl? Operator { get; init; }
}

/// <summary>Where to continue an interrupted session, and what the first part recorded that the rest needs.</summary>
public sealed record ResumePoint(
    /// <summary>The 1-based run to continue.</summary>
    int Run,
    /// <summary>The 1-based block of that run to continue at (1: the whole run again).</summary>
    int Block,
    /// <summary>The selection phase's answers: profile id → choice name (null for no answer).</summary>
    IReadOnlyList<(string ProfileId, string? Choice)> Selections);

public sealed record SessionOptions
{
    public required string SessionId { get; init; }
    /// <summary>"simulate" or "run".</summary>
    public required string Mode { get; init; }
    public string? ArmCode { get; init; }
    public ResumePoint? Resume { get; init; }
    /// <summary>Stop cleanly after this long (pilots), ns; 0 none.</summary>
    public long MaxDurationNs { get; init; }
    public string? Overrides { get; init; }
    public string SoftwareVersion { get; init; } = "0.1.0";
    public string? SoftwareCommit { get; init; }
    /// <summary>The computer, as a label that names nothing (<see cref="Privacy.MachineLabel"/>).</summary>
    public string Machine { get; init; } = Privacy.MachineLabel.Current;
    public string MarkersDescription { get; init; } = "";
    /// <summary>The response box, as its device describes it (with its key map); null without one.</summary>
    public string? ResponseBoxDescription { get; init; }
    public string? ParticipantPhoto { get; init; }
    /// <summary>
    /// The selection's answers (profile id → choice name, null for no answer) from the participant's earlier record, for
    /// a session whose own selection phase does not run (<see cref="SelectionSource"/>); a resume carries its own in
    /// <see cref="ResumePoint.Selections"/>.
    /// </summary>
    public IReadOnlyList<(string ProfileId, string? Choice)> EarlierSelections { get; init; } = [];
    /// <summary>The per-session stimuli the operator gave (--stimulus), already filled into the plan's paradigm
    /// (<see cref="Paradigm.SessionStimuli.Fill"/>): recorded in the provenance and as each screen's stim_file.</summary>
    public IReadOnlyList<Paradigm.SessionStimulus> SessionStimuli { get; init; } = [];
    /// <summary>Phase names to skip (pilots); the skip is logged.</summary>
    public IReadOnlyList<string> SkipPhases { get; init; } = [];
    /// <summary>Seconds to wait for the first trigger before warning the operator, ns.</summary>
    public long TriggerWarningNs { get; init; } = 30_000_000_000;
    public LiveStatus Live { get; init; } = new();
}

/// <summary>How a session ended. Stored in lower case (SessionEnd.Status); a session with no end stored reads back as
/// "interrupted" (killed, power cut).</summary>
public enum SessionStatus
{
    Completed,
    /// <summary>Operator abort, confirmed (exit 3).</summary>
    Aborted,
    /// <summary>The operator's stop or the time limit (--max-seconds).</summary>
    Stopped,
    /// <summary>An exception ended it; the reason says what and where. Resumable.</summary>
    Crashed,
}

/// <summary>
/// A session ended by an exception (a device fault, a scene that could not be composed, a bug). Thrown by
/// <see cref="SessionRunner.Run"/> after the crash was stored (status crashed, with <see cref="Where"/>) and every event
/// before it flushed; the original exception is the inner one.
/// </summary>
public sealed class SessionCrashedException(string sessionId, string where, Exception inner)
    : Exception($"session {sessionId} crashed {where}: {inner.Message}", inner)
{
    public string SessionId { get; } = sessionId;
    /// <summary>"in phase P, run R, block B, trial T, screen S" (the parts that apply).</summary>
    public string Where { get; } = where;
}

public sealed record SessionResult(SessionStatus Status, string SessionId, int MissedFrames, int MissingPulses, int Responses, int MissedResponses, int Flips);
