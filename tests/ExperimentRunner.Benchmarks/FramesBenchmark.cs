using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Presentation;
using ExperimentRunner.Presentation.Gl;
using ExperimentRunner.Storage;

namespace ExperimentRunner.Benchmarks;

/// <summary>
/// Frame-deadline precision in real time: the GL display offscreen (SDL offscreen driver, EGL, Mesa), which has no
/// vertical blank and paces its flips on the run clock, while a LiteDbStore logs every flip and a second thread
/// writes 1,000 other events a second into the same store.
/// </summary>
public static class FramesBenchmark
{
    private const int OtherEventsPerSecond = 1000;

    public static void Run(BenchContext ctx)
    {
        int flips = ctx.Flips ?? (ctx.Quick ? 600 : 10_000);
        var paradigm = Scenario.Load(Scenario.PetParadigm);
        var clock = new MonotonicClock();
        using var display = new GlDisplay(paradigm.Display, new GlDisplayOptions { Mode = DisplayMode.Offscreen, MeasureRefresh = true, PartialRedraw = !FullRedraw }, clock);
        Console.WriteLine($"  GL           {display.Renderer}; SDL driver {display.VideoDriver}; {display.Size.Width}x{display.Size.Height}; every state drawn once at start-up in {display.WarmUpNs / 1e6:0.0} ms");
        Console.WriteLine($"  timing       {display.Timing} ({display.Measurement.Reason}); period {display.PeriodNs / 1e6:0.000} ms");
        if (FullRedraw) display.GlRenderer.CopyScreens = false; // as before issue 17: every screen a blended quad
        Console.WriteLine($"  redraw       {(display.PartialRedraw ? "only what changed (the surface keeps its pixels)" : "every flip in full")}{(FullRedraw ? " (--full-redraw)" : "")}; screens {(display.GlRenderer.CopyScreens ? "copied (blit)" : "drawn as a quad")}");
        Console.WriteLine($"  time slice   {(ShortSlice.Enabled ? $"{ShortSlice.SliceNs / 1000} µs asked for the frame thread ({(display.ShortSliceFrameThread ? $"took it: {ShortSlice.SliceOf() / 1000} µs" : "refused")}) and {display.ShortSliceRenderThreads} llvmpipe render thread(s)" : $"the kernel's default ({ShortSlice.SwitchVariable}=0 or not Linux)")}; clear around a new screen's copy: {(display.GlRenderer.ClearAroundScreens ? "yes" : "no (EXRUN_CLEAR_AROUND_SCREENS=0)")}");
        Console.WriteLine($"  run          {flips} flips at {1e9 / display.PeriodNs:0.##} Hz (~{flips * display.PeriodNs / 1e9:0} s), every flip logged + {OtherEventsPerSecond} other events/s");

        // Four screens that a scan block cycles through, one of them with a moving rating cursor (a dynamic overlay).
        var photo = Scenario.ReadProfiles(Path.Combine(Scenario.RepoRoot, "stimuli", "profiles"))[0];
        SceneSpec[] scenes =
        [
            new() { Key = "fixation", Kind = SceneKind.Fixation },
            new() { Key = "profile", Kind = SceneKind.Profile, Profile = photo, Body = $"{photo.Name}, {photo.Age}" },
            new()
            {
                Key = "feedback", Kind = SceneKind.Feedback, Profile = photo, Body = $"{photo.Name}, {photo.Age}",
                Feedback = new FeedbackStyle($"{photo.Name} is interested in you!", FeedbackSymbol.Check, "#43A047"),
            },
            new()
            {
                Key = "rating", Kind = SceneKind.Rating, Body = "How do you feel right now?",
                Rating = new RatingStyle(RatingKind.Vas, 0, 100, "Very bad", "Very good", []) { Step = 2 },
            },
        ];
        display.Prepare(scenes);

        string dbDir = Scenario.TempDir("frames");
        using var store = LiteDbStore.Open(Path.Combine(dbDir, "frames.db"));
        store.SessionStarted(Scenario.Session("bench-frames", clock.NowNs, display.RefreshHz, display.Timing));
        Console.WriteLine($"  settings     GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, concurrent {AppContext.TryGetSwitch("System.GC.Concurrent", out bool c) && c}, " +
            $"GCgen0size {Environment.GetEnvironmentVariable("DOTNET_GCgen0size") ?? "default"}; TieredPGO {Environment.GetEnvironmentVariable("DOTNET_TieredPGO") ?? AppContext.GetData("System.Runtime.TieredPGO") ?? "default"}, " +
            $"QuickJitForLoops {AppContext.GetData("System.Runtime.TieredCompilation.QuickJitForLoops") ?? "default"}, " +
            $"TieredCompilation {Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") ?? "default"}; LP_NUM_THREADS {Environment.GetEnvironmentVariable("LP_NUM_THREADS") ?? "default"}");

        // As `exrun run` does before its first flip: the project's code compiled ahead, the runtime's service threads
        // (and the store's, which mark themselves) at SCHED_BATCH.
        var (prejitted, prejitTook) = FramePathPrejit.Run(new[] { typeof(FramesBenchmark), typeof(GlDisplay), typeof(LiteDbStore), typeof(MonotonicClock) }.Select(t => t.Assembly));
        Console.WriteLine($"  prejit       {prejitted:N0} methods in {prejitTook.TotalSeconds:0.00} s; background threads at SCHED_BATCH: {(BackgroundThreads.Enabled ? "yes" : $"no ({BackgroundThreads.SwitchVariable}=0 or not Linux)")}");
        using var threads = BackgroundThreads.Watch(TimeSpan.FromSeconds(1));

        // Warm-up: JIT, first texture binds, the store's first commits.
        for (int i = 0; i < 60; i++)
        {
            display.Show(scenes[i % scenes.Length], SceneState.Default);
            display.Flip();
        }

        Measure(ctx, display, scenes, store, clock, flips, "");
        if (WithLoad)
        {
            using var load = CompetingLoad.Start(Environment.ProcessorCount);
            Console.WriteLine($"  --load       {load.Processes} busy processes at nice 10 (one per core) from now on");
            Thread.Sleep(1000); // let the load reach the scheduler's steady state
            Measure(ctx, display, scenes, store, clock, flips, $" (nice-10 load x{load.Processes})");
        }
    }

