using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;

namespace ExperimentRunner.Core.Engine;

/// <summary>
/// Plays one ball-toss game (a <c>ball_toss</c> screen of a scan run) inside the run's frame loop: the scan runner
/// keeps the schedule (t0, non-slip onsets, volume locks, pauses between trials); this part moves the ball. Each frame
/// it places the ball from the predicted flip time (held by a player, or on its arc between two), releases a computer
/// player's throw when its planned delay has passed, takes the participant's choice of receiver through the
/// <see cref="ResponseWindow"/> (or the timeout's), and after the flip stamps release and arrival with the flip that
/// showed them and logs each throw. Built before the run; allocates nothing per frame.
/// </summary>
internal sealed class BallTossRunner
{
    private enum Stage { Waiting, Holding, Flying, Done }

    private readonly SessionContext _s;
    private readonly ResponseWindow _window;
    private readonly PlannedEvent _event;
    private readonly BallTossSpec _spec;
    private readonly BallTossGame _game;
    private readonly SceneSpec _scene, _turn;
    private readonly IReadOnlyList<string> _choices;
    private readonly int[] _receiverOfChoice;
    private readonly string[] _labels;
    private readonly long _periodNs;
    private readonly Action<int, string, long> _sendMarker;

    private Stage _stage = Stage.Waiting;
    private int _from, _to;
    private long _holdSinceNs, _releaseDueNs, _releaseNs, _rtNs;
    private int _code;
    private bool _releasePending, _arrivalPending;
    private ThrowLabel _label;

    private BallTossRunner(SessionContext s, ResponseWindow window, PlannedEvent e, BallTossPlan plan, long periodNs, Action<int, string, long> sendMarker)
    {
        _sendMarker = sendMarker;
        _s = s;
        _window = window;
        _event = e;
        _spec = plan.Game;
        _game = new BallTossGame(plan);
        _scene = s.Scenes.BallToss(_spec);
        _turn = s.Scenes.BallTossTurn(_spec);
        _choices = _turn.Responses;
        _receiverOfChoice = _spec.Choices.Select(c => c.Value).ToArray();
        _labels = [BallTossPlan.LabelText(ThrowLabel.BallToParticipant), BallTossPlan.LabelText(ThrowLabel.BallToOther), BallTossPlan.LabelText(ThrowLabel.ParticipantThrow)];
        _periodNs = periodNs;
    }

    /// <summary>Throws made so far (for tests and the live view).</summary>
    public int ThrowsDone => _game.ThrowsDone;

    /// <summary>The games of a run's events, built before the run (null where an event is no ball_toss screen).</summary>
    /// <param name="sendMarker">Sends a marker (code, label, flip time) to the session's outputs: a throw's, when the ball leaves the hands.</param>
    public static BallTossRunner?[] ForRun(SessionContext s, ResponseWindow window, List<PlannedEvent> events, long periodNs, Action<int, string, long> sendMarker)
    {
        var games = new BallTossRunner?[events.Count];
        for (int i = 0; i < events.Count; i++)
        {
            var plan = BallTossPlan.For(s.Paradigm, s.Plan.Seed, events[i]);
            if (plan != null) games[i] = new BallTossRunner(s, window, events[i], plan, periodNs, sendMarker);
        }
        return games;
    }

    /// <summary>The screen is about to show: the ball in its first holder's hands.</summary>
    public void Begin()
    {
        PlaceHeld(_game.Holder);
        _s.Devices.Display.Show(_scene, _window.State);
    }

    /// <summary>The flip that showed the screen: the first holder's delay runs from here.</summary>
    public void Started(long flipNs)
    {
        _window.Reopen(ScreenMode.None, [], flipNs);
        Caught(flipNs);
    }

