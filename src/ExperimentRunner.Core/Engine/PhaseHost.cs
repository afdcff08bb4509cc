using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;

namespace ExperimentRunner.Core.Engine;

/// <summary>
/// What a self-paced phase's runner may use of the session (and nothing more): the shared state, the screen on
/// display, the feedback targets, and the one way to show a screen until it is answered. <see cref="SessionRunner"/>
/// is the host; a test may give a phase runner its own.
/// </summary>
internal interface IPhaseHost
{
    SessionContext Session { get; }
    ResponseWindow Window { get; }
    FeedbackTargets FeedbackTargets { get; }
    /// <summary>The session is ending (aborted or stopped): every loop leaves.</summary>
    bool Finished { get; }
    /// <summary>The display's refresh period, ns.</summary>
    long FramePeriodNs { get; }

    /// <summary>Shows a scene until a response it accepts, a time limit, or an abort; true when answered.</summary>
    bool ShowSelfPaced(SceneSpec scene, ScreenMode mode, string name, IReadOnlyList<string> accepts, long timeLimitNs, int marker = 0,
        RatingSpec? rating = null, double cursor = double.NaN, long minimumNs = 0);

    /// <summary>Composes scenes ahead of use (it takes time on purpose: the next flip has no deadline).</summary>
    void PrepareScenes(IReadOnlyCollection<SceneSpec> scenes);

    /// <summary>A rating's cursor at its onset.</summary>
    double StartValue(RatingSpec r);

    /// <summary>Logs a rating's outcome at its screen's end.</summary>
    void LogRating(RatingSpec r, bool answered);
}

/// <summary>What a scan run's runner uses besides: the frame loop itself, and the frame, scanner and operator parts.</summary>
internal interface IScanHost : IPhaseHost
{
    FrameClock Frames { get; }
    ScannerClock Scanner { get; }
    OperatorCommands Operator { get; }

    /// <summary>One frame: flip, timestamp, poll everything; the flip's time, ns.</summary>
    long FlipAndPoll();

    /// <summary>Puts a scene up for the next flip and opens its response window.</summary>
    void Begin(SceneSpec scene, ScreenMode mode, string screenName, IReadOnlyList<string> accepts, RatingSpec? rating = null, double cursor = double.NaN);

    /// <summary>After the flip that showed a scene: its onset logged, its marker and sound sent.</summary>
    void Shown(long flipNs, long intendedNs, long durationNs, int marker, string? sound, long timeLimitNs, string? label);

    /// <summary>Hands a marker (code, label, the flip it belongs to) to every marker output; each logs when it went out.</summary>
    void SendMarker(int code, string label, long timeNs);
}

// The runner as the phases' host: each member forwards to the runner's own.
public sealed partial class SessionRunner : IScanHost
{
    SessionContext IPhaseHost.Session => _session;
    ResponseWindow IPhaseHost.Window => _window;
    FeedbackTargets IPhaseHost.FeedbackTargets => _targets;
    bool IPhaseHost.Finished => Finished;
    long IPhaseHost.FramePeriodNs => _frames.PeriodNs;
    FrameClock IScanHost.Frames => _frames;
    ScannerClock IScanHost.Scanner => _scanner;
    OperatorCommands IScanHost.Operator => _operator;

    bool IPhaseHost.ShowSelfPaced(SceneSpec scene, ScreenMode mode, string name, IReadOnlyList<string> accepts, long timeLimitNs, int marker,
        RatingSpec? rating, double cursor, long minimumNs) => ShowSelfPaced(scene, mode, name, accepts, timeLimitNs, marker, rating, cursor, minimumNs);

    void IPhaseHost.PrepareScenes(IReadOnlyCollection<SceneSpec> scenes) => PrepareScenes(scenes);
    double IPhaseHost.StartValue(RatingSpec r) => StartValue(r);
    void IPhaseHost.LogRating(RatingSpec r, bool answered) => LogRating(r, answered);
    long IScanHost.FlipAndPoll() => FlipAndPoll();

    void IScanHost.Begin(SceneSpec scene, ScreenMode mode, string screenName, IReadOnlyList<string> accepts, RatingSpec? rating, double cursor) =>
        Begin(scene, mode, screenName, accepts, rating, cursor);

    void IScanHost.Shown(long flipNs, long intendedNs, long durationNs, int marker, string? sound, long timeLimitNs, string? label) =>
        Shown(flipNs, intendedNs, durationNs, marker, sound, timeLimitNs, label);

    void IScanHost.SendMarker(int code, string label, long timeNs) => SendMarker(code, label, timeNs);
}
