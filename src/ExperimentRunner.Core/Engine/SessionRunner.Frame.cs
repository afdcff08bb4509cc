using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;

namespace ExperimentRunner.Core.Engine;

/// <summary>The frame loop and the screens it shows: the one place the parts meet once per frame.</summary>
public sealed partial class SessionRunner
{
    /// <summary>One frame: flip, timestamp, check the deadline, poll everything. Allocates nothing.</summary>
    internal long FlipAndPoll()
    {
        long flip = _frames.Flip(_window.ScreenName);
        _window.Flipped(flip);
        PollInput();
        PollTriggers();
        _operator.Poll(flip);
        return flip;
    }

    private void PollInput()
    {
        var p = _session.Paradigm;
        int n = _dev.Input.Poll(_inputBuffer);
        for (int i = 0; i < n; i++)
        {
            ref readonly var e = ref _inputBuffer[i];
            if (!e.IsDown) continue;
            var offer = _dev.Trigger.OfferKey(e);
            if (offer == KeyOffer.Pulse) Pulse(e.TimeNs);
            if (offer != KeyOffer.NotMine) continue;
            if (string.Equals(e.Key, p.AbortKey, StringComparison.OrdinalIgnoreCase)) { _operator.AbortKey(e.TimeNs); continue; }
            if (string.Equals(e.Key, p.PauseKey, StringComparison.OrdinalIgnoreCase)) { _operator.PauseKey(); continue; }
            if (_operator.Aborting) continue;
            _keyToResponse.TryGetValue(e.Key, out var response);
            var verdict = _window.Judge(response, e.TimeNs);
            long rt = verdict.OnsetNs == EventRecord.None ? EventRecord.None : e.TimeNs - verdict.OnsetNs;
            _session.Responses++;
            _live.Responses = _session.Responses;
            _live.LastResponse = response ?? e.Key;
            _live.LastRtNs = rt;
            _session.Write(SessionEvents.Response(e.TimeNs, _session.Place, verdict.ToPrevious ? _window.PreviousScreenName : _window.ScreenName,
                _window.Condition, _window.Stimulus, response, e.Key, rt, verdict.InWindow, e.Device, e.DeviceTimeMs, e.ArrivalNs));
            if (verdict.ToPrevious || response == null) continue;
            if (_window.Take(response, e.TimeNs)) _dev.Display.Show(_window.Scene, _window.State);
        }
    }

    private void PollTriggers()
    {
        int n = _dev.Trigger.Poll(_pulseBuffer);
        for (int i = 0; i < n; i++) Pulse(_pulseBuffer[i]);
        _scanner.CheckStopped(_frames.LastFlipNs);
    }

    /// <summary>A scanner pulse; a dummy one counts down on the wait screen.</summary>
    private void Pulse(long timeNs)
    {
        if (!_scanner.Pulse(timeNs)) return;
        _window.State.Counter = _scanner.DummiesLeft;
        _dev.Display.Show(_window.Scene, _window.State);
    }

    /// <summary>Puts a scene up for the next flip and resets the response state.</summary>
    internal void Begin(SceneSpec scene, ScreenMode mode, string screenName, IReadOnlyList<string> accepts, RatingSpec? rating = null, double cursor = double.NaN)
    {
        _window.Begin(scene, mode, screenName, accepts, rating, cursor);
        _dev.Display.Show(scene, _window.State);
        _live.Screen = screenName;
        _screenPhase = _session.PhaseName;
        _screenRun = _session.Run;
        WarnDeviceFaults();
    }

    /// <summary>After the flip that showed a scene: its onset, logged, with markers, sound and the participant told.</summary>
    /// <param name="label">The screen's analysis label (<see cref="Planning.EventLabels"/>), computed before the run; null outside scan runs.</param>
    internal void Shown(long flipNs, long intendedNs, long durationNs, int marker, string? sound, long timeLimitNs, string? label = null)
    {
        var w = _window;
        w.Shown(flipNs);
        _session.Write(SessionEvents.ScreenOnset(flipNs, intendedNs, durationNs, _session.Place, w.ScreenName, w.Condition, w.Stimulus,
            w.Stimulus != null && ShowsPhoto(w.Scene) ? StimFile(w.Stimulus)
                : w.Scene.Kind == SceneKind.Image && w.Scene.ImagePath is { } image ? _imageFiles.GetValueOrDefault(image) : null, marker, label));
        if (marker > 0) SendMarker(marker, w.ScreenName, flipNs);
        if (sound != null && _dev.Audio != null)
        {
            long asked = _session.Now;
            long started = _dev.Audio.Play(sound);
            _session.Write(SessionEvents.Audio(started, asked, _session.Run, _session.Block, _session.Trial, w.ScreenName, sound));
        }
        _dev.Input.SceneShown(w.Scene, flipNs, timeLimitNs, w.State.Cursor);
    }

