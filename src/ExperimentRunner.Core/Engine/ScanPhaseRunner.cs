using System.Globalization;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Core.Engine;

/// <summary>
/// One scan run: wait for the scanner (dummy scans skipped), t0 at the first counted pulse, then every planned
/// event shown on the flip its <see cref="ScanSchedule"/> says; block and trial boundaries fire the machine and are
/// the only places a pause begins.
/// </summary>
internal sealed class ScanPhaseRunner(IScanHost runner, ScanPhase scan, PlannedRun run, int fromBlock)
{
    private readonly SessionContext _session = runner.Session;
    private readonly ResponseWindow _window = runner.Window;
    private readonly ScannerClock _scanner = runner.Scanner;
    private readonly OperatorCommands _operator = runner.Operator;
    private readonly FrameClock _frames = runner.Frames;
    private readonly SessionMachine _machine = runner.Session.Machine;
    private readonly LiveStatus _live = runner.Session.Live;
    private int _missedAtRunStart, _missingAtRunStart;

    private bool Finished => runner.Finished;

    public void Run()
    {
        var s = _session;
        var p = s.Paradigm;
        var dev = s.Devices;
        s.Run = run.Index;
        s.Block = 0;
        s.Trial = 0;
        var targets = runner.FeedbackTargets;
        var earlier = scan.Earlier is { } answersSpec ? EarlierAnswerTargets.For(s, run, answersSpec, targets.Selections) : null;
        if (targets.Targets.Count == 0 && scan.Targets == TargetSource.Selected && earlier == null) targets.Resolve();
        var byId = p.ProfileRows.ToDictionary(x => x.Id);

        var events = ScanSchedule.FromBlock(run.Events, fromBlock, out long resumeShiftNs);
        if (events.Count == 0 && fromBlock > 1) return;
        if (fromBlock > 1)
            s.Write(SessionEvents.Interruption(s.Now, s.Run, fromBlock, s.PhaseName, $"run {run.Index} continues at block {fromBlock}; onsets shifted by -{Ns.ToSeconds(resumeShiftNs):0.###} s to follow the lead-in"));
        var schedule = new ScanSchedule(events, lockToVolumes: fromBlock == 1);
        int n = events.Count;
        var scenes = new SceneSpec[n];
        var profiles = new string?[n];
        // Analysis labels (BIDS trial_type) named before the run: nothing is built in the frame loop.
        var labels = new string[n];
        // A trial's earlier answer, the feedback it expects and whether the condition confirms it (Expectancy events).
        var answers = new string?[n];
        var expected = new string?[n];
        var outcomes = new double[n];
        for (int i = 0; i < n; i++)
        {
            var e = events[i];
            ProfileInfo? profile = null;
            outcomes[i] = double.NaN;
            if (e.ProfileId != null) profile = byId.GetValueOrDefault(e.ProfileId);
            else if (earlier != null && e.TargetSlot >= 0)
            {
                profile = e.TargetSlot < earlier.Profiles.Length ? earlier.Profiles[e.TargetSlot] : null;
                if (profile == null)
                    throw new InvalidOperationException($"screen '{e.Screen}' (run {run.Index}, block {e.Block}, trial {e.Trial}) shows a profile from the answers in '{scan.Earlier!.Phase}', but no profile was given any of {string.Join(", ", scan.Earlier.Answers)}");
                answers[i] = earlier.Answers[e.TargetSlot];
                var choice = SelectionSource.SourceOf(p, scan)?.Choices.FirstOrDefault(c => c.Name == answers[i]);
                if (choice?.Expects is { } expects)
                {
                    expected[i] = EarlierAnswerTargets.Name(expects);
                    if (p.Conditions.TryGetValue(e.Condition, out var condition) && condition.Valence is { } valence) outcomes[i] = valence == expects ? 1 : 0;
                }
            }
            else if (e.TargetSlot >= 0 && targets.Targets.Count > 0) profile = targets.Targets[e.TargetSlot % targets.Targets.Count];
            else if (e.TargetSlot >= 0)
                throw new InvalidOperationException($"screen '{e.Screen}' (run {run.Index}, block {e.Block}, trial {e.Trial}) shows a selected profile, but there is no feedback target: no profile was selected and the selection's fallback found none");
            profiles[i] = profile?.Id;
            labels[i] = EventLabels.TrialType(e);
            scenes[i] = s.Scenes.ForEvent(e, profile);
        }
        var games = BallTossRunner.ForRun(s, _window, events, _frames.PeriodNs, runner.SendMarker);
        BallTossRunner? game = null;
        var wait = s.Scenes.Wait(scan.Name, scan.WaitText);
        var fixation = s.Scenes.Fixation();
        var pausedScene = fixation;
        var prepare = scenes.Append(wait).Append(fixation).Distinct().ToList();
        runner.PrepareScenes(prepare);
        if (dev.Audio != null)
            foreach (var (name, path) in p.Sounds) dev.Audio.Preload(name, path);

        if (!AwaitT0(wait)) return;
        long t0 = _scanner.T0Ns;
        long lastEnd = events.Count == 0 ? 0 : events.Max(e => e.OnsetNs + e.DurationNs);
        long runDuration = fromBlock > 1 ? lastEnd : Math.Max(run.DurationNs, lastEnd);
        _live.RunStartNs = t0;
        _live.RunDurationNs = runDuration;
        bool operatorStart = p.Scanner.Modality != Modality.Fmri || dev.Trigger.IsOperatorStart;
        s.Write(SessionEvents.RunStarted(t0, s.Run, s.PhaseName, runDuration, p.Scanner.DummyScans,
            $"block order {run.BlockOrder}; t0 = {(operatorStart ? "operator start" : "first counted pulse")}"));
        _machine.Fire(SessionTrigger.T0);
        long endNs = t0 + runDuration;
        long period = _frames.PeriodNs;

        int idx = -1, currentBlock = 0, currentTrial = 0;
        bool blockOpen = false, skipping = false, filled = false;
        while (!Finished)
        {
            long predicted = _frames.PredictedNextFlipNs;
            if (endNs + schedule.ShiftNs <= predicted + period / 2) break;
            int due = schedule.Due(idx, t0, predicted, period, _scanner, _frames.LastFlipNs);
            if (due == idx)
            {
                // Same screen: a response that ends it early leaves a fixation cross for the rest of its slot.
                if (idx >= 0 && _window.Responded && !filled && (_window.Mode == ScreenMode.Rating || events[idx].Template?.EndOnResponse == true))
                {
                    filled = true;
                    dev.Display.Show(fixation, SceneState.Default);
                }
                game?.Frame(predicted);
                long shown = runner.FlipAndPoll();
                game?.AfterFlip(shown);
                continue;
            }
            game?.Finish();
            game = null;
            if (idx >= 0) FinishEvent(events[idx], profiles[idx]);
            for (int k = idx + 1; k < due; k++)
            {
                var missed = events[k];
                s.Warn($"screen '{missed.Screen}' (block {missed.Block}, trial {missed.Trial}) was never shown: the display was more than its whole duration late");
            }
            idx = due;
            var ev = events[idx];
            filled = false;

            // Block and trial boundaries: the only places the machine is fired and a pause may begin.
            if (ev.Block != currentBlock && !(ev.Block == 0 && ev.Role == PlannedRole.Rating && currentBlock > 0))
            {
                if (blockOpen) s.Write(SessionEvents.BlockEnded(predicted, s.Run, currentBlock, s.PhaseName));
                blockOpen = false;
                currentBlock = ev.Block;
                currentTrial = 0;
                if (ev.Block > 0)
                {
                    var pb = run.Blocks[ev.Block - 1];
                    blockOpen = true;
                    s.Block = ev.Block;
                    _live.Block = ev.Block;
                    _live.Trials = schedule.TrialsIn(ev.Block);
                    s.Write(SessionEvents.BlockStarted(predicted, t0 + ev.OnsetNs, s.Run, ev.Block, s.PhaseName, pb.Conditions, pb.Label));
                    if (!_operator.Paused) _machine.Fire(SessionTrigger.Block);
                }
                else s.Block = 0;
            }
            s.Trial = ev.Trial;
            if (ev.Trial != currentTrial)
            {
                currentTrial = ev.Trial;
                // Screens outside trials (ratings, rest, lead-out) are skipped while paused, like trials.
                skipping = _operator.Paused;
                if (ev.Trial > 0)
                {
                    // A trial boundary: the machine is between trials, the only state a pause may begin in.
                    if (!_operator.Paused)
                    {
                        // After a resume (or a rating between blocks) the machine is back at the run: enter the block again.
                        if (!_machine.CanFire(SessionTrigger.Boundary)) _machine.Fire(SessionTrigger.Block);
                        _machine.Fire(SessionTrigger.Boundary);
                        _operator.BeginRequestedPause();
                    }
                    skipping = _operator.Paused;
                    _live.Trial = ev.Trial;
                    if (!skipping)
                    {
                        _machine.Fire(SessionTrigger.Trial);
                        s.Write(SessionEvents.TrialStarted(predicted, t0 + ev.OnsetNs, s.Place, ev.Condition, profiles[idx]));
                        if (answers[idx] != null)
                            s.Write(SessionEvents.Expectancy(predicted, s.Place, ev.Condition, profiles[idx], answers[idx]!, expected[idx], outcomes[idx]));
                    }
                    else s.Write(SessionEvents.Warning(predicted, s.Place, "trial skipped: the session is paused (scanner-locked onsets keep their times)"));
                }
            }
            _window.Condition = ev.Condition;
            _window.Stimulus = profiles[idx];
            _live.Condition = ev.Condition;
            if (skipping)
            {
                runner.Begin(pausedScene, ScreenMode.None, "paused", []);
                runner.FlipAndPoll();
                continue;
            }
            switch (ev.Role)
            {
                case PlannedRole.Rating:
                    // A rating inside a trial is one of the trial's screens; between blocks or before a run, the run's own.
                    _machine.Fire(ev.Trial > 0 ? _machine.ShowTrigger(ev.Screen) : SessionTrigger.Rating);
                    var r = ev.Rating!;
                    runner.Begin(scenes[idx], ScreenMode.Rating, ev.Screen, r.Responses(), r, runner.StartValue(r));
                    break;
                case PlannedRole.LeadIn:
                case PlannedRole.LeadOut:
                    _machine.Fire(SessionTrigger.Lead);
                    runner.Begin(scenes[idx], ScreenMode.None, ev.Screen, []);
                    break;
                case PlannedRole.Rest:
                    _machine.Fire(SessionTrigger.Rest);
                    runner.Begin(scenes[idx], ScreenMode.None, ev.Screen, []);
                    break;
                default:
                    _machine.Fire(_machine.ShowTrigger(ev.Screen));
                    var responses = ev.Template?.Responses ?? [];
                    runner.Begin(scenes[idx], responses.Count > 0 ? ScreenMode.Choice : ScreenMode.None, ev.Screen, responses);
                    game = games[idx];
                    game?.Begin();
                    break;
            }
            long flip = runner.FlipAndPoll();
            long limit = ev.Role == PlannedRole.Rating ? ev.DurationNs : ev.Template?.Responses.Count > 0 ? ev.DurationNs : 0;
            runner.Shown(flip, t0 + ev.OnsetNs + schedule.ShiftNs, ev.DurationNs, ev.Marker, ev.Sound, limit, labels[idx]);
            game?.Started(flip);
        }
        if (!Finished) game?.Finish();
        if (idx >= 0 && !Finished) FinishEvent(events[idx], profiles[idx]);
        if (blockOpen && !Finished) s.Write(SessionEvents.BlockEnded(s.Now, s.Run, currentBlock, s.PhaseName));
        _operator.EndPause();
        s.Write(SessionEvents.RunEnded(s.Now, s.Run, s.PhaseName, _scanner.MeasuredTrSeconds(), Finished, RunSummary()));
        _scanner.EndRun();
        s.Block = 0;
        s.Trial = 0;
        _live.RunStartNs = EventRecord.None;
    }

