using System.Runtime.InteropServices;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Core.Vocabulary;
using ExperimentRunner.Presentation.Native;

namespace ExperimentRunner.Presentation.Input;

/// <summary>
/// Keys stamped as they arrive, not at the next frame: a thread of its own holds a connection of its own to the X
/// server, selected for XInput2 raw key events on the root window, sleeps in poll(2) on that connection's socket and
/// stamps each batch with the run clock the moment it wakes, then hands the events to the frame loop through an
/// <see cref="InputRing"/>. The frame loop still decides, from the stamp, which screen each press belongs to.
/// </summary>
/// <remarks>
/// Why XInput2 raw events on our own connection (and not evdev, not SDL): they need no permission (evdev needs read
/// access to /dev/input, root or the input group, which lab machines rarely grant a session account), they work
/// wherever the participant's window does (X11 and Xvfb, where every test here runs), they come whatever window has
/// focus and however busy the frame loop is (SDL's queue is only read by the frame loop, after each flip), and a
/// button box in keyboard mode (fORP and most others) and a trigger-to-USB converter typing "5" arrive as keyboards.
/// The cost against evdev is the X server's own delivery (tens of microseconds, measured by <c>exrun timing-test</c>);
/// evdev's kernel timestamps would save that where a lab can grant the permission. Raw events carry no repeat: a key
/// already down is not reported again until released. The mouse stays on SDL's path (it needs window coordinates).
/// </remarks>
public sealed class X11KeyReader : IDisposable
{
    private readonly IClock _clock;
    private readonly InputRing _ring;
    private readonly nint _display;
    private readonly int _opcode;
    private readonly string[] _names = new string[256];
    private readonly bool[] _down = new bool[256];
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _allocatedWhileReading;
    private long _events;
    private string? _fault;

    private readonly Func<string?>? _onThread;
    private string? _threadSetup;

    private X11KeyReader(IClock clock, nint display, int opcode, int ringCapacity, Func<string?>? onThread)
    {
        _clock = clock;
        _onThread = onThread;
        _display = display;
        _opcode = opcode;
        _ring = new InputRing(ringCapacity);
        Server = X11.Name(display);
        FillNames();
        _thread = new Thread(Read) { IsBackground = true, Name = "key reader (XInput2)", Priority = ThreadPriority.Highest };
        _thread.Start();
    }

    /// <summary>
    /// Opens the reader on <paramref name="displayName"/> (null: $DISPLAY), or returns null with what is missing in
    /// <paramref name="why"/> (no X server, no libXi, XInput 2 not offered), for preflight and the fallback.
    /// <paramref name="onReaderThread"/> runs first on the reader's thread (real-time scheduling: null when it worked,
    /// else why not; see <see cref="ThreadSetup"/>).
    /// </summary>
    public static X11KeyReader? TryOpen(IClock clock, string? displayName, out string why, int ringCapacity = 1024, Func<string?>? onReaderThread = null)
    {
        if (!X11.TryOpen(displayName, out nint display, out why)) return null;
        try
        {
            if (X11.XQueryExtension(display, "XInputExtension", out int opcode, out _, out _) == 0)
            {
                why = $"the X server at {X11.Name(display)} has no XInput extension";
                X11.XCloseDisplay(display);
                return null;
            }
            int major = 2, minor = 2;
            if (X11.XIQueryVersion(display, ref major, ref minor) != 0 || major < 2)
            {
                why = $"the X server at {X11.Name(display)} offers XInput {major}.{minor}, not 2.x";
                X11.XCloseDisplay(display);
                return null;
            }
            SelectRawKeys(display);
            return new X11KeyReader(clock, display, opcode, ringCapacity, onReaderThread);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            X11.XCloseDisplay(display);
            why = $"libXi could not be loaded ({e.Message.Split('\n')[0]}); apt-get install libxi6";
            return null;
        }
    }

    private static void SelectRawKeys(nint display)
    {
        nint bits = Marshal.AllocHGlobal(4);
        try
        {
            Marshal.WriteInt32(bits, (1 << X11.XIRawKeyPress) | (1 << X11.XIRawKeyRelease));
            var mask = new X11.XIEventMask { DeviceId = X11.XIAllMasterDevices, MaskLength = 4, Mask = bits };
            X11.XISelectEvents(display, X11.XDefaultRootWindow(display), ref mask, 1);
            X11.XSync(display, 0);
        }
        finally
        {
            Marshal.FreeHGlobal(bits);
        }
    }

    /// <summary>The X server it reads (":1").</summary>
    public string Server { get; }

    /// <summary>The ring the frame loop drains (<see cref="InputRing.Read"/>).</summary>
    public InputRing Ring => _ring;

