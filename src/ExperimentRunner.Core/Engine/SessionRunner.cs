using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;

namespace ExperimentRunner.Core.Engine;

/// <summary>
/// Runs a planned session on a set of devices: one frame loop (flip → timestamp → poll input, triggers, operator),
/// onsets frame-locked and non-slip from the plan, every event written to the sink. Decides nothing the plan did not
/// say, except what depends on the participant (a response, a selection choice, a timeout).
/// The runner wires its parts, each with one job: <see cref="FrameClock"/> (flips and missed frames),
/// <see cref="ResponseWindow"/> (the screen on display and its responses), <see cref="ScannerClock"/> (pulses, t0,
/// volumes), <see cref="OperatorCommands"/> (pause, abort, stop), <see cref="ScanPhaseRunner"/> (non-slip scan runs)
/// and one runner per self-paced phase; the <see cref="SessionMachine"/> follows every boundary.
/// </summary>
public sealed partial class SessionRunner
{
    private readonly SessionContext _session;
    private readonly SessionDevices _dev;
    private readonly LiveStatus _live;
    private readonly DeviceFaults _faults;
    private readonly SessionMachine _machine;
    private readonly FrameClock _frames;
    private readonly ResponseWindow _window;
    private readonly ScannerClock _scanner;
    private readonly OperatorCommands _operator;
    private readonly FeedbackTargets _targets;
    private readonly Dictionary<string, string> _keyToResponse = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _stimFiles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _imageFiles = new(StringComparer.Ordinal);
    private readonly InputEvent[] _inputBuffer = new InputEvent[64];
    private readonly long[] _pulseBuffer = new long[64];

    // Where the screen on display was begun, so a crash while preparing the next phase or run does not name it.
    private string _screenPhase = "";
    private int _screenRun;

    public SessionRunner(Plan plan, SessionDevices devices, SessionOptions options)
    {
        OperatorCommands? op = null;
        _session = new SessionContext(plan, devices, options, () => op!.Aborting);
        _dev = devices;
        _live = options.Live;
        _machine = _session.Machine;
        _machine.Transitioned += OnTransition;
        _faults = new DeviceFaults(devices.Trigger, devices.Markers, devices.Input);
        _frames = new FrameClock(devices.Display, _session);
        _window = new ResponseWindow(_session.Scenes.Blank());
        _scanner = new ScannerClock(_session);
        _operator = op = new OperatorCommands(_session, _scanner);
        _targets = new FeedbackTargets(_session);
        var p = plan.Paradigm;
        foreach (var (name, keys) in p.Responses)
            foreach (var key in keys) _keyToResponse[key] = name;
        _live.RefreshHz = devices.Display.RefreshHz;
        foreach (var profile in p.ProfileRows)
            _stimFiles[profile.Id] = Path.GetRelativePath(p.StimuliRoot, profile.PhotoPath).Replace('\\', '/');
        // Images of image screens: relative to the stimuli root, or a session stimulus's name in the dataset.
        var given = options.SessionStimuli.ToDictionary(s => s.Slot, StringComparer.Ordinal);
        foreach (var screen in p.Trials.Values.SelectMany(t => t.Screens))
            if (screen.Image is { } image)
                _imageFiles[image] = screen.ImageSlot is { } slot && given.TryGetValue(slot, out var file) ? file.StimFile
                    : Path.GetRelativePath(p.StimuliRoot, image).Replace('\\', '/');
    }

    public SessionMachine Machine => _machine;

    /// <summary>The feedback targets after selection (for tests and the record).</summary>
    public IReadOnlyList<ProfileInfo> Targets => _targets.Targets;

    internal SessionContext Session => _session;
    internal ResponseWindow Window => _window;
    internal FrameClock Frames => _frames;
    internal ScannerClock Scanner => _scanner;
    internal OperatorCommands Operator => _operator;
    internal FeedbackTargets FeedbackTargets => _targets;

    /// <summary>The session is ending (aborted or stopped): every loop leaves.</summary>
    internal bool Finished => _operator.Finished;

    private void OnTransition(SessionState from, SessionState to, SessionTrigger trigger)
    {
        _live.State = to.ToString();
        if (trigger.Kind is SessionTriggerKind.Pause or SessionTriggerKind.Resume or SessionTriggerKind.Abort or SessionTriggerKind.Skip or SessionTriggerKind.Stop)
            _session.Write(SessionEvents.Operator(_session.Now, _session.Place, trigger.ToString(), $"{from} -> {to}"));
    }

