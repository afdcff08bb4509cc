using System.Globalization;
using System.Text;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Simulation;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Core.Engine;

/// <summary>
/// Runs a planned session on a set of devices: one frame loop (flip → timestamp → poll input, triggers, operator),
/// onsets frame-locked and non-slip from the plan, every event written to the sink. Decides nothing the plan did not
/// say, except what depends on the participant (a response, a selection choice, a timeout).
/// </summary>
public sealed partial class SessionRunner
{
    private const int MaxHistory = 1024;

    private readonly Plan _plan;
    private readonly ParadigmModel _p;
    private readonly SessionDevices _dev;
    private readonly SessionOptions _options;
    private readonly SceneFactory _scenes;
    private readonly SessionMachine _machine;
    private readonly LiveStatus _live;
    private readonly DeviceFaults _faults;
    private readonly Dictionary<string, string> _keyToResponse = new(StringComparer.OrdinalIgnoreCase);
    private readonly InputEvent[] _inputBuffer = new InputEvent[64];
    private readonly long[] _pulseBuffer = new long[64];
    private readonly long[] _historyT = new long[MaxHistory];
    private readonly double[] _historyV = new double[MaxHistory];
    private readonly DetRandom _rng;
    private readonly long _period;

    // Frame-loop state.
    private long _lastFlipNs = EventRecord.None;
    private long _flipIndex;
    private int _run, _block, _trial;
    private string _phaseName = "";
    private long _t0 = EventRecord.None;

    // The screen on display and how it takes responses.
    private ScreenMode _mode;
    private SceneSpec _scene;
    private SceneState _state = SceneState.Default;
    private string _screenName = "";
    private string _condition = "";
    private string? _stimulus;
    private long _onsetNs = EventRecord.None;
    private string _prevScreenName = "";
    private long _prevOnsetNs = EventRecord.None;
    private IReadOnlyList<string> _accepts = [];
    private RatingSpec? _rating;
    private bool _responded;
    private string? _response;
    private long _responseNs = EventRecord.None;
    private int _historyCount;

    // Scanner.
    private bool _waitingForT0;
    private int _pulsesSeen, _dummiesLeft, _lastVolume = -1;
    private long _lastPulseNs = EventRecord.None;
    private bool _scannerStopWarned;
    private readonly List<(int Volume, long TimeNs)> _runPulses = new(4096);

    // Operator.
    private bool _pauseRequested, _paused, _abortRequested, _aborting, _stopRequested;
    private long _abortRequestNs;
    private long _sessionStartNs;

    private int _missedFrames, _missingPulses, _responses, _missedResponses;
    private List<ProfileInfo> _targets = [];
    private readonly List<(string ProfileId, string? Choice)> _selections = [];

    private enum ScreenMode { None, Advance, Choice, Rating }

    public SessionRunner(Plan plan, SessionDevices devices, SessionOptions options)
    {
        _plan = plan;
        _p = plan.Paradigm;
        _dev = devices;
        _options = options;
        _live = options.Live;
        _faults = new DeviceFaults(devices.Trigger, devices.Markers);
        _scenes = new SceneFactory(_p, options.ParticipantPhoto);
        _scene = _scenes.Blank();
        _machine = new SessionMachine(_p);
        _machine.Transitioned += OnTransition;
        _rng = new DetRandom(DetRandom.Derive(plan.Seed, "runner"));
        _period = devices.Display.PeriodNs;
        foreach (var (name, keys) in _p.Responses)
            foreach (var key in keys) _keyToResponse[key] = name;
        _live.RefreshHz = devices.Display.RefreshHz;
        foreach (var profile in _p.ProfileRows)
            _stimFiles[profile.Id] = Path.GetRelativePath(_p.StimuliRoot, profile.PhotoPath).Replace('\\', '/');
    }

    public SessionMachine Machine => _machine;

    /// <summary>The feedback targets after selection (for tests and the record).</summary>
    public IReadOnlyList<ProfileInfo> Targets => _targets;

    private void OnTransition(string from, string to, string trigger)
    {
        _live.State = to;
        if (trigger is "pause" or "resume" or "abort" or "skip" or "stop")
            Write(new EventRecord { Kind = EventKind.Operator, TimeNs = Now, Run = _run, Block = _block, Trial = _trial, Phase = _phaseName, Response = trigger, Text = $"{from} -> {to}" });
    }

    private long Now => _dev.Clock.NowNs;

    private void Write(in EventRecord e) => _dev.Sink.Write(e);

    private void Warn(string text)
    {
        _live.Warnings++;
        _live.LastWarning = text;
        Write(new EventRecord { Kind = EventKind.Warning, TimeNs = Now, Run = _run, Block = _block, Trial = _trial, Phase = _phaseName, Text = text });
    }

