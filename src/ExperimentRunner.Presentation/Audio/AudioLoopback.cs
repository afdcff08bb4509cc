using System.Globalization;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Presentation.Native;

namespace ExperimentRunner.Presentation.Audio;

/// <summary>What the loopback found: when each click came back on the capture device, from when it was asked for.</summary>
/// <param name="DelaysMs">Heard − asked, ms, for each click heard.</param>
/// <param name="Problem">Why nothing could be measured (no capture device, it did not open, nothing heard), or null.</param>
public sealed record LoopbackResult(int Clicks, double[] DelaysMs, string? Problem)
{
    public double MeanMs => DelaysMs.Length == 0 ? double.NaN : DelaysMs.Average();
    public double SdMs => DelaysMs.Length < 2 ? double.NaN : Math.Sqrt(DelaysMs.Sum(x => (x - MeanMs) * (x - MeanMs)) / (DelaysMs.Length - 1));

    public string Describe() => Problem ?? string.Create(CultureInfo.InvariantCulture,
        $"{DelaysMs.Length} of {Clicks} clicks heard on the capture device, out → in mean {MeanMs:0.0} ms, SD {SdMs:0.0} ms (the capture path's own buffering included)");
}

/// <summary>
/// The out → in loopback of issue 18: with a cable from the sound card's output to its input (or a microphone at the
/// speaker), clicks are played one at a time through <see cref="SdlAudio"/> while the default capture device is read;
/// each click's first sample above 10 × the quiet's level (and at least 0.02) is placed in time by the capture stream
/// (the newest captured sample is taken to be "now" at each read). Not for the frame loop: it allocates and waits.
/// </summary>
public static class AudioLoopback
{
    public static unsafe LoopbackResult Measure(SdlAudio audio, IClock clock, int clicks, string clickName)
    {
        if (!SdlAudio.HasCaptureDevice()) return new LoopbackResult(clicks, [], "no capture device here: not measured");
        var desired = new Sdl.AudioSpec { Freq = audio.SampleRate, Format = Sdl.AudioF32Lsb, Channels = 1, Samples = 256 };
        uint device = Sdl.OpenAudioDevice(null, 1, desired, out _, 0);
        if (device == 0) return new LoopbackResult(clicks, [], $"the capture device did not open ({Sdl.GetError()}): not measured");
        try
        {
            Sdl.PauseAudioDevice(device, 0);
            int rate = audio.SampleRate;
            var chunk = new float[rate / 10];
            var delays = new List<double>();
            for (int k = 0; k < clicks; k++)
            {
                // 100 ms of quiet first: its level sets the threshold.
                var quiet = Read(device, clock, chunk, rate, clock.NowNs + 100_000_000);
                double noise = quiet.Samples.Count == 0 ? 0 : quiet.Samples.Max(Math.Abs);
                double threshold = Math.Max(0.02, 10 * noise);
                long asked = clock.NowNs;
                audio.Play(clickName);
                var heard = Read(device, clock, chunk, rate, asked + 300_000_000);
                int i = heard.Samples.FindIndex(x => Math.Abs(x) > threshold);
                if (i >= 0) delays.Add((heard.TimeOf(i) - asked) / 1e6);
            }
            return new LoopbackResult(clicks, [.. delays], delays.Count == 0
                ? "no click came back on the capture device within 300 ms: cable the output to the input (or put a microphone at the speaker) and check the input's level"
                : null);
        }
        finally
        {
            Sdl.CloseAudioDevice(device);
        }
    }

    private sealed class Capture(int rate)
    {
        public List<float> Samples { get; } = [];
        private readonly List<(int End, long AtNs)> _reads = [];

        public void Add(ReadOnlySpan<float> samples, long atNs)
        {
            foreach (float s in samples) Samples.Add(s);
            _reads.Add((Samples.Count, atNs));
        }

        /// <summary>The time of sample <paramref name="i"/>: the read that brought it, less the samples after it in that read.</summary>
        public long TimeOf(int i)
        {
            var (end, at) = _reads.First(r => r.End > i);
            return at - (long)((end - 1 - i) * 1e9 / rate);
        }
    }

    private static unsafe Capture Read(uint device, IClock clock, float[] chunk, int rate, long untilNs)
    {
        var capture = new Capture(rate);
        while (clock.NowNs < untilNs)
        {
            uint got;
            fixed (float* p = chunk) got = Sdl.DequeueAudio(device, p, (uint)(chunk.Length * sizeof(float)));
            long now = clock.NowNs;
            if (got > 0) capture.Add(chunk.AsSpan(0, (int)(got / sizeof(float))), now);
            else Thread.Sleep(1);
        }
        return capture;
    }
}
