using ExperimentRunner.Core.Paradigm;
using System.Diagnostics;
using System.Runtime.InteropServices;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Simulation;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Presentation;
using ExperimentRunner.Presentation.Gl;
using ExperimentRunner.Presentation.Input;

namespace ExperimentRunner.Benchmarks;

/// <summary>
/// Key stamping (issue 19): presses injected through XTEST from inside this process at random moments, stamped by
/// the XInput2 reader (the path `run` uses) while a frame loop flips at 60 Hz; stamp − injection and the stamps'
/// phase in the frame. Three variants: everything at normal priority; the reader, the injector and the X server under
/// SCHED_FIFO (what `run --realtime-priority` gives the reader; a lab machine's X server can be given it with chrt);
/// and SDL's queue polled after each flip (the fallback), for comparison. The code is <see cref="KeyTimingTest"/>, the
/// same as `exrun timing-test --keys N`. Each variant starts an Xvfb of its own (or uses $DISPLAY when set).
/// </summary>
public static partial class KeysBenchmark
{
    public static void Run(BenchContext ctx)
    {
        int presses = ctx.Quick ? 100 : 1000;
        int polled = ctx.Quick ? 30 : 200;
        var clock = new MonotonicClock();
        foreach (bool realtime in new[] { false, true })
        {
            using var x = XServer.Start(realtime);
            using var injector = XTestInjector.TryOpen(clock, x.Name, out string why) ?? throw new InvalidOperationException(why);
            using var paced = new SimulatedDisplay(clock, 60);
            using var input = new PreciseInput(X11KeyReader.TryOpen(clock, x.Name, out why, onReaderThread: realtime ? Fifo : null) ?? throw new InvalidOperationException(why), null);
            using var _ = LowLatencyScope.Enter();
            Console.WriteLine($"  run          {presses} presses, gaps 60–180 ms, flips paced at 60 Hz (~{presses * 0.12:0} s); X server {x.Name} {x.How}; reader and injector {(realtime ? "SCHED_FIFO 50" : "normal priority")}");
            var r = KeyTimingTest.Run(paced, input, injector, clock, presses, seed: 19, onInjectorThread: realtime ? () => Fifo() : null);
            if (realtime && input.Reader.ThreadSetup != "") Console.WriteLine($"  note         the reader stayed at normal priority: {input.Reader.ThreadSetup}");
            Report(ctx, realtime ? "xinput2, real-time" : "xinput2", r, target: true);
        }

        using (var x = XServer.Start(realtime: false))
        {
            var clockW = clock;
            using var injector = XTestInjector.TryOpen(clockW, x.Name, out string why) ?? throw new InvalidOperationException(why);
            SdlEnvironment.Set("DISPLAY", x.Name);
            string font = Path.Combine(Scenario.RepoRoot, "stimuli", "fonts", "DejaVuSans.ttf");
            using var window = new GlDisplay(new DisplayStyle { FontPath = font, Width = 640, Height = 360 }, new GlDisplayOptions { Mode = DisplayMode.Window, MeasureRefresh = true }, clockW);
            using var sdl = new SdlInput(clockW);
            using var _ = LowLatencyScope.Enter();
            Console.WriteLine($"  run          {polled} presses to an SDL window ({window.Timing}, {window.RefreshHz:0.##} Hz), keys polled after each flip");
            var r = KeyTimingTest.Run(window, sdl, injector, clockW, polled, seed: 19);
            Report(ctx, "frame-polled", r, target: false);
        }
    }

    /// <summary>$DISPLAY when set, else an Xvfb of its own (under chrt -f 50 for the real-time variant).</summary>
    private sealed class XServer : IDisposable
    {
        private Process? _xvfb;

        public string Name { get; private init; } = "";
        public string How { get; private init; } = "";

        public static XServer Start(bool realtime)
        {
            string? display = Environment.GetEnvironmentVariable("DISPLAY");
            if (!string.IsNullOrEmpty(display)) return new XServer { Name = display, How = "($DISPLAY, as it runs)" };
            if (!File.Exists("/usr/bin/Xvfb")) throw new InvalidOperationException("no DISPLAY and no /usr/bin/Xvfb (apt-get install xvfb)");
            const string args = "-displayfd 1 -noreset -screen 0 1280x720x24 -nolisten tcp";
            bool chrt = realtime && File.Exists("/usr/bin/chrt") && Fifo() == null; // permitted here: so is chrt
            var psi = chrt ? new ProcessStartInfo("/usr/bin/chrt", "-f 50 /usr/bin/Xvfb " + args) : new ProcessStartInfo("/usr/bin/Xvfb", args);
            psi.RedirectStandardOutput = true;
            psi.RedirectStandardError = true;
            psi.UseShellExecute = false;
            var xvfb = Process.Start(psi)!;
            if (chrt) Normal(); // the probe above put this thread under FIFO: back
            string? number = xvfb.StandardOutput.ReadLine();
            return new XServer { _xvfb = xvfb, Name = ":" + number, How = chrt ? "(Xvfb of its own, chrt -f 50)" : "(Xvfb of its own)" };
        }

        public void Dispose()
        {
            if (_xvfb == null) return;
            _xvfb.Kill();
            _xvfb.WaitForExit(5000);
            _xvfb.Dispose();
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedParam
    {
        public int Priority;
    }

    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static partial int SetScheduler(int pid, int policy, ref SchedParam param);

    /// <summary>SCHED_FIFO 50 for the calling thread (as `run --realtime-priority` gives the key reader); null when it worked.</summary>
    private static string? Fifo()
    {
        var p = new SchedParam { Priority = 50 };
        return SetScheduler(0, 1, ref p) == 0 ? null : $"sched_setscheduler: errno {Marshal.GetLastPInvokeError()} (root or CAP_SYS_NICE needed)";
    }

    private static void Normal()
    {
        var p = new SchedParam { Priority = 0 };
        SetScheduler(0, 0, ref p);
    }

    private static void Report(BenchContext ctx, string path, KeyTimingResult r, bool target)
    {
        string F(double v) => BenchContext.F(v);
        ctx.Add("keys", $"{path}: stamp - injection p99", $"{F(r.P99Ms)} ms", target ? "<= 1 ms" : "", target ? r.P99Ms <= 1.0 : null);
        ctx.Add("keys", $"{path}: mean / SD / p50 / max", $"{F(r.MeanMs)} / {F(r.SdMs)} / {F(r.P50Ms)} / {F(r.MaxMs)} ms ({r.Stamped} of {r.Injected})");
        ctx.Add("keys", $"{path}: phase after flip (tenths)", $"{string.Join(" ", r.PhaseDeciles)}: {(r.ClusteredAfterFlips ? "clustered after flips" : "spread")} ({BenchContext.F(r.EarlyShare * 100, "0")}% in first 3/10)",
            target ? "spread" : "", target ? !r.ClusteredAfterFlips : null);
    }
}
