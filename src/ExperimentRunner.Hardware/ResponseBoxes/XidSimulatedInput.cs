using System.Diagnostics;
using System.Globalization;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Vocabulary;

namespace ExperimentRunner.Hardware.ResponseBoxes;

/// <summary>
/// A simulated participant pressing the buttons of an <see cref="XidEmulator"/>: each of its key-downs that a box
/// button stands for is sent by the emulator as XID bytes (stamped with the emulator's drifting timer at the
/// participant's planned time), read back by the <see cref="XidResponseBox"/> on the pty's other end, and returned
/// from there, stamped on arrival and aligned like a real box's. Other keys pass straight through. On the virtual
/// clock each poll waits (up to 2 s of real time) until the box has decoded what was sent, so the session sees the
/// presses in the same frame as it would have without the box.
/// </summary>
public sealed class XidSimulatedInput : IInput
{
    private readonly IInput _participant;
    private readonly XidEmulator _emulator;
    private readonly XidResponseBox _box;
    private readonly Dictionary<string, int> _buttons = new(StringComparer.OrdinalIgnoreCase);
    private readonly InputEvent[] _scratch = new InputEvent[64];
    private long _sent;
    private readonly ExperimentRunner.Core.Time.IClock _clock;
    private long _lastQueryNs = long.MinValue;

    /// <param name="clock">The session's clock: on a virtual one, the poll also asks the box's timer every
    /// <see cref="XidResponseBox.QueryIntervalNs"/> and waits for the answer, so no virtual time passes in the query.</param>
    public XidSimulatedInput(IInput participant, XidEmulator emulator, XidResponseBox box, ResponseBoxSpec spec, ExperimentRunner.Core.Time.IClock clock)
    {
        _clock = clock;
        if (!clock.IsRealTime) box.AutoQuery = false;
        _participant = participant;
        _emulator = emulator;
        _box = box;
        for (int i = 0; i < 8; i++) _buttons.TryAdd(spec.KeyOf(i.ToString(CultureInfo.InvariantCulture)), i);
    }

    public XidResponseBox Box => _box;

    /// <summary>Presses sent through the emulator.</summary>
    public long Sent => _sent;

    public string Timing => _participant.Timing;

    public string? Fault => _box.Fault;

    public int Poll(Span<InputEvent> buffer)
    {
        int n = _participant.Poll(_scratch.AsSpan(0, Math.Min(_scratch.Length, buffer.Length)));
        int count = 0, sent = 0;
        for (int i = 0; i < n; i++)
        {
            ref readonly var e = ref _scratch[i];
            if (e.IsDown && _buttons.TryGetValue(e.Key, out int button))
            {
                _emulator.Press(button, e.TimeNs);
                sent++;
            }
            else buffer[count++] = e;
        }
        if (sent > 0)
        {
            _sent += sent;
            long start = Stopwatch.GetTimestamp();
            var spin = new SpinWait();
            while (_box.Decoded < _sent && _box.Fault is null && Stopwatch.GetElapsedTime(start).TotalSeconds < 2) spin.SpinOnce();
        }
        long now = _clock.NowNs;
        if (!_clock.IsRealTime && (_lastQueryNs == long.MinValue || now - _lastQueryNs >= XidResponseBox.QueryIntervalNs))
        {
            _lastQueryNs = now;
            if (_box.TryQueryNow())
            {
                long start = Stopwatch.GetTimestamp();
                var spin = new SpinWait();
                while (_box.QueryPending && Stopwatch.GetElapsedTime(start).TotalSeconds < 2) spin.SpinOnce();
            }
        }
        return count + _box.Poll(buffer[count..]);
    }

    public void SceneShown(SceneSpec scene, long onsetNs, long timeLimitNs, double cursorStart) =>
        _participant.SceneShown(scene, onsetNs, timeLimitNs, cursorStart);
}