    public SessionResult Run()
    {
        var plan = _session.Plan;
        var options = _session.Options;
        // Refused before anything is stored: the CLI says so earlier, with the study database's name (SelectionSource).
        if (SelectionSource.NeededFromEarlier(plan, options.SkipPhases, options.Resume) is { } selection
            && (options.Resume?.Selections ?? options.EarlierSelections).Count == 0)
            throw new InvalidOperationException(SelectionSource.Missing(plan, selection, options.SkipPhases, options.Resume, "the study"));
        long startNs = _session.Now;
        _operator.SessionStartNs = startNs;
        _live.SessionStartNs = startNs;
        _dev.Sink.SessionStarted(SessionProvenance.Describe(_session, startNs));
        var resume = options.Resume;
        if (resume == null) _targets.Selections.AddRange(options.EarlierSelections);
        if (resume != null)
        {
            _targets.Selections.AddRange(resume.Selections);
            _session.Write(SessionEvents.Interruption(_session.Now, resume.Run, resume.Block, null, $"starts at run {resume.Run}, block {resume.Block} (a resume, or run --run)"));
        }
        SessionStatus status = SessionStatus.Completed;
        Exception? crash = null;
        string? crashWhere = null;
        try
        {
            _machine.Fire(SessionTrigger.Start);
            // A resume continues inside the scan phase that holds its run; everything before that phase was done.
            int resumePhase = resume == null ? -1 : plan.Phases.ToList().FindIndex(ph => ph.Runs.Any(r => r.Index == resume.Run));
            for (int phaseIndex = 0; phaseIndex < plan.Phases.Count; phaseIndex++)
            {
                var phase = plan.Phases[phaseIndex];
                if (Finished) break;
                _session.PhaseName = phase.Spec.Name;
                _live.Phase = _session.PhaseName;
                bool skip = options.SkipPhases.Contains(phase.Spec.Name) || phaseIndex < resumePhase;
                if (skip)
                {
                    if (resume == null) _machine.Fire(SessionTrigger.Skip);
                    else _machine.Fire(SessionTrigger.Next);
                    continue;
                }
                _session.Write(SessionEvents.PhaseStarted(_session.Now, _session.PhaseName, PhaseKind(phase.Spec)));
                PreparePhase(phase);
                switch (phase.Spec)
                {
                    case InstructionsPhase ins: SelfPacedPhases.RunInstructions(this, ins); break;
                    case SelectionPhase sel: SelectionPhaseRunner.Run(this, sel, phase.ProfileOrder); break;
                    case QuestionnairePhase q: QuestionnairePhaseRunner.Run(this, q); break;
                    case RatingPhase r: SelfPacedPhases.RunRatings(this, r); break;
                    case BreakPhase b: SelfPacedPhases.RunBreak(this, b); break;
                    case EndPhase e: SelfPacedPhases.RunEnd(this, e); break;
                    case ScanPhase scan:
                        foreach (var run in phase.Runs)
                        {
                            if (Finished) break;
                            if (resume != null && run.Index < resume.Run) continue;
                            int fromBlock = resume != null && run.Index == resume.Run ? resume.Block : 1;
                            new ScanPhaseRunner(this, scan, run, fromBlock).Run();
                        }
                        break;
                }
                _session.Write(SessionEvents.PhaseEnded(_session.Now, _session.PhaseName, _operator.Aborting ? "aborted" : _operator.StopRequested ? "stopped" : null));
                if (!Finished) _machine.Fire(SessionTrigger.Next);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever ended the session, what was recorded stays, and the record says it crashed and where.
            crash = e;
            crashWhere = Where();
        }
        finally
        {
            bool aborting = _operator.Aborting, stopped = _operator.StopRequested;
            status = crash != null ? SessionStatus.Crashed : aborting ? SessionStatus.Aborted : stopped ? SessionStatus.Stopped : SessionStatus.Completed;
            try
            {
                if (crash == null && aborting) _machine.TryFire(SessionTrigger.Abort);
                else if (crash == null && stopped) _machine.TryFire(SessionTrigger.Stop);
                FlushMarkers();
                WarnDeviceFaults();
            }
            finally
            {
                // The record of how the session ended is written whatever the steps before it did.
                _live.Finished = true;
                string? reason = crash != null ? $"{crash.Message} ({crashWhere})"
                    : aborting ? "operator abort" : stopped ? "stopped (time limit or operator)" : null;
                _dev.Sink.SessionEnded(new SessionEnd(options.SessionId, status.ToString().ToLowerInvariant(), _session.Now, reason));
                _dev.Sink.Flush(TimeSpan.FromSeconds(5));
            }
        }
        if (crash != null) throw new SessionCrashedException(options.SessionId, crashWhere!, crash);
        return new SessionResult(status, options.SessionId, _frames.MissedFrames, _scanner.MissingPulses, _session.Responses, _session.MissedResponses, (int)_frames.FlipIndex);
    }

    /// <summary>Where the session is now, for a crash's record: "in phase P, run R, block B, trial T, screen S".</summary>
    private string Where()
    {
        var s = _session;
        if (s.PhaseName.Length == 0) return "before the first phase";
        var parts = new List<string> { $"phase {s.PhaseName}" };
        // The run number outlives its scan phase (later events still carry it): name it only inside a scan.
        if (s.Paradigm.Phases.FirstOrDefault(p => p.Name == s.PhaseName) is ScanPhase)
        {
            if (s.Run > 0) parts.Add($"run {s.Run}");
            if (s.Block > 0) parts.Add($"block {s.Block}");
            if (s.Trial > 0) parts.Add($"trial {s.Trial}");
        }
        if (_window.ScreenName.Length > 0 && _screenPhase == s.PhaseName && _screenRun == s.Run) parts.Add($"screen {_window.ScreenName}");
        else parts.Add("while preparing its screens");
        return "in " + string.Join(", ", parts);
    }

    /// <summary>
    /// Composes every screen of a self-paced phase before it starts (scan runs prepare theirs per run), so no screen
    /// is decoded or composed while the participant waits for it.
    /// </summary>
    private void PreparePhase(PlannedPhase phase)
    {
        var list = new List<SceneSpec> { _session.Scenes.Fixation(), _session.Scenes.Text("paused", null, "Please wait a moment.", null) };
        switch (phase.Spec)
        {
            case InstructionsPhase ins:
                for (int i = 0; i < ins.Pages.Count; i++) list.Add(_session.Scenes.InstructionsPage(ins, i));
                break;
            case SelectionPhase:
                break; // prepared in batches as the selection goes (SelectionPhaseRunner): a long selection would not fit the texture budget at once
            case QuestionnairePhase q:
                var spec = _session.Paradigm.Questionnaires[q.Questionnaire];
                var keys = QuestionnairePhaseRunner.Keys(_session.Scenes);
                foreach (var item in spec.Items) list.Add(_session.Scenes.QuestionnaireItem(spec, item, keys));
                break;
            case RatingPhase r:
                foreach (var name in r.Ratings) list.Add(_session.Scenes.Rating(_session.Paradigm.Ratings[name]));
                break;
            case BreakPhase b:
                list.Add(_session.Scenes.Break(b));
                break;
            case EndPhase e:
                list.Add(_session.Scenes.End(e));
                break;
            default:
                return;
        }
        PrepareScenes(list);
    }

    /// <summary>Composes scenes ahead of use. It takes time on purpose, so the next flip has no deadline to miss.</summary>
    internal void PrepareScenes(IReadOnlyCollection<SceneSpec> scenes)
    {
        _live.PreparePercent = 0;
        _dev.Display.Prepare(scenes, new InlineProgress(_live));
        _live.PreparePercent = -1;
        _frames.Restart();
    }

    /// <summary>Reports preparation progress to the live view at once, on the calling thread.</summary>
    private sealed class InlineProgress(LiveStatus live) : IProgress<int>
    {
        public void Report(int value) => live.PreparePercent = value;
    }

    private static string PhaseKind(PhaseSpec p) => p.GetType().Name.Replace("Phase", "").ToLowerInvariant();

    /// <summary>
    /// Waits for the marker outputs to send what the session queued, so each marker's record is stored in the session,
    /// before its end: on the virtual clock a session outruns its outputs by far (up to 30 s allowed), and in real time
    /// the last screen's marker may still be on its way (2 s). What is still queued after that is said in a warning.
    /// </summary>
    private void FlushMarkers()
    {
        if (_dev.Markers.Count == 0) return;
        var timeout = TimeSpan.FromSeconds(_dev.Clock.IsRealTime ? 2 : 30);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        bool all = true;
        foreach (var output in _dev.Markers)
        {
            var left = timeout - System.Diagnostics.Stopwatch.GetElapsedTime(start);
            all &= output.Flush(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
        if (!all) _session.Warn($"markers still queued {timeout.TotalSeconds:0} s after the session's last screen: those sent later are not recorded in the session");
    }

    /// <summary>
    /// Logs each new device fault (a dead marker link, a vanished trigger port) as a Warning; at screen boundaries
    /// only, and allocation-free while nothing changed. The operator's live view reads the faults itself.
    /// </summary>
    private void WarnDeviceFaults()
    {
        while (_faults.TryTakeChange(out var fault)) _session.Warn(fault);
    }
}

internal static class RatingSpecExtensions
{
    /// <summary>The rating's responses: decrease, increase, confirm, then one a point where the rating has point_responses.</summary>
    public static IReadOnlyList<string> Responses(this RatingSpec r) =>
        r.PointResponses.Count == 0 ? [r.DecreaseResponse, r.IncreaseResponse, r.ConfirmResponse] : [r.DecreaseResponse, r.IncreaseResponse, r.ConfirmResponse, .. r.PointResponses];
}
