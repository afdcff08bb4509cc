using System.Globalization;

namespace ExperimentRunner.Hardware.ResponseBoxes;

/// <summary>How a box's own clock relates to ours, as estimated so far.</summary>
/// <param name="Presses">Presses the estimate rests on.</param>
/// <param name="DriftPpm">How much faster the box's clock runs than ours, parts per million (0 until estimated).</param>
/// <param name="ResidualMs">The scatter of arrival stamps about the fitted line, ms (NaN until estimated): latency jitter.</param>
/// <param name="LatencyMs">The mean time from a press (box clock, aligned) to its arrival stamp, ms (NaN until estimated).</param>
/// <param name="RoundTripMs">A command's round trip at alignment, ms.</param>
/// <param name="Queries">Timer queries (e3) the alignment rests on; 0 for a box that does not answer them (then the
/// drift comes from the presses).</param>
public readonly record struct BoxDrift(int Presses, double DriftPpm, double ResidualMs, double LatencyMs, double RoundTripMs, int Queries = 0)
{
    /// <summary>One line for people: "drift +49.8 ppm, residual 0.12 ms, latency 1.03 ms over 57 presses; round trip 0.41 ms".</summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        if (Queries >= 2)
            return string.Create(c, $"drift {DriftPpm:+0.0;-0.0;0.0} ppm from {Queries} timer queries; {PressesText}; round trip {RoundTripMs:0.00} ms");
        if (Presses < BoxClock.MinPresses)
            return string.Create(c, $"{Presses} press(es): too few to estimate drift; round trip {RoundTripMs:0.00} ms");
        return string.Create(c, $"drift {DriftPpm:+0.0;-0.0;0.0} ppm from the presses; {PressesText}; round trip {RoundTripMs:0.00} ms");
    }

    private string PressesText => double.IsNaN(ResidualMs)
        ? $"{Presses} press(es)"
        : string.Create(CultureInfo.InvariantCulture, $"arrival latency {LatencyMs:0.00} ms (residual {ResidualMs:0.00} ms) over {Presses} presses");
}

/// <summary>
/// Maps a box's millisecond timer to the run clock. <see cref="Align"/> fixes the anchor: the run-clock time at which
/// the box's timer read 0 (its reset command's write, plus half a measured round trip). Every press then adds a point
/// (x = box time, y = arrival stamp − anchor − box time). A press arrives after it happened, never before, so the
/// delays lie on one side of the true line: the drift is the slope of the lower envelope of the points (their lower
/// convex hull, the edge under the points' mean box time: the line below every point closest to all of them, as
/// clock synchronisation over networks does), which is far less scattered than a least-squares line through delays
/// that vary by a frame or a USB poll. The least-squares fit gives the delays' scatter and mean (residual, latency).
/// <see cref="ToRunClock"/> maps a box time with the drift estimated so far, applied once the estimate is good enough
/// to help (at least <see cref="MinPresses"/> presses over <see cref="MinSpanNs"/>, and the delays' spread divided by
/// presses × span under 10 ppm; until then none is applied: little drift has accumulated yet).
/// Not thread-safe: the box's reader thread owns it.
/// </summary>
public sealed class BoxClock
{
    /// <summary>Presses before the drift is estimated and used.</summary>
    public const int MinPresses = 8;

    /// <summary>The box-time span (ns) the presses must cover before the drift is used: 10 s.</summary>
    public const long MinSpanNs = 10_000_000_000;

    /// <summary>A drift beyond this is no crystal's (a clock reset by someone else, the wrong device): not used, reported.</summary>
    public const double MaxPlausiblePpm = 2000;

    private const int MaxHull = 4096;

    private readonly double[] _hullX = new double[MaxHull];
    private readonly double[] _hullY = new double[MaxHull];
    private int _hullCount;
    private int _syncs;
    private double _syncMeanX, _syncMeanY, _syncCxy, _syncM2x, _syncMinX = double.MaxValue, _syncMaxX = double.MinValue;
    private int _n;
    private double _meanX, _meanY, _cxy, _m2x, _m2y, _minX = double.MaxValue, _maxX = double.MinValue;

