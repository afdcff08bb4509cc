using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;

namespace ExperimentRunner.Core.Engine;

/// <summary>
/// The scanner's clock for one run: dummy pulses counted down, t0 at the first counted pulse, every later pulse
/// numbered as a volume from t0 and the TR, lost pulses logged as missing, a stopped scanner warned about once.
/// Allocates nothing per pulse (the run's pulse list is reserved up front).
/// </summary>
internal sealed class ScannerClock(SessionContext session)
{
    private readonly ScannerSpec _scanner = session.Paradigm.Scanner;
    private readonly List<(int Volume, long TimeNs)> _runPulses = new(4096);
    private int _pulsesSeen, _lastVolume = -1;
    private long _lastPulseNs = EventRecord.None;
    private bool _stopWarned;
    private int _lockWarnedVolume = -1;

    /// <summary>True from <see cref="Arm"/> until t0.</summary>
    public bool WaitingForT0 { get; private set; }

    /// <summary>Warm-up (dummy) pulses still to come before t0.</summary>
    public int DummiesLeft { get; private set; }

    /// <summary>The run's t0, ns on the run clock; <see cref="EventRecord.None"/> outside a started run.</summary>
    public long T0Ns { get; private set; } = EventRecord.None;

    /// <summary>Pulses the scanner should have sent and did not, over the session.</summary>
    public int MissingPulses { get; private set; }

    /// <summary>The run's pulses as (volume, time ns).</summary>
    public IReadOnlyList<(int Volume, long TimeNs)> RunPulses => _runPulses;

    /// <summary>Starts waiting for a run's t0, <paramref name="dummies"/> pulses to skip first.</summary>
    public void Arm(int dummies)
    {
        T0Ns = EventRecord.None;
        session.T0Ns = EventRecord.None;
        WaitingForT0 = true;
        DummiesLeft = dummies;
        _pulsesSeen = 0;
        _lastVolume = -1;
        _lastPulseNs = EventRecord.None;
        _stopWarned = false;
        _runPulses.Clear();
    }

    /// <summary>The run ended: no t0 until the next <see cref="Arm"/>.</summary>
    public void EndRun() => T0Ns = EventRecord.None;

    /// <summary>The operator's start: t0 now, whatever dummies were still to come.</summary>
    public void StartNow(long nowNs)
    {
        DummiesLeft = 0;
        Pulse(nowNs);
    }

    /// <summary>One pulse at <paramref name="timeNs"/>. True when it was a dummy (the wait screen's count changed).</summary>
    public bool Pulse(long timeNs)
    {
        long t = timeNs;
        var tr = _scanner.TrNs;
        var live = session.Live;
        if (WaitingForT0)
        {
            _pulsesSeen++;
            if (DummiesLeft > 0)
            {
                DummiesLeft--;
                session.Write(SessionEvents.Pulse(t, session.Run, -(DummiesLeft + 1), dummy: true));
                _lastPulseNs = t;
                live.VolumesReceived = 0;
                return true;
            }
            T0Ns = t;
            // From here every event of the run is written with its time from t0.
            session.T0Ns = t;
            session.T0Run = session.Run;
            WaitingForT0 = false;
            _lastVolume = 0;
            _lastPulseNs = t;
            _runPulses.Add((0, t));
            session.Write(SessionEvents.Pulse(t, session.Run, 0, dummy: false));
            live.VolumesReceived = 1;
            return false;
        }
        if (T0Ns == EventRecord.None) return false;
        int volume = tr > 0 ? (int)Math.Round((t - T0Ns) / (double)tr) : _lastVolume + 1;
        if (volume <= _lastVolume) volume = _lastVolume + 1;
        if (tr > 0 && _lastPulseNs != EventRecord.None && t - _lastPulseNs > tr * 3 / 2)
        {
            for (int v = _lastVolume + 1; v < volume; v++)
            {
                MissingPulses++;
                live.MissingPulses = MissingPulses;
                session.Write(SessionEvents.MissingPulse(T0Ns + v * tr, session.Run, v));
            }
        }
        if (tr > 0 && _lastPulseNs != EventRecord.None && t - _lastPulseNs < tr / 4)
            session.Warn("two scanner pulses less than a quarter TR apart (a trigger flood or a wrong TR?)");
        _lastVolume = volume;
        _lastPulseNs = t;
        _runPulses.Add((volume, t));
        live.VolumesReceived = volume + 1;
        session.Write(SessionEvents.Pulse(t, session.Run, volume, dummy: false));
        return false;
    }

    /// <summary>Warns once a run when an fMRI scanner sent no pulse for over 3 TR before its last volume.</summary>
    public void CheckStopped(long lastFlipNs)
    {
        if (!WaitingForT0 && T0Ns != EventRecord.None && _scanner.TrNs > 0 && _scanner.Modality == Modality.Fmri
            && _lastPulseNs != EventRecord.None && !_stopWarned && lastFlipNs - _lastPulseNs > 3 * _scanner.TrNs
            && (_scanner.Volumes == 0 || _lastVolume + 1 < _scanner.Volumes))
        {
            _stopWarned = true;
            session.Warn($"the scanner stopped sending pulses after volume {_lastVolume} (no pulse for over 3 TR)");
        }
    }

    /// <summary>
    /// When a block locked to volume k may start: the arrival time of pulse k (ns), estimated from the next pulse when
    /// k itself was lost; null while it has not come yet. If it is more than 1.5 TR overdue (the scanner stopped),
    /// the block starts on time and the miss is logged once.
    /// </summary>
    public long? VolumeLock(int volume, long plannedNs, long lastFlipNs)
    {
        for (int i = _runPulses.Count - 1; i >= 0; i--)
        {
            var (v, t) = _runPulses[i];
            if (v == volume) return t;
            if (v < volume) break;
            if (i == 0 || _runPulses[i - 1].Volume < volume) return t - (v - volume) * _scanner.TrNs;
        }
        if (lastFlipNs > plannedNs + _scanner.TrNs * 3 / 2)
        {
            if (_lockWarnedVolume != volume)
            {
                _lockWarnedVolume = volume;
                session.Warn($"volume {volume} never arrived: the block locked to it started on time instead");
            }
            return plannedNs;
        }
        return null;
    }

    /// <summary>The scanner's TR measured from this run's pulses (least squares of time on volume index), seconds.</summary>
    public double MeasuredTrSeconds()
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
}