    /// <summary>True when the screen shows its profile's photo: a card screen, or a parts screen with the photo or a card.</summary>
    private static bool ShowsPhoto(SceneSpec scene) => scene.Kind is SceneKind.Profile or SceneKind.Feedback or SceneKind.Question or SceneKind.Selection
        || scene.PartsShowPhoto;

    /// <summary>The shown profile's photo, relative to the stimuli root (BIDS stim_file); all computed up front.</summary>
    private string? StimFile(string profileId) => _stimFiles.GetValueOrDefault(profileId);

    /// <summary>
    /// Hands a marker to every output (each queues it to its own thread). The event log records the code on the
    /// screen's onset; each output reports the actual send time, which the caller records as a Marker event.
    /// </summary>
    private void SendMarker(int code, string label, long timeNs)
    {
        if (_dev.Markers.Count == 0) return;
        long t0 = _scanner.T0Ns;
        long fromT0 = t0 == EventRecord.None ? EventRecord.None : timeNs - t0;
        var m = new MarkerMessage(code, label, timeNs, fromT0);
        for (int i = 0; i < _dev.Markers.Count; i++) _dev.Markers[i].Send(m);
    }

    /// <summary>Shows a scene until a response it accepts, a time limit, or an abort. Self-paced phases.</summary>
    internal bool ShowSelfPaced(SceneSpec scene, ScreenMode mode, string name, IReadOnlyList<string> accepts, long timeLimitNs, int marker = 0,
        RatingSpec? rating = null, double cursor = double.NaN, long minimumNs = 0)
    {
        Begin(scene, mode, name, accepts, rating, cursor);
        long flip = FlipAndPoll();
        Shown(flip, EventRecord.None, timeLimitNs > 0 ? timeLimitNs : EventRecord.None, marker, null, timeLimitNs);
        while (!Finished)
        {
            HoldWhilePaused();
            if (_window.Responded && _session.Now - _window.OnsetNs >= minimumNs) return true;
            if (timeLimitNs > 0 && _frames.PredictedNextFlipNs - _window.OnsetNs > timeLimitNs) return false;
            FlipAndPoll();
        }
        return false;
    }

    /// <summary>In self-paced phases a pause holds the current screen until resumed.</summary>
    private void HoldWhilePaused()
    {
        if (!_operator.BeginRequestedPause()) return;
        var scene = _window.Scene;
        _dev.Display.Show(_session.Scenes.Text("paused", null, "Please wait a moment.", null), SceneState.Default);
        while (_operator.Paused && !Finished) FlipAndPoll();
        _dev.Display.Show(scene, _window.State);
    }

    /// <summary>A rating's cursor at its onset: the paradigm's start value, or a seeded draw on the scale.</summary>
    internal double StartValue(RatingSpec r)
    {
        if (!double.IsNaN(r.Start)) return r.Start;
        double v = r.Min + _session.Random.NextDouble() * (r.Max - r.Min);
        return r.Kind == RatingKind.Likert ? Math.Round(v) : Math.Round(v / r.Step) * r.Step;
    }

    /// <summary>A rating's outcome (value or timeout, cursor history), at its screen's end.</summary>
    internal void LogRating(RatingSpec r, bool answered)
    {
        var w = _window;
        if (!answered) _session.CountMissedResponse();
        _session.Write(SessionEvents.Rating(answered ? w.ResponseNs : _session.Now, _session.Run, _session.Block, _session.PhaseName, r.Name,
            w.Condition, w.State.Cursor, answered, answered ? w.ResponseNs - w.OnsetNs : EventRecord.None, w.OnsetNs, w.History()));
    }
}
