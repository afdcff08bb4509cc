using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Presentation.Gl;
using ExperimentRunner.Presentation.Input;
using ExperimentRunner.Presentation.Native;

namespace ExperimentRunner.Presentation.Tests;

public sealed class InputTests
{
    private static void Push(uint type, int keycode, bool repeat = false)
    {
        var e = new Sdl.Event();
        e.Key.Type = type;
        e.Key.State = (byte)(type == Sdl.EventKeyDown ? 1 : 0);
        e.Key.Repeat = (byte)(repeat ? 1 : 0);
        e.Key.Sym = keycode;
        Assert.Equal(1, Sdl.PushEvent(e));
    }

    private static GlDisplay Window() =>
        new(TestSupport.Style(320, 180), new GlDisplayOptions { Mode = DisplayMode.Offscreen, MeasureRefresh = false });

    [Fact]
    public void KeysComeOffTheQueueNamedAndStampedWithTheRunClockAtPollTime()
    {
        using var display = Window();
        var clock = new MonotonicClock();
        using var input = new SdlInput(clock);
        var buffer = new InputEvent[16];
        input.Poll(buffer); // drain whatever the window produced

        Push(Sdl.EventKeyDown, '5');
        Push(Sdl.EventKeyDown, '5', repeat: true);
        Push(Sdl.EventKeyUp, '5');
        Push(Sdl.EventKeyDown, Sdl.KeycodeScancodeMask | 80); // left arrow
        Push(Sdl.EventKeyDown, Sdl.KeycodeScancodeMask | 91); // keypad 3
        long before = clock.NowNs;
        int n = input.Poll(buffer);
        long after = clock.NowNs;

        Assert.Equal(4, n);
        Assert.Equal(("5", true), (buffer[0].Key, buffer[0].IsDown));
        Assert.Equal(("5", false), (buffer[1].Key, buffer[1].IsDown));
        Assert.Equal("left", buffer[2].Key);
        Assert.Equal("3", buffer[3].Key);
        Assert.Equal(1, input.RepeatsDropped);
        for (int i = 0; i < n; i++)
        {
            Assert.InRange(buffer[i].TimeNs, before, after);
            Assert.Equal(InputSource.Keyboard, buffer[i].Source);
        }
        Assert.True(buffer[3].TimeNs >= buffer[0].TimeNs);
    }

    [Fact]
    public void AFullBufferLeavesTheRestForTheNextPoll()
    {
        using var display = Window();
        using var input = new SdlInput(new MonotonicClock());
        var two = new InputEvent[2];
        while (input.Poll(two) > 0) { }
        for (char c = 'a'; c <= 'e'; c++) Push(Sdl.EventKeyDown, c);
        Assert.Equal(2, input.Poll(two));
        Assert.Equal("b", two[1].Key);
        Assert.Equal(2, input.Poll(two));
        Assert.Equal("c", two[0].Key);
        Assert.Equal(1, input.Poll(two));
        Assert.Equal("e", two[0].Key);
    }

    [Fact]
    public void PollingAllocatesNothing()
    {
        using var display = Window();
        using var input = new SdlInput(new MonotonicClock());
        var buffer = new InputEvent[8];
        for (int i = 0; i < 50; i++) { Push(Sdl.EventKeyDown, '1'); input.Poll(buffer); }
        long polling = 0;
        for (int i = 0; i < 2000; i++)
        {
            Push(Sdl.EventKeyDown, '0' + i % 10);
            Push(Sdl.EventKeyUp, Sdl.KeycodeScancodeMask | 79);
            long before = GC.GetAllocatedBytesForCurrentThread();
            int n = input.Poll(buffer);
            polling += GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(2, n);
        }
        Assert.Equal(0, polling);
    }

    [Fact]
    public void KeysPressedBeforeAScreenCanBeDiscarded()
    {
        using var display = Window();
        using var input = new SdlInput(new MonotonicClock());
        input.Discard();
        Push(Sdl.EventKeyDown, '1');
        Push(Sdl.EventKeyUp, '1');
        display.Prepare([new Core.Devices.SceneSpec { Key = "fix", Kind = SceneKind.Fixation }]); // pumps events meanwhile
        Assert.True(input.Discard() >= 2);
        Assert.Equal(0, input.Poll(new InputEvent[4]));
    }

