using System.Text.Json;

namespace ExperimentRunner.Storage.Tests;

/// <summary>A simulated Cyberball session exported: throw rows an analyst can model, and per-game counts and shares.</summary>
public sealed class BallTossExportTests
{
    private static (TempFolder Temp, string Db) Simulated()
    {
        var temp = new TempFolder();
        string repo = BidsValidatorTests.RepositoryRoot();
        string db = temp.File("study.db");
        (int code, string stdout, string stderr) = Exrun.Run(repo, null, "simulate", Path.Combine(repo, "paradigms", "cyberball-fmri.yaml"),
            "--participant", "sub-09", "--db", db, "--responder", "miss=0.2");
        Assert.True(code == 0, stdout + stderr);
        return (temp, db);
    }

    private static List<Dictionary<string, string>> Rows(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split('\t');
        return lines.Skip(1).Select(l => header.Zip(l.Split('\t')).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    [Fact]
    public void EveryThrowIsABidsEventLabelledForModelling()
    {
        var (temp, db) = Simulated();
        using var _ = temp;
        string root = temp.File("bids");
        (int code, string stdout, string stderr) = Exrun.Run(BidsValidatorTests.RepositoryRoot(), null, "export", "--db", db, "--format", "bids", "--out", root);
        Assert.True(code == 0, stdout + stderr);
        var files = Directory.GetFiles(root, "*_events.tsv", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(3, files.Count);
        var exclusion = Rows(files.Single(f => f.Contains("run-3", StringComparison.Ordinal)));
        var throws = exclusion.Where(r => r["event_type"] == "throw").ToList();
        Assert.Equal(30, throws.Count);
        Assert.Equal(2, throws.Count(r => r["trial_type"] == "ball_to_participant"));
        Assert.All(throws.Select((r, i) => (Row: r, Index: i)).Where(x => x.Row["trial_type"] == "ball_to_participant"),
            x => Assert.True(x.Index < 6, "exclusion: the throws to the participant come at the start"));
        Assert.All(throws.Where(r => r["trial_type"] != "participant_throw"), r => Assert.Equal("n/a", r["response_time"]));
        Assert.All(throws, r => Assert.NotEqual(r["stimulus_id"], r["response"]));
        // The game's own screen row does not take the participant's first choice as its answer.
        var screen = Assert.Single(exclusion, r => r["event_type"] == "screen" && r["screen"] == "ball_toss");
        Assert.Equal("n/a", screen["response_time"]);
        using var sidecar = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(files[2], ".json")));
        var levels = sidecar.RootElement.GetProperty("trial_type").GetProperty("Levels");
        Assert.Contains("to the participant", levels.GetProperty("ball_to_participant").GetString());
        Assert.Contains("arrival", levels.GetProperty("participant_throw").GetString());
    }

    [Fact]
    public void TheGamesTableGivesEachGamesCountAndShareOfThrowsReceived()
    {
        var (temp, db) = Simulated();
        using var _ = temp;
        string root = temp.File("tables");
        (int code, string stdout, string stderr) = Exrun.Run(BidsValidatorTests.RepositoryRoot(), null, "export", "--db", db, "--format", "tsv", "--out", root);
        Assert.True(code == 0, stdout + stderr);
        var games = Rows(Path.Combine(root, "games.tsv"));
        Assert.Equal(["watching", "inclusion", "exclusion"], games.Select(g => g["schedule"]));
        Assert.All(games, g => Assert.Equal("30", g["throws"]));
        Assert.Equal(["0", "10", "2"], games.Select(g => g["received"]));
        Assert.Equal(["0", "0.333333", "0.066667"], games.Select(g => g["share_received"]));
        Assert.Equal(games.Select(g => g["received"]), games.Select(g => g["participant_throws"]));
    }
}