    /// <summary>
    /// The wait screen until t0 (the first counted pulse, or the operator's start), counting the dummy volumes down;
    /// false when the session ended first (the run's end is then logged).
    /// </summary>
    private bool AwaitT0(SceneSpec wait)
    {
        var s = _session;
        var p = s.Paradigm;
        var dev = s.Devices;
        _machine.Fire(SessionTrigger.AwaitScanner);
        _missedAtRunStart = _frames.MissedFrames;
        _missingAtRunStart = _scanner.MissingPulses;
        // An operator's start is t0 itself: only scanner pulses are dummies.
        _scanner.Arm(p.Scanner.Modality == Modality.Fmri && !dev.Trigger.IsOperatorStart ? p.Scanner.DummyScans : 0);
        _window.Condition = "";
        _window.Stimulus = null;
        _live.Run = run.Index;
        _live.VolumesExpected = p.Scanner.Volumes;
        _live.VolumesReceived = 0;
        _live.WaitingForScanner = true;
        _live.Blocks = run.Blocks.Count;
        runner.Begin(wait, ScreenMode.None, "wait", []);
        // The warm-up (dummy) volumes still to come, counted down on the wait screen; no number where there are none.
        _window.State.Counter = _scanner.DummiesLeft > 0 ? _scanner.DummiesLeft : -1;
        dev.Display.Show(wait, _window.State);
        dev.Trigger.Arm(s.Now);
        long waitStart = s.Now;
        bool warned = false;
        runner.FlipAndPoll();
        runner.Shown(_frames.LastFlipNs, EventRecord.None, EventRecord.None, 0, null, 0, null);
        while (_scanner.WaitingForT0 && !Finished)
        {
            runner.FlipAndPoll();
            if (!warned && s.Now - waitStart > s.Options.TriggerWarningNs)
            {
                warned = true;
                s.Warn($"no scanner trigger {Ns.ToSeconds(s.Options.TriggerWarningNs):0} s after the wait screen: check the trigger cable and --scanner, or start manually");
            }
        }
        _live.WaitingForScanner = false;
        if (Finished && _scanner.T0Ns == EventRecord.None)
        {
            s.Write(SessionEvents.RunEndedBeforeT0(s.Now, s.Run, s.PhaseName));
            return false;
        }
        return true;
    }

