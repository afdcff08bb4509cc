using System.Diagnostics;
using System.Globalization;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Core.Vocabulary;
using ExperimentRunner.Hardware.ResponseBoxes;
using Spectre.Console;

namespace ExperimentRunner.Cli.Commands;

/// <summary>
/// timing-test --response-box: does the box answer, what is it, how is its clock aligned to ours and how does it
/// drift, and how late do its presses reach us. An XID box waits for N presses by a person; the simulated box
/// (xid-sim) presses by itself at random moments. Not a session: nothing is stored.
/// </summary>
public static class TimingTestResponseBox
{
    /// <summary>A drift beyond this (ppm) fails the check: no crystal drifts so far, so the box's timer is not what we think.</summary>
    public const double DriftLimitPpm = 200;

    public static int Run(IAnsiConsole console, string specText, int presses, double timeoutS)
    {
        var spec = ResponseBoxArguments.Parse(specText)!;
        if (spec.Kind == ResponseBoxKind.Forp)
            throw new UserFacingException("--response-box forp: a fORP in keyboard mode types keys with no clock of its own: measure its path with timing-test --keys (its keys take the same path)", ExitCodes.Invalid);
        if (presses is < 2 or > 10_000) throw new UserFacingException("--presses must be from 2 to 10000", ExitCodes.Invalid);
        var clock = new MonotonicClock();
        using var device = ResponseBoxArguments.Open(spec, clock);
        var box = device.Box!;
        var inv = CultureInfo.InvariantCulture;
        console.MarkupLine($"timing-test: response box {Markup.Escape(device.Description)}");
        console.MarkupLine(device.Emulator is null
            ? $"press any button of the box {presses} times, a second or more apart (up to {timeoutS.ToString("0", inv)} s)"
            : $"the simulated box presses {presses} times at random moments (about {presses * 0.7:0} s)");

        var latencies = new List<double>();
        var buffer = new InputEvent[64];
        var watch = Stopwatch.StartNew();
        var random = new Random(1);
        int sent = 0;
        long nextPressNs = clock.NowNs + 300_000_000;
        while (latencies.Count < presses && watch.Elapsed.TotalSeconds < timeoutS)
        {
            if (device.Emulator is { } emulator && sent < presses && clock.NowNs >= nextPressNs)
            {
                emulator.Press(sent % 4 + 1, clock.NowNs);
                sent++;
                nextPressNs = clock.NowNs + random.Next(500, 900) * 1_000_000L;
            }
            int n = box.Poll(buffer);
            for (int i = 0; i < n; i++)
            {
                if (!buffer[i].IsDown) continue;
                var e = buffer[i];
                double latencyMs = (e.ArrivalNs - e.TimeNs) / 1e6;
                latencies.Add(latencyMs);
                console.MarkupLine($"  press {latencies.Count}: button '{Markup.Escape(e.Key)}', box timer {((long)e.DeviceTimeMs).ToString(inv)} ms, arrived {latencyMs.ToString("0.00", inv)} ms after the press (by the box's aligned clock)");
            }
            Thread.Sleep(2);
        }
        var drift = box.Drift;
        double spanS = watch.Elapsed.TotalSeconds;
        double resolutionPpm = 1.0 / (spanS * 1000) * 1e6; // one timer millisecond over the span
        var t = new Table().Border(TableBorder.Rounded).Title("[bold]response box[/]");
        t.AddColumn("figure");
        t.AddColumn("value");
        t.AddRow("box", Markup.Escape(box.Product));
        t.AddRow("answers", $"XID protocol; timer queries (e3): {(box.AnswersTimerQueries ? "yes (its clock is checked every 2 s)" : "no (drift from the presses)")}");
        t.AddRow("alignment", $"timer reset at opening; command round trip {drift.RoundTripMs.ToString("0.00", inv)} ms (the anchor is good to half of it)");
        t.AddRow("presses", $"{latencies.Count} of {presses}");
        if (latencies.Count > 0)
        {
            var sorted = latencies.Order().ToList();
            double mean = sorted.Average(), sd = Math.Sqrt(sorted.Sum(x => (x - mean) * (x - mean)) / Math.Max(1, sorted.Count - 1));
            t.AddRow("press → arrival (ms): mean / SD / max", $"{mean.ToString("0.00", inv)} / {sd.ToString("0.00", inv)} / {sorted[^1].ToString("0.00", inv)}");
        }
        bool driftKnown = drift.Queries >= 2 || drift.Presses >= Hardware.ResponseBoxes.BoxClock.MinPresses;
        t.AddRow("clock drift", driftKnown
            ? $"{drift.DriftPpm.ToString("+0.0;-0.0;0.0", inv)} ppm ± {resolutionPpm.ToString("0", inv)} ppm over {spanS.ToString("0", inv)} s ({(drift.Queries >= 2 ? $"{drift.Queries} timer queries" : $"{drift.Presses} presses")}); longer checks resolve it better"
            : "not enough data (more presses over a longer time)");
        if (box.Fault is { } fault) t.AddRow("fault", $"[red]{Markup.Escape(fault)}[/]");
        bool pass = latencies.Count == presses && box.Fault is null && (!driftKnown || Math.Abs(drift.DriftPpm) <= DriftLimitPpm + resolutionPpm);
        t.AddRow("verdict", pass ? "[green]pass[/]" : latencies.Count < presses ? "[red]FAIL[/]: presses missing (is the box in XID mode, the cable in?)" : "[red]FAIL[/]");
        console.Write(t);
        Console.WriteLine(string.Create(inv, $"response box: {box.Product}; {drift}; presses {latencies.Count}/{presses}; verdict {(pass ? "pass" : "fail")}"));
        return pass ? ExitCodes.Ok : ExitCodes.Failure;
    }
}
