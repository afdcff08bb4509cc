using System.Diagnostics;
using ExperimentRunner.Cli.Commands;
using ExperimentRunner.Cli.Operator;

namespace ExperimentRunner.Cli.Tests;

/// <summary>
/// Every file a session opens is decoded by validate, by every verb that loads a paradigm, and by preflight: a damaged
/// image, a text file as the font or a FIFO as a sound is reported at the key that names it, never first in the scanner.
/// </summary>
public class StimulusValidationTests
{
    /// <summary>A copy of the repository's stimuli and one shipped paradigm (edited) in a scratch tree; returns the paradigm's path.</summary>
    private static string Tree(string paradigm, Func<string, string> edit)
    {
        var root = Path.GetDirectoryName(Exrun.Temp("x"))!;
        Copy(Path.Combine(Exrun.Root, "stimuli"), Path.Combine(root, "stimuli"));
        Directory.CreateDirectory(Path.Combine(root, "paradigms"));
        var path = Path.Combine(root, "paradigms", paradigm);
        var text = File.ReadAllText(Path.Combine(Exrun.Root, "paradigms", paradigm));
        File.WriteAllText(path, edit(text));
        return path;
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from)) Copy(dir, Path.Combine(to, Path.GetFileName(dir)));
    }

    private static string Stimuli(string paradigmPath, string relative) =>
        Path.Combine(Path.GetDirectoryName(paradigmPath)!, "..", "stimuli", relative);

    private const string Isi = "      - name: isi\n        show: fixation\n";
    private const string IsiImage = "      - name: isi\n        show: image\n        image: ../stimuli/cue.png\n";

    private static int LineOf(string path, string needle) =>
        Array.FindIndex(File.ReadAllLines(path), l => l.Contains(needle, StringComparison.Ordinal)) + 1;

    [Fact]
    public void ADamagedImageOnAnImageScreenIsAnErrorAtItsKeyAndNoVerbStartsWithIt()
    {
        var path = Tree("social-judgment-fmri.yaml", t => t.Replace(Isi, IsiImage));
        var self = File.ReadAllBytes(Stimuli(path, "participant/self.png"));
        File.WriteAllBytes(Stimuli(path, "cue.png"), self[..300]);
        int line = LineOf(path, "image: ../stimuli/cue.png");

        var r = Exrun.Run("validate", path);
        Assert.Equal(2, r.ExitCode);
        Assert.Matches($@"social-judgment-fmri\.yaml:{line}:16: error: the image of screen 'isi' in trial 'judgment_trial' \(.*cue\.png\) is damaged", r.Out);

        var db = Exrun.Temp("study.db");
        foreach (var verb in new[] { "run", "simulate" })
        {
            string[] args = verb == "run"
                ? ["run", path, "--participant", "sub-01", "--session", "1", "--db", db, "--display", "offscreen", "--scanner", "emulate", "--responder", "default", "--max-seconds", "5"]
                : ["simulate", path, "--participant", "sub-01", "--db", db];
            var v = Exrun.Run(args);
            Assert.True(v.ExitCode == 2, verb + ": " + v.Out + v.Err);
            Assert.Contains($"social-judgment-fmri.yaml:{line}:16: error: the image of screen 'isi'", v.Err);
            Assert.DoesNotContain("   at ", v.Out + v.Err);
        }
        Assert.False(File.Exists(db), "nothing was recorded for a paradigm that could not run");
    }

    [Fact]
    public void ATextFileAsTheFontIsAnErrorAtTheFontKey()
    {
        var path = Tree("social-feedback-fmri.yaml", t => t.Replace("font: ../stimuli/fonts/DejaVuSans.ttf", "font: ../stimuli/fonts/notes.ttf"));
        File.WriteAllText(Stimuli(path, "fonts/notes.ttf"), "this is not a font\n");
        var r = Exrun.Run("validate", path);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"social-feedback-fmri.yaml:{LineOf(path, "font: ../stimuli/fonts/notes.ttf")}:9: error: the font (", r.Out);
        Assert.Contains("cannot be read as a font", r.Out);
    }

    [Fact]
    public void ADamagedProfilePhotoIsAnErrorAtTheTableKeyNamingTheRow()
    {
        var path = Tree("social-feedback-fmri.yaml", t => t);
        File.WriteAllText(Stimuli(path, "profiles/images/p007.png"), "not a png");
        var r = Exrun.Run("validate", path);
        Assert.Equal(2, r.ExitCode);
        Assert.Matches($@"social-feedback-fmri\.yaml:{LineOf(path, "table: ../stimuli/profiles/profiles.csv")}:\d+: error: the photo of profile 'p007' in row 8 of profiles\.csv \(.*p007\.png\) cannot be decoded", r.Out);
    }

    [Fact]
    public void AFifoAsASoundIsRefusedWithoutHanging()
    {
        var path = Tree("social-feedback-fmri.yaml", t => t.Replace("chime: ../stimuli/sounds/chime.wav", "chime: ../stimuli/sounds/pipe.wav"));
        using (var mkfifo = Process.Start("mkfifo", Stimuli(path, "sounds/pipe.wav"))) mkfifo.WaitForExit();
        var r = Exrun.Run("validate", path);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("sound 'chime'", r.Out);
        Assert.Contains("not a regular file", r.Out);
    }

    [Fact]
    public void PreflightCountsAndDecodesEveryImageSoundAndFont()
    {
        var path = Tree("social-judgment-fmri.yaml", t => t.Replace(Isi, IsiImage));
        File.Copy(Stimuli(path, "participant/self.png"), Stimuli(path, "cue.png"));
        var paradigm = ParadigmCommands.LoadOrThrow(path);
        int profiles = paradigm.ProfileRows.Count;
        Assert.True(profiles > 0);

        var pre = new Preflight();
        pre.CheckStimuli(paradigm, null);
        var row = Assert.Single(pre.Rows);
        Assert.True(row.Passed, row.Detail);
        int images = profiles + 1 + (paradigm.ParticipantPhoto != null ? 1 : 0);
        Assert.StartsWith($"{images} images, {paradigm.Sounds.Count} sounds, 1 font(s)", row.Detail);

        // The cue is damaged after validation (a copy that went wrong): preflight decodes it again and fails, naming it.
        File.WriteAllText(Stimuli(path, "cue.png"), "damaged");
        pre = new Preflight();
        pre.CheckStimuli(paradigm, null);
        row = Assert.Single(pre.Rows);
        Assert.False(row.Passed);
        Assert.Contains("the image of screen 'isi'", row.Detail);
    }
}
