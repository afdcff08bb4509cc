using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ExperimentRunner.Presentation.Native;

/// <summary>
/// Our own thin P/Invoke layer over the few SDL2 functions ExperimentRunner needs (video, GL context, events, audio).
/// Source-generated marshalling (<see cref="LibraryImportAttribute"/>): no reflection, no per-call allocation for the
/// calls with blittable arguments, which are the only ones used inside a frame loop.
/// </summary>
/// <remarks>Layouts follow SDL 2.0.x headers (stable ABI); checked against SDL 2.26 on Debian.</remarks>
internal static partial class Sdl
{
    public const string Library = "libSDL2-2.0.so.0";

    // SDL_Init flags
    public const uint InitTimer = 0x0000_0001;
    public const uint InitAudio = 0x0000_0010;
    public const uint InitVideo = 0x0000_0020;
    public const uint InitEvents = 0x0000_4000;

    // SDL_WindowFlags
    public const uint WindowFullscreen = 0x0000_0001;
    public const uint WindowOpenGl = 0x0000_0002;
    public const uint WindowShown = 0x0000_0004;
    public const uint WindowHidden = 0x0000_0008;
    public const uint WindowBorderless = 0x0000_0010;
    public const uint WindowFullscreenDesktop = WindowFullscreen | 0x0000_1000;
    public const uint WindowAllowHighDpi = 0x0000_2000;

    /// <summary>SDL_WINDOWPOS_CENTERED_DISPLAY(display).</summary>
    public static int WindowPosCenteredOn(int display) => unchecked((int)(0x2FFF_0000u | (uint)display));

    // SDL_EventType (the ones we read)
    public const uint EventQuit = 0x100;
    public const uint EventWindow = 0x200;
    public const uint EventKeyDown = 0x300;
    public const uint EventKeyUp = 0x301;
    public const uint EventMouseMotion = 0x400;
    public const uint EventMouseButtonDown = 0x401;
    public const uint EventMouseButtonUp = 0x402;

    /// <summary>Keycodes for non-character keys are the scancode with this bit set (SDLK_SCANCODE_MASK).</summary>
    public const int KeycodeScancodeMask = 1 << 30;

    // SDL_AudioFormat
    public const ushort AudioS16Lsb = 0x8010;
    public const ushort AudioF32Lsb = 0x8120;

    [LibraryImport(Library, EntryPoint = "SDL_Init")]
    public static partial int Init(uint flags);

    [LibraryImport(Library, EntryPoint = "SDL_InitSubSystem")]
    public static partial int InitSubSystem(uint flags);

    [LibraryImport(Library, EntryPoint = "SDL_QuitSubSystem")]
    public static partial void QuitSubSystem(uint flags);

    [LibraryImport(Library, EntryPoint = "SDL_WasInit")]
    public static partial uint WasInit(uint flags);

    [LibraryImport(Library, EntryPoint = "SDL_Quit")]
    public static partial void Quit();

    [LibraryImport(Library, EntryPoint = "SDL_GetError")]
    private static partial nint GetErrorPtr();

    [LibraryImport(Library, EntryPoint = "SDL_ClearError")]
    public static partial void ClearError();

    /// <summary>SDL's last error message ("" when none). Allocates: for error paths only.</summary>
    public static string GetError() => Marshal.PtrToStringUTF8(GetErrorPtr()) ?? "";

