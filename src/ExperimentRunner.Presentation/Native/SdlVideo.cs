namespace ExperimentRunner.Presentation.Native;

/// <summary>
/// Reference-counted start and stop of SDL's video subsystem (SDL counts too, but the choice of driver must be made
/// before the first start and must agree for every user after it).
/// </summary>
internal static class SdlVideo
{
    private static readonly object Gate = new();
    private static int _users;
    private static bool _offscreen;

    /// <summary>Starts SDL video (the offscreen driver when asked). Throws <see cref="GlUnavailableException"/> with SDL's reason.</summary>
    public static void Acquire(bool offscreen)
    {
        lock (Gate)
        {
            if (_users > 0)
            {
                if (offscreen != _offscreen)
                    throw new GlUnavailableException(
                        $"SDL video is already running with the {(_offscreen ? "offscreen" : "normal")} driver in this process; close that display first");
                if (Sdl.InitSubSystem(Sdl.InitVideo | Sdl.InitEvents) != 0)
                    throw new GlUnavailableException($"SDL could not open a display: {Sdl.GetError()}");
                _users++;
                return;
            }
                        Sdl.BeforeInit();
            SetVideoDriver(offscreen ? "offscreen" : null);
            if (Sdl.InitSubSystem(Sdl.InitVideo | Sdl.InitEvents) != 0)
            {
                string err = Sdl.GetError();
                string advice = offscreen
                    ? " (the offscreen driver needs EGL: install Mesa's libegl1 and libgl1-mesa-dri)"
                    : " (is a display attached and DISPLAY or WAYLAND_DISPLAY set? use --display offscreen for previews)";
                throw new GlUnavailableException($"SDL could not open a display: {err}{advice}");
            }
            string? driver = Sdl.GetCurrentVideoDriver();
            if (offscreen && driver != "offscreen")
            {
                Sdl.QuitSubSystem(Sdl.InitVideo | Sdl.InitEvents);
                throw new GlUnavailableException($"SDL could not open a display: the offscreen driver was asked for but '{driver}' started");
            }
            if (!offscreen && driver is "offscreen" or "dummy")
            {
                // SDL falls back to a driver without a screen when X11/Wayland cannot be reached: a participant would see nothing.
                Sdl.QuitSubSystem(Sdl.InitVideo | Sdl.InitEvents);
                throw new GlUnavailableException(
                    $"SDL could not open a display: no X11 or Wayland display could be reached (DISPLAY='{Sdl.GetEnv("DISPLAY")}', " +
                    $"WAYLAND_DISPLAY='{Sdl.GetEnv("WAYLAND_DISPLAY")}'), only the '{driver}' driver started");
            }
            _offscreen = offscreen;
            _users = 1;
        }
    }

    public static void Release()
    {
        lock (Gate)
        {
            if (_users == 0) return;
            Sdl.QuitSubSystem(Sdl.InitVideo | Sdl.InitEvents);
            _users--;
        }
    }

    private static bool _captured;
    private static string? _originalDriver;

    /// <summary>
    /// Sets SDL_VIDEODRIVER in the C environment before SDL starts ("offscreen"), or puts back what the process was
    /// started with (empty: SDL chooses). A plain hint would lose to a variable the user set.
    /// </summary>
    private static void SetVideoDriver(string? name)
    {
        if (!_captured)
        {
            _originalDriver = Environment.GetEnvironmentVariable("SDL_VIDEODRIVER");
            _captured = true;
        }
        Sdl.SetEnv("SDL_VIDEODRIVER", name ?? _originalDriver ?? "", 1);
    }
}