    /// <summary>The run-clock time at which the box's timer read 0.</summary>
    public long AnchorNs { get; private set; }

    /// <summary>The round trip measured at alignment, ns.</summary>
    public long RoundTripNs { get; private set; }

    /// <summary>The slope in use (of delay on box time; −drift): 0 until good enough, or when implausible.</summary>
    public double Slope { get; private set; }

    /// <summary>True when the fitted drift is beyond <see cref="MaxPlausiblePpm"/>.</summary>
    public bool Implausible { get; private set; }

    /// <summary>Starts over: the box's timer read 0 at <paramref name="anchorNs"/>.</summary>
    public void Align(long anchorNs, long roundTripNs)
    {
        AnchorNs = anchorNs;
        RoundTripNs = roundTripNs;
        _n = _hullCount = _syncs = 0;
        _syncMeanX = _syncMeanY = _syncCxy = _syncM2x = 0;
        _syncMinX = double.MaxValue;
        _syncMaxX = double.MinValue;
        _meanX = _meanY = _cxy = _m2x = _m2y = 0;
        _minX = double.MaxValue;
        _maxX = double.MinValue;
        Slope = 0;
        Implausible = false;
    }

    /// <summary>The run-clock time of box time <paramref name="boxMs"/>, with the drift estimated so far.</summary>
    public long ToRunClock(uint boxMs)
    {
        double boxNs = Middle(boxMs);
        if (_syncs == 0) return AnchorNs + (long)Math.Round(boxNs * (1 + Slope));
        // Timer queries: the line through them (its offset alone after the first).
        double slope = Implausible ? 0 : SyncSlope;
        return AnchorNs + (long)Math.Round(boxNs + _syncMeanY + slope * (boxNs - _syncMeanX));
    }

    /// <summary>The box time a reading stands for, ns from the reset: the timer counts whole milliseconds, so a reading
    /// of T means T to T + 1 ms after it; the middle is the unbiased guess.</summary>
    private static double Middle(uint boxMs) => boxMs * 1e6 + 0.5e6;

    /// <summary>The slope of the timer queries' line once they span <see cref="MinSpanNs"/>; 0 before.</summary>
    private double SyncSlope => SyncSlopeKnown ? _syncCxy / _syncM2x : 0;

    /// <summary>Timer queries span <see cref="MinQuerySpanNs"/>: their line's slope is known.</summary>
    private bool SyncSlopeKnown => _syncs >= 2 && _syncM2x > 0 && _syncMaxX - _syncMinX >= MinQuerySpanNs;

    /// <summary>The span (ns) timer queries must cover before their slope is used: 5 s (each is exact to a millisecond).</summary>
    public const long MinQuerySpanNs = 5_000_000_000;

    /// <summary>Adds a timer query: the box's timer read <paramref name="boxMs"/> at the run-clock midpoint of the query's
    /// round trip (<paramref name="midNs"/>). Queries are exact to half their round trip, far better than presses.</summary>
    public void AddQuery(uint boxMs, long midNs)
    {
        double x = Middle(boxMs);
        double y = midNs - AnchorNs - x;
        _syncs++;
        double dx = x - _syncMeanX;
        _syncMeanX += dx / _syncs;
        _syncMeanY += (y - _syncMeanY) / _syncs;
        _syncCxy += dx * (y - _syncMeanY);
        _syncM2x += dx * (x - _syncMeanX);
        _syncMinX = Math.Min(_syncMinX, x);
        _syncMaxX = Math.Max(_syncMaxX, x);
        double slope = SyncSlope;
        Implausible = Math.Abs(slope) * 1e6 > MaxPlausiblePpm;
    }

