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
        using var display = new GlDisplay(paradigm.Display, new GlDisplayOptions { Mode = DisplayMode.Offscreen, MeasureRefresh = true }, clock);
        Console.WriteLine($"  GL           {display.Renderer}; SDL driver {display.VideoDriver}; {display.Size.Width}x{display.Size.Height}");
        Console.WriteLine($"  timing       {display.Timing} ({display.Measurement.Reason}); period {display.PeriodNs / 1e6:0.000} ms");
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

        var deadlines = new long[flips];
        var logged = new long[flips];
        var returned = new long[flips];
        long period = display.PeriodNs;

        // Warm-up: JIT, first texture binds, the store's first commits.
        for (int i = 0; i < 60; i++)
        {
            display.Show(scenes[i % scenes.Length], SceneState.Default);
            display.Flip();
        }

        using var stop = new CancellationTokenSource();
        long otherEvents = 0;
        var other = new Thread(() => otherEvents = WriteOtherEvents(store, clock, stop.Token)) { Name = "bench-other-events", IsBackground = true };
        other.Start();

        long allocatedBefore, allocatedAfter;
        using (LowLatencyScope.Enter())
        {
            allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            long previous = display.Flip();
            for (int i = 0; i < flips; i++)
            {
                // The session runner's deadline: the next refresh after the previous flip (SessionRunner.Frame).
                long deadline = previous + period;
                var state = SceneState.Default;
                int scene = i / 30 % scenes.Length;
                if (scene == 3) state.Cursor = i % 100;
                display.Show(scenes[scene], in state);
                long flip = display.Flip();
                long after = clock.NowNs;
                previous = flip;
                deadlines[i] = deadline;
                logged[i] = flip;
                returned[i] = after;
                store.Write(new EventRecord { Kind = EventKind.Flip, TimeNs = flip, IntendedNs = deadline, Value = i, Run = 1 });
            }
            allocatedAfter = GC.GetAllocatedBytesForCurrentThread();
        }
        stop.Cancel();
        other.Join();
        bool flushed = store.Flush(TimeSpan.FromSeconds(30));
        var stats = store.Stats;

        var onsetError = new long[flips];
        var loggedError = new long[flips];
        int missed = 0, lateReturns = 0;
        for (int i = 0; i < flips; i++)
        {
            onsetError[i] = returned[i] - deadlines[i];
            loggedError[i] = logged[i] - deadlines[i];
            if (loggedError[i] > period / 2) missed++;
            if (onsetError[i] > period / 2) lateReturns++;
        }
        var onset = new Sample(onsetError);
        var log = new Sample(loggedError);
        double allocPerFrame = (allocatedAfter - allocatedBefore) / (double)flips;
        Console.WriteLine($"  onset error = time Flip returned - deadline: {onset.Ms()}");
        Console.WriteLine($"  logged flip time - deadline (the pacing grid): {log.Ms()}");
        Console.WriteLine($"  store: {stats.EventsDurable} events durable of {stats.EventsWritten} (flushed {flushed}), {otherEvents} other events, " +
            $"{stats.Commits} commits (max {stats.CommitNsMax / 1e6:0.0} ms), {stats.Fsyncs} fsyncs (max {stats.FsyncNsMax / 1e6:0.0} ms), overflow {stats.OverflowEvents}");

        const string b = "frames";
        ctx.Add(b, "onset error p99", $"{BenchContext.F(onset.Percentile(99) / 1e6)} ms", "< 0.5 ms", onset.Percentile(99) < 0.5e6);
        ctx.Add(b, "onset error mean / SD", $"{BenchContext.F(onset.Mean / 1e6)} / {BenchContext.F(onset.Sd / 1e6)} ms");
        ctx.Add(b, "onset error p50 / max", $"{BenchContext.F(onset.Percentile(50) / 1e6)} / {BenchContext.F(onset.Max / 1e6)} ms");
        ctx.Add(b, "missed frames (> half a period late)", $"{missed} of {flips} (returns > half a period late: {lateReturns})", "0", missed == 0);
        ctx.Add(b, "allocated bytes per frame", BenchContext.F(allocPerFrame, "0.0"), "0", allocatedAfter == allocatedBefore);
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