    /// <summary>Set by `frames --load` (through the environment, so the child process of `all` sees it too).</summary>
    public const string LoadVariable = "EXRUN_BENCH_LOAD";

    private static bool WithLoad => Environment.GetEnvironmentVariable(LoadVariable) == "1";

    /// <summary>Set by `frames --full-redraw`: every flip draws the whole screen, as before issue 17's partial redraw.</summary>
    public const string FullRedrawVariable = "EXRUN_BENCH_FULL_REDRAW";

    private static bool FullRedraw => Environment.GetEnvironmentVariable(FullRedrawVariable) == "1";

    private static void Measure(BenchContext ctx, GlDisplay display, SceneSpec[] scenes, LiteDbStore store, MonotonicClock clock, int flips, string label)
    {
        var deadlines = new long[flips];
        var logged = new long[flips];
        var returned = new long[flips];
        var gcDuring = new bool[flips];
        var jitDuring = new bool[flips];
        var render = new long[flips];
        var drawnFull = new bool[flips];
        long period = display.PeriodNs;
        var before0 = store.Stats;
        var redrawsBefore = display.Redraws;

        var gc = new GcPacer();
        using var stop = new CancellationTokenSource();
        long otherEvents = 0;
        var other = new Thread(() => otherEvents = WriteOtherEvents(store, clock, stop.Token)) { Name = "bench-other-events", IsBackground = true };
        other.Start();

        long allocatedBefore, allocatedAfter;
        StallSnapshot stallsBefore = StallSnapshot.Take(), stallsAfter;
        using var steal = new StealSampler();
        long stealBefore = steal.ReadStealMs();
        long loopStart = clock.NowNs;
        using (LowLatencyScope.Enter())
        {
            allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            long previous = display.Flip();
            int gcs = GC.CollectionCount(0);
            long jitted = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: false);
            for (int i = 0; i < flips; i++)
            {
                // The session runner's deadline: the next refresh after the previous flip (SessionRunner.Frame).
                long deadline = previous + period;
                var state = SceneState.Default;
                int scene = i / 30 % scenes.Length;
                if (scene == 3) state.Cursor = i % 100;
                display.Show(scenes[scene], in state);
                long fullBefore = display.Redraws.Full;
                long flip = display.Flip();
                long after = clock.NowNs;
                render[i] = display.LastRenderNs;
                drawnFull[i] = display.Redraws.Full != fullBefore;
                previous = flip;
                deadlines[i] = deadline;
                logged[i] = flip;
                returned[i] = after;
                store.Write(new EventRecord { Kind = EventKind.Flip, TimeNs = flip, IntendedNs = deadline, Value = i, Run = 1 });
                gc.AfterFlip(); // as the session's FrameClock does after logging a flip
                // A collection (any generation counts in gen0's count) or a JIT compilation since the last frame.
                int gcsNow = GC.CollectionCount(0);
                long jittedNow = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: false);
                gcDuring[i] = gcsNow != gcs;
                jitDuring[i] = jittedNow != jitted;
                gcs = gcsNow;
                jitted = jittedNow;
            }
            allocatedAfter = GC.GetAllocatedBytesForCurrentThread();
        }
        double loopSeconds = (clock.NowNs - loopStart) / 1e9;
        long stealDuring = steal.ReadStealMs() - stealBefore;
        stallsAfter = StallSnapshot.Take();
        stop.Cancel();
        other.Join();
        bool flushed = store.Flush(TimeSpan.FromSeconds(30));
        var stats = store.Stats;

        var onsetError = new long[flips];
        var loggedError = new long[flips];
        int missed = 0, lateReturns = 0, lateWithGc = 0, lateWithJit = 0, framesWithGc = 0;
        for (int i = 0; i < flips; i++)
        {
            onsetError[i] = returned[i] - deadlines[i];
            loggedError[i] = logged[i] - deadlines[i];
            if (gcDuring[i]) framesWithGc++;
            if (loggedError[i] > period / 2) missed++;
            if (onsetError[i] > period / 2)
            {
                lateReturns++;
                if (gcDuring[i]) lateWithGc++;
                if (jitDuring[i]) lateWithJit++;
            }
        }
        var onset = new Sample(onsetError);
        var log = new Sample(loggedError);
        double allocPerFrame = (allocatedAfter - allocatedBefore) / (double)flips;
        Console.WriteLine($"  --{label}");
        Console.WriteLine($"  onset error = time Flip returned - deadline: {onset.Ms()}");
        Console.WriteLine($"  logged flip time - deadline (the pacing grid): {log.Ms()}");
        Console.WriteLine($"  store: {stats.EventsDurable - before0.EventsDurable} events durable of {stats.EventsWritten - before0.EventsWritten} (flushed {flushed}), {otherEvents} other events, " +
            $"{stats.Commits - before0.Commits} commits (max so far {stats.CommitNsMax / 1e6:0.0} ms), {stats.Fsyncs - before0.Fsyncs} fsyncs (max so far {stats.FsyncNsMax / 1e6:0.0} ms), overflow {stats.OverflowEvents - before0.OverflowEvents}");
        StallSnapshot.Print(stallsBefore, stallsAfter, loopSeconds);
        var redraws = display.Redraws;
        if (display.PartialRedraw)
            Console.WriteLine($"  flips drawn in full {redraws.Full - redrawsBefore.Full}, in part {redraws.Partial - redrawsBefore.Partial}, not at all (nothing changed) {redraws.Skipped - redrawsBefore.Skipped}");
        Console.WriteLine($"  late frames (returned > half a period late): {lateReturns}; of them with a GC during the frame {lateWithGc}, with a JIT compilation {lateWithJit}; frames with a GC {framesWithGc}");
        var renderFull = new Sample(render.Where((_, i) => drawnFull[i]).DefaultIfEmpty(0).ToArray());
        var renderOther = new Sample(render.Where((_, i) => !drawnFull[i]).DefaultIfEmpty(0).ToArray());
        Console.WriteLine($"  render time (draw + swap + finish) of flips drawn in full: {renderFull.Ms()}");
        Console.WriteLine($"  render time of the other flips (in part or nothing):      {renderOther.Ms()}");
        Console.WriteLine($"  GC pacing    {(GcPacer.Enabled ? $"{gc.Induced} gen-0 collections run just after a flip, {gc.Unpaced} started by the runtime; budget seen {gc.BudgetBytes / 1048576.0:0.0} MiB" : $"off ({GcPacer.SwitchVariable}=0)")}");
        Console.WriteLine($"  machine      the hypervisor ran other work on this VM's CPUs (steal) for {(stealBefore < 0 ? "? (no /proc/stat)" : $"{stealDuring} ms")} during the {loopSeconds:0} s loop (both CPUs together, 10 ms ticks)");
        PrintMissed(loggedError, deadlines, gcDuring, jitDuring, period, deadlines[0], steal);

        const string b = "frames";
        ctx.Add(b, $"onset error p99{label}", $"{BenchContext.F(onset.Percentile(99) / 1e6)} ms", label.Length == 0 ? "< 0.5 ms" : "< 1 ms", onset.Percentile(99) < (label.Length == 0 ? 0.5e6 : 1e6));
        ctx.Add(b, $"onset error mean / SD{label}", $"{BenchContext.F(onset.Mean / 1e6)} / {BenchContext.F(onset.Sd / 1e6)} ms");
        ctx.Add(b, $"onset error p50 / max{label}", $"{BenchContext.F(onset.Percentile(50) / 1e6)} / {BenchContext.F(onset.Max / 1e6)} ms");
        ctx.Add(b, $"missed frames{label}", $"{missed} of {flips} (returns > half a period late: {lateReturns})", "0", missed == 0);
        ctx.Add(b, $"GC collections / pause in loop{label}", $"{stallsAfter.Collections[0] - stallsBefore.Collections[0]} / {(stallsAfter.GcPause - stallsBefore.GcPause).TotalMilliseconds:0.00} ms");
        ctx.Add(b, $"allocated bytes per frame{label}", BenchContext.F(allocPerFrame, "0.0"), "0", allocatedAfter == allocatedBefore);
    }

    /// <summary>The first 20 missed frames: when (seconds into the loop), how late, and what happened during them.</summary>
    private static void PrintMissed(long[] loggedError, long[] deadlines, bool[] gc, bool[] jit, long period, long start, StealSampler steal)
    {
        int missed = 0, withSteal = 0;
        for (int i = 0; i < loggedError.Length; i++)
        {
            if (loggedError[i] <= period / 2) continue;
            missed++;
            if (steal.StealBetween(deadlines[i] - 2 * period, deadlines[i] + loggedError[i] + StealSampler.EveryMs * 1_000_000L) > 0) withSteal++;
        }
        if (missed > 0) Console.WriteLine($"  missed flips with steal on the machine around them (from 2 periods before the deadline to {StealSampler.EveryMs} ms after the flip): {withSteal} of {missed}");
        int shown = 0;
        for (int i = 0; i < loggedError.Length && shown < 20; i++)
        {
            if (loggedError[i] <= period / 2) continue;
            shown++;
            long stolen = steal.StealBetween(deadlines[i] - 2 * period, deadlines[i] + loggedError[i] + StealSampler.EveryMs * 1_000_000L);
            Console.WriteLine($"    missed flip {i} at {(deadlines[i] - start) / 1e9:0.000} s: {loggedError[i] / 1e6:0.0} ms late{(gc[i] ? ", a GC during it" : "")}{(jit[i] ? ", a JIT compilation during it" : "")}{(stolen > 0 ? $", steal {stolen} ms around it" : stolen == 0 ? ", no steal around it" : "")}");
        }
    }

    /// <summary>Writes 1,000 events a second (in 1 ms steps, catching up after a late wake) until cancelled.</summary>
    private static long WriteOtherEvents(LiteDbStore store, MonotonicClock clock, CancellationToken stop)
    {
        long start = clock.NowNs, written = 0;
        while (!stop.IsCancellationRequested)
        {
            long due = (clock.NowNs - start) * OtherEventsPerSecond / 1_000_000_000;
            for (; written < due; written++)
            {
                store.Write(new EventRecord
                {
                    Kind = (written & 1) == 0 ? EventKind.Marker : EventKind.Response, TimeNs = clock.NowNs, Run = 1, Code = (int)(written & 0xFF),
                    Response = "button1", Text = "bench",
                });
            }
            Thread.Sleep(1);
        }
        return written;
    }
}
