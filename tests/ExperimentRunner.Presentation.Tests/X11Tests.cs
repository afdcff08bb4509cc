using System.Diagnostics;
using System.Runtime.InteropServices;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Presentation.Gl;
using Xunit.Abstractions;

namespace ExperimentRunner.Presentation.Tests;

/// <summary>
/// A real X11 window on a virtual X server (Xvfb, started by the test when it is installed): windows open, draw, and
/// a display without vertical blank is detected by timing and marked unsynchronised.
/// </summary>
public sealed partial class X11Tests(ITestOutputHelper output)
{
    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);

    private const int SigTerm = 15;

    /// <summary>Starts Xvfb on a free display number; returns the number once the server accepts clients.</summary>
    private static (Process Server, int Display) StartXvfb()
    {
        // -displayfd: Xvfb picks a free number and writes it to stdout when it is ready for clients; -noreset: it does
        // not restart (refusing connections for a moment) each time its last client leaves.
        var xvfb = Process.Start(new ProcessStartInfo("/usr/bin/Xvfb", "-displayfd 1 -noreset -screen 0 1280x720x24 -nolisten tcp")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        })!;
        var line = xvfb.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromSeconds(10)) || !int.TryParse(line.Result, out int number))
        {
            xvfb.Kill();
            throw new InvalidOperationException("Xvfb did not start");
        }
        return (xvfb, number);
    }

    /// <summary>A fact that says "skipped" where Xvfb is not installed, instead of passing without testing anything.</summary>
    private sealed class FactNeedingXvfbAttribute : FactAttribute
    {
        public FactNeedingXvfbAttribute()
        {
            if (!File.Exists("/usr/bin/Xvfb")) Skip = "Xvfb is not installed (/usr/bin/Xvfb; apt-get install xvfb): no X server to open a window on";
        }
    }

    [FactNeedingXvfb]
    public void AWindowOnAVirtualXServerIsMeasuredAsUnsynchronised()
    {
        var (xvfb, number) = StartXvfb();
        string? oldDisplay = Environment.GetEnvironmentVariable("DISPLAY");
        try
        {
            SdlEnvironment.Set("DISPLAY", $":{number}");
            using var display = new GlDisplay(TestSupport.Style(640, 360), new GlDisplayOptions { Mode = DisplayMode.Window, MeasureRefresh = true });
            output.WriteLine($"{display.Renderer}: {display.Measurement.Reason}");
            Assert.Equal("x11", display.VideoDriver);
            Assert.Equal("unsynchronised", display.Timing);
            Assert.Equal((640, 360), display.Size);
            var scene = new SceneSpec { Key = "fix", Kind = SceneKind.Fixation };
            display.Prepare([scene]);
            display.Show(scene, SceneState.Default);
            display.Flip();
            Assert.True(TestSupport.IsInk(display.ReadPixels().GetPixel(320, 180)));
            Assert.Equal((320f, 180f), display.ToScreenPixels(320, 180));
            display.Dispose();

            // Fullscreen takes the monitor's own resolution, whatever the style says.
            using (var full = new GlDisplay(TestSupport.Style(640, 360), new GlDisplayOptions { Mode = DisplayMode.Fullscreen, Monitor = 0, MeasureRefresh = false }))
                Assert.Equal((1280, 720), full.Size);

            var e = Assert.Throws<GlUnavailableException>(() =>
                new GlDisplay(TestSupport.Style(), new GlDisplayOptions { Mode = DisplayMode.Fullscreen, Monitor = 3 }));
            Assert.Contains("monitor 3 does not exist", e.Message);
        }
        finally
        {
            SdlEnvironment.Set("DISPLAY", oldDisplay ?? "");
            Kill(xvfb.Id, SigTerm); // SIGTERM: Xvfb removes its socket and lock file
            if (!xvfb.WaitForExit(5000)) xvfb.Kill();
            xvfb.Dispose();
        }
    }

    [Fact]
    public void AWindowWithoutAnyXServerFailsWithAClearMessageInsteadOfGoingOffscreen()
    {
        string? oldDisplay = Environment.GetEnvironmentVariable("DISPLAY");
        try
        {
            SdlEnvironment.Set("DISPLAY", ":250"); // nothing listens there
            var e = Assert.Throws<GlUnavailableException>(() =>
                new GlDisplay(TestSupport.Style(320, 180), new GlDisplayOptions { Mode = DisplayMode.Window }));
            output.WriteLine(e.Message);
            Assert.StartsWith("SDL could not open a display", e.Message);
        }
        finally
        {
            SdlEnvironment.Set("DISPLAY", oldDisplay ?? "");
        }
    }
}
