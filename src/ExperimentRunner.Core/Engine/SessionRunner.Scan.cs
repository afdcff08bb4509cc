using System.Globalization;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Simulation;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Core.Engine;

public sealed partial class SessionRunner
{
    /// <summary>
    /// One scan run: wait for the scanner (dummy scans skipped), t0 at the first counted pulse, then every planned
    /// event shown on the flip nearest its intended onset (t0 + plan offset): non-slip, so a late frame delays one
    /// screen, never the ones after it.
    /// </summary>
    private void RunScan(ScanPhase scan, PlannedRun run, int fromBlock)
    {
        _run = run.Index;
        _block = 0;
        _trial = 0;
        if (_targets.Count == 0 && scan.Targets == TargetSource.Selected) ResolveTargets();
        var byId = _p.ProfileRows.ToDictionary(x => x.Id);

        var events = run.Events.ToList();
        if (fromBlock > 1)
        {
            // Resuming mid-run: a new scanner run, so the remaining blocks follow the lead-in with a new t0.
            var leadIn = events.Where(e => e.Role == PlannedRole.LeadIn).ToList();
            var rest = events.Where(e => e.Block >= fromBlock || e.Role == PlannedRole.LeadOut).ToList();
            if (rest.Count == 0) return;
            long leadEnd = leadIn.Count > 0 ? leadIn[^1].OnsetNs + leadIn[^1].DurationNs : 0;
            long shift = rest[0].OnsetNs - leadEnd;
            long shiftFrames = rest[0].OnsetFrame - (leadIn.Count > 0 ? leadIn[^1].OnsetFrame + leadIn[^1].DurationFrames : 0);
            events = [.. leadIn, .. rest.Select(e => e with { OnsetNs = e.OnsetNs - shift, OnsetFrame = e.OnsetFrame - shiftFrames })];
            Write(new EventRecord { Kind = EventKind.Interruption, TimeNs = Now, Run = _run, Block = fromBlock, Phase = _phaseName, Text = $"run {run.Index} continues at block {fromBlock}; onsets shifted by -{Ns.ToSeconds(shift):0.###} s to follow the lead-in" });
        }
        int n = events.Count;
        var scenes = new SceneSpec[n];
        var profiles = new string?[n];
        for (int i = 0; i < n; i++)
        {
            var e = events[i];
            ProfileInfo? profile = null;
            if (e.ProfileId != null) profile = byId.GetValueOrDefault(e.ProfileId);
            else if (e.TargetSlot >= 0 && _targets.Count > 0) profile = _targets[e.TargetSlot % _targets.Count];
            else if (e.TargetSlot >= 0)
                throw new InvalidOperationException($"screen '{e.Screen}' (run {run.Index}, block {e.Block}, trial {e.Trial}) shows a selected profile, but there is no feedback target: no profile was selected and the selection's fallback found none");
            profiles[i] = profile?.Id;
            scenes[i] = _scenes.ForEvent(e, profile);
        }
        var wait = _scenes.Wait(scan.Name, scan.WaitText);
        var fixation = _scenes.Fixation();
        var pausedScene = fixation;
        var prepare = scenes.Append(wait).Append(fixation).Distinct().ToList();
        PrepareScenes(prepare);
        if (_dev.Audio != null)
            foreach (var (name, path) in _p.Sounds) _dev.Audio.Preload(name, path);

        _machine.Fire("await_scanner");
        _missedAtRunStart = _missedFrames;
        _missingAtRunStart = _missingPulses;
        _t0 = EventRecord.None;
        _waitingForT0 = true;
        // An operator's start is t0 itself: only scanner pulses are dummies.
        _dummiesLeft = _p.Scanner.Modality == Modality.Fmri && !_dev.Trigger.IsOperatorStart ? _p.Scanner.DummyScans : 0;
        _pulsesSeen = 0;
        _lastVolume = -1;
        _lastPulseNs = EventRecord.None;
        _scannerStopWarned = false;
        _runPulses.Clear();
        _condition = "";
        _stimulus = null;
        _live.Run = run.Index;
        _live.VolumesExpected = _p.Scanner.Volumes;
        _live.VolumesReceived = 0;
        _live.WaitingForScanner = true;
        _live.Blocks = run.Blocks.Count;
        Begin(wait, ScreenMode.None, "wait", []);
        // The warm-up (dummy) volumes still to come, counted down on the wait screen; no number where there are none.
        _state.Counter = _dummiesLeft > 0 ? _dummiesLeft : -1;
        _dev.Display.Show(wait, _state);
        _dev.Trigger.Arm(Now);
        long waitStart = Now;
        bool warned = false;
        FlipAndPoll();
        Shown(_lastFlipNs, EventRecord.None, EventRecord.None, 0, null, 0);
        while (_waitingForT0 && !Finished)
        {
            FlipAndPoll();
            if (!warned && Now - waitStart > _options.TriggerWarningNs)
            {
                warned = true;
                Warn($"no scanner trigger {Ns.ToSeconds(_options.TriggerWarningNs):0} s after the wait screen: check the trigger cable and --scanner, or start manually");
            }
        }
        _live.WaitingForScanner = false;
        if (Finished && _t0 == EventRecord.None)
        {
            Write(new EventRecord { Kind = EventKind.RunEnded, TimeNs = Now, Run = _run, Phase = _phaseName, Text = "ended before the scanner started" });
            return;
        }
        long lastEnd = events.Count == 0 ? 0 : events.Max(e => e.OnsetNs + e.DurationNs);
        long runDuration = fromBlock > 1 ? lastEnd : Math.Max(run.DurationNs, lastEnd);
        _live.RunStartNs = _t0;
        _live.RunDurationNs = runDuration;
        Write(new EventRecord
        {
            Kind = EventKind.RunStarted, TimeNs = _t0, Run = _run, Phase = _phaseName, DurationNs = runDuration, Value = run.Index,
            Text = $"block order {run.BlockOrder}; t0 = {(_p.Scanner.Modality == Modality.Fmri && !_dev.Trigger.IsOperatorStart ? "first counted pulse" : "operator start")}",
            Code = _p.Scanner.DummyScans,
        });
        _machine.Fire("t0");
        long endNs = _t0 + runDuration;

        int idx = -1, currentBlock = 0, currentTrial = 0;
        bool blockOpen = false, skipping = false, filled = false;
        long shiftNs = 0; // moves every later onset when a block locked to a volume starts on that volume's real pulse
        while (!Finished)
        {
            long predicted = _lastFlipNs + _period;
            if (endNs + shiftNs <= predicted + _period / 2) break;
            int due = idx;
            while (due + 1 < n)
            {
                var next = events[due + 1];
                if (next.AtVolume is int volume && fromBlock == 1)
                {
                    long? lockNs = VolumeLock(volume, _t0 + next.OnsetNs + shiftNs);
                    if (lockNs == null) break; // wait for the pulse
                    shiftNs = lockNs.Value - (_t0 + next.OnsetNs);
                }
                if (_t0 + next.OnsetNs + shiftNs > predicted + _period / 2) break;
                due++;
            }
            if (due == idx)
            {
                // Same screen: a response that ends it early leaves a fixation cross for the rest of its slot.
                if (idx >= 0 && _responded && !filled && (_mode == ScreenMode.Rating || events[idx].Template?.EndOnResponse == true))
                {
                    filled = true;
                    _dev.Display.Show(fixation, SceneState.Default);
                }
                FlipAndPoll();
                continue;
            }
            if (idx >= 0) FinishEvent(events[idx], profiles[idx]);
            for (int k = idx + 1; k < due; k++)
            {
                var missed = events[k];
                Warn($"screen '{missed.Screen}' (block {missed.Block}, trial {missed.Trial}) was never shown: the display was more than its whole duration late");
            }
            idx = due;
            var ev = events[idx];
            filled = false;

            // Block and trial boundaries: the only places the machine is fired and a pause may begin.
            if (ev.Block != currentBlock && !(ev.Block == 0 && ev.Role == PlannedRole.Rating && currentBlock > 0))
            {
                if (blockOpen) Write(new EventRecord { Kind = EventKind.BlockEnded, TimeNs = predicted, Run = _run, Block = currentBlock, Phase = _phaseName });
                blockOpen = false;
                currentBlock = ev.Block;
                currentTrial = 0;
                if (ev.Block > 0)
                {
                    var pb = run.Blocks[ev.Block - 1];
                    blockOpen = true;
                    _block = ev.Block;
                    _live.Block = ev.Block;
                    _live.Trials = TrialsIn(events, ev.Block);
                    Write(new EventRecord { Kind = EventKind.BlockStarted, TimeNs = predicted, IntendedNs = _t0 + ev.OnsetNs, Run = _run, Block = ev.Block, Phase = _phaseName, Condition = pb.Conditions, Text = pb.Label });
                    if (!_paused) _machine.Fire("block");
                }
                else _block = 0;
            }
            _trial = ev.Trial;
            if (ev.Trial != currentTrial)
            {
                currentTrial = ev.Trial;
                // Screens outside trials (ratings, rest, lead-out) are skipped while paused, like trials.
                skipping = _paused;
                if (ev.Trial > 0)
                {
                    // A trial boundary: the only place a pause begins (the machine's guard says so).
                    _machine.BetweenTrials = true;
                    if (_pauseRequested && !_paused)
                    {
                        _pauseRequested = false;
                        _paused = true;
                        _live.Paused = true;
                        _machine.Fire("pause");
                    }
                    // After a resume (or a rating between blocks) the machine is back at the run: enter the block again.
                    if (!_paused && !_machine.CanFire("trial")) _machine.Fire("block");
                    skipping = _paused;
                    _machine.BetweenTrials = false;
                    _live.Trial = ev.Trial;
                    if (!skipping)
                    {
                        _machine.Fire("trial");
                        Write(new EventRecord { Kind = EventKind.TrialStarted, TimeNs = predicted, IntendedNs = _t0 + ev.OnsetNs, Run = _run, Block = _block, Trial = _trial, Phase = _phaseName, Condition = ev.Condition, Stimulus = profiles[idx] });
                    }
                    else Write(new EventRecord { Kind = EventKind.Warning, TimeNs = predicted, Run = _run, Block = _block, Trial = _trial, Phase = _phaseName, Text = "trial skipped: the session is paused (scanner-locked onsets keep their times)" });
                }
            }
            _condition = ev.Condition;
            _stimulus = profiles[idx];
            _live.Condition = ev.Condition;
            if (skipping)
            {
                Begin(pausedScene, ScreenMode.None, "paused", []);
                FlipAndPoll();
                continue;
            }
            switch (ev.Role)
            {
                case PlannedRole.Rating:
                    // A rating inside a trial is one of the trial's screens; between blocks or before a run, the run's own.
                    _machine.Fire(ev.Trial > 0 ? _machine.ShowTrigger(ev.Screen) : "rating");
                    var r = ev.Rating!;
                    Begin(scenes[idx], ScreenMode.Rating, ev.Screen, r.Responses(), r, StartValue(r));
                    break;
                case PlannedRole.LeadIn:
                case PlannedRole.LeadOut:
                    _machine.Fire("lead");
                    Begin(scenes[idx], ScreenMode.None, ev.Screen, []);
                    break;
                case PlannedRole.Rest:
                    _machine.Fire("rest");
                    Begin(scenes[idx], ScreenMode.None, ev.Screen, []);
                    break;
                default:
                    _machine.Fire(_machine.ShowTrigger(ev.Screen));
                    var responses = ev.Template?.Responses ?? [];
                    Begin(scenes[idx], responses.Count > 0 ? ScreenMode.Choice : ScreenMode.None, ev.Screen, responses);
                    break;
            }
            long flip = FlipAndPoll();
            long limit = ev.Role == PlannedRole.Rating ? ev.DurationNs : ev.Template?.Responses.Count > 0 ? ev.DurationNs : 0;
            Shown(flip, _t0 + ev.OnsetNs + shiftNs, ev.DurationNs, ev.Marker, ev.Sound, limit);
        }
        if (idx >= 0 && !Finished) FinishEvent(events[idx], profiles[idx]);
        if (blockOpen && !Finished) Write(new EventRecord { Kind = EventKind.BlockEnded, TimeNs = Now, Run = _run, Block = currentBlock, Phase = _phaseName });
        if (_paused) { _paused = false; _live.Paused = false; _machine.TryFire("resume"); }
        Write(new EventRecord
        {
            Kind = EventKind.RunEnded, TimeNs = Now, Run = _run, Phase = _phaseName, Value = MeasuredTrSeconds(),
            Text = RunSummary(), Code = Finished ? 1 : 0,
        });
        _t0 = EventRecord.None;
        _block = 0;
        _trial = 0;
        _live.RunStartNs = EventRecord.None;
    }

