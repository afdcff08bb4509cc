using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Presentation.Input;

/// <summary>
/// The participant's input with keys stamped on arrival: keys (and button boxes and trigger converters that type)
/// from <see cref="X11KeyReader"/>'s ring, the mouse and the window's close from SDL's queue (whose own key events
/// are dropped, so nothing is counted twice). Poll allocates nothing; use from the frame-loop thread.
/// </summary>
public sealed class PreciseInput : IInput, IDisposable
{
    private readonly X11KeyReader _reader;
    private readonly SdlInput? _sdl;

    /// <param name="reader">The key reader (owned: disposed with this).</param>
    /// <param name="sdl">SDL's queue for the mouse and the window's close, made with keys off; null without a window (owned).</param>
    public PreciseInput(X11KeyReader reader, SdlInput? sdl)
    {
        _reader = reader;
        _sdl = sdl;
    }

    public string Timing => InputTimings.XInput2;

    public X11KeyReader Reader => _reader;

    /// <summary>Keys first (stamped when they came, so older than anything SDL stamps now), then SDL's events.</summary>
    public int Poll(Span<InputEvent> buffer)
    {
        int n = _reader.Ring.Read(buffer);
        if (_sdl != null && n < buffer.Length) n += _sdl.Poll(buffer[n..]);
        return n;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _sdl?.Dispose();
    }
}

/// <summary>What <see cref="InputPaths.Open"/> chose: the input, its path, and for preflight what it found.</summary>
public sealed record InputChoice(IInput Input, IDisposable Owner, string Timing, string Detail, string? Remedy)
{
    /// <summary>True when keys are stamped on arrival; false on the fallback (frame-polled), which preflight warns about.</summary>
    public bool Precise => Timing == InputTimings.XInput2;
}

/// <summary>Chooses the participant's input path: XInput2 on arrival where an X server answers, else SDL frame-polled.</summary>
public static class InputPaths
{
    /// <summary>
    /// Opens the precise path (<see cref="X11KeyReader"/> on $DISPLAY) or, where it cannot be had (no X server, no
    /// libXi), SDL's queue polled by the frame loop, with what to do about it. Throws when SDL's queue cannot start either.
    /// </summary>
    /// <param name="onReaderThread">Runs first on the key reader's thread (e.g. real-time scheduling with --realtime-priority).</param>
    /// <param name="focusWindow">The participant's X11 window (<see cref="Gl.GlDisplay.X11Window"/>): keys count only while it
    /// has the keyboard focus; 0 (offscreen) for every key.</param>
    public static InputChoice Open(IClock clock, double refreshHz, nuint focusWindow = 0, Func<string?>? onReaderThread = null)
    {
        var reader = X11KeyReader.TryOpen(clock, null, out string why, onReaderThread: onReaderThread);
        if (reader != null)
        {
            reader.FocusWindow = focusWindow;
            var precise = new PreciseInput(reader, new SdlInput(clock, keys: false));
            return new InputChoice(precise, precise, InputTimings.XInput2,
                $"XInput2 raw key events on a connection of its own to {reader.Server}, stamped on arrival by a reader thread " +
                "(expected resolution under 1 ms, independent of the frame; trigger keys too; measure: exrun timing-test --keys 200)", null);
        }
        var sdl = new SdlInput(clock);
        double frameMs = refreshHz > 0 ? 1000 / refreshHz : 16.7;
        return new InputChoice(sdl, sdl, InputTimings.FramePolled,
            $"{why}: keys stamped by the frame loop after each flip (SDL), so response times and key-trigger pulses are rounded up to the next frame (up to {frameMs:0.0} ms)",
            "run the participant's window under X11 with DISPLAY set and libXi installed (apt-get install libx11-6 libxi6); the session is marked frame-polled");
    }
}
