using System.Buffers.Binary;
using System.Text;

namespace ExperimentRunner.Presentation.Stimuli;

/// <summary>A short pure sine tone as a WAV file: 16-bit PCM, mono, 44.1 kHz, raised-cosine fade in and out.</summary>
public static class Chime
{
    public const int SampleRateHz = 44_100;
    public const double DefaultFrequencyHz = 880;
    public const int DefaultDurationMs = 200;

    /// <summary>Fade length at each end, in ms (clicks come from a sudden start or stop).</summary>
    public const int FadeMs = 20;

    /// <summary>The whole WAV file's bytes. Peak amplitude is half of full scale.</summary>
    public static byte[] Wav(double frequencyHz = DefaultFrequencyHz, int durationMs = DefaultDurationMs)
    {
        int samples = SampleRateHz * durationMs / 1000;
        int fade = Math.Min(SampleRateHz * FadeMs / 1000, samples / 2);
        int dataBytes = samples * 2;
        var bytes = new byte[44 + dataBytes];
        var span = bytes.AsSpan();
        Encoding.ASCII.GetBytes("RIFF", span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], 36 + dataBytes);
        Encoding.ASCII.GetBytes("WAVE", span[8..]);
        Encoding.ASCII.GetBytes("fmt ", span[12..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);          // fmt chunk size
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1);           // PCM
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], 1);           // mono
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], SampleRateHz);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], SampleRateHz * 2); // bytes per second
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], 2);           // block align
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], 16);          // bits per sample
        Encoding.ASCII.GetBytes("data", span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], dataBytes);
        for (int i = 0; i < samples; i++)
        {
            double envelope = 1;
            if (i < fade) envelope = 0.5 - 0.5 * Math.Cos(Math.PI * i / fade);
            else if (i >= samples - fade) envelope = 0.5 - 0.5 * Math.Cos(Math.PI * (samples - 1 - i) / fade);
            double t = i / (double)SampleRateHz;
            double v = Math.Sin(2 * Math.PI * frequencyHz * t);
            short sample = (short)Math.Round(v * envelope * 0.5 * short.MaxValue);
            BinaryPrimitives.WriteInt16LittleEndian(span[(44 + 2 * i)..], sample);
        }
        return bytes;
    }

    public static void WriteWav(string path, double frequencyHz = DefaultFrequencyHz, int durationMs = DefaultDurationMs) =>
        File.WriteAllBytes(path, Wav(frequencyHz, durationMs));
}