    private int _missedAtRunStart, _missingAtRunStart;

    /// <summary>
    /// When a block locked to volume k may start: the arrival time of pulse k (ns), estimated from the next pulse when
    /// k itself was lost; null while it has not come yet. If it is more than 1.5 TR overdue (the scanner stopped),
    /// the block starts on time and the miss is logged once.
    /// </summary>
    private long? VolumeLock(int volume, long plannedNs)
    {
        for (int i = _runPulses.Count - 1; i >= 0; i--)
        {
            var (v, t) = _runPulses[i];
            if (v == volume) return t;
            if (v < volume) break;
            if (i == 0 || _runPulses[i - 1].Volume < volume) return t - (v - volume) * _p.Scanner.TrNs;
        }
        if (_lastFlipNs > plannedNs + _p.Scanner.TrNs * 3 / 2)
        {
            if (_lockWarnedVolume != volume)
            {
                _lockWarnedVolume = volume;
                Warn($"volume {volume} never arrived: the block locked to it started on time instead");
            }
            return plannedNs;
        }
        return null;
    }

    private int _lockWarnedVolume = -1;

    // No lambda may capture a variable of the frame loop's body: the compiler would allocate its closure every frame.
    private static int TrialsIn(List<PlannedEvent> events, int block)
    {
        int max = 0;
        foreach (var e in events)
            if (e.Block == block && e.Trial > max) max = e.Trial;
        return max;
    }

