using System.Globalization;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Presentation.Audio;
using ExperimentRunner.Presentation.Gl;

namespace ExperimentRunner.Cli.Operator;

/// <summary>The rig's rows of run's preflight (issue 18): the photodiode patch, and the audio onset measured here.</summary>
public static class RigPreflight
{
    /// <summary>The paradigm's display style, with the patch turned on when <c>--photodiode-patch</c> asks for it
    /// (the paradigm's corner, size and screens where it declares them, else the defaults: top-left, 50 px, every screen).</summary>
    public static DisplayStyle Style(DisplayStyle style, bool photodiodePatch) =>
        !photodiodePatch ? style : style with { Photodiode = (style.Photodiode ?? new PhotodiodePatch()) with { Enabled = true } };

    /// <summary>A row saying where the patch is, when it is on.</summary>
    public static void Patch(Preflight pre, DisplayStyle style, GlDisplay? display)
    {
        if (style.Photodiode is not { Enabled: true } patch) return;
        var (x, y, side) = patch.Rect(display?.Size.Width ?? style.Width, display?.Size.Height ?? style.Height);
        string marks = patch.Screens.Count == 0 ? "every screen's onset" : "the onsets of " + string.Join(", ", patch.Screens.Select(ScreenKinds.NameOf)) + " screens";
        pre.Pass("photodiode patch", $"{side} px square at ({x}, {y}), {PhotodiodePatch.NameOf(patch.Corner)}; black or white, turned over at {marks}");
    }

    /// <summary>
    /// Where the paradigm plays sounds: opens the sound device, plays a few silent clips and measures when their first
    /// samples leave SDL's queue (<see cref="AudioOnsetProbe"/>), then closes it. A device that does not open fails.
    /// </summary>
    public static void AudioOnset(Preflight pre, ParadigmModel paradigm, DisplayMode mode, IClock clock)
    {
        if (!paradigm.Trials.Values.SelectMany(t => t.Screens).Any(x => x.Sound != null)) return;
        try
        {
            string? driver = mode == DisplayMode.Offscreen && Environment.GetEnvironmentVariable("SDL_AUDIODRIVER") is null ? "dummy" : null;
            using var audio = new SdlAudio(clock, new SdlAudioOptions { Driver = driver });
            var result = Measure(audio, clock, 5);
            string detail = string.Create(CultureInfo.InvariantCulture,
                $"{audio.Driver}: first sample leaves SDL's queue {result.MeanMs:0.0} ms (max {result.MaxMs:0.0}) after the play, then up to {result.BufferMs:0.#} ms in the device buffer ({result.QueueDelaysMs.Length} of {result.Sounds} silent clips)");
            if (result.QueueDelaysMs.Length < result.Sounds)
                pre.Warn("audio onset", detail, "the device did not take every clip: check the sound card and SDL_AUDIODRIVER");
            else if (result.MeanMs + result.BufferMs > 50)
                pre.Warn("audio onset", detail, "sounds start late: choose another audio driver (SDL_AUDIODRIVER) or device; measure with exrun timing-test --photodiode … --audio");
            else pre.Pass("audio onset", detail);
        }
        catch (InvalidOperationException e)
        {
            pre.Fail("audio onset", e.Message, "check the sound card and SDL_AUDIODRIVER (the paradigm plays sounds)");
        }
    }

    /// <summary>Plays <paramref name="clips"/> silent 10 ms clips one after the other and times each one's first sample leaving the queue.</summary>
    public static AudioOnsetResult Measure(SdlAudio audio, IClock clock, int clips)
    {
        audio.PreloadSamples("preflight-silence", new float[audio.SampleRate / 100 * audio.Channels]);
        using var probe = new AudioOnsetProbe(audio, clock, clips);
        for (int i = 0; i < clips; i++)
        {
            probe.Play(i, "preflight-silence");
            // One clip at a time: the next play clears the queue, so it waits for this one (at most half a second).
            probe.WaitTaken(i, 500_000_000);
            clock.SleepUntil(clock.NowNs + 20_000_000);
        }
        return probe.Result("");
    }
}
