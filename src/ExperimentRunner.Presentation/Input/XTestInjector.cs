using ExperimentRunner.Core.Time;
using ExperimentRunner.Presentation.Native;

namespace ExperimentRunner.Presentation.Input;

/// <summary>
/// Key presses made by the X server itself (XTEST), from inside this process on a connection of its own: the
/// injection time is known to within the cost of one request write, with no process launch in between (xdotool's
/// launch adds milliseconds of jitter). For the timing test and the tests; never used in a session.
/// </summary>
public sealed class XTestInjector : IDisposable
{
    private readonly nint _display;
    private readonly IClock _clock;

    private XTestInjector(nint display, IClock clock)
    {
        _display = display;
        _clock = clock;
    }

    /// <summary>Opens a connection to <paramref name="displayName"/> (null: $DISPLAY) with XTEST, or null with why not.</summary>
    public static XTestInjector? TryOpen(IClock clock, string? displayName, out string why)
    {
        if (!X11.TryOpen(displayName, out nint display, out why)) return null;
        try
        {
            if (X11.XTestQueryExtension(display, out _, out _, out _, out _) == 0)
            {
                why = $"the X server at {X11.Name(display)} has no XTEST extension";
                X11.XCloseDisplay(display);
                return null;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            X11.XCloseDisplay(display);
            why = $"libXtst could not be loaded ({e.Message.Split('\n')[0]}); apt-get install libxtst6";
            return null;
        }
        return new XTestInjector(display, clock);
    }

    /// <summary>The X keycode of a key name on this server's keyboard; throws when the keyboard has none.</summary>
    public byte Keycode(string keyName)
    {
        byte kc = X11.XKeysymToKeycode(_display, X11Keys.ToKeysym(keyName));
        return kc != 0 ? kc : throw new ArgumentException($"the X keyboard has no key for '{keyName}'", nameof(keyName));
    }

    /// <summary>Presses or releases a key now; returns the run-clock time just before the request was sent, ns.</summary>
    public long Key(byte keycode, bool down)
    {
        X11.XTestFakeKeyEvent(_display, keycode, down ? 1 : 0, 0);
        long sentNs = _clock.NowNs;
        X11.XFlush(_display);
        return sentNs;
    }

    /// <summary>Gives the keyboard focus to <paramref name="window"/> (0: the root window; <see cref="X11.PointerRoot"/>: follow the pointer), as a window manager would.</summary>
    public void Focus(nuint window)
    {
        X11.XSetInputFocus(_display, window == 0 ? X11.XDefaultRootWindow(_display) : window, 1 /* RevertToPointerRoot */, 0);
        X11.XSync(_display, 0);
    }

    public void Dispose() => X11.XCloseDisplay(_display);
}