    /// <summary>Closes a scan event: a rating's value, a missed response, a prediction's outcome.</summary>
    private void FinishEvent(PlannedEvent e, string? profile)
    {
        if (e.Role == PlannedRole.Rating && e.Rating != null)
        {
            LogRating(e.Rating, _responded);
            return;
        }
        var t = e.Template;
        if (t == null || t.Responses.Count == 0) return;
        if (!_responded) { _missedResponses++; _live.MissedResponses = _missedResponses; }
        if (t.Show == ScreenKindSpec.Question)
        {
            // The derived field analysts need: did the planned feedback confirm or violate the prediction?
            string? outcome = null;
            bool predictedYes = _responded && t.Options.Count > 0 && _response == t.Options[0];
            if (_responded && _p.Conditions.TryGetValue(e.Condition, out var c) && c.Symbol != FeedbackSymbol.None)
                outcome = predictedYes == (c.Symbol == FeedbackSymbol.Check) ? "consistent" : "violated";
            Write(new EventRecord
            {
                Kind = EventKind.Choice, TimeNs = _responded ? _responseNs : Now, Run = _run, Block = _block, Trial = _trial, Phase = _phaseName,
                Screen = e.Screen, Condition = e.Condition, Stimulus = profile, Response = _response,
                RtNs = _responded ? _responseNs - _onsetNs : EventRecord.None, Value = _responded ? (predictedYes ? 1 : 0) : double.NaN,
                Code = _responded ? 0 : 1, Text = outcome,
            });
        }
    }

