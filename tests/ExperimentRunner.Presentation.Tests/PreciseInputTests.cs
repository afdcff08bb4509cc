using System.Diagnostics;
using System.Runtime.InteropServices;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Simulation;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Presentation.Input;
using Xunit.Abstractions;

namespace ExperimentRunner.Presentation.Tests;

/// <summary>A virtual X server (Xvfb) of a test's own, on a free display number; stopped on dispose.</summary>
internal sealed partial class VirtualXServer : IDisposable
{
    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);

    private readonly Process _xvfb;

    public VirtualXServer()
    {
        // -displayfd: Xvfb picks a free number and writes it when ready; -noreset: no restart when the last client leaves.
        _xvfb = Process.Start(new ProcessStartInfo("/usr/bin/Xvfb", "-displayfd 1 -noreset -screen 0 640x480x24 -nolisten tcp")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        })!;
        var line = _xvfb.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromSeconds(10)) || !int.TryParse(line.Result, out int number))
        {
            _xvfb.Kill();
            throw new InvalidOperationException("Xvfb did not start");
        }
        Name = $":{number}";
    }

    /// <summary>The display name (":3").</summary>
    public string Name { get; }

    public void Dispose()
    {
        Kill(_xvfb.Id, 15); // SIGTERM: Xvfb removes its socket and lock file
        if (!_xvfb.WaitForExit(5000)) _xvfb.Kill();
        _xvfb.Dispose();
    }
}

/// <summary>A fact that says "skipped" where Xvfb is not installed, instead of passing without testing anything.</summary>
internal sealed class FactNeedingXvfbAttribute : FactAttribute
{
    public FactNeedingXvfbAttribute()
    {
        if (!File.Exists("/usr/bin/Xvfb")) Skip = "Xvfb is not installed (/usr/bin/Xvfb; apt-get install xvfb): no X server to read keys from";
    }
}

/// <summary>
/// Keys stamped on arrival (issue 19): XInput2 raw events read on a thread of their own, presses injected through
/// XTEST from inside the process on a virtual X server.
/// </summary>
public sealed class PreciseInputTests(ITestOutputHelper output)
{
    private static (X11KeyReader Reader, XTestInjector Injector) Open(VirtualXServer x, IClock clock)
    {
        var reader = X11KeyReader.TryOpen(clock, x.Name, out string why) ?? throw new InvalidOperationException(why);
        var injector = XTestInjector.TryOpen(clock, x.Name, out why) ?? throw new InvalidOperationException(why);
        return (reader, injector);
    }

    private static int WaitFor(InputRing ring, Span<InputEvent> buffer, int count)
    {
        var watch = Stopwatch.StartNew();
        int n = 0;
        while (n < count && watch.Elapsed < TimeSpan.FromSeconds(5))
        {
            n += ring.Read(buffer[n..]);
            if (n < count) Thread.Sleep(5);
        }
        return n;
    }

    [FactNeedingXvfb]
    public void InjectedPressesAreStampedWithinMillisecondsOfInjectionAndSpreadOverTheFrame()
    {
        using var x = new VirtualXServer();
        var clock = new MonotonicClock();
        var (reader, injector) = Open(x, clock);
        using var input = new PreciseInput(reader, null);
        using var _ = injector;
        using var display = new SimulatedDisplay(clock, 60);

        var result = KeyTimingTest.Run(display, input, injector, clock, presses: 60, seed: 19, minGapMs: 30, maxGapMs: 70);
        output.WriteLine(result.Summary());

        Assert.Equal("xinput2", result.InputTiming);
        Assert.Equal(60, result.Stamped);
        Assert.True(result.MinMs >= 0, "a stamp comes after its injection");
        // The 1 ms (p99) is the benchmark's figure (exrun timing-test, the keys benchmark); on a test machine
        // shared by many builds a thread is now and then descheduled for a whole time slice, so the test holds bounds
        // that still rule out the frame: frame-polled stamps are spread evenly over 0–16.7 ms (median 8 ms, 70% over 5 ms).
        Assert.True(result.P50Ms < 2, $"median {result.P50Ms:0.000} ms");
        Assert.True(result.ShareWithin(5) >= 0.9, $"{result.ShareWithin(5):P0} within 5 ms");
        Assert.False(result.ClusteredAfterFlips, result.Summary());
        Assert.True(result.PhaseDeciles.Count(c => c > 0) >= 6, "stamps fall all over the frame: " + string.Join(" ", result.PhaseDeciles));
    }