    /// <summary>Closes a scan event: a rating's value, a missed response, a prediction's outcome.</summary>
    private void FinishEvent(PlannedEvent e, string? profile)
    {
        if (e.Role == PlannedRole.Rating && e.Rating != null)
        {
            runner.LogRating(e.Rating, _window.Responded);
            return;
        }
        var t = e.Template;
        if (t == null || t.Responses.Count == 0) return;
        if (!_window.Responded) _session.CountMissedResponse();
        if (e.Correct != null) WriteScored(e, profile);
        if (t.Show == SceneKind.Question)
        {
            // The derived field analysts need: did the planned feedback confirm or violate the prediction? Only from what
            // the paradigm declares: the option's expects: and the condition's valence:, never names or symbols.
            bool predictedYes = _window.Responded && t.Options.Count > 0 && _window.Response == t.Options[0];
            bool? matches = _window.Response != null && t.Expects.TryGetValue(_window.Response, out var expects)
                && _session.Paradigm.Conditions.TryGetValue(e.Condition, out var c) && c.Valence is { } valence ? valence == expects : null;
            var outcome = PredictionOutcomes.Of(_window.Responded, matches);
            _session.Write(SessionEvents.Prediction(_window.Responded ? _window.ResponseNs : _session.Now, _session.Place, e.Screen, e.Condition, profile,
                _window.Response, _window.RtNs, predictedYes, outcome));
        }
    }