    /// <summary>
    /// Sets a process environment variable in the C runtime, where SDL reads it. <see cref="Environment.SetEnvironmentVariable(string,string)"/>
    /// does not reach the native environment on Unix, so SDL settings (SDL_VIDEODRIVER…) must go through here.
    /// </summary>
    [LibraryImport(Library, EntryPoint = "SDL_setenv", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport(Library, EntryPoint = "SDL_getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint GetEnvPtr(string name);

    /// <summary>A variable of the C environment, as SDL sees it (null when unset).</summary>
    public static string? GetEnv(string name) => Marshal.PtrToStringUTF8(GetEnvPtr(name));

    [LibraryImport(Library, EntryPoint = "SDL_SetHint", StringMarshalling = StringMarshalling.Utf8)]
    [return: MarshalAs(UnmanagedType.I4)]
    public static partial bool SetHint(string name, string value);

    [LibraryImport(Library, EntryPoint = "SDL_GetCurrentVideoDriver")]
    private static partial nint GetCurrentVideoDriverPtr();

    /// <summary>The video driver in use ("x11", "wayland", "offscreen"…), or null before video is initialised.</summary>
    public static string? GetCurrentVideoDriver() => Marshal.PtrToStringUTF8(GetCurrentVideoDriverPtr());

    [LibraryImport(Library, EntryPoint = "SDL_GetCurrentAudioDriver")]
    private static partial nint GetCurrentAudioDriverPtr();

    /// <summary>The audio driver in use ("pulseaudio", "alsa", "disk"…), or null before audio is initialised.</summary>
    public static string? GetCurrentAudioDriver() => Marshal.PtrToStringUTF8(GetCurrentAudioDriverPtr());

    // ---- video / windows ----

    [LibraryImport(Library, EntryPoint = "SDL_GetNumVideoDisplays")]
    public static partial int GetNumVideoDisplays();

    [LibraryImport(Library, EntryPoint = "SDL_GetDesktopDisplayMode")]
    public static partial int GetDesktopDisplayMode(int displayIndex, out DisplayMode mode);

    [LibraryImport(Library, EntryPoint = "SDL_GetCurrentDisplayMode")]
    public static partial int GetCurrentDisplayMode(int displayIndex, out DisplayMode mode);

    [LibraryImport(Library, EntryPoint = "SDL_GetDisplayBounds")]
    public static partial int GetDisplayBounds(int displayIndex, out Rect rect);

    [LibraryImport(Library, EntryPoint = "SDL_CreateWindow", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint CreateWindow(string title, int x, int y, int w, int h, uint flags);

    [LibraryImport(Library, EntryPoint = "SDL_DestroyWindow")]
    public static partial void DestroyWindow(nint window);

    [LibraryImport(Library, EntryPoint = "SDL_GetWindowSize")]
    public static partial void GetWindowSize(nint window, out int w, out int h);

    [LibraryImport(Library, EntryPoint = "SDL_GetWindowDisplayIndex")]
    public static partial int GetWindowDisplayIndex(nint window);

    [LibraryImport(Library, EntryPoint = "SDL_RaiseWindow")]
    public static partial void RaiseWindow(nint window);

    /// <summary>toggle: 1 show, 0 hide, -1 query. Returns the state after the call.</summary>
    [LibraryImport(Library, EntryPoint = "SDL_ShowCursor")]
    public static partial int ShowCursor(int toggle);

    [LibraryImport(Library, EntryPoint = "SDL_DisableScreenSaver")]
    public static partial void DisableScreenSaver();

    // ---- OpenGL ----

    [LibraryImport(Library, EntryPoint = "SDL_GL_SetAttribute")]
    public static partial int GlSetAttribute(GlAttr attr, int value);

    [LibraryImport(Library, EntryPoint = "SDL_GL_ResetAttributes")]
    public static partial void GlResetAttributes();

    [LibraryImport(Library, EntryPoint = "SDL_GL_CreateContext")]
    public static partial nint GlCreateContext(nint window);

    [LibraryImport(Library, EntryPoint = "SDL_GL_MakeCurrent")]
    public static partial int GlMakeCurrent(nint window, nint context);

    [LibraryImport(Library, EntryPoint = "SDL_GL_DeleteContext")]
    public static partial void GlDeleteContext(nint context);

    /// <summary>interval: 0 immediate, 1 wait for vertical blank, -1 adaptive. Returns 0 on success, -1 when unsupported.</summary>
    [LibraryImport(Library, EntryPoint = "SDL_GL_SetSwapInterval")]
    public static partial int GlSetSwapInterval(int interval);

    [LibraryImport(Library, EntryPoint = "SDL_GL_GetSwapInterval")]
    public static partial int GlGetSwapInterval();

    [LibraryImport(Library, EntryPoint = "SDL_GL_SwapWindow")]
    public static partial void GlSwapWindow(nint window);

    [LibraryImport(Library, EntryPoint = "SDL_GL_GetDrawableSize")]
    public static partial void GlGetDrawableSize(nint window, out int w, out int h);

    [LibraryImport(Library, EntryPoint = "SDL_GL_GetProcAddress", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint GlGetProcAddress(string proc);

    // ---- events ----

    /// <summary>Takes one event off SDL's queue (pumping the OS queue first). Returns 1 when <paramref name="e"/> was filled.</summary>
    [LibraryImport(Library, EntryPoint = "SDL_PollEvent")]
    public static partial int PollEvent(out Event e);

    [LibraryImport(Library, EntryPoint = "SDL_PumpEvents")]
    public static partial void PumpEvents();

    /// <summary>Queues an event as if it came from the OS (tests use it to type keys). Returns 1 on success.</summary>
    [LibraryImport(Library, EntryPoint = "SDL_PushEvent")]
    public static partial int PushEvent(in Event e);

    [LibraryImport(Library, EntryPoint = "SDL_FlushEvents")]
    public static partial void FlushEvents(uint minType, uint maxType);

    // ---- audio ----

    /// <summary>Opens an output (iscapture 0) device; device null = the default. Returns a device id ≥ 2, or 0 on failure.</summary>
    [LibraryImport(Library, EntryPoint = "SDL_OpenAudioDevice", StringMarshalling = StringMarshalling.Utf8)]
    public static partial uint OpenAudioDevice(string? device, int isCapture, in AudioSpec desired, out AudioSpec obtained, int allowedChanges);

    [LibraryImport(Library, EntryPoint = "SDL_CloseAudioDevice")]
    public static partial void CloseAudioDevice(uint dev);

    /// <summary>Copies <paramref name="len"/> bytes into the device's queue. Returns 0 on success.</summary>
    [LibraryImport(Library, EntryPoint = "SDL_QueueAudio")]
    public static unsafe partial int QueueAudio(uint dev, void* data, uint len);

    /// <summary>Bytes still queued (not yet handed to the hardware).</summary>
    [LibraryImport(Library, EntryPoint = "SDL_GetQueuedAudioSize")]
    public static partial uint GetQueuedAudioSize(uint dev);

    [LibraryImport(Library, EntryPoint = "SDL_ClearQueuedAudio")]
    public static partial void ClearQueuedAudio(uint dev);

    /// <summary>pauseOn 0 starts the device (it then plays silence when its queue is empty), 1 pauses it.</summary>
    [LibraryImport(Library, EntryPoint = "SDL_PauseAudioDevice")]
    public static partial void PauseAudioDevice(uint dev, int pauseOn);

    // ---- layouts ----

    /// <summary>SDL_DisplayMode: 24 bytes on 64-bit.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct DisplayMode
    {
        public uint Format;
        public int W;
        public int H;
        /// <summary>Hz as the OS reports it; 0 when unknown.</summary>
        public int RefreshRate;
        public nint DriverData;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Rect
    {
        public int X, Y, W, H;
    }

    /// <summary>SDL_AudioSpec: 32 bytes on 64-bit. We never use the callback (queue mode).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct AudioSpec
    {
        /// <summary>Samples per second (Hz).</summary>
        public int Freq;
        public ushort Format;
        public byte Channels;
        public byte Silence;
        /// <summary>Device buffer size in sample frames (a power of two).</summary>
        public ushort Samples;
        public ushort Padding;
        /// <summary>Device buffer size in bytes (filled in by SDL).</summary>
        public uint Size;
        public nint Callback;
        public nint UserData;
    }

    /// <summary>SDL_GLattr.</summary>
    public enum GlAttr
    {
        RedSize = 0,
        GreenSize = 1,
        BlueSize = 2,
        AlphaSize = 3,
        BufferSize = 4,
        DoubleBuffer = 5,
        DepthSize = 6,
        StencilSize = 7,
        MultisampleBuffers = 13,
        MultisampleSamples = 14,
        AcceleratedVisual = 15,
        ContextMajorVersion = 17,
        ContextMinorVersion = 18,
        ContextEgl = 19,
        ContextFlags = 20,
        ContextProfileMask = 21,
    }

    public const int GlProfileCore = 0x1;
    public const int GlProfileCompatibility = 0x2;
    public const int GlProfileEs = 0x4;

    /// <summary>
    /// SDL_Event: a 56-byte union. Only the members we read are laid out; each view below starts at offset 0.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 56)]
    public struct Event
    {
        [FieldOffset(0)] public uint Type;
        [FieldOffset(0)] public KeyboardEvent Key;
        [FieldOffset(0)] public MouseMotionEvent Motion;
        [FieldOffset(0)] public MouseButtonEvent Button;
    }

    /// <summary>SDL_KeyboardEvent (with its SDL_Keysym inlined).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct KeyboardEvent
    {
        public uint Type;
        /// <summary>Whole milliseconds of SDL_GetTicks: too coarse for response times, not used.</summary>
        public uint Timestamp;
        public uint WindowId;
        /// <summary>1 pressed, 0 released.</summary>
        public byte State;
        /// <summary>Non-zero for an auto-repeat of a held key.</summary>
        public byte Repeat;
        public byte Padding2;
        public byte Padding3;
        public int Scancode;
        /// <summary>SDL_Keycode: the character for printable keys, or scancode | <see cref="KeycodeScancodeMask"/>.</summary>
        public int Sym;
        public ushort Mod;
        public uint Unused;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MouseMotionEvent
    {
        public uint Type;
        public uint Timestamp;
        public uint WindowId;
        public uint Which;
        public uint State;
        /// <summary>Window coordinates, pixels from the top-left.</summary>
        public int X;
        public int Y;
        public int XRel;
        public int YRel;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MouseButtonEvent
    {
        public uint Type;
        public uint Timestamp;
        public uint WindowId;
        public uint Which;
        /// <summary>1 left, 2 middle, 3 right, 4 X1, 5 X2.</summary>
        public byte Button;
        public byte State;
        public byte Clicks;
        public byte Padding1;
        public int X;
        public int Y;
    }

    private static int _hintsSet;

    /// <summary>
    /// Settings that must be in place before any SDL subsystem starts: SDL must not install its own SIGINT/SIGTERM
    /// handlers (they would turn the operator's Ctrl+C into an SDL quit event that nobody may be polling, instead
    /// of letting the program stop cleanly).
    /// </summary>
    public static void BeforeInit()
    {
        if (Interlocked.Exchange(ref _hintsSet, 1) == 1) return;
        SetHint("SDL_NO_SIGNAL_HANDLERS", "1");
    }

    /// <summary>Checked at start-up: a mismatch with the native layout would corrupt memory silently.</summary>
    public static void CheckLayouts()
    {
        if (Unsafe.SizeOf<Event>() != 56 || Unsafe.SizeOf<AudioSpec>() != 32 || Unsafe.SizeOf<DisplayMode>() != 24
            || Marshal.OffsetOf<KeyboardEvent>(nameof(KeyboardEvent.Sym)) != 20
            || Marshal.OffsetOf<MouseButtonEvent>(nameof(MouseButtonEvent.X)) != 20
            || Marshal.OffsetOf<MouseMotionEvent>(nameof(MouseMotionEvent.X)) != 20)
            throw new PlatformNotSupportedException("SDL2 structure layouts do not match this platform (64-bit Linux expected).");
    }

    /// <summary>Whether libSDL2 can be loaded at all.</summary>
    public static bool IsAvailable(out string? reason)
    {
        if (NativeLibrary.TryLoad(Library, typeof(Sdl).Assembly, null, out nint handle))
        {
            NativeLibrary.Free(handle);
            reason = null;
            return true;
        }
        reason = $"the SDL2 library ({Library}) could not be loaded; install it (Debian/Ubuntu: apt-get install libsdl2-2.0-0)";
        return false;
    }
}
