using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Core.Vocabulary;
using ExperimentRunner.Presentation.Native;

namespace ExperimentRunner.Presentation.Input;

/// <summary>
/// Keys (and, when enabled, the mouse) from SDL's event queue. Each <see cref="Poll"/> drains the queue and stamps
/// every event with the run clock as it is taken off (SDL's own stamp has whole milliseconds only), so a response
/// time never includes the frame it waited for. Key auto-repeats are dropped (a held button is one response).
/// Poll allocates nothing. Use from the thread that owns the window (the frame-loop thread); keyboard events arrive
/// only while a window of this process has focus.
/// </summary>
public sealed class SdlInput : IInput, IDisposable
{
    private readonly IClock _clock;
    private readonly bool _mouse;
    private readonly bool _keys;
    private bool _disposed;

    /// <param name="clock">The run clock (the same one the display stamps flips with).</param>
    /// <param name="mouse">Report mouse motion ("mouse_move", X/Y in window pixels) and buttons ("mouse_left"…).</param>
    /// <param name="keys">Report keys; false where a precise reader (<see cref="X11KeyReader"/>) stamps them instead
    /// and SDL's copies would be doubles (they are then dropped; the window's close still comes through).</param>
    public SdlInput(IClock clock, bool mouse = false, bool keys = true)
    {
        _clock = clock;
        _mouse = mouse;
        _keys = keys;
        if (!Sdl.IsAvailable(out string? why)) throw new InvalidOperationException($"SDL input is not available: {why}");
        Sdl.CheckLayouts();
        Sdl.BeforeInit();
        if (Sdl.InitSubSystem(Sdl.InitEvents) != 0)
            throw new InvalidOperationException($"SDL could not start its event queue: {Sdl.GetError()}");
    }

    /// <summary>How many key auto-repeat events were dropped so far.</summary>
    public long RepeatsDropped { get; private set; }

    /// <inheritdoc />
    public int Poll(Span<InputEvent> buffer)
    {
        int n = 0;
        // Stop when the buffer is full: what is left stays in SDL's queue for the next poll.
        while (n < buffer.Length && Sdl.PollEvent(out var e) == 1)
        {
            long now = _clock.NowNs;
            switch (e.Type)
            {
                case Sdl.EventKeyDown when _keys:
                case Sdl.EventKeyUp when _keys:
                    if (e.Key.Repeat != 0) { RepeatsDropped++; break; }
                    buffer[n++] = new InputEvent(now, SdlKeys.FromKeycode(e.Key.Sym), e.Type == Sdl.EventKeyDown, InputSource.Keyboard);
                    break;
                case Sdl.EventMouseMotion when _mouse:
                    buffer[n++] = new InputEvent(now, KeyNames.MouseMove, false, InputSource.Mouse, e.Motion.X, e.Motion.Y);
                    break;
                case Sdl.EventMouseButtonDown when _mouse:
                case Sdl.EventMouseButtonUp when _mouse:
                    buffer[n++] = new InputEvent(now, SdlKeys.FromMouseButton(e.Button.Button), e.Type == Sdl.EventMouseButtonDown,
                        InputSource.Mouse, e.Button.X, e.Button.Y);
                    break;
                case Sdl.EventQuit:
                    buffer[n++] = new InputEvent(now, KeyNames.Quit, true, InputSource.Keyboard);
                    break;
            }
        }
        return n;
    }

    /// <summary>
    /// Drops every event waiting in the queue (keys pressed during a Prepare or a pause, before the screen they
    /// could answer). Returns how many were dropped.
    /// </summary>
    public int Discard()
    {
        int n = 0;
        while (Sdl.PollEvent(out _) == 1) n++;
        return n;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Sdl.QuitSubSystem(Sdl.InitEvents);
    }
}
