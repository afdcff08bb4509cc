using ExperimentRunner.Core.Files;
using System.Buffers.Binary;

namespace ExperimentRunner.Presentation.Audio;

/// <summary>A decoded sound: interleaved float samples in [−1, 1].</summary>
/// <param name="SampleRate">Frames per second (Hz).</param>
/// <param name="Channels">Samples per frame.</param>
public sealed record PcmSound(int SampleRate, int Channels, float[] Samples)
{
    public int Frames => Samples.Length / Channels;
    /// <summary>Length in ns.</summary>
    public long DurationNs => (long)(Frames * 1e9 / SampleRate);
}

/// <summary>
/// Reads RIFF/WAVE files: PCM 8/16/24/32-bit integers and 32/64-bit IEEE float (plain or WAVE_FORMAT_EXTENSIBLE),
/// and converts them to the device's rate and channel count (linear interpolation; mono is copied to every channel,
/// extra channels are folded onto the device's by index). Runs at preload, never in a frame loop.
/// </summary>
public static class WavDecoder
{
    public static PcmSound Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Sound not found: {path}", path);
        byte[] bytes;
        try { bytes = RegularFile.ReadAllBytes(path, FileLimits.Sound); }
        catch (ConfinedFileException e) { throw new InvalidDataException($"Sound could not be read: {e.Message}", e); }
        try
        {
            return Parse(bytes);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    public static PcmSound Parse(ReadOnlySpan<byte> b)
    {
        if (b.Length < 12 || !b[..4].SequenceEqual("RIFF"u8) || !b.Slice(8, 4).SequenceEqual("WAVE"u8))
            throw new InvalidDataException("not a WAV file (no RIFF/WAVE header)");
        int format = -1, channels = 0, rate = 0, bits = 0, blockAlign = 0;
        ReadOnlySpan<byte> data = default;
        bool haveData = false;
        int pos = 12;
        while (pos + 8 <= b.Length)
        {
            var id = b.Slice(pos, 4);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(pos + 4, 4));
            int start = pos + 8;
            int len = (int)Math.Min(size, b.Length - start);
            if (id.SequenceEqual("fmt "u8))
            {
                if (len < 16) throw new InvalidDataException("the fmt chunk is too short");
                var f = b.Slice(start, len);
                format = BinaryPrimitives.ReadUInt16LittleEndian(f);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(f[2..]);
                rate = BinaryPrimitives.ReadInt32LittleEndian(f[4..]);
                blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(f[12..]);
                bits = BinaryPrimitives.ReadUInt16LittleEndian(f[14..]);
                if (format == 0xFFFE && len >= 26) format = BinaryPrimitives.ReadUInt16LittleEndian(f[24..]);
            }
            else if (id.SequenceEqual("data"u8))
            {
                data = b.Slice(start, len);
                haveData = true;
            }
            pos = start + (int)Math.Min(size + (size & 1), int.MaxValue - start);
        }
        if (format < 0) throw new InvalidDataException("no fmt chunk");
        if (!haveData) throw new InvalidDataException("no data chunk");
        if (channels < 1 || rate < 1) throw new InvalidDataException($"invalid format: {channels} channels at {rate} Hz");
        bool isFloat = format == 3;
        if (!(format == 1 && bits is 8 or 16 or 24 or 32) && !(isFloat && bits is 32 or 64))
            throw new InvalidDataException($"unsupported encoding (format {format}, {bits} bits): use PCM 8/16/24/32-bit or 32/64-bit float");
        int bytesPer = bits / 8;
        if (blockAlign < bytesPer * channels) blockAlign = bytesPer * channels;
        int frames = data.Length / blockAlign;
        var samples = new float[frames * channels];
        for (int fr = 0; fr < frames; fr++)
        for (int c = 0; c < channels; c++)
        {
            var s = data.Slice(fr * blockAlign + c * bytesPer, bytesPer);
            samples[fr * channels + c] = (bits, isFloat) switch
            {
                (8, false) => (s[0] - 128) / 128f,
                (16, false) => BinaryPrimitives.ReadInt16LittleEndian(s) / 32768f,
                (24, false) => ((s[0] | (s[1] << 8) | (s[2] << 16)) << 8 >> 8) / 8388608f,
                (32, false) => BinaryPrimitives.ReadInt32LittleEndian(s) / 2147483648f,
                (32, true) => BinaryPrimitives.ReadSingleLittleEndian(s),
                _ => (float)BinaryPrimitives.ReadDoubleLittleEndian(s),
            };
        }
        return new PcmSound(rate, channels, samples);
    }

    /// <summary>The sound at another rate and channel count (the same object when nothing changes).</summary>
    public static PcmSound Convert(PcmSound src, int rate, int channels)
    {
        if (src.SampleRate == rate && src.Channels == channels) return src;
        int srcFrames = src.Frames;
        int frames = src.SampleRate == rate ? srcFrames : (int)((long)srcFrames * rate / src.SampleRate);
        var outS = new float[frames * channels];
        double step = (double)src.SampleRate / rate;
        for (int fr = 0; fr < frames; fr++)
        {
            double at = fr * step;
            int i0 = (int)at;
            int i1 = Math.Min(i0 + 1, srcFrames - 1);
            float t = (float)(at - i0);
            for (int c = 0; c < channels; c++)
            {
                int sc = src.Channels == 1 ? 0 : c % src.Channels;
                float a = src.Samples[i0 * src.Channels + sc], b = src.Samples[i1 * src.Channels + sc];
                outS[fr * channels + c] = a + (b - a) * t;
            }
        }
        return new PcmSound(rate, channels, outS);
    }
}
