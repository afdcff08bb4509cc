using ExperimentRunner.Core.Events;
using ExperimentRunner.Storage;

namespace ExperimentRunner.Cli.Tests;

/// <summary>Cyberball through the command line: a real-time offscreen run of a game, and the shipped paradigm's preview.</summary>
[Collection("real time")]
public class BallTossRunTests
{
    [Fact]
    public void ARealTimeOffscreenRunOfAnExclusionGameLogsEveryThrowOnItsFlips()
    {
        // A short variant of the shipped paradigm (six throws in 24 s), in a hidden folder under paradigms/ so its
        // stimuli resolve (one more '../'); removed afterwards.
        var source = File.ReadAllText(Path.Combine(Exrun.Root, "paradigms", "cyberball-fmri.yaml"));
        Assert.Contains("duration: 110s", source);
        var dir = Path.Combine(Exrun.Root, "paradigms", $".bt-run-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        string variant = Path.Combine(dir, "cyberball-short.yaml");
        File.WriteAllText(variant, source.Replace("duration: 110s", "duration: 24s").Replace("throws: 30", "throws: 6").Replace("../stimuli/", "../../stimuli/"));
        try
        {
            var db = Exrun.Temp("study.db");
            var r = Exrun.Run("run", variant, "--participant", "sub-61", "--session", "1", "--db", db, "--display", "offscreen",
                "--scanner", "emulate", "--responder", "default", "--max-seconds", "120",
                "--skip", "welcome,watching_intro,watching,play_intro,inclusion,mood_after,need_threat,end");
            Assert.True(r.ExitCode == 0, r.Out + r.Err);
            using var reader = StudyReader.Open(db);
            string id = reader.Sessions().Single(s => s.Info.Mode == "run").SessionId;
            var events = reader.Events(id).Select(e => e.Event).ToList();
            var flipList = reader.Flips(id).Select(f => f.TimeNs).ToList();
            var flips = flipList.ToHashSet();
            long period = (long)(1e9 / 60), flight = 1_000_000_000, slack = 1_000_000;
            var throws = events.Where(e => e.Kind == EventKind.Throw).ToList();
            var game = Assert.Single(events, e => e.Kind == EventKind.GameEnded);
            Assert.Equal(6, game.Code);
            Assert.Equal(2, game.Value);
            Assert.Equal(6, throws.Count);
            foreach (var t in throws)
            {
                // Release and arrival onsets are flips of the run; the ball never lands early, and it lands on the first
                // flip due after its flight (a loaded machine may make that flip late, which is logged as a missed frame).
                Assert.Contains(t.TimeNs, flips);
                long arrival = t.TimeNs + t.DurationNs;
                Assert.Contains(arrival, flips);
                Assert.True(t.DurationNs >= flight - period - slack, $"a flight of {t.DurationNs} ns");
                long before = flipList[flipList.IndexOf(arrival) - 1];
                Assert.True(before + period >= t.TimeNs + flight - slack, "the ball landed on the flip due after its flight");
                if (before > t.TimeNs) Assert.True(flipList[flipList.IndexOf(before) - 1] + period < t.TimeNs + flight + slack, "the ball landed no later than the first flip due after its flight");
            }
            Assert.Equal(2, throws.Count(t => t.Text == "ball_to_participant"));
            Assert.Equal(2, throws.Count(t => t.Text == "participant_throw"));
            Assert.True(throws.FindLastIndex(t => t.Text == "ball_to_participant") < 4);
            Assert.All(throws.Where(t => t.Text == "participant_throw" && t.Code == 0), t => Assert.True(t.RtNs > 0));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