    public SessionResult Run()
    {
        // Refused before anything is stored: the CLI says so earlier, with the study database's name (SelectionSource).
        if (SelectionSource.NeededFromEarlier(_plan, _options.SkipPhases, _options.Resume) is { } selection
            && (_options.Resume?.Selections ?? _options.EarlierSelections).Count == 0)
            throw new InvalidOperationException(SelectionSource.Missing(_plan, selection, _options.SkipPhases, _options.Resume, "the study"));
        _sessionStartNs = Now;
        _live.SessionStartNs = _sessionStartNs;
        var p = _p;
        _dev.Sink.SessionStarted(new SessionInfo
        {
            SessionId = _options.SessionId,
            ParticipantId = _plan.Facts.ParticipantId,
            SessionLabel = _plan.Facts.SessionLabel,
            ParadigmName = p.Metadata.Name,
            TaskLabel = p.Metadata.Task,
            ParadigmText = p.Text,
            ParadigmSha256 = p.Sha256,
            SoftwareVersion = _options.SoftwareVersion,
            SoftwareCommit = _options.SoftwareCommit,
            Seed = _plan.Seed,
            Machine = _options.Machine,
            OperatingSystem = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            Mode = _options.Mode,
            ExpectedRefreshHz = p.Display.ExpectedRefreshHz,
            MeasuredRefreshHz = _dev.Display.RefreshHz,
            Timing = _dev.Display.Timing,
            Modality = p.Scanner.Modality.ToString().ToLowerInvariant(),
            RepetitionTimeS = Ns.ToSeconds(p.Scanner.TrNs),
            Trigger = _dev.Trigger.Description,
            Markers = _options.MarkersDescription,
            ArmCode = _options.ArmCode,
            StartedUtc = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            StartedNs = _sessionStartNs,
            DisplayResolution = $"{_dev.Display.Size.Width}x{_dev.Display.Size.Height}",
            Overrides = _options.Overrides,
            Counterbalance = _plan.Counterbalance,
        });
        var resume = _options.Resume;
        if (resume == null) _selections.AddRange(_options.EarlierSelections);
        if (resume != null)
        {
            _selections.AddRange(resume.Selections);
            Write(new EventRecord { Kind = EventKind.Interruption, TimeNs = Now, Run = resume.Run, Block = resume.Block, Text = $"starts at run {resume.Run}, block {resume.Block} (a resume, or run --run)" });
        }
        SessionStatus status = SessionStatus.Completed;
        Exception? crash = null;
        string? crashWhere = null;
        try
        {
            _machine.Fire("start");
            // A resume continues inside the scan phase that holds its run; everything before that phase was done.
            int resumePhase = resume == null ? -1 : _plan.Phases.ToList().FindIndex(ph => ph.Runs.Any(r => r.Index == resume.Run));
            for (int phaseIndex = 0; phaseIndex < _plan.Phases.Count; phaseIndex++)
            {
                var phase = _plan.Phases[phaseIndex];
                if (Finished) break;
                _phaseName = phase.Spec.Name;
                _live.Phase = _phaseName;
                bool skip = _options.SkipPhases.Contains(phase.Spec.Name) || phaseIndex < resumePhase;
                if (skip)
                {
                    if (resume == null) _machine.Fire("skip");
                    else _machine.Fire("next");
                    continue;
                }
                Write(new EventRecord { Kind = EventKind.PhaseStarted, TimeNs = Now, Phase = _phaseName, Text = PhaseKind(phase.Spec) });
                PreparePhase(phase);
                switch (phase.Spec)
                {
                    case InstructionsPhase ins: RunInstructions(ins); break;
                    case SelectionPhase sel: RunSelection(sel, phase.ProfileOrder); break;
                    case QuestionnairePhase q: RunQuestionnaire(q); break;
                    case RatingPhase r: RunRatings(r); break;
                    case BreakPhase b: RunBreak(b); break;
                    case EndPhase e: RunEnd(e); break;
                    case ScanPhase scan:
                        foreach (var run in phase.Runs)
                        {
                            if (Finished) break;
                            if (resume != null && run.Index < resume.Run) continue;
                            int fromBlock = resume != null && run.Index == resume.Run ? resume.Block : 1;
                            RunScan(scan, run, fromBlock);
                        }
                        break;
                }
                Write(new EventRecord { Kind = EventKind.PhaseEnded, TimeNs = Now, Phase = _phaseName, Text = _aborting ? "aborted" : _stopRequested ? "stopped" : null });
                if (!Finished) _machine.Fire("next");
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
            status = crash != null ? SessionStatus.Crashed : _aborting ? SessionStatus.Aborted : _stopRequested ? SessionStatus.Stopped : SessionStatus.Completed;
            if (crash == null && _aborting) { _machine.AbortConfirmed = true; _machine.TryFire("abort"); }
            else if (crash == null && _stopRequested) _machine.TryFire("stop");
            WarnDeviceFaults();
            _live.Finished = true;
            string? reason = crash != null ? $"{crash.Message} ({crashWhere})"
                : _aborting ? "operator abort" : _stopRequested ? "stopped (time limit or operator)" : null;
            _dev.Sink.SessionEnded(new SessionEnd(_options.SessionId, status.ToString().ToLowerInvariant(), Now, reason));
            _dev.Sink.Flush(TimeSpan.FromSeconds(5));
        }
        if (crash != null) throw new SessionCrashedException(_options.SessionId, crashWhere!, crash);
        return new SessionResult(status, _options.SessionId, _missedFrames, _missingPulses, _responses, _missedResponses, (int)_flipIndex);
    }

    private bool Finished => _aborting || _stopRequested;

    /// <summary>Where the session is now, for a crash's record: "in phase P, run R, block B, trial T, screen S".</summary>
    private string Where()
    {
        if (_phaseName.Length == 0) return "before the first phase";
        var parts = new List<string> { $"phase {_phaseName}" };
        // The run number outlives its scan phase (later events still carry it): name it only inside a scan.
        if (_p.Phases.FirstOrDefault(p => p.Name == _phaseName) is ScanPhase)
        {
            if (_run > 0) parts.Add($"run {_run}");
            if (_block > 0) parts.Add($"block {_block}");
            if (_trial > 0) parts.Add($"trial {_trial}");
        }
        if (_screenName.Length > 0 && _screenPhase == _phaseName && _screenRun == _run) parts.Add($"screen {_screenName}");
        else parts.Add("while preparing its screens");
        return "in " + string.Join(", ", parts);
    }

    /// <summary>
    /// Composes every screen of a self-paced phase before it starts (scan runs prepare theirs per run), so no screen
    /// is decoded or composed while the participant waits for it.
    /// </summary>
    private void PreparePhase(PlannedPhase phase)
    {
        var list = new List<SceneSpec> { _scenes.Fixation(), _scenes.Text("paused", null, "Please wait a moment.", null) };
        switch (phase.Spec)
        {
            case InstructionsPhase ins:
                for (int i = 0; i < ins.Pages.Count; i++) list.Add(_scenes.InstructionsPage(ins, i));
                break;
            case SelectionPhase:
                break; // prepared in batches as the selection goes (RunSelection): a long selection would not fit the texture budget at once
            case QuestionnairePhase q:
                var spec = _p.Questionnaires[q.Questionnaire];
                var keys = QuestionnaireKeys();
                foreach (var item in spec.Items) list.Add(_scenes.QuestionnaireItem(spec, item, keys));
                break;
            case RatingPhase r:
                foreach (var name in r.Ratings) list.Add(_scenes.Rating(_p.Ratings[name]));
                break;
            case BreakPhase b:
                list.Add(_scenes.Break(b));
                break;
            case EndPhase e:
                list.Add(_scenes.End(e));
                break;
            default:
                return;
        }
        PrepareScenes(list);
    }

    /// <summary>Composes scenes ahead of use. It takes time on purpose, so the next flip has no deadline to miss.</summary>
    private void PrepareScenes(IReadOnlyCollection<SceneSpec> scenes)
    {
        _live.PreparePercent = 0;
        _dev.Display.Prepare(scenes, new InlineProgress(_live));
        _live.PreparePercent = -1;
        _lastFlipNs = EventRecord.None;
    }

    /// <summary>Reports preparation progress to the live view at once, on the calling thread.</summary>
    private sealed class InlineProgress(LiveStatus live) : IProgress<int>
    {
        public void Report(int value) => live.PreparePercent = value;
    }

    private static string PhaseKind(PhaseSpec p) => p.GetType().Name.Replace("Phase", "").ToLowerInvariant();

    // ───────────────────────────── the frame loop ─────────────────────────────

    /// <summary>One frame: flip, timestamp, check the deadline, poll everything. Allocates nothing.</summary>
    private long FlipAndPoll()
    {
        long deadline = _lastFlipNs == EventRecord.None ? EventRecord.None : _lastFlipNs + _period;
        long flip = _dev.Display.Flip();
        _flipIndex++;
        _live.Flips++;
        if (deadline != EventRecord.None && flip - deadline > _period / 2)
        {
            _missedFrames++;
            _live.MissedFrames = _missedFrames;
            Write(new EventRecord { Kind = EventKind.MissedFrame, TimeNs = flip, IntendedNs = deadline, Run = _run, Block = _block, Trial = _trial, Screen = _screenName, Value = (flip - deadline) / (double)_period });
        }
        Write(new EventRecord { Kind = EventKind.Flip, TimeNs = flip, IntendedNs = deadline, Run = _run, Value = _flipIndex });
        _lastFlipNs = flip;
        if (_onsetPending)
        {
            _onsetNs = flip;
            _onsetPending = false;
        }
        PollInput();
        PollTriggers();
        PollOperator(flip);
        return flip;
    }

    private void PollInput()
    {
        int n = _dev.Input.Poll(_inputBuffer);
        for (int i = 0; i < n; i++)
        {
            ref readonly var e = ref _inputBuffer[i];
            if (!e.IsDown) continue;
            var offer = _dev.Trigger.OfferKey(e);
            if (offer == KeyOffer.Pulse) Pulse(e.TimeNs);
            if (offer != KeyOffer.NotMine) continue;
            if (string.Equals(e.Key, _p.AbortKey, StringComparison.OrdinalIgnoreCase)) { AbortKey(e.TimeNs); continue; }
            if (string.Equals(e.Key, _p.PauseKey, StringComparison.OrdinalIgnoreCase)) { Operator(_paused || _pauseRequested ? OperatorCommand.Resume : OperatorCommand.Pause); continue; }
            if (_aborting) continue;
            _keyToResponse.TryGetValue(e.Key, out var response);
            bool prev = e.TimeNs < _onsetNs && _prevOnsetNs != EventRecord.None;
            long onset = prev ? _prevOnsetNs : _onsetNs;
            bool inWindow = !prev && response != null && Accepts(response) && !_responded;
            _responses++;
            _live.Responses = _responses;
            _live.LastResponse = response ?? e.Key;
            _live.LastRtNs = onset == EventRecord.None ? EventRecord.None : e.TimeNs - onset;
            Write(new EventRecord
            {
                Kind = EventKind.Response, TimeNs = e.TimeNs, Run = _run, Block = _block, Trial = _trial, Phase = _phaseName,
                Screen = prev ? _prevScreenName : _screenName, Condition = _condition, Stimulus = _stimulus,
                Response = response, Text = response == null ? e.Key : null,
                RtNs = onset == EventRecord.None ? EventRecord.None : e.TimeNs - onset,
                Code = inWindow || (_mode == ScreenMode.Rating && response != null && Accepts(response)) ? 0 : 1,
            });
            if (prev || response == null) continue;
            Dispatch(response, e.TimeNs);
        }
    }

    private bool Accepts(string response)
    {
        var list = _accepts;
        for (int i = 0; i < list.Count; i++) if (list[i] == response) return true;
        return false;
    }

    private void Dispatch(string response, long timeNs)
    {
        switch (_mode)
        {
            case ScreenMode.Advance:
            case ScreenMode.Choice:
                if (_responded || !Accepts(response)) return;
                _responded = true;
                _response = response;
                _responseNs = timeNs;
                return;
            case ScreenMode.Rating:
                if (_responded || _rating == null) return;
                var r = _rating;
                double v = _state.Cursor;
                if (response == r.ConfirmResponse)
                {
                    _responded = true;
                    _response = response;
                    _responseNs = timeNs;
                    return;
                }
                if (response == r.DecreaseResponse) v = Math.Max(r.Min, v - r.Step);
                else if (response == r.IncreaseResponse) v = Math.Min(r.Max, v + r.Step);
                else return;
                _state.Cursor = v;
                if (_historyCount < MaxHistory)
                {
                    _historyT[_historyCount] = timeNs - _onsetNs;
                    _historyV[_historyCount++] = v;
                }
                _dev.Display.Show(_scene, _state);
                return;
        }
    }

    private void PollTriggers()
    {
        int n = _dev.Trigger.Poll(_pulseBuffer);
        for (int i = 0; i < n; i++) Pulse(_pulseBuffer[i]);
        if (!_waitingForT0 && _t0 != EventRecord.None && _p.Scanner.TrNs > 0 && _p.Scanner.Modality == Modality.Fmri
            && _lastPulseNs != EventRecord.None && !_scannerStopWarned && _lastFlipNs - _lastPulseNs > 3 * _p.Scanner.TrNs
            && (_p.Scanner.Volumes == 0 || _lastVolume + 1 < _p.Scanner.Volumes))
        {
            _scannerStopWarned = true;
            Warn($"the scanner stopped sending pulses after volume {_lastVolume} (no pulse for over 3 TR)");
        }
    }

    private void Pulse(long t)
    {
        var tr = _p.Scanner.TrNs;
        if (_waitingForT0)
        {
            _pulsesSeen++;
            if (_dummiesLeft > 0)
            {
                _dummiesLeft--;
                Write(new EventRecord { Kind = EventKind.Pulse, TimeNs = t, Run = _run, Code = 1, Value = -(_dummiesLeft + 1) });
                _lastPulseNs = t;
                _live.VolumesReceived = 0;
                _state.Counter = _dummiesLeft;
                _dev.Display.Show(_scene, _state);
                return;
            }
            _t0 = t;
            _waitingForT0 = false;
            _lastVolume = 0;
            _lastPulseNs = t;
            _runPulses.Add((0, t));
            Write(new EventRecord { Kind = EventKind.Pulse, TimeNs = t, Run = _run, Value = 0 });
            _live.VolumesReceived = 1;
            return;
        }
        if (_t0 == EventRecord.None) return;
        int volume = tr > 0 ? (int)Math.Round((t - _t0) / (double)tr) : _lastVolume + 1;
        if (volume <= _lastVolume) volume = _lastVolume + 1;
        if (tr > 0 && _lastPulseNs != EventRecord.None && t - _lastPulseNs > tr * 3 / 2)
        {
            for (int v = _lastVolume + 1; v < volume; v++)
            {
                _missingPulses++;
                _live.MissingPulses = _missingPulses;
                Write(new EventRecord { Kind = EventKind.MissingPulse, TimeNs = _t0 + v * tr, IntendedNs = _t0 + v * tr, Run = _run, Value = v });
            }
        }
        if (tr > 0 && _lastPulseNs != EventRecord.None && t - _lastPulseNs < tr / 4)
            Warn("two scanner pulses less than a quarter TR apart (a trigger flood or a wrong TR?)");
        _lastVolume = volume;
        _lastPulseNs = t;
        _runPulses.Add((volume, t));
        _live.VolumesReceived = volume + 1;
        Write(new EventRecord { Kind = EventKind.Pulse, TimeNs = t, Run = _run, Value = volume });
    }

    private void PollOperator(long now)
    {
        if (_abortRequested && now - _abortRequestNs > 3_000_000_000)
        {
            _abortRequested = false;
            _live.AbortPending = false;
            Write(new EventRecord { Kind = EventKind.Operator, TimeNs = now, Run = _run, Phase = _phaseName, Response = "abort_cancelled" });
        }
        if (_options.MaxDurationNs > 0 && now - _sessionStartNs >= _options.MaxDurationNs && !_stopRequested)
        {
            _stopRequested = true;
            Write(new EventRecord { Kind = EventKind.Operator, TimeNs = now, Run = _run, Phase = _phaseName, Response = "stop", Text = "time limit reached (--max-seconds)" });
        }
        var op = _dev.Operator;
        if (op == null) return;
        var cmd = op.Poll(now);
        if (cmd != OperatorCommand.None) Operator(cmd);
    }

    private void AbortKey(long t)
    {
        if (_abortRequested && t - _abortRequestNs <= 3_000_000_000) Operator(OperatorCommand.ConfirmAbort);
        else Operator(OperatorCommand.Abort);
    }

    private void Operator(OperatorCommand cmd)
    {
        long now = Now;
        switch (cmd)
        {
            case OperatorCommand.Pause:
                if (!_pauseRequested && !_paused)
                {
                    _pauseRequested = true;
                    Write(new EventRecord { Kind = EventKind.Operator, TimeNs = now, Run = _run, Phase = _phaseName, Response = "pause_requested", Text = "pauses at the next trial boundary" });
                }
                break;
            case OperatorCommand.Resume:
                _pauseRequested = false;
                if (_paused) { _paused = false; _live.Paused = false; _machine.TryFire("resume"); }
                break;
            case OperatorCommand.Abort:
                _abortRequested = true;
                _abortRequestNs = now;
                _live.AbortPending = true;
                Write(new EventRecord { Kind = EventKind.Operator, TimeNs = now, Run = _run, Phase = _phaseName, Response = "abort_requested", Text = "press abort again within 3 s to confirm" });
                break;
            case OperatorCommand.ConfirmAbort:
                if (!_abortRequested) { Operator(OperatorCommand.Abort); break; }
                _aborting = true;
                Write(new EventRecord { Kind = EventKind.Operator, TimeNs = now, Run = _run, Block = _block, Trial = _trial, Phase = _phaseName, Response = "abort_confirmed" });
                break;
            case OperatorCommand.CancelAbort:
                _abortRequested = false;
                _live.AbortPending = false;
                break;
            case OperatorCommand.ManualStart:
                if (_waitingForT0)
                {
                    Write(new EventRecord { Kind = EventKind.Operator, TimeNs = now, Run = _run, Phase = _phaseName, Response = "manual_start", Text = "operator started the run without a scanner trigger" });
                    _dummiesLeft = 0;
                    Pulse(now);
                }
                break;
            case OperatorCommand.Stop:
                _stopRequested = true;
                Write(new EventRecord { Kind = EventKind.Operator, TimeNs = now, Run = _run, Phase = _phaseName, Response = "stop" });
                break;
        }
    }

    private bool _onsetPending;

    /// <summary>Puts a scene up for the next flip and resets the response state.</summary>
    private void Begin(SceneSpec scene, ScreenMode mode, string screenName, IReadOnlyList<string> accepts, RatingSpec? rating = null, double cursor = double.NaN)
    {
        _prevScreenName = _screenName;
        _prevOnsetNs = _onsetNs;
        _scene = scene;
        _mode = mode;
        _screenName = screenName;
        _accepts = accepts;
        _rating = rating;
        _responded = false;
        _response = null;
        _responseNs = EventRecord.None;
        _historyCount = 0;
        _onsetPending = true;
        _state = SceneState.Default;
        _state.Cursor = cursor;
        _dev.Display.Show(scene, _state);
        _live.Screen = screenName;
        _screenPhase = _phaseName;
        _screenRun = _run;
        WarnDeviceFaults();
    }

    /// <summary>
    /// Logs each new device fault (a dead marker link, a vanished trigger port) as a Warning; at screen boundaries
    /// only, and allocation-free while nothing changed. The operator's live view reads the faults itself.
    /// </summary>
    private void WarnDeviceFaults()
    {
        while (_faults.TryTakeChange(out var fault)) Warn(fault);
    }

    // Where the screen on display was begun, so a crash while preparing the next phase or run does not name it.
    private string _screenPhase = "";
    private int _screenRun;

    /// <summary>After the flip that showed a scene: its onset, logged, with markers, sound and the participant told.</summary>
    private void Shown(long flipNs, long intendedNs, long durationNs, int marker, string? sound, long timeLimitNs)
    {
        _onsetNs = flipNs;
        if (_mode == ScreenMode.Rating && _historyCount < MaxHistory)
        {
            _historyT[_historyCount] = 0;
            _historyV[_historyCount++] = _state.Cursor;
        }
        Write(new EventRecord
        {
            Kind = EventKind.ScreenOnset, TimeNs = flipNs, IntendedNs = intendedNs, DurationNs = durationNs,
            Run = _run, Block = _block, Trial = _trial, Phase = _phaseName, Screen = _screenName, Condition = _condition,
            Stimulus = _stimulus, Text = _stimulus != null && ShowsPhoto(_scene.Kind) ? StimFile(_stimulus) : null, Code = marker,
        });
        if (marker > 0) SendMarker(marker, _screenName, flipNs);
        if (sound != null && _dev.Audio != null)
        {
            long asked = Now;
            long started = _dev.Audio.Play(sound);
            Write(new EventRecord { Kind = EventKind.Audio, TimeNs = started, IntendedNs = asked, Run = _run, Block = _block, Trial = _trial, Screen = _screenName, Stimulus = sound });
        }
        _dev.Input.SceneShown(_scene, flipNs, timeLimitNs, _state.Cursor);
    }

    private readonly Dictionary<string, string> _stimFiles = new(StringComparer.Ordinal);

    private static bool ShowsPhoto(SceneKind kind) => kind is SceneKind.Profile or SceneKind.Feedback or SceneKind.Question or SceneKind.Selection;

    /// <summary>The shown profile's photo, relative to the stimuli root (BIDS stim_file); all computed up front.</summary>
    private string? StimFile(string profileId) => _stimFiles.GetValueOrDefault(profileId);

    /// <summary>
    /// Hands a marker to every output (each queues it to its own thread). The event log records the code on the
    /// screen's onset; each output reports the actual send time, which the caller records as a Marker event.
    /// </summary>
    private void SendMarker(int code, string label, long timeNs)
    {
        if (_dev.Markers.Count == 0) return;
        long fromT0 = _t0 == EventRecord.None ? EventRecord.None : timeNs - _t0;
        var m = new MarkerMessage(code, label, timeNs, fromT0);
        for (int i = 0; i < _dev.Markers.Count; i++) _dev.Markers[i].Send(m);
    }

    /// <summary>Shows a scene until a response it accepts, a time limit, or an abort. Self-paced phases.</summary>
    private bool ShowSelfPaced(SceneSpec scene, ScreenMode mode, string name, IReadOnlyList<string> accepts, long timeLimitNs, int marker = 0,
        RatingSpec? rating = null, double cursor = double.NaN, long minimumNs = 0)
    {
        Begin(scene, mode, name, accepts, rating, cursor);
        long flip = FlipAndPoll();
        Shown(flip, EventRecord.None, timeLimitNs > 0 ? timeLimitNs : EventRecord.None, marker, null, timeLimitNs);
        while (!Finished)
        {
            HoldWhilePaused();
            if (_responded && Now - _onsetNs >= minimumNs) return true;
            if (timeLimitNs > 0 && _lastFlipNs + _period - _onsetNs > timeLimitNs) return false;
            FlipAndPoll();
        }
        return false;
    }

    /// <summary>In self-paced phases a pause holds the current screen until resumed.</summary>
    private void HoldWhilePaused()
    {
        if (!_pauseRequested) return;
        _pauseRequested = false;
        _paused = true;
        _live.Paused = true;
        _machine.TryFire("pause");
        var scene = _scene;
        _dev.Display.Show(_scenes.Text("paused", null, "Please wait a moment.", null), SceneState.Default);
        while (_paused && !Finished) FlipAndPoll();
        _dev.Display.Show(scene, _state);
    }

    private void Step(string trigger) => _machine.Fire(trigger);

    // ───────────────────────────── self-paced phases ─────────────────────────────

    private void RunInstructions(InstructionsPhase phase)
    {
        for (int i = 0; i < phase.Pages.Count && !Finished; i++)
        {
            Step("page");
            var scene = _scenes.InstructionsPage(phase, i);
            if (phase.AutoAdvanceNs > 0) ShowSelfPaced(scene, ScreenMode.None, $"page{i + 1}", [], phase.AutoAdvanceNs);
            else ShowSelfPaced(scene, ScreenMode.Advance, $"page{i + 1}", [phase.AdvanceResponse], 0, minimumNs: 500_000_000);
        }
    }

    /// <summary>Selection screens composed at a time: 40 full-HD screens are ~330 MB of textures.</summary>
    private const int SelectionBatch = 40;

    private void RunSelection(SelectionPhase phase, IReadOnlyList<string> order)
    {
        var byId = _p.ProfileRows.ToDictionary(p => p.Id);
        var responses = phase.Choices.Select(c => c.Response).ToList();
        for (int i = 0; i < order.Count; i++)
        {
            var id = order[i];
            if (Finished) break;
            if (i % SelectionBatch == 0)
                PrepareScenes(order.Skip(i).Take(SelectionBatch).Select(x => _scenes.Selection(phase, byId[x])).Append(_scenes.Fixation()).ToList());
            Step("profile");
            var profile = byId[id];
            _stimulus = id;
            var scene = _scenes.Selection(phase, profile);
            bool answered = ShowSelfPaced(scene, ScreenMode.Choice, "selection", responses, phase.TimeLimitNs, _p.Markers.GetValueOrDefault("selection"));
            var choice = answered ? phase.Choices.First(c => c.Response == _response) : null;
            if (!answered) { _missedResponses++; _live.MissedResponses = _missedResponses; }
            _selections.Add((id, choice?.Name));
            Write(new EventRecord
            {
                Kind = EventKind.Choice, TimeNs = answered ? _responseNs : Now, Phase = _phaseName, Screen = "selection", Stimulus = id,
                Response = choice?.Name, RtNs = answered ? _responseNs - _onsetNs : EventRecord.None, Value = choice?.Selects == true ? 1 : 0,
                Code = answered ? 0 : 1, Text = answered ? null : "timeout",
            });
        }
        _stimulus = null;
        ResolveTargets();
    }

    /// <summary>
    /// Feedback targets: the profiles the participant selected, in a seeded order; too few, and the paradigm's
    /// fallback fills up (other choices, then unrated, then any), each fill recorded.
    /// </summary>
    private void ResolveTargets()
    {
        var selection = _p.Phases.OfType<SelectionPhase>().FirstOrDefault();
        int needed = _plan.Runs.Select(r => r.TargetSlots).DefaultIfEmpty(0).Max();
        var byId = _p.ProfileRows.ToDictionary(p => p.Id);
        var selectingChoices = selection?.Choices.Where(c => c.Selects).Select(c => c.Name).ToHashSet() ?? [];
        var chosen = _selections.Where(s => s.Choice != null && selectingChoices.Contains(s.Choice)).Select(s => byId[s.ProfileId]).ToList();
        var rng = new DetRandom(DetRandom.Derive(_plan.Seed, "targets"));
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
                    "unrated" => _p.ProfileRows.Where(p => !_selections.Any(s => s.ProfileId == p.Id)).ToList(),
                    "any" => _p.ProfileRows.ToList(),
                    _ => _selections.Where(s => s.Choice == source).Select(s => byId[s.ProfileId]).ToList(),
                };
                pool = pool.Where(p => !used.Contains(p.Id)).ToList();
                rng.Shuffle(pool);
                int take = Math.Min(needed - targets.Count, pool.Count);
                if (take == 0) continue;
                targets.AddRange(pool.Take(take));
                foreach (var p in pool.Take(take)) used.Add(p.Id);
                Write(new EventRecord
                {
                    Kind = EventKind.Fallback, TimeNs = Now, Phase = _phaseName, Response = source, Value = take,
                    Text = $"{chosen.Count - 0} selected before fallback; {take} target(s) filled from '{source}' ({needed} needed)",
                });
            }
        }
        // No target at all is no repeat: the run refuses to show feedback without a profile (RunScan).
        if (targets.Count > 0 && targets.Count < needed)
            Warn($"only {targets.Count} feedback targets for {needed} trials per run: profiles repeat within a run");
        _targets = targets;
    }

    private RatingSpec QuestionnaireKeys() =>
        _scenes.QuestionnaireKeys ?? throw new InvalidOperationException("a questionnaire needs a rating defined (its decrease/increase/confirm responses move the answer)");

    private void RunQuestionnaire(QuestionnairePhase phase)
    {
        var q = _p.Questionnaires[phase.Questionnaire];
        var keys = QuestionnaireKeys();
        var answers = new List<double>();
        foreach (var item in q.Items)
        {
            if (Finished) break;
            Step("item");
            var scene = _scenes.QuestionnaireItem(q, item, keys);
            var asRating = keys with { Kind = RatingKind.Likert, Min = 1, Max = q.Points.Count, Step = 1 };
            double start = SceneFactory.QuestionnaireStart(q);
            _stimulus = item.Id;
            bool answered = ShowSelfPaced(scene, ScreenMode.Rating, "questionnaire", asRating.Responses(), q.TimeLimitNs, 0, asRating, start);
            int point = (int)Math.Round(_state.Cursor) - 1;
            double value = q.FirstValue + point;
            if (item.Reverse) value = q.FirstValue + (q.Points.Count - 1) - point;
            if (answered) answers.Add(value);
            else { _missedResponses++; _live.MissedResponses = _missedResponses; }
            Write(new EventRecord
            {
                Kind = EventKind.Questionnaire, TimeNs = answered ? _responseNs : Now, Phase = _phaseName, Screen = q.Name, Stimulus = item.Id,
                Value = answered ? value : double.NaN, RtNs = answered ? _responseNs - _onsetNs : EventRecord.None,
                Response = answered ? q.Points[point] : null, Code = item.Reverse ? 1 : 0, Text = History(),
            });
        }
        _stimulus = null;
        if (!Finished)
        {
            double score = answers.Count == 0 ? double.NaN : q.Score == ScoreRule.Sum ? answers.Sum() : answers.Average();
            Write(new EventRecord
            {
                Kind = EventKind.Questionnaire, TimeNs = Now, Phase = _phaseName, Screen = "score", Stimulus = q.Name, Value = score,
                Text = $"{q.Score.ToString().ToLowerInvariant()} of {answers.Count}/{q.Items.Count} answered items",
            });
        }
    }

    private void RunRatings(RatingPhase phase)
    {
        foreach (var name in phase.Ratings)
        {
            if (Finished) break;
            Step("rating");
            var r = _p.Ratings[name];
            bool answered = ShowSelfPaced(_scenes.Rating(r), ScreenMode.Rating, name, r.Responses(), r.TimeLimitNs, r.Marker, r, StartValue(r));
            LogRating(r, answered);
        }
    }

    private double StartValue(RatingSpec r)
    {
        if (!double.IsNaN(r.Start)) return r.Start;
        double v = r.Min + _rng.NextDouble() * (r.Max - r.Min);
        return r.Kind == RatingKind.Likert ? Math.Round(v) : Math.Round(v / r.Step) * r.Step;
    }

    private void LogRating(RatingSpec r, bool answered)
    {
        if (!answered) { _missedResponses++; _live.MissedResponses = _missedResponses; }
        Write(new EventRecord
        {
            Kind = EventKind.Rating, TimeNs = answered ? _responseNs : Now, Run = _run, Block = _block, Phase = _phaseName, Screen = r.Name,
            Condition = _condition, Value = answered ? _state.Cursor : double.NaN, RtNs = answered ? _responseNs - _onsetNs : EventRecord.None,
            Code = answered ? 0 : 1, Text = History(), IntendedNs = _onsetNs,
        });
    }

    /// <summary>The cursor history as "ms:value;ms:value", ms from the rating's onset (allocates: called at screen ends).</summary>
    private string History()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < _historyCount; i++)
        {
            if (i > 0) sb.Append(';');
            sb.Append((_historyT[i] / 1_000_000).ToString(CultureInfo.InvariantCulture)).Append(':')
              .Append(_historyV[i].ToString("0.###", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private void RunBreak(BreakPhase phase)
    {
        Step("screen");
        var scene = _scenes.Break(phase);
        if (phase.DurationNs > 0) ShowSelfPaced(scene, ScreenMode.None, "break", [], phase.DurationNs);
        else ShowSelfPaced(scene, ScreenMode.Advance, "break", [phase.AdvanceResponse], 0, minimumNs: 500_000_000);
    }

    private void RunEnd(EndPhase phase)
    {
        Step("screen");
        ShowSelfPaced(_scenes.End(phase), ScreenMode.None, "end", [], Math.Max(phase.DurationNs, _period));
    }
}

internal static class RatingSpecExtensions
{
    public static IReadOnlyList<string> Responses(this RatingSpec r) => [r.DecreaseResponse, r.IncreaseResponse, r.ConfirmResponse];
}
