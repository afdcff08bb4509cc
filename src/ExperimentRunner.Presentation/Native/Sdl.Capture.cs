using System.Runtime.InteropServices;

namespace ExperimentRunner.Presentation.Native;

// Audio capture, for the loopback measurement of issue 18 (out → in).
internal static partial class Sdl
{
    /// <summary>Number of audio devices, output (iscapture 0) or capture (1); -1 when it cannot be known.</summary>
    [LibraryImport(Library, EntryPoint = "SDL_GetNumAudioDevices")]
    public static partial int GetNumAudioDevices(int isCapture);

    /// <summary>Takes up to <paramref name="len"/> bytes captured so far; returns how many.</summary>
    [LibraryImport(Library, EntryPoint = "SDL_DequeueAudio")]
    public static unsafe partial uint DequeueAudio(uint dev, void* data, uint len);
}
