using System.Diagnostics;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Presentation.Gl;
using Xunit.Abstractions;

namespace ExperimentRunner.Presentation.Tests;

/// <summary>
/// A real X11 window on a virtual X server (Xvfb, started by the test when it is installed): windows open, draw, and
/// a display without vertical blank is detected by timing and marked unsynchronised.
/// </summary>
public sealed class X11Tests(ITestOutputHelper output)
{
    [Fact]
    public void AWindowOnAVirtualXServerIsMeasuredAsUnsynchronised()
    {
        if (!File.Exists("/usr/bin/Xvfb")) return; // nothing to test against on this machine
        int number = 90 + Environment.ProcessId % 9;
        using var xvfb = Process.Start(new ProcessStartInfo("/usr/bin/Xvfb", $":{number} -screen 0 1280x720x24 -nolisten tcp")
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        })!;
        try
        {
            string socket = $"/tmp/.X11-unix/X{number}";
            var waited = Stopwatch.StartNew();
            while (!File.Exists(socket) && waited.ElapsedMilliseconds < 5000) Thread.Sleep(20);
            Assert.True(File.Exists(socket), "Xvfb did not start");
            string? oldDisplay = Environment.GetEnvironmentVariable("DISPLAY");
            SdlEnvironment.Set("DISPLAY", $":{number}");
            try
            {
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
            }
            finally
            {
                SdlEnvironment.Set("DISPLAY", oldDisplay ?? "");
            }
        }
        finally
        {
            xvfb.Kill();
            xvfb.WaitForExit(5000);
        }
    }
}
