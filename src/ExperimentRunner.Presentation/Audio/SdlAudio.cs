using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Presentation.Native;

namespace ExperimentRunner.Presentation.Audio;

/// <summary>How to open <see cref="SdlAudio"/>.</summary>
public sealed record SdlAudioOptions
{
    /// <summary>Device rate, Hz. Sounds are converted to it at preload.</summary>
    public int SampleRate { get; init; } = 48_000;
    public int Channels { get; init; } = 2;
    /// <summary>Device buffer in frames (a power of two): smaller is lower latency (512 at 48 kHz ≈ 10.7 ms).</summary>
    public int BufferFrames { get; init; } = 512;
    /// <summary>SDL audio driver to use ("pulseaudio", "alsa", "disk"…); null lets SDL (or SDL_AUDIODRIVER) choose.</summary>
    public string? Driver { get; init; }
    /// <summary>Output device name; null for the default.</summary>
    public string? Device { get; init; }
}

/// <summary>
/// Sounds through SDL2's queued audio: WAV files are decoded and converted at <see cref="Preload"/> into pinned
/// float buffers; <see cref="Play"/> clears what is still queued and queues the whole sound (SDL copies it to its own
/// queue; the device's thread plays it within one buffer), then returns the run-clock time. No allocation, decoding
/// or I/O in Play. The device runs from the start (silence when nothing is queued), so a sound needs no warm-up.
/// </summary>
public sealed partial class SdlAudio : IAudio
{
    private readonly IClock _clock;
    private readonly uint _device;
    private readonly Dictionary<string, float[]> _sounds = new(StringComparer.Ordinal);
    private bool _disposed;

    public SdlAudio(IClock clock, SdlAudioOptions? options = null)
    {
        options ??= new SdlAudioOptions();
        _clock = clock;
        if (!Sdl.IsAvailable(out string? why)) throw new InvalidOperationException($"SDL could not open audio: {why}");
        Sdl.CheckLayouts();
        if (options.Driver is not null) Sdl.SetEnv("SDL_AUDIODRIVER", options.Driver, 1);
        Sdl.BeforeInit();
        if (Sdl.InitSubSystem(Sdl.InitAudio) != 0)
            throw new InvalidOperationException($"SDL could not start audio: {Sdl.GetError()}");
        var desired = new Sdl.AudioSpec
        {
            Freq = options.SampleRate, Format = Sdl.AudioF32Lsb, Channels = (byte)options.Channels, Samples = (ushort)options.BufferFrames,
        };
        // allowed changes 0: SDL converts to whatever the hardware wants, so our buffers keep this exact format.
        _device = Sdl.OpenAudioDevice(options.Device, 0, desired, out var obtained, 0);
        if (_device == 0)
        {
            string err = Sdl.GetError();
            Sdl.QuitSubSystem(Sdl.InitAudio);
            throw new InvalidOperationException($"SDL could not open the audio device{(options.Device is null ? "" : $" '{options.Device}'")}: {err}");
        }
        SampleRate = options.SampleRate;
        Channels = options.Channels;
        BufferFrames = obtained.Samples;
        Driver = Sdl.GetCurrentAudioDriver() ?? "?";
        Sdl.PauseAudioDevice(_device, 0);
    }

    public int SampleRate { get; }
    public int Channels { get; }
    /// <summary>The device's buffer, frames (SDL's choice near the one asked for).</summary>
    public int BufferFrames { get; }
    /// <summary>SDL's audio driver in use, for the session record.</summary>
    public string Driver { get; }

    /// <summary>Plays SDL refused (device lost); checked by the runner between blocks, since Play itself must not throw.</summary>
    public long FailedPlays { get; private set; }

    /// <summary>Bytes still waiting in the device's queue.</summary>
    public uint QueuedBytes => Sdl.GetQueuedAudioSize(_device);

    /// <inheritdoc />
    public void Preload(string name, string path)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var sound = WavDecoder.Convert(WavDecoder.Read(path), SampleRate, Channels);
        var pinned = GC.AllocateUninitializedArray<float>(sound.Samples.Length, pinned: true);
        sound.Samples.CopyTo(pinned, 0);
        _sounds[name] = pinned;
    }

    /// <inheritdoc />
    public unsafe long Play(string name)
    {
        if (!_sounds.TryGetValue(name, out var samples)) ThrowNotLoaded(name);
        Sdl.ClearQueuedAudio(_device);
        // The array is pinned (pinned object heap), so taking its address needs no fixed block.
        void* p = Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(samples!));
        if (Sdl.QueueAudio(_device, p, (uint)(samples!.Length * sizeof(float))) != 0) FailedPlays++;
        return _clock.NowNs;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNotLoaded(string name) =>
        throw new InvalidOperationException($"Sound '{name}' was played before it was preloaded.");

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Sdl.CloseAudioDevice(_device);
        Sdl.QuitSubSystem(Sdl.InitAudio);
    }
}
