using System.Buffers.Binary;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Presentation.Audio;

namespace ExperimentRunner.Presentation.Tests;

public sealed class AudioTests
{
    /// <summary>A PCM16 WAV: a recognisable ramp (values 100, 200, 300…) on every channel.</summary>
    internal static string Wav(string dir, int rate, int channels, int frames, int bits = 16)
    {
        string path = Path.Combine(dir, $"ramp-{rate}-{channels}-{bits}.wav");
        int bytesPer = bits / 8, block = bytesPer * channels, dataLen = frames * block;
        var b = new byte[44 + dataLen];
        "RIFF"u8.CopyTo(b);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4), 36 + dataLen);
        "WAVEfmt "u8.CopyTo(b.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(20), (short)(bits == 32 ? 3 : 1));
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(22), (short)channels);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(24), rate);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(28), rate * block);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(32), (short)block);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(34), (short)bits);
        "data"u8.CopyTo(b.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(40), dataLen);
        for (int f = 0; f < frames; f++)
        for (int c = 0; c < channels; c++)
        {
            int at = 44 + f * block + c * bytesPer;
            short v = (short)((f % 300 + 1) * 100);
            if (bits == 16) BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(at), v);
            else if (bits == 24) { int x = v << 8; b[at] = (byte)x; b[at + 1] = (byte)(x >> 8); b[at + 2] = (byte)(x >> 16); }
            else BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(at), v / 32768f);
        }
        File.WriteAllBytes(path, b);
        return path;
    }

    [Theory]
    [InlineData(16)]
    [InlineData(24)]
    [InlineData(32)]
    public void WavFilesDecodeToTheirSamples(int bits)
    {
        var sound = WavDecoder.Read(Wav(TestSupport.TempDir(), 44_100, 1, 1000, bits));
        Assert.Equal((44_100, 1, 1000), (sound.SampleRate, sound.Channels, sound.Frames));
        Assert.Equal(100 / 32768f, sound.Samples[0], 5);
        Assert.Equal(500 / 32768f, sound.Samples[4], 5);
    }

    [Fact]
    public void MonoIsSpreadToStereoAndTheRateConverted()
    {
        var mono = new PcmSound(24_000, 1, [0f, 1f, 0f, -1f]);
        var stereo = WavDecoder.Convert(mono, 48_000, 2);
        Assert.Equal(8, stereo.Frames);
        Assert.Equal([0f, 0f, 0.5f, 0.5f, 1f, 1f], stereo.Samples[..6]);
    }

    [Fact]
    public void ANonWavFileIsRejectedWithItsPath()
    {
        string path = Path.Combine(TestSupport.TempDir(), "x.wav");
        File.WriteAllText(path, "not audio");
        var e = Assert.Throws<InvalidDataException>(() => WavDecoder.Read(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void APlayedSoundReachesTheDeviceSampleForSample()
    {
        string dir = TestSupport.TempDir();
        string output = Path.Combine(dir, "out.raw");
        SdlEnvironment.Set("SDL_DISKAUDIOFILE", output);
        var clock = new MonotonicClock();
        string wav = Wav(dir, 48_000, 2, 4800); // 100 ms
        using (var audio = new SdlAudio(clock, new SdlAudioOptions { Driver = "disk" }))
        {
            Assert.Equal("disk", audio.Driver);
            audio.Preload("tone", wav);
            long before = clock.NowNs;
            long took = audio.Play("tone");
            Assert.InRange(took, before, clock.NowNs);
            Assert.True(clock.NowNs - before < 5_000_000, "Play must not wait for the sound");
            long deadline = clock.NowNs + 3_000_000_000;
            while (audio.QueuedBytes > 0 && clock.NowNs < deadline) Thread.Sleep(10);
            Thread.Sleep(100);
            Assert.Equal(0u, audio.QueuedBytes);
            Assert.Equal(0, audio.FailedPlays);
        }

        // The disk driver writes the device's stream (float32, stereo, 48 kHz): find the ramp in it.
        var bytes = File.ReadAllBytes(output);
        var floats = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, floats, 0, floats.Length * 4);
        int start = Array.IndexOf(floats, 100 / 32768f);
        Assert.True(start >= 0, $"the first sample was not in the {bytes.Length} bytes written");
        for (int f = 0; f < 4800; f++)
        {
            float expected = (f % 300 + 1) * 100 / 32768f;
            Assert.Equal(expected, floats[start + 2 * f]);
            Assert.Equal(expected, floats[start + 2 * f + 1]);
        }
    }

    [Fact]
    public void PlayingASoundThatWasNotPreloadedSaysSo()
    {
        SdlEnvironment.Set("SDL_DISKAUDIOFILE", Path.Combine(TestSupport.TempDir(), "out.raw"));
        using var audio = new SdlAudio(new MonotonicClock(), new SdlAudioOptions { Driver = "disk" });
        var e = Assert.Throws<InvalidOperationException>(() => audio.Play("beep"));
        Assert.Contains("'beep'", e.Message);
    }

    [Fact]
    public void PlayAllocatesNothing()
    {
        string dir = TestSupport.TempDir();
        SdlEnvironment.Set("SDL_DISKAUDIOFILE", Path.Combine(dir, "out.raw"));
        using var audio = new SdlAudio(new MonotonicClock(), new SdlAudioOptions { Driver = "disk" });
        audio.Preload("tone", Wav(dir, 48_000, 2, 480));
        audio.Play("tone");
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 500; i++) audio.Play("tone");
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