    /// <summary>The scanner's TR measured from this run's pulses (least squares of time on volume index), seconds.</summary>
    private double MeasuredTrSeconds()
    {
        int n = _runPulses.Count;
        if (n < 2) return double.NaN;
        double mx = 0, my = 0;
        foreach (var (v, t) in _runPulses) { mx += v; my += t - _runPulses[0].TimeNs; }
        mx /= n; my /= n;
        double sxy = 0, sxx = 0;
        foreach (var (v, t) in _runPulses)
        {
            double dx = v - mx;
            sxy += dx * (t - _runPulses[0].TimeNs - my);
            sxx += dx * dx;
        }
        return sxx == 0 ? double.NaN : sxy / sxx / 1e9;
    }

    private string RunSummary()
    {
        var tr = MeasuredTrSeconds();
        double nominal = Ns.ToSeconds(_p.Scanner.TrNs);
        int received = _runPulses.Count;
        string drift = double.IsNaN(tr) || nominal == 0 || received < 2 ? "n/a"
            : ((tr - nominal) * (_runPulses[^1].Volume) * 1000).ToString("+0.###;-0.###;0", CultureInfo.InvariantCulture) + " ms";
        return string.Create(CultureInfo.InvariantCulture,
            $"volumes received {received} (expected {(_p.Scanner.Volumes > 0 ? _p.Scanner.Volumes.ToString(CultureInfo.InvariantCulture) : "n/a")}); missing pulses {_missingPulses - _missingAtRunStart}; measured TR {(double.IsNaN(tr) ? "n/a" : tr.ToString("0.######", CultureInfo.InvariantCulture) + " s")} (nominal {nominal:0.###} s); drift over the run {drift}; missed frames {_missedFrames - _missedAtRunStart}{(Finished ? "; ended early" : "")}");
    }
}
