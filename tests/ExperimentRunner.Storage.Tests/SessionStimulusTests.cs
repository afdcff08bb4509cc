using System.Security.Cryptography;

namespace ExperimentRunner.Storage.Tests;

/// <summary>
/// Per-session stimuli (issue 14 item 3), through exrun: a paradigm declares a slot, the operator fills it with
/// --stimulus; a slot not filled, an unknown slot or a file that does not decode is refused before the session
/// starts; the file's hash and a copy go into the study, and the export carries it under stimuli/ and in stim_file.
/// </summary>
public sealed class SessionStimulusTests
{
    private static string Repo => BidsValidatorTests.RepositoryRoot();

    /// <summary>The social-judgment paradigm with a partner's photo shown in every trial.</summary>
    private static string PartnerParadigm(TempFolder temp)
    {
        string text = File.ReadAllText(Path.Combine(Repo, "paradigms", "social-judgment-fmri.yaml")).Replace("../stimuli/", Path.Combine(Repo, "stimuli") + "/");
        Assert.Contains("\ntrials:", text);
        Assert.Contains("      - name: isi\n", text);
        text = text.Replace("\ntrials:", "\nsession_stimuli: [partner]\n\ntrials:")
            .Replace("      - name: isi\n", "      - name: partner\n        show: image\n        image: \"{partner}\"\n        duration: 1s\n      - name: isi\n");
        string path = temp.File("partner.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    private static Dictionary<string, string?> Env => new() { ["EXRUN_STIMULI"] = Path.Combine(Repo, "stimuli") };

    [Fact]
    public void A_per_session_stimulus_is_checked_before_the_session_then_stored_in_the_study_and_exported_by_its_hash()
    {
        using var temp = new TempFolder();
        string paradigm = PartnerParadigm(temp), db = temp.File("study.db");
        string photo = temp.File("partner_Zebulon_Quartermain.png");
        File.Copy(Path.Combine(Repo, "stimuli", "profiles", "images", "p003.png"), photo);
        File.WriteAllText(temp.File("not-an-image.png"), "hello");

        // Not given, unknown, not decodable: refused with exit 2 before anything is stored.
        (int code, _, string stderr) = Exrun.Run(temp.Path, Env, "simulate", paradigm, "--participant", "sub-01", "--db", db);
        Assert.Equal(2, code);
        Assert.Contains("--stimulus partner=PATH", stderr);
        (code, _, stderr) = Exrun.Run(temp.Path, Env, "simulate", paradigm, "--participant", "sub-01", "--db", db, "--stimulus", "partnr=" + photo);
        Assert.Equal(2, code);
        Assert.Contains("did you mean 'partner'", stderr);
        (code, _, stderr) = Exrun.Run(temp.Path, Env, "simulate", paradigm, "--participant", "sub-01", "--db", db, "--stimulus", "partner=" + temp.File("not-an-image.png"));
        Assert.Equal(2, code);
        Assert.Contains("cannot be decoded", stderr);
        Assert.False(File.Exists(db), "a refused session stores nothing");

        (code, string stdout, stderr) = Exrun.Run(temp.Path, Env, "simulate", paradigm, "--participant", "sub-01", "--db", db, "--stimulus", "partner=" + photo);
        Assert.True(code == 0, stdout + stderr);
        File.Delete(photo); // the study holds its own copy
        string root = temp.File("bids");
        (code, stdout, stderr) = Exrun.Run(temp.Path, Env, "export", "--db", db, "--format", "bids", "--out", root);
        Assert.True(code == 0, stdout + stderr);

        string sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Repo, "stimuli", "profiles", "images", "p003.png"))));
        string stimFile = $"session/{sha}.png";
        Assert.Equal(File.ReadAllBytes(Path.Combine(Repo, "stimuli", "profiles", "images", "p003.png")), File.ReadAllBytes(Path.Combine(root, "stimuli", "session", sha + ".png")));
        string events = Directory.EnumerateFiles(root, "*_events.tsv", SearchOption.AllDirectories).Single();
        string[] header = File.ReadLines(events).First().Split('\t');
        var partnerRows = File.ReadLines(events).Skip(1).Select(l => l.Split('\t')).Where(r => r[Array.IndexOf(header, "screen")] == "partner").ToList();
        Assert.Equal(40, partnerRows.Count);
        Assert.All(partnerRows, r => Assert.Equal(stimFile, r[Array.IndexOf(header, "stim_file")]));
        // Nothing in the dataset names the person in the picture.
        Assert.DoesNotContain(Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories), f => File.ReadAllText(f).Contains("Zebulon", StringComparison.Ordinal) || f.Contains("Zebulon", StringComparison.Ordinal));
        // The provenance records the slot and the hash.
        using var reader = StudyReader.Open(db);
        Assert.Equal($"partner={sha}", reader.Sessions().Single().Info.SessionStimuli);
    }

    [Fact]
    public void A_session_with_a_per_session_stimulus_resumes_after_a_crash_with_the_studys_copy_of_the_file()
    {
        using var temp = new TempFolder();
        string paradigm = PartnerParadigm(temp), db = temp.File("study.db");
        string photo = temp.File("partner.png");
        File.Copy(Path.Combine(Repo, "stimuli", "profiles", "images", "p003.png"), photo);
        (int code, string stdout, string stderr) = Exrun.Run(temp.Path, Env, "simulate", paradigm, "--participant", "sub-02", "--db", db,
            "--stimulus", "partner=" + photo, "--fault-at-flip", "12000");
        Assert.True(code == 1, stdout + stderr);
        File.Delete(photo); // the operator no longer has the file: the study's copy must serve
        string id;
        using (var reader = StudyReader.Open(db))
        {
            var session = Assert.Single(reader.Sessions());
            Assert.Equal("crashed", session.Status);
            id = session.SessionId;
        }
        (code, stdout, stderr) = Exrun.Run(temp.Path, Env, "resume", "--db", db, "--session", id, "--paradigm", paradigm);
        Assert.True(code == 0, stdout + stderr);
        using (var reader = StudyReader.Open(db))
        {
            var session = Assert.Single(reader.Sessions());
            Assert.Equal("completed", session.Status);
            string sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Repo, "stimuli", "profiles", "images", "p003.png"))));
            Assert.Equal($"partner={sha}", session.Info.SessionStimuli);
            // Every partner screen, before the crash and after the resume, showed the same file.
            var shown = reader.Assemble(id).Events.Select(e => e.Event).Where(e => e.Kind == ExperimentRunner.Core.Events.EventKind.ScreenOnset && e.Screen == "partner").ToList();
            Assert.True(shown.Count >= 40, $"{shown.Count} partner screens");
            Assert.All(shown, e => Assert.Equal($"session/{sha}.png", e.Text));
        }
    }
}
