namespace ExperimentRunner.Storage.Tests;

/// <summary>
/// Answers across sessions (issue 14 item 6), through exrun: the shipped peer-interest paradigm rates peers in session 1
/// and gives feedback in session 2, balanced within each earlier answer; expectancy and prediction_outcome follow from
/// the declared valences only.
/// </summary>
public sealed class AnswersAcrossSessionsTests
{
    private static string Repo => BidsValidatorTests.RepositoryRoot();
    private static string PeerInterest => Path.Combine(Repo, "paradigms", "peer-interest-fmri.yaml");

    private static void Simulate(string paradigm, string db, string participant, string session, IReadOnlyDictionary<string, string?>? env = null)
    {
        (int code, string stdout, string stderr) = Exrun.Run(Repo, env, "simulate", paradigm, "--participant", participant, "--session", session, "--db", db);
        Assert.True(code == 0, $"simulate --session {session}: {stdout}{stderr}");
    }

    private static List<Dictionary<string, string>> Rows(string tsv)
    {
        string[] lines = File.ReadAllLines(tsv);
        string[] header = lines[0].Split('\t');
        return lines.Skip(1).Select(l => l.Split('\t').Select((v, i) => (header[i], v)).ToDictionary(x => x.Item1, x => x.v)).ToList();
    }

    private static List<string> EventsFiles(string db, string root, IReadOnlyDictionary<string, string?>? env = null)
    {
        (int code, string stdout, string stderr) = Exrun.Run(Repo, env, "export", "--db", db, "--format", "bids", "--out", root);
        Assert.True(code == 0, stdout + stderr);
        return Directory.EnumerateFiles(root, "*_events.tsv", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public void Session_2_is_refused_until_session_1_has_run_and_the_message_names_the_session_to_run()
    {
        using var temp = new TempFolder();
        string db = temp.File("study.db");
        (int code, string stdout, string stderr) = Exrun.Run(Repo, null, "simulate", PeerInterest, "--participant", "sub-03", "--session", "2", "--db", db);
        Assert.Equal(2, code);
        Assert.Contains("run session 1 first", stderr);
        Assert.Contains("--session 1", stderr);
        Assert.DoesNotContain("   at ", stderr);
        // Another participant's session 1 is not this participant's.
        Simulate(PeerInterest, db, "sub-04", "1");
        (code, _, stderr) = Exrun.Run(Repo, null, "simulate", PeerInterest, "--participant", "sub-03", "--session", "2", "--db", db);
        Assert.Equal(2, code);
        Assert.Contains("run session 1 first", stderr);
        Simulate(PeerInterest, db, "sub-03", "1");
        Simulate(PeerInterest, db, "sub-03", "2");
    }

    [Fact]
    public void Feedback_is_balanced_within_each_earlier_answer_and_the_outcome_follows_from_the_declared_valences()
    {
        using var temp = new TempFolder();
        string db = temp.File("study.db");
        Simulate(PeerInterest, db, "sub-05", "1");
        Simulate(PeerInterest, db, "sub-05", "2");
        var files = EventsFiles(db, temp.File("bids"));
        Assert.Equal(2, files.Count); // session 1 has no scan: only session 2's two runs
        var valence = new Dictionary<string, string> { ["acceptance"] = "positive", ["rejection"] = "negative" };
        var expects = new Dictionary<string, string> { ["interested"] = "positive", ["not_interested"] = "negative" };
        foreach (string file in files)
        {
            Assert.Contains("ses-2", file);
            var feedback = Rows(file).Where(r => r["screen"] == "feedback").ToList();
            Assert.Equal(32, feedback.Count);
            Assert.Equal(32, feedback.Select(r => r["stimulus_id"]).Distinct().Count()); // unique_profiles
            foreach (var answer in feedback.GroupBy(r => r["earlier_answer"]))
            {
                Assert.Contains(answer.Key, expects.Keys);
                int accepted = answer.Count(r => r["condition"] == "acceptance"), rejected = answer.Count(r => r["condition"] == "rejection");
                Assert.True(Math.Abs(accepted - rejected) <= 1, $"{file}: answer {answer.Key} got {accepted} acceptances and {rejected} rejections");
            }
            Assert.Equal(16, feedback.Count(r => r["condition"] == "acceptance"));
            foreach (var r in feedback)
            {
                Assert.Equal(expects[r["earlier_answer"]], r["expectancy"]);
                Assert.Equal(r["expectancy"] == valence[r["condition"]] ? "consistent" : "violated", r["prediction_outcome"]);
                Assert.Equal($"{r["condition"]}_feedback", r["trial_type"]);
            }
        }
    }

    [Fact]
    public void Without_declared_valences_no_prediction_outcome_is_derived_from_condition_names_or_symbols()
    {
        using var temp = new TempFolder();
        string text = File.ReadAllText(Path.Combine(Repo, "paradigms", "social-judgment-fmri.yaml")).Replace("../stimuli/", Path.Combine(Repo, "stimuli") + "/");
        Assert.Contains("    valence: positive\n", text);
        string paradigm = temp.File("judgment-without-valence.yaml");
        File.WriteAllText(paradigm, text.Replace("    valence: positive\n", "").Replace("    valence: negative\n", ""));
        var env = new Dictionary<string, string?> { ["EXRUN_STIMULI"] = Path.Combine(Repo, "stimuli") };
        string db = temp.File("study.db");
        Simulate(paradigm, db, "sub-06", "1", env);
        var rows = Rows(Assert.Single(EventsFiles(db, temp.File("bids"), env)));
        Assert.Contains(rows, r => r["prediction"] is "yes" or "no"); // predictions were made, symbols check/cross shown
        Assert.All(rows, r => Assert.Equal("n/a", r["prediction_outcome"]));

        // With the shipped declarations the same session has outcomes.
        string db2 = temp.File("study2.db");
        Simulate(Path.Combine(Repo, "paradigms", "social-judgment-fmri.yaml"), db2, "sub-06", "1");
        var shipped = Rows(Assert.Single(EventsFiles(db2, temp.File("bids2"))));
        Assert.All(shipped.Where(r => r["prediction"] is "yes" or "no"), r => Assert.Equal(
            (r["prediction"] == "yes") == (r["condition"] == "positive") ? "consistent" : "violated", r["prediction_outcome"]));
    }
}