    /// <summary>Before a flip predicted at <paramref name="predictedNs"/>: throws that are due, and the ball's place.</summary>
    public void Frame(long predictedNs)
    {
        switch (_stage)
        {
            case Stage.Holding:
                if (_game.Over) { _stage = Stage.Done; break; }
                if (_game.ParticipantHolds)
                {
                    if (_window.Responded)
                    {
                        int receiver = ReceiverOf(_window.Response);
                        if (receiver < 0) break;
                        _rtNs = _window.ResponseNs - _holdSinceNs;
                        Release(receiver, 0, predictedNs);
                    }
                    else if (predictedNs - _holdSinceNs > _spec.TimeLimitNs)
                    {
                        _rtNs = EventRecord.None;
                        Release(_game.TimeoutReceiver(), 1, predictedNs);
                    }
                }
                else if (predictedNs + _periodNs / 2 >= _releaseDueNs)
                {
                    _rtNs = EventRecord.None;
                    Release(_game.ComputerReceiver(), 0, predictedNs);
                }
                break;
            case Stage.Flying:
                double t = (predictedNs - _releaseNs) / (double)_spec.FlightNs;
                if (t >= 1)
                {
                    PlaceHeld(_to);
                    _arrivalPending = true;
                }
                else PlaceInFlight(t);
                _s.Devices.Display.Show(_scene, _window.State);
                break;
        }
    }

    /// <summary>After the flip: a release or an arrival it showed gets that flip's time; an arrival logs the throw.</summary>
    public void AfterFlip(long flipNs)
    {
        if (_releasePending)
        {
            _releasePending = false;
            _releaseNs = flipNs;
            int marker = _spec.ThrowMarkers[(int)_label];
            if (marker > 0) _sendMarker(marker, _labels[(int)_label], flipNs);
        }
        if (_arrivalPending)
        {
            _arrivalPending = false;
            Log(flipNs - _releaseNs);
            Caught(flipNs);
        }
    }

    /// <summary>The screen ended: a ball still in the air is logged as cut, and the game's counts.</summary>
    public void Finish()
    {
        if (_stage == Stage.Flying && !_releasePending)
        {
            _code = 2;
            Log(EventRecord.None);
        }
        _window.Reopen(ScreenMode.None, [], _window.OnsetNs);
        _stage = Stage.Done;
        _s.Write(SessionEvents.GameEnded(_s.Now, _s.Place, _event.Screen, _event.Condition, _game.ThrowsDone, _game.Received, KindText(_game.Plan.Schedule.Kind)));
    }

    private static string KindText(GameScheduleKind kind) => kind switch
    {
        GameScheduleKind.Inclusion => "inclusion",
        GameScheduleKind.Exclusion => "exclusion",
        GameScheduleKind.Watching => "watching",
        _ => "",
    };

    private int ReceiverOf(string? response)
    {
        if (response == null) return -1;
        for (int i = 0; i < _choices.Count; i++) if (_choices[i] == response) return _receiverOfChoice[i];
        return -1;
    }

    private void Release(int receiver, int code, long predictedNs)
    {
        _from = _game.Holder;
        _to = receiver;
        _code = code;
        _label = _game.Throw(receiver);
        _stage = Stage.Flying;
        _releasePending = true;
        _releaseNs = predictedNs;
        if (_from == _game.ParticipantIndex) _window.Reopen(ScreenMode.None, [], _window.OnsetNs);
        PlaceHeld(_from);
        _s.Devices.Display.Show(_scene, _window.State);
    }

    private void Caught(long flipNs)
    {
        _holdSinceNs = flipNs;
        _stage = _game.Over ? Stage.Done : Stage.Holding;
        if (_stage != Stage.Holding) return;
        if (_game.ParticipantHolds)
        {
            // The participant's turn: their choice responses open now, and the RT counts from this flip.
            _window.Reopen(ScreenMode.Choice, _choices, flipNs);
            _s.Devices.Input.SceneShown(_turn, flipNs, _spec.TimeLimitNs, double.NaN);
        }
        else _releaseDueNs = flipNs + _game.NextDelayNs;
    }

    private void Log(long flightNs)
    {
        _s.Write(SessionEvents.Throw(_releaseNs, flightNs, _from == _game.ParticipantIndex ? EventRecord.None : _releaseDueNs, _s.Place,
            _event.Screen, _event.Condition, _spec.Players[_from].Name, _spec.Players[_to].Name, _rtNs, _game.ThrowsDone, _labels[(int)_label], (ThrowEnd)_code));
    }

    private void PlaceHeld(int player) => (_window.State.BallX, _window.State.BallY) = _spec.BallAt(player, player, 0);

    private void PlaceInFlight(double t) => (_window.State.BallX, _window.State.BallY) = _spec.BallAt(_from, _to, t);
}
