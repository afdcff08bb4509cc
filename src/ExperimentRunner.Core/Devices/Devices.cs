namespace ExperimentRunner.Core.Devices;

/// <summary>
/// The participant's screen. All calls come from the frame-loop thread. <see cref="Show"/> and <see cref="Flip"/>
/// must not allocate, decode or touch the disk: everything is composed in <see cref="Prepare"/>.
/// </summary>
public interface IDisplay : IDisposable
{
    /// <summary>Refresh rate in Hz: measured from timed flips for a real display, nominal for a simulated one.</summary>
    double RefreshHz { get; }

    /// <summary>Refresh period in ns (1e9 / RefreshHz).</summary>
    long PeriodNs { get; }

    /// <summary>"vsync" when flips wait for vertical blank, "unsynchronised" when paced on the clock, "virtual" when simulated.</summary>
    string Timing { get; }

    /// <summary>Width × height in pixels.</summary>
    (int Width, int Height) Size { get; }

    /// <summary>Composes and uploads every scene ahead of its use (before a phase or block). May take seconds.</summary>
    void Prepare(IReadOnlyCollection<SceneSpec> scenes, IProgress<int>? progress = null);

    /// <summary>Chooses what the next flips show. The scene must have been prepared.</summary>
    void Show(SceneSpec scene, in SceneState state);

    /// <summary>Draws the current scene and swaps; returns when the flip is done, with its completion time (ns, run clock).</summary>
    long Flip();
}

/// <summary>Where an input event came from.</summary>
public enum InputSource { Keyboard, Mouse, Simulated, ResponseBox }

/// <summary>
/// A key or button. <see cref="Key"/> is a name from a fixed table ("1", "5", "space", "escape", "left"…), never
/// a new string, so polling does not allocate. Stamped with the run clock as it came off the device queue.
/// A response box's button (<see cref="InputSource.ResponseBox"/>) names its box in <see cref="Device"/> ("xid", "forp");
/// a box with its own clock (Cedrus XID) gives its timer's reading in <see cref="DeviceTimeMs"/>, and then
/// <see cref="TimeNs"/> is that reading aligned to the run clock (the press itself) and <see cref="ArrivalNs"/> the
/// run-clock stamp taken when its bytes arrived.
/// </summary>
public readonly record struct InputEvent(long TimeNs, string Key, bool IsDown, InputSource Source, double X = 0, double Y = 0,
    string? Device = null, long ArrivalNs = long.MinValue, double DeviceTimeMs = double.NaN);

/// <summary>Keys and buttons. Polled once per frame from the frame-loop thread.</summary>
public interface IInput
{
    /// <summary>Copies the events that arrived since the last poll into <paramref name="buffer"/>; returns how many.</summary>
    int Poll(Span<InputEvent> buffer);

    /// <summary>How its events are stamped: one of <see cref="InputTimings"/> (stored with the session).</summary>
    string Timing => InputTimings.FramePolled;

    /// <summary>
    /// Told when a screen appeared (a simulated participant plans its answer from it). Real input ignores it.
    /// <paramref name="cursorStart"/> is a rating's starting cursor (NaN for other screens).
    /// </summary>
    void SceneShown(SceneSpec scene, long onsetNs, long timeLimitNs, double cursorStart) { }

    /// <summary>A problem to show the operator (a response box that vanished, floods or sends garbage), or null. Read
    /// from any thread; must not allocate when nothing changed.</summary>
    string? Fault => null;
}

/// <summary>What a trigger source made of a key event offered to it (<see cref="ITriggerSource.OfferKey"/>).</summary>
public enum KeyOffer
{
    /// <summary>Not its key: the event goes on to the responses and the operator's keys.</summary>
    NotMine,
    /// <summary>Its key but no pulse (before arming, within the flood guard, after a manual start): never a response either.</summary>
    Consumed,
    /// <summary>Its key and a pulse at the event's time: the caller counts it now.</summary>
    Pulse,
}

/// <summary>Scanner volume triggers. Polled once per frame; pulses stamped on arrival with the run clock.</summary>
public interface ITriggerSource : IDisposable
{
    /// <summary>What it is, for the record ("emulate tr=2s", "key 5", "serial /dev/ttyUSB0").</summary>
    string Description { get; }

    /// <summary>Starts listening (the emulator starts its scanner). Pulses before this are ignored.</summary>
    void Arm(long nowNs);

    /// <summary>Copies pulse times (ns, run clock) that arrived since the last poll; returns how many. Key sources have none here (see <see cref="OfferKey"/>).</summary>
    int Poll(Span<long> pulseTimesNs);

    /// <summary>
    /// Offered every key-down on the frame-loop thread, before responses. A key source (a trigger-to-USB converter, the
    /// operator's start key) answers at once whether the event is a pulse, at the event's own time, which the caller
    /// counts then and there: key pulses never wait in a buffer for <see cref="Poll"/>.
    /// </summary>
    KeyOffer OfferKey(in InputEvent e) => KeyOffer.NotMine;

    /// <summary>A problem to show the operator (port vanished), or null. Read from any thread; must not allocate when nothing changed.</summary>
    string? Fault => null;

    /// <summary>True when its one pulse is the operator's start, not the scanner's: it is t0 at once, never counted as
    /// a dummy scan.</summary>
    bool IsOperatorStart => false;
}

/// <summary>An event marker sent to other equipment (EEG, physiology, eye tracker).</summary>
public readonly record struct MarkerMessage(int Code, string Label, long TimeNs, long FromT0Ns);

/// <summary>A marker output. <see cref="Send"/> never blocks: implementations queue to their own thread.</summary>
public interface IMarkerOutput : IDisposable
{
    string Description { get; }

    void Send(in MarkerMessage marker);

    /// <summary>
    /// Waits until every marker sent to it has gone out (and been told to whoever records it), up to
    /// <paramref name="timeout"/>; false when some had not. Not for the frame loop: the session calls it once, before its
    /// end is stored. An output that sends at once has nothing to wait for.
    /// </summary>
    bool Flush(TimeSpan timeout) => true;

    /// <summary>
    /// A problem to show the operator (the link died, a send failed, the queue is full), or null while all is well.
    /// Read from any thread; must not allocate when nothing changed.
    /// </summary>
    string? Fault => null;
}

/// <summary>Sounds, preloaded, started on a chosen frame.</summary>
public interface IAudio : IDisposable
{
    /// <summary>Decodes a WAV file ahead of time under a name.</summary>
    void Preload(string name, string path);

    /// <summary>Starts a preloaded sound now; returns the run-clock time the device took it (ns). Never blocks.</summary>
    long Play(string name);
}

/// <summary>No sound at all (a paradigm without sounds, or a simulated session).</summary>
public sealed class SilentAudio(Time.IClock clock) : IAudio
{
    public void Preload(string name, string path) { }
    public long Play(string name) => clock.NowNs;
    public void Dispose() { }
}