    [FactNeedingXvfb]
    public void KeysAreNamedFromCoresTableAndAHeldKeyIsOnePress()
    {
        using var x = new VirtualXServer();
        var clock = new MonotonicClock();
        var (reader, injector) = Open(x, clock);
        using var _ = reader;
        using var __ = injector;
        var buffer = new InputEvent[16];

        long t5 = injector.Key(injector.Keycode("5"), true);
        injector.Key(injector.Keycode("5"), true); // the same key again while held: not a second press
        injector.Key(injector.Keycode("5"), false);
        injector.Key(injector.Keycode("return"), true);
        injector.Key(injector.Keycode("return"), false);
        injector.Key(injector.Keycode("left"), true);
        injector.Key(injector.Keycode("left"), false);
        int n = WaitFor(reader.Ring, buffer, 6);

        Assert.Equal(6, n);
        Assert.Equal([("5", true), ("5", false), ("return", true), ("return", false), ("left", true), ("left", false)],
            buffer[..n].ToArray().Select(e => (e.Key, e.IsDown)));
        Assert.All(buffer[..n].ToArray(), e => Assert.Equal(InputSource.Keyboard, e.Source));
        Assert.True(buffer[0].TimeNs >= t5);
        Assert.Equal(0, reader.Ring.Dropped);
    }

    [FactNeedingXvfb]
    public void NeitherTheReaderThreadNorTheFramePollAllocatesPerEvent()
    {
        using var x = new VirtualXServer();
        var clock = new MonotonicClock();
        var (reader, injector) = Open(x, clock);
        using var input = new PreciseInput(reader, null);
        using var _ = injector;
        var buffer = new InputEvent[8];
        byte kc = injector.Keycode("1");

        // Warm up (first calls, JIT), then measure 200 presses read and polled.
        injector.Key(kc, true);
        injector.Key(kc, false);
        WaitFor(reader.Ring, buffer, 2);
        long readerBefore = reader.AllocatedWhileReading;
        int polled = 0;
        long pollBytes = 0;
        for (int i = 0; i < 200; i++)
        {
            injector.Key(kc, true);
            injector.Key(kc, false);
            var watch = Stopwatch.StartNew();
            int got = 0;
            while (got < 2 && watch.ElapsedMilliseconds < 2000)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                got += input.Poll(buffer.AsSpan(got));
                pollBytes += GC.GetAllocatedBytesForCurrentThread() - before;
            }
            polled += got;
        }
        Assert.Equal(400, polled);
        Assert.Equal(0, pollBytes);
        Assert.Equal(readerBefore, reader.AllocatedWhileReading);
        Assert.Equal(402, reader.Events);
    }

    [FactNeedingXvfb]
    public void WithAParticipantWindowKeysCountOnlyWhileItHasTheKeyboardFocus()
    {
        using var x = new VirtualXServer();
        string? oldDisplay = Environment.GetEnvironmentVariable("DISPLAY");
        try
        {
            SdlEnvironment.Set("DISPLAY", x.Name);
            var clock = new MonotonicClock();
            using var display = new Gl.GlDisplay(TestSupport.Style(320, 180), new Gl.GlDisplayOptions { Mode = Gl.DisplayMode.Window, MeasureRefresh = false }, clock);
            Assert.NotEqual(0u, display.X11Window);
            var (reader, injector) = Open(x, clock);
            using var _ = reader;
            using var __ = injector;
            reader.FocusWindow = display.X11Window;
            byte kc = injector.Keycode("1");
            var buffer = new InputEvent[8];
            void Press()
            {
                injector.Key(kc, true);
                injector.Key(kc, false);
            }

            injector.Focus(0); // the root window has the keyboard: say, the operator's terminal
            Press();
            var watch = Stopwatch.StartNew();
            while (reader.IgnoredWithoutFocus < 2 && watch.ElapsedMilliseconds < 5000) Thread.Sleep(5);
            Assert.Equal(2, reader.IgnoredWithoutFocus);
            Assert.Equal(0, reader.Ring.Read(buffer));

            injector.Focus(display.X11Window);
            Press();
            Assert.Equal(2, WaitFor(reader.Ring, buffer, 2));
            injector.Focus(Native.X11.PointerRoot); // no window manager: the keyboard follows the pointer
            Press();
            Assert.Equal(2, WaitFor(reader.Ring, buffer, 2));
            Assert.Equal(2, reader.IgnoredWithoutFocus);
        }
        finally
        {
            SdlEnvironment.Set("DISPLAY", oldDisplay ?? "");
        }
    }

    [Fact]
    public void WithoutAnXServerTheReaderSaysWhyAndTheFallbackIsFramePolled()
    {
        var reader = X11KeyReader.TryOpen(new MonotonicClock(), ":250", out string why); // nothing listens there
        Assert.Null(reader);
        Assert.Contains("no X server answers at DISPLAY=:250", why);
    }
}
