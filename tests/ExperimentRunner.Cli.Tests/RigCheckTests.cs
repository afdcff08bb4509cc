using ExperimentRunner.Cli.Operator;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Presentation;
using ExperimentRunner.Presentation.Audio;
using SkiaSharp;

namespace ExperimentRunner.Cli.Tests;

/// <summary>The photodiode patch in run and preview, and the audio onset in run's preflight (issue 18).</summary>
[Collection("real time")]
public sealed class RigCheckTests
{
    private const string Feedback = "      - name: feedback\n        show: feedback\n        duration: 2.5s\n";

    /// <summary>The shipped fMRI paradigm in a scratch tree with the repository's stimuli, its feedback screen playing the chime.</summary>
    private static string WithSound()
    {
        var root = Path.GetDirectoryName(Exrun.Temp("x"))!;
        Copy(Path.Combine(Exrun.Root, "stimuli"), Path.Combine(root, "stimuli"));
        Directory.CreateDirectory(Path.Combine(root, "paradigms"));
        string text = File.ReadAllText(Path.Combine(Exrun.Root, "paradigms", "social-feedback-fmri.yaml"));
        Assert.Contains(Feedback, text);
        string path = Path.Combine(root, "paradigms", "social-feedback-fmri.yaml");
        File.WriteAllText(path, text.Replace(Feedback, Feedback + "        sound: chime\n"));
        return path;
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from)) Copy(dir, Path.Combine(to, Path.GetFileName(dir)));
    }

    /// <summary>The preflight table's line for a row (the table wraps text within its cells: the first line).</summary>
    private static string Row(string output, string name) => output.Split('\n').Single(l => l.Contains(name, StringComparison.Ordinal));

    [Fact]
    public void RunWithThePatchAndASoundSaysWhereThePatchIsAndWhenSoundsLeaveTheQueue()
    {
        string paradigm = WithSound();
        string db = Exrun.Temp("study.db");
        var env = new Dictionary<string, string> { ["SDL_AUDIODRIVER"] = "disk", ["SDL_DISKAUDIOFILE"] = Exrun.Temp("out.raw"), ["DISPLAY"] = "" };
        var selection = Exrun.RunWith(env, "simulate", paradigm, "--participant", "sub-61", "--db", db, "--skip", "welcome,resilience_pre,baseline,scanner_intro,feedback,after");
        Assert.True(selection.ExitCode == 0, selection.Out + selection.Err);
        var r = Exrun.RunWith(env, "run", paradigm, "--participant", "sub-61", "--session", "1", "--db", db, "--display", "offscreen",
            "--scanner", "emulate", "--responder", "default", "--max-seconds", "3", "--skip", "welcome,resilience_pre,selection,baseline,scanner_intro",
            "--photodiode-patch");
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        Assert.Contains("50 px", Row(r.Out, "photodiode patch"));
        Assert.Contains("top-left", r.Out);
        // pass, or warn where this loaded machine's disk driver wakes late: either way the figures are there.
        Assert.Matches(@"│ (pass|warn) +│ disk:", Row(r.Out, "audio onset"));
        Assert.Contains("SDL's queue", r.Out);
    }

    [Fact]
    public void WithoutThePatchOrASoundRunHasNeitherRow()
    {
        string db = Exrun.Temp("study.db");
        var env = new Dictionary<string, string> { ["DISPLAY"] = "" };
        Assert.Equal(0, Exrun.RunWith(env, "simulate", SimulatedStudies.Paradigm, "--participant", "sub-62", "--db", db, "--skip", "welcome,resilience_pre,baseline,scanner_intro,feedback,after").ExitCode);
        var r = Exrun.RunWith(env, "run", SimulatedStudies.Paradigm, "--participant", "sub-62", "--session", "1", "--db", db, "--display", "offscreen",
            "--scanner", "emulate", "--responder", "default", "--max-seconds", "2", "--skip", "welcome,resilience_pre,selection,baseline,scanner_intro");
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        Assert.DoesNotContain("photodiode patch", r.Out);
        Assert.DoesNotContain("audio onset", r.Out);
    }

    [Fact]
    public void PreviewShowsThePatchWhenAskedFor()
    {
        SKColor Corner(params string[] extra)
        {
            string png = Exrun.Temp("feedback.png");
            var r = Exrun.Run(["preview", SimulatedStudies.Paradigm, "--screen", "feedback", "--out", png, .. extra]);
            Assert.True(r.ExitCode == 0, r.Out + r.Err);
            using var bitmap = SKBitmap.Decode(png);
            return bitmap.GetPixel(10, 10);
        }
        Assert.Equal(SKColors.White, Corner("--photodiode-patch"));
        Assert.NotEqual(SKColors.White, Corner());
    }

    [Fact]
    public void TheAudioOnsetOfSilentClipsIsMeasuredOnTheDiskDriver()
    {
        SdlEnvironment.Set("SDL_DISKAUDIOFILE", Exrun.Temp("out.raw"));
        var clock = new MonotonicClock();
        using var audio = new SdlAudio(clock, new SdlAudioOptions { Driver = "disk" });
        var result = RigPreflight.Measure(audio, clock, 5);
        Assert.Equal(5, result.Sounds);
        Assert.Equal(5, result.QueueDelaysMs.Length);
        Assert.All(result.QueueDelaysMs, d => Assert.InRange(d, 0, 1000));
        Assert.Equal(audio.BufferFrames * 1000.0 / audio.SampleRate, result.BufferMs, 6);
    }
}