    /// <summary>Key events read so far (key-downs and key-ups, repeats excluded).</summary>
    public long Events => Interlocked.Read(ref _events);

    /// <summary>Bytes the reader thread allocated after its start-up (0: reading allocates nothing per event).</summary>
    public long AllocatedWhileReading => Interlocked.Read(ref _allocatedWhileReading);

    private long _focusWindow;
    private long _ignoredUnfocused;

    /// <summary>
    /// The participant's window (<see cref="Gl.GlDisplay.X11Window"/>), or 0 for none (offscreen: every key counts).
    /// With a window, a key counts only while the X input focus is that window (or follows the pointer), as with SDL:
    /// raw events come from every keyboard whatever has focus, and keys typed into the operator's terminal on the same
    /// X server (its p, a, m, s) must not also reach the session. The focus is asked for after the stamp is taken.
    /// </summary>
    public nuint FocusWindow
    {
        get => (nuint)Interlocked.Read(ref _focusWindow);
        set => Interlocked.Exchange(ref _focusWindow, (long)value);
    }

    /// <summary>Key events dropped because another window than <see cref="FocusWindow"/> had the keyboard focus.</summary>
    public long IgnoredWithoutFocus => Interlocked.Read(ref _ignoredUnfocused);

    /// <summary>What the thread set-up said: null before it ran or without one, "" when it worked, else why not.</summary>
    public string? ThreadSetup => Volatile.Read(ref _threadSetup);

    /// <summary>Why the reader stopped (the X connection failed), or null while it reads.</summary>
    public string? Fault => Volatile.Read(ref _fault);

    /// <summary>Names every keycode once per keyboard mapping (the table is then read per event, allocation-free).</summary>
    private void FillNames()
    {
        for (int kc = 0; kc < 256; kc++)
        {
            if (kc < 8) { _names[kc] = KeyNames.Unknown; continue; }
            nuint sym = X11.XkbKeycodeToKeysym(_display, (byte)kc, 0, 0);
            if (X11Keys.IsKeypadNavigation(sym)) sym = X11.XkbKeycodeToKeysym(_display, (byte)kc, 0, 1);
            _names[kc] = X11Keys.FromKeysym(sym);
        }
    }

    private void Read()
    {
        if (_onThread != null) Volatile.Write(ref _threadSetup, _onThread() ?? "");
        var pfd = new X11.PollFd { Fd = X11.XConnectionNumber(_display), Events = X11.PollIn };
        long startBytes = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            while (!_stop)
            {
                // Sleep on the socket (50 ms at most, to see a stop); the stamp is taken the moment data arrives.
                if (X11.XPending(_display) == 0)
                {
                    pfd.Revents = 0;
                    if (X11.Poll(ref pfd, 1, 50) <= 0) continue;
                }
                long now = _clock.NowNs;
                int n = X11.XPending(_display);
                for (int i = 0; i < n; i++) Handle(now);
                Interlocked.Exchange(ref _allocatedWhileReading, GC.GetAllocatedBytesForCurrentThread() - startBytes);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Volatile.Write(ref _fault, $"the key reader stopped: {e.Message}");
        }
    }

    private void Handle(long now)
    {
        X11.XNextEvent(_display, out var e);
        if (e.Type == X11.MappingNotify)
        {
            X11.XRefreshKeyboardMapping(ref e);
            FillNames();
            return;
        }
        if (e.Type != X11.GenericEvent || e.Extension != _opcode) return;
        if (X11.XGetEventData(_display, ref e) == 0) return;
        try
        {
            if (e.EvType is not (X11.XIRawKeyPress or X11.XIRawKeyRelease)) return;
            int keycode = Marshal.ReadInt32(e.Data, X11.RawEventDetailOffset) & 0xff;
            bool down = e.EvType == X11.XIRawKeyPress;
            if (down && _down[keycode]) return; // auto-repeat: one press is one response
            _down[keycode] = down;
            nuint window = FocusWindow;
            if (window != 0)
            {
                X11.XGetInputFocus(_display, out nuint focus, out _);
                if (focus != window && focus != X11.PointerRoot)
                {
                    Interlocked.Increment(ref _ignoredUnfocused);
                    return;
                }
            }
            _ring.TryWrite(new InputEvent(now, _names[keycode], down, InputSource.Keyboard));
            Interlocked.Increment(ref _events);
        }
        finally
        {
            X11.XFreeEventData(_display, ref e);
        }
    }

    public void Dispose()
    {
        if (_stop) return;
        _stop = true;
        // The thread wakes within 50 ms; a connection still in use by it is left to the process's exit.
        if (_thread.Join(TimeSpan.FromSeconds(2))) X11.XCloseDisplay(_display);
    }
}
