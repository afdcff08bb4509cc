using ExperimentRunner.Core.Events;

namespace ExperimentRunner.Core.Engine;

/// <summary>
/// The operator's commands and what they hold: a pause asked for (it begins at the next boundary) or in force, an
/// abort asked for (confirmed by a second press within 3 s) or confirmed, a stop (the operator's or the time limit).
/// Polled once per frame; allocates nothing unless a command came.
/// </summary>
internal sealed class OperatorCommands(SessionContext session, ScannerClock scanner)
{
    /// <summary>How long an abort request waits for its confirmation, ns.</summary>
    public const long AbortConfirmNs = 3_000_000_000;

    private bool _abortRequested;
    private long _abortRequestNs;

    public bool PauseRequested { get; private set; }
    /// <summary>A pause is in force: the machine says so (its paused state), no flag of ours.</summary>
    public bool Paused => session.Machine.State.Kind == SessionStateKind.Paused;
    /// <summary>The operator confirmed an abort: the session ends at once.</summary>
    public bool Aborting { get; private set; }
    /// <summary>The operator stopped the session, or its time limit came.</summary>
    public bool StopRequested { get; private set; }
    /// <summary>The session is ending (aborted or stopped): every loop leaves.</summary>
    public bool Finished => Aborting || StopRequested;

    /// <summary>The session's start, ns: the time limit counts from it.</summary>
    public long SessionStartNs { get; set; }

    /// <summary>Once per frame: an abort request expires, the time limit stops the session, the operator's controls.</summary>
    public void Poll(long nowNs)
    {
        if (_abortRequested && nowNs - _abortRequestNs > AbortConfirmNs)
        {
            _abortRequested = false;
            session.Live.AbortPending = false;
            Log(nowNs, "abort_cancelled");
        }
        if (session.Options.MaxDurationNs > 0 && nowNs - SessionStartNs >= session.Options.MaxDurationNs && !StopRequested)
        {
            StopRequested = true;
            Log(nowNs, "stop", "time limit reached (--max-seconds)");
        }
        var op = session.Devices.Operator;
        if (op == null) return;
        var cmd = op.Poll(nowNs);
        if (cmd != OperatorCommand.None) Apply(cmd);
    }

    /// <summary>The abort key: a request, or its confirmation when pressed again within 3 s.</summary>
    public void AbortKey(long timeNs) =>
        Apply(_abortRequested && timeNs - _abortRequestNs <= AbortConfirmNs ? OperatorCommand.ConfirmAbort : OperatorCommand.Abort);

    /// <summary>The pause key: pauses, or resumes a pause asked for or in force.</summary>
    public void PauseKey() => Apply(Paused || PauseRequested ? OperatorCommand.Resume : OperatorCommand.Pause);

    /// <summary>At a boundary where a pause may begin: true (and the machine paused) when one was asked for.</summary>
    public bool BeginRequestedPause()
    {
        if (!PauseRequested || Paused) return false;
        PauseRequested = false;
        session.Live.Paused = true;
        session.Machine.Fire(SessionTrigger.Pause);
        return true;
    }

    /// <summary>Ends a pause in force (a resume, or the end of its run); false when there was none.</summary>
    public bool EndPause()
    {
        if (!Paused) return false;
        session.Live.Paused = false;
        session.Machine.Fire(SessionTrigger.Resume);
        return true;
    }

    public void Apply(OperatorCommand cmd)
    {
        long now = session.Now;
        switch (cmd)
        {
            case OperatorCommand.Pause:
                if (!PauseRequested && !Paused)
                {
                    PauseRequested = true;
                    Log(now, "pause_requested", "pauses at the next trial boundary");
                }
                break;
            case OperatorCommand.Resume:
                PauseRequested = false;
                EndPause();
                break;
            case OperatorCommand.Abort:
                _abortRequested = true;
                _abortRequestNs = now;
                session.Live.AbortPending = true;
                Log(now, "abort_requested", "press abort again within 3 s to confirm");
                break;
            case OperatorCommand.ConfirmAbort:
                if (!_abortRequested) { Apply(OperatorCommand.Abort); break; }
                Aborting = true;
                session.Write(SessionEvents.Operator(now, session.Place, "abort_confirmed", null));
                break;
            case OperatorCommand.CancelAbort:
                _abortRequested = false;
                session.Live.AbortPending = false;
                break;
            case OperatorCommand.ManualStart:
                if (scanner.WaitingForT0)
                {
                    Log(now, "manual_start", "operator started the run without a scanner trigger");
                    scanner.StartNow(now);
                }
                break;
            case OperatorCommand.Stop:
                StopRequested = true;
                Log(now, "stop");
                break;
        }
    }

    private void Log(long timeNs, string what, string? text = null) =>
        session.Write(SessionEvents.Operator(timeNs, new EventPlace(session.Run, 0, 0, session.PhaseName), what, text));
}