    /// <summary>A scored screen: the answer against the plan's correct response for this trial.</summary>
    private void WriteScored(PlannedEvent e, string? profile)
    {
        bool answered = _window.Responded;
        _session.Write(SessionEvents.Scored(answered ? _window.ResponseNs : _session.Now, _session.Place, e.Screen, e.Condition, profile,
            answered ? _window.Response : null, e.Correct, answered ? _window.ResponseNs - _window.OnsetNs : EventRecord.None, _window.OnsetNs));
    }

    private string RunSummary()
    {
        var tr = _scanner.MeasuredTrSeconds();
        double nominal = Ns.ToSeconds(_session.Paradigm.Scanner.TrNs);
        int received = _scanner.RunPulses.Count;
        string drift = double.IsNaN(tr) || nominal == 0 || received < 2 ? "n/a"
            : ((tr - nominal) * (_scanner.RunPulses[^1].Volume) * 1000).ToString("+0.###;-0.###;0", CultureInfo.InvariantCulture) + " ms";
        return string.Create(CultureInfo.InvariantCulture,
            $"volumes received {received} (expected {(_session.Paradigm.Scanner.Volumes > 0 ? _session.Paradigm.Scanner.Volumes.ToString(CultureInfo.InvariantCulture) : "n/a")}); missing pulses {_scanner.MissingPulses - _missingAtRunStart}; measured TR {(double.IsNaN(tr) ? "n/a" : tr.ToString("0.######", CultureInfo.InvariantCulture) + " s")} (nominal {nominal:0.###} s); drift over the run {drift}; missed frames {_frames.MissedFrames - _missedAtRunStart}{(Finished ? "; ended early" : "")}");
    }
}