    /// <summary>Adds a press: the box's time and our arrival stamp; updates the estimate.</summary>
    public void Add(uint boxMs, long arrivalNs)
    {
        double x = Middle(boxMs);
        double y = arrivalNs - AnchorNs - x;
        _n++;
        double dx = x - _meanX;
        _meanX += dx / _n;
        double dy = y - _meanY;
        _meanY += dy / _n;
        _cxy += dx * (y - _meanY);
        _m2x += dx * (x - _meanX);
        _m2y += dy * (y - _meanY);
        _minX = Math.Min(_minX, x);
        _maxX = Math.Max(_maxX, x);
        AddToHull(x, y);
        // A box that answers timer queries is aligned by them; its presses only say how late they arrive.
        if (_syncs > 0 || _n < MinPresses || _maxX - _minX < MinSpanNs || _m2x <= 0 || !TryEnvelope(out double slope, out _)) return;
        double residual = Math.Sqrt(Math.Max(0, _m2y - _cxy * _cxy / _m2x) / (_n - 2));
        double spread = residual * Math.Sqrt(12); // the range of uniformly scattered delays with this SD
        if (Slope == 0 && spread / (_n * (_maxX - _minX)) > 10e-6) return;
        Implausible = Math.Abs(slope) * 1e6 > MaxPlausiblePpm;
        Slope = Implausible ? 0 : slope;
    }

    /// <summary>Andrew's monotone chain for the lower hull; box times come in order (a press never goes back in time).</summary>
    private void AddToHull(double x, double y)
    {
        if (_hullCount > 0 && x <= _hullX[_hullCount - 1])
        {
            if (x < _hullX[_hullCount - 1] || y >= _hullY[_hullCount - 1]) return; // out of order or not lower: not on the envelope
            _hullCount--; // same box time, lower delay: replaces it
        }
        while (_hullCount >= 2)
        {
            double ax = _hullX[_hullCount - 2], ay = _hullY[_hullCount - 2], bx = _hullX[_hullCount - 1], by = _hullY[_hullCount - 1];
            if ((bx - ax) * (y - ay) - (by - ay) * (x - ax) > 0) break; // a left turn: b stays on the lower hull
            _hullCount--;
        }
        if (_hullCount == MaxHull) return;
        _hullX[_hullCount] = x;
        _hullY[_hullCount++] = y;
    }

    /// <summary>The lower hull's edge under the mean box time: its slope and its delay at box time 0.</summary>
    private bool TryEnvelope(out double slope, out double intercept)
    {
        slope = intercept = 0;
        if (_hullCount < 2) return false;
        int k = 0;
        while (k < _hullCount - 2 && _hullX[k + 1] < _meanX) k++;
        slope = (_hullY[k + 1] - _hullY[k]) / (_hullX[k + 1] - _hullX[k]);
        intercept = _hullY[k] - slope * _hullX[k];
        return true;
    }

    /// <summary>The estimate as it stands.</summary>
    public BoxDrift Estimate()
    {
        double rtt = RoundTripNs / 1e6;
        if (SyncSlopeKnown)
        {
            var fromPresses = EstimateFromPresses(rtt);
            double s = SyncSlope;
            // Latency and scatter of the presses about the queries' line.
            return fromPresses with { DriftPpm = (1 / (1 + s) - 1) * 1e6, Queries = _syncs };
        }
        return EstimateFromPresses(rtt);
    }

    private BoxDrift EstimateFromPresses(double rtt)
    {
        if (_n < MinPresses || _m2x <= 0 || !TryEnvelope(out double slope, out double intercept)) return new BoxDrift(_n, 0, double.NaN, double.NaN, rtt);
        double sse = Math.Max(0, _m2y - _cxy * _cxy / _m2x);
        double residual = _n > 2 ? Math.Sqrt(sse / (_n - 2)) : double.NaN;
        // The mean delay above the envelope; the slope is of delay on box time, so a box clock running fast gives a
        // negative one: its rate against ours is 1 / (1 + slope).
        double latency = _meanY - slope * _meanX - intercept;
        return new BoxDrift(_n, (1 / (1 + slope) - 1) * 1e6, residual / 1e6, latency / 1e6, rtt);
    }
}
