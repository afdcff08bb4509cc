using System.Runtime.InteropServices;

namespace ExperimentRunner.Presentation.Native;

internal static partial class Sdl
{
    /// <summary>SDL_SysWMinfo: the version asked for, the window system, and (for X11) the Display* and the Window.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct SysWmInfo
    {
        [FieldOffset(0)] public byte Major;
        [FieldOffset(1)] public byte Minor;
        [FieldOffset(2)] public byte Patch;
        [FieldOffset(4)] public int Subsystem;
        [FieldOffset(8)] public nint X11Display;
        [FieldOffset(16)] public nuint X11Window;
    }

    private const int SysWmX11 = 2;

    [LibraryImport(Library, EntryPoint = "SDL_GetVersion")]
    private static partial void GetVersion(out SysWmInfo version); // fills the first three bytes

    [LibraryImport(Library, EntryPoint = "SDL_GetWindowWMInfo")]
    private static partial int GetWindowWmInfo(nint window, ref SysWmInfo info);

    /// <summary>The X11 window id of an SDL window, or 0 when it is not on X11 (offscreen, Wayland).</summary>
    public static nuint X11WindowOf(nint window)
    {
        if (window == 0) return 0;
        GetVersion(out var info);
        return GetWindowWmInfo(window, ref info) != 0 && info.Subsystem == SysWmX11 ? info.X11Window : 0;
    }
}
