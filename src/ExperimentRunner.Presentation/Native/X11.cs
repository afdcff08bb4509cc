using System.Runtime.InteropServices;

namespace ExperimentRunner.Presentation.Native;

/// <summary>
/// The few Xlib, XInput2 (libXi) and XTEST (libXtst) calls the precise key reader and the timing test need, through
/// source-generated marshalling. Each connection (<c>Display*</c>) is used by one thread only; libX11 1.8 (Debian 12)
/// makes Xlib thread-safe by itself, and <see cref="XInitThreads"/> is called first anyway.
/// </summary>
/// <remarks>Layouts follow the 64-bit Linux headers (X11/Xlib.h, X11/extensions/XInput2.h, XI2proto.h).</remarks>
internal static partial class X11
{
    public const string LibX11 = "libX11.so.6";
    public const string LibXi = "libXi.so.6";
    public const string LibXtst = "libXtst.so.6";

    public const int GenericEvent = 35;
    public const int MappingNotify = 34;

    // XI2 event types (XI2.h) and the device selector "every master device".
    public const int XIRawKeyPress = 13;
    public const int XIRawKeyRelease = 14;
    public const int XIAllMasterDevices = 1;

    // Offsets in XIRawEvent (64-bit): type 0, serial 8, send_event 16, display 24, extension 32, evtype 36,
    // time 40, deviceid 48, sourceid 52, detail 56, flags 60.
    public const int RawEventDetailOffset = 56;
    public const int RawEventTimeOffset = 40;

    /// <summary>An XEvent (a union of 24 longs); the fields of the generic-event cookie are named.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    public struct XEvent
    {
        [FieldOffset(0)] public int Type;
        [FieldOffset(32)] public int Extension;
        [FieldOffset(36)] public int EvType;
        [FieldOffset(40)] public uint Cookie;
        [FieldOffset(48)] public nint Data;
    }

    /// <summary>XIEventMask: which events of which device a window is selected for.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct XIEventMask
    {
        public int DeviceId;
        public int MaskLength;
        public nint Mask;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    public const short PollIn = 0x001;

    [LibraryImport(LibX11)]
    public static partial int XInitThreads();

    /// <summary>Opens a connection; <paramref name="name"/> null means $DISPLAY. Returns 0 when no server answers.</summary>
    [LibraryImport(LibX11, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint XOpenDisplay(string? name);

    [LibraryImport(LibX11)]
    public static partial int XCloseDisplay(nint display);

    [LibraryImport(LibX11)]
    public static partial nuint XDefaultRootWindow(nint display);

    [LibraryImport(LibX11)]
    public static partial nint XDisplayString(nint display);

    [LibraryImport(LibX11, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int XQueryExtension(nint display, string name, out int majorOpcode, out int firstEvent, out int firstError);

    [LibraryImport(LibX11)]
    public static partial int XConnectionNumber(nint display);

    /// <summary>Reads what the server sent (without blocking) and returns how many events wait.</summary>
    [LibraryImport(LibX11)]
    public static partial int XPending(nint display);

    [LibraryImport(LibX11)]
    public static partial int XNextEvent(nint display, out XEvent e);

    [LibraryImport(LibX11)]
    public static partial int XGetEventData(nint display, ref XEvent cookie);

    [LibraryImport(LibX11)]
    public static partial void XFreeEventData(nint display, ref XEvent cookie);

    [LibraryImport(LibX11)]
    public static partial int XFlush(nint display);

    [LibraryImport(LibX11)]
    public static partial int XSync(nint display, int discard);

    [LibraryImport(LibX11)]
    public static partial int XRefreshKeyboardMapping(ref XEvent mappingEvent);

    /// <summary>PointerRoot as a focus: the keyboard goes to the window under the pointer.</summary>
    public const nuint PointerRoot = 1;

    [LibraryImport(LibX11)]
    public static partial int XSetInputFocus(nint display, nuint focus, int revertTo, nuint time);

    [LibraryImport(LibX11)]
    public static partial int XGetInputFocus(nint display, out nuint focus, out int revertTo);

    [LibraryImport(LibX11)]
    public static partial nuint XkbKeycodeToKeysym(nint display, byte keycode, int group, int level);

    [LibraryImport(LibX11)]
    public static partial byte XKeysymToKeycode(nint display, nuint keysym);

    [LibraryImport(LibXi)]
    public static partial int XIQueryVersion(nint display, ref int major, ref int minor);

    [LibraryImport(LibXi)]
    public static partial int XISelectEvents(nint display, nuint window, ref XIEventMask masks, int count);

    [LibraryImport(LibXtst)]
    public static partial int XTestQueryExtension(nint display, out int eventBase, out int errorBase, out int major, out int minor);

    [LibraryImport(LibXtst)]
    public static partial int XTestFakeKeyEvent(nint display, uint keycode, int isPress, nuint delayMs);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(ref PollFd fd, nuint count, int timeoutMs);

    /// <summary>The server string of a connection (":1"); allocates: for messages.</summary>
    public static string Name(nint display) => Marshal.PtrToStringUTF8(XDisplayString(display)) ?? "";

    /// <summary>
    /// Whether Xlib can be loaded and a server answers at <paramref name="name"/> (null: $DISPLAY); <paramref name="why"/>
    /// says what is missing otherwise, for preflight.
    /// </summary>
    public static bool TryOpen(string? name, out nint display, out string why)
    {
        display = 0;
        string where = name ?? Environment.GetEnvironmentVariable("DISPLAY") ?? "";
        if (string.IsNullOrEmpty(where))
        {
            why = "no X server: DISPLAY is not set (offscreen, a console or Wayland without XWayland)";
            return false;
        }
        try
        {
            XInitThreads();
            display = XOpenDisplay(name);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            why = $"libX11 could not be loaded ({e.Message.Split('\n')[0]}); apt-get install libx11-6 libxi6 libxtst6";
            return false;
        }
        if (display == 0)
        {
            why = $"no X server answers at DISPLAY={where}";
            return false;
        }
        why = "";
        return true;
    }
}
