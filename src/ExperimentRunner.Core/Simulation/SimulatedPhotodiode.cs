using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Core.Vocabulary;

namespace ExperimentRunner.Core.Simulation;

/// <summary>
/// The photodiode's simulated twin: each change of the patch is seen at its flip + lag + Gaussian jitter (seeded),
/// reported once the clock has passed that moment; with probability <see cref="PhotodiodeSpec.Miss"/> an edge is never
/// reported. For tests, <c>timing-test --photodiode sim</c> and <c>simulate</c>. Allocation-free after construction.
/// </summary>
public sealed class SimulatedPhotodiode : IPhotodiode
{
    private readonly IClock _clock;
    private readonly PhotodiodeSpec _spec;
    private readonly Random _random;
    private readonly LightEdge[] _pending = new LightEdge[256];
    private int _head, _count;
    private bool _light;

    public SimulatedPhotodiode(PhotodiodeSpec spec, IClock clock)
    {
        _spec = spec;
        _clock = clock;
        _random = new Random(spec.Seed);
        Description = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"simulated photodiode (lag {spec.LagNs / 1e6:0.###} ms, jitter SD {spec.JitterNs / 1e6:0.###} ms, miss {spec.Miss:0.###}, seed {spec.Seed})");
    }

    public string Description { get; }

    public void Flipped(long flipNs, bool light)
    {
        if (light == _light) return;
        _light = light;
        // Draw both numbers whatever happens, so a miss does not shift the later edges' jitter.
        double gauss = Gaussian();
        bool missed = _random.NextDouble() < _spec.Miss;
        if (missed || _count == _pending.Length) return;
        long at = flipNs + _spec.LagNs + (long)Math.Round(gauss * _spec.JitterNs);
        _pending[(_head + _count) % _pending.Length] = new LightEdge(at, light);
        _count++;
    }

    public int Poll(Span<LightEdge> edges)
    {
        long now = _clock.NowNs;
        int n = 0;
        while (n < edges.Length && _count > 0 && _pending[_head].TimeNs <= now)
        {
            edges[n++] = _pending[_head];
            _head = (_head + 1) % _pending.Length;
            _count--;
        }
        return n;
    }

    /// <summary>Box–Muller.</summary>
    private double Gaussian()
    {
        double u1 = 1.0 - _random.NextDouble(), u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    public void Dispose() { }
}
