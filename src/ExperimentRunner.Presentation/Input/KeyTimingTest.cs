using System.Globalization;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Core.Vocabulary;

namespace ExperimentRunner.Presentation.Input;

/// <summary>What <see cref="KeyTimingTest"/> measured: stamp − injection, and where stamps fall in the frame.</summary>
public sealed record KeyTimingResult(
    string InputTiming, int Injected, int Stamped, double MeanMs, double SdMs, double P50Ms, double P99Ms, double MinMs, double MaxMs,
    double PeriodMs, int[] PhaseDeciles, double[] SortedDelaysMs)
{
    /// <summary>The share of presses stamped within <paramref name="ms"/> of their injection.</summary>
    public double ShareWithin(double ms) => SortedDelaysMs.Length == 0 ? 0 : SortedDelaysMs.Count(d => d <= ms) / (double)SortedDelaysMs.Length;

    /// <summary>The share of stamps in the first three tenths of a frame after a flip (0.3 when spread evenly).</summary>
    public double EarlyShare => Stamped == 0 ? 0 : (PhaseDeciles[0] + PhaseDeciles[1] + PhaseDeciles[2]) / (double)Stamped;

    /// <summary>
    /// True when stamps sit just after flips: over 60% in the first three tenths of the frame, twice what presses at
    /// random moments give. Keys taken by the frame loop land there (all of them on an idle machine; a busy one
    /// polls later after the flip, so the bound is not "all in the first tenth").
    /// </summary>
    public bool ClusteredAfterFlips => EarlyShare > 0.6;

    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"input {InputTiming}: {Stamped} of {Injected} presses stamped; stamp - injection mean {MeanMs:0.000} ms, SD {SdMs:0.000}, p50 {P50Ms:0.000}, p99 {P99Ms:0.000}, min {MinMs:0.000}, max {MaxMs:0.000}; " +
        $"phase after the flip (tenths of a {PeriodMs:0.00} ms frame) {string.Join(" ", PhaseDeciles)}: {(ClusteredAfterFlips ? "CLUSTERED after flips" : "spread over the frame")}");
}

/// <summary>
/// The key-timing measurement behind <c>exrun timing-test --keys N</c>, the benchmark and the tests: a frame loop
/// flips a display and polls an input; another thread presses a key through XTEST at N random moments (uniform gaps,
/// so presses fall anywhere in a frame); each press's stamp is compared with its injection, and its phase after the
/// last flip before it is counted in tenths of a frame. The frame loop's poll allocates nothing (it is timed too).
/// </summary>
public static class KeyTimingTest
{
    /// <param name="display">Flips (a real display or one paced on the clock).</param>
    /// <param name="input">The input under test (its <see cref="IInput.Timing"/> is reported).</param>
    /// <param name="injector">Presses keys on the same X server the input reads.</param>
    /// <param name="presses">How many presses.</param>
    /// <param name="key">The key pressed (a name of <see cref="KeyNames"/>).</param>
    /// <param name="seed">Seeds the gaps between presses.</param>
    /// <param name="minGapMs">Shortest gap between presses (a press and its release are 20 ms apart within it).</param>
    /// <param name="onInjectorThread">Runs first on the injecting thread (real-time scheduling in the benchmark).</param>
    public static KeyTimingResult Run(IDisplay display, IInput input, XTestInjector injector, IClock clock, int presses,
        string key = "5", int seed = 1, double minGapMs = 60, double maxGapMs = 180, Action? onInjectorThread = null)
    {
        string name = KeyNames.Normalize(key);
        byte keycode = injector.Keycode(name);
        var injected = new long[presses];
        var stamps = new long[presses];
        // Every flip of the whole test, preallocated: the loop stores into it without allocating.
        int maxFlips = (int)(presses * maxGapMs / Ns.ToMs(display.PeriodNs)) + 10 * (int)display.RefreshHz + 100;
        var flips = new long[maxFlips];
        int flipCount = 0, stamped = 0, done = 0;
        var buffer = new InputEvent[64];

        var random = new Random(seed);
        var gaps = new long[presses];
        for (int i = 0; i < presses; i++) gaps[i] = Ns.FromMs(minGapMs + random.NextDouble() * (maxGapMs - minGapMs));
        var thread = new Thread(() =>
        {
            onInjectorThread?.Invoke();
            long at = clock.NowNs + Ns.FromMs(300); // a few flips first
            for (int i = 0; i < presses; i++)
            {
                at += gaps[i];
                clock.SleepUntil(at);
                injected[i] = injector.Key(keycode, true);
                clock.SleepUntil(at + Ns.FromMs(20));
                injector.Key(keycode, false);
            }
            Volatile.Write(ref done, 1);
        }) { IsBackground = true, Name = "key injector (XTEST)" };

        for (int i = 0; i < 5; i++) display.Flip(); // warm-up, and drain whatever waited
        while (input.Poll(buffer) > 0) { }
        thread.Start();
        long doneAt = long.MaxValue;
        while (stamped < presses && flipCount < flips.Length)
        {
            long flip = display.Flip();
            flips[flipCount++] = flip;
            int n = input.Poll(buffer);
            for (int i = 0; i < n; i++)
                if (buffer[i].IsDown && ReferenceEquals(buffer[i].Key, name) && stamped < presses) stamps[stamped++] = buffer[i].TimeNs;
            // Presses lost on the way (a window without focus on the frame-polled path) end the test 1 s after the last.
            if (Volatile.Read(ref done) == 1 && doneAt == long.MaxValue) doneAt = flip;
            if (flip - doneAt > Ns.PerSecond) break;
        }
        thread.Join();

        return Summarise(input.Timing, injected, stamps, stamped, flips, flipCount, display.PeriodNs);
    }

    /// <summary>
    /// The figures of a measurement: each stamp is matched to the latest injection at or before it (both in time
    /// order; presses are at least 60 ms apart, so a press that was never stamped does not shift the others).
    /// </summary>
    public static KeyTimingResult Summarise(string timing, long[] injected, long[] stamps, int stamped, long[] flips, int flipCount, long periodNs)
    {
        int n = Math.Min(stamped, injected.Length);
        var d = new double[n];
        var deciles = new int[10];
        int j = 0;
        for (int i = 0; i < n; i++)
        {
            while (j + 1 < injected.Length && injected[j + 1] != 0 && injected[j + 1] <= stamps[i]) j++;
            d[i] = Ns.ToMs(stamps[i] - injected[j]);
            int k = Array.BinarySearch(flips, 0, flipCount, stamps[i]);
            if (k < 0) k = ~k - 1; // the last flip at or before the stamp
            if (k < 0) continue;
            long phase = stamps[i] - flips[k];
            deciles[Math.Clamp((int)(phase * 10 / periodNs), 0, 9)]++;
        }
        var sorted = d.Order().ToArray();
        double mean = n == 0 ? double.NaN : d.Average();
        double sd = n < 2 ? double.NaN : Math.Sqrt(d.Sum(x => (x - mean) * (x - mean)) / (n - 1));
        double Pct(double p) => n == 0 ? double.NaN : sorted[Math.Min(n - 1, (int)Math.Ceiling(p * n) - 1)];
        return new KeyTimingResult(timing, injected.Length, n, mean, sd, Pct(0.5), Pct(0.99), n == 0 ? double.NaN : sorted[0],
            n == 0 ? double.NaN : sorted[^1], Ns.ToMs(periodNs), deciles, sorted);
    }
}