    [Theory]
    [InlineData('7', "7")]
    [InlineData('q', "q")]
    [InlineData(' ', "space")]
    [InlineData('\r', "return")]
    [InlineData(27, "escape")]
    [InlineData(Sdl.KeycodeScancodeMask | 82, "up")]
    [InlineData(Sdl.KeycodeScancodeMask | 81, "down")]
    [InlineData(Sdl.KeycodeScancodeMask | 79, "right")]
    [InlineData(Sdl.KeycodeScancodeMask | 58, "f1")]
    [InlineData(Sdl.KeycodeScancodeMask | 88, "return")]
    [InlineData(Sdl.KeycodeScancodeMask | 98, "0")]
    [InlineData(Sdl.KeycodeScancodeMask | 225, "lshift")]
    [InlineData('A', "unknown")]
    [InlineData(0x40000400, "unknown")]
    public void KeycodesMapToFixedNames(int keycode, string name)
    {
        Assert.Equal(name, SdlKeys.FromKeycode(keycode));
        Assert.Same(SdlKeys.FromKeycode(keycode), SdlKeys.FromKeycode(keycode));
    }

    [Fact]
    public void EveryNameTheInputLayerProducesIsCoresOwnInstanceAndEveryCoreNameIsProduced()
    {
        foreach (var name in SdlKeys.Produced)
        {
            Assert.True(Core.Vocabulary.KeyNames.TryNormalize(name, out var known), $"'{name}' is not in Core's key table");
            Assert.Same(known, name);
        }
        Assert.Empty(Core.Vocabulary.KeyNames.All.Except(SdlKeys.Produced));
        Assert.Equal("mouse_right", SdlKeys.FromMouseButton(3));
    }
}

public sealed class MouseInputTests
{
    private static void PushMotion(int x, int y)
    {
        var e = new Sdl.Event();
        e.Motion.Type = Sdl.EventMouseMotion;
        e.Motion.X = x;
        e.Motion.Y = y;
        Sdl.PushEvent(e);
    }

    private static void PushButton(byte button, bool down, int x, int y)
    {
        var e = new Sdl.Event();
        e.Button.Type = down ? Sdl.EventMouseButtonDown : Sdl.EventMouseButtonUp;
        e.Button.Button = button;
        e.Button.State = (byte)(down ? 1 : 0);
        e.Button.X = x;
        e.Button.Y = y;
        Sdl.PushEvent(e);
    }

    [Fact]
    public void MouseMotionAndButtonsAreReportedOnlyWhenEnabled()
    {
        using var display = new GlDisplay(TestSupport.Style(320, 180), new GlDisplayOptions { Mode = DisplayMode.Offscreen, MeasureRefresh = false });
        var buffer = new InputEvent[8];
        using (var keysOnly = new SdlInput(new MonotonicClock()))
        {
            while (keysOnly.Poll(buffer) > 0) { }
            PushMotion(10, 20);
            PushButton(1, true, 10, 20);
            Assert.Equal(0, keysOnly.Poll(buffer));
        }
        using var withMouse = new SdlInput(new MonotonicClock(), mouse: true);
        PushMotion(120, 40);
        PushButton(1, true, 121, 41);
        PushButton(1, false, 122, 42);
        Assert.Equal(3, withMouse.Poll(buffer));
        Assert.Equal(new InputEvent(buffer[0].TimeNs, "mouse_move", false, InputSource.Mouse, 120, 40), buffer[0]);
        Assert.Equal(("mouse_left", true, 121.0, 41.0), (buffer[1].Key, buffer[1].IsDown, buffer[1].X, buffer[1].Y));
        Assert.Equal(("mouse_left", false), (buffer[2].Key, buffer[2].IsDown));
        Assert.Equal(display.ToScreenPixels(120, 40), (120f, 40f));
    }
}
