using System.Globalization;
using ExperimentRunner.Presentation.Native;

namespace ExperimentRunner.Presentation.Audio;

/// <summary>
/// What the audio onset measurement found: for each sound, when SDL's device thread took its first samples off the
/// queue (the first sample leaving for the hardware) after <see cref="SdlAudio.Play"/> was asked, and the device's
/// buffer (the time those samples may still wait in it before they sound).
/// </summary>
/// <param name="QueueDelaysMs">Taken − asked, ms, one per measured sound (sounds never taken are left out).</param>
/// <param name="BufferMs">The device buffer's length, ms (frames / rate).</param>
/// <param name="Loopback">What the loopback (out → in) found, in words.</param>
public sealed record AudioOnsetResult(string Driver, double[] QueueDelaysMs, int Sounds, double BufferMs, string Loopback)
{
    public double MeanMs => QueueDelaysMs.Length == 0 ? double.NaN : QueueDelaysMs.Average();
    public double SdMs => QueueDelaysMs.Length < 2 ? double.NaN : Math.Sqrt(QueueDelaysMs.Sum(x => (x - MeanMs) * (x - MeanMs)) / (QueueDelaysMs.Length - 1));
    public double MaxMs => QueueDelaysMs.Length == 0 ? double.NaN : QueueDelaysMs.Max();

    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"audio ({Driver}): {QueueDelaysMs.Length} of {Sounds} sounds left SDL's queue, play → first sample taken mean {MeanMs:0.000} ms, SD {SdMs:0.000} ms, max {MaxMs:0.000}; then up to {BufferMs:0.###} ms in the device buffer; loopback: {Loopback}");
}

// The audio onset measurement (issue 18): SDL's queue position read on a thread of its own while sounds play.
public sealed partial class SdlAudio
{
    /// <summary>Loads samples already at the device's rate and channels (interleaved floats) under a name.</summary>
    public void PreloadSamples(string name, float[] interleaved)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var pinned = GC.AllocateUninitializedArray<float>(interleaved.Length, pinned: true);
        interleaved.CopyTo(pinned, 0);
        _sounds[name] = pinned;
    }

    /// <summary>A click: <paramref name="ms"/> of a 1 kHz tone at half scale, at the device's rate and channels.</summary>
    public float[] Click(double ms = 10)
    {
        int frames = Math.Max(1, (int)(SampleRate * ms / 1000));
        var samples = new float[frames * Channels];
        for (int f = 0; f < frames; f++)
        {
            float v = 0.5f * MathF.Sin(2 * MathF.PI * 1000 * f / SampleRate);
            for (int c = 0; c < Channels; c++) samples[f * Channels + c] = v;
        }
        return samples;
    }

    /// <summary>The device buffer's length, ms.</summary>
    public double BufferMs => BufferFrames * 1000.0 / SampleRate;

    /// <summary>True when SDL lists a capture device here (a loopback cable or a microphone can be measured).</summary>
    public static bool HasCaptureDevice() => Sdl.GetNumAudioDevices(1) > 0;

    /// <summary>Bytes of a preloaded sound.</summary>
    internal uint BytesOf(string name) => _sounds.TryGetValue(name, out var s) ? (uint)(s.Length * sizeof(float)) : 0;
}

/// <summary>
/// Watches an <see cref="SdlAudio"/>'s queue from a thread of its own: after <see cref="Played"/> it reads
/// SDL_GetQueuedAudioSize about every 50 µs until the queue holds less than the sound (the device thread has taken
/// its first samples) and stamps that moment. One sound at a time; the next <see cref="Played"/> ends the watch of
/// the one before. Allocation-free after construction.
/// </summary>
public sealed class AudioOnsetProbe : IDisposable
{
    private readonly SdlAudio _audio;
    private readonly Core.Time.IClock _clock;
    private readonly long[] _asked, _taken;
    private readonly Thread _thread;
    private volatile int _watching = -1;
    private uint _bytes;
    private volatile bool _stopping;

    public AudioOnsetProbe(SdlAudio audio, Core.Time.IClock clock, int sounds)
    {
        _audio = audio;
        _clock = clock;
        _asked = new long[sounds];
        _taken = new long[sounds];
        _thread = new Thread(Watch) { IsBackground = true, Name = "audio onset probe", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>
    /// Plays <paramref name="name"/> as sound number <paramref name="index"/> and starts watching it. Its delay is counted
    /// from <paramref name="scheduledNs"/> (the flip it belongs to), or from the moment it was asked when that is 0.
    /// </summary>
    public void Play(int index, string name, long scheduledNs = 0)
    {
        _watching = -1;
        _bytes = _audio.BytesOf(name);
        _taken[index] = 0;
        long asked = _audio.Play(name);
        _asked[index] = scheduledNs != 0 ? scheduledNs : asked;
        _watching = index;
    }

    /// <summary>Waits (sleeping) until sound <paramref name="index"/> has been taken, at most <paramref name="timeoutNs"/>; true when it was.</summary>
    public bool WaitTaken(int index, long timeoutNs)
    {
        long until = _clock.NowNs + timeoutNs;
        while (Volatile.Read(ref _taken[index]) == 0 && _clock.NowNs < until) Thread.Sleep(1);
        return Volatile.Read(ref _taken[index]) != 0;
    }

    /// <summary>Ends the watch and gives taken − scheduled for each sound that was taken, ms.</summary>
    public AudioOnsetResult Result(string loopback)
    {
        // The last sound may still be in the queue: give the device half a second to take it.
        long until = _clock.NowNs + 500_000_000;
        while (_watching >= 0 && _clock.NowNs < until) Thread.Sleep(1);
        _watching = -1;
        var delays = new List<double>();
        for (int i = 0; i < _asked.Length; i++)
            if (_asked[i] != 0 && _taken[i] != 0) delays.Add((_taken[i] - _asked[i]) / 1e6);
        return new AudioOnsetResult(_audio.Driver, [.. delays], _asked.Count(a => a != 0), _audio.BufferMs, loopback);
    }

    private void Watch()
    {
        while (!_stopping)
        {
            int i = _watching;
            if (i < 0)
            {
                Thread.Sleep(1);
                continue;
            }
            uint queued = _audio.QueuedBytes;
            long now = _clock.NowNs;
            if (queued < _bytes && _watching == i)
            {
                _taken[i] = now;
                _watching = -1;
                continue;
            }
            Thread.Sleep(0);
            Thread.SpinWait(200);
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join(TimeSpan.FromSeconds(1));
    }
}
