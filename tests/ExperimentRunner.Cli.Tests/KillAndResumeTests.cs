using System.Diagnostics;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Storage;

namespace ExperimentRunner.Cli.Tests;

/// <summary>A real-time session killed at random moments keeps everything up to the 100 ms bound, and resumes.</summary>
public class KillAndResumeTests
{
    private static Process StartRealTimeSession(string db)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = Exrun.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Exrun.Dll, "simulate", "paradigms/social-judgment-fmri.yaml", "--participant", "sub-77", "--db", db, "--realtime", "--skip", "welcome" })
            psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    [Fact]
    public void ASessionKilledAtRandomMomentsKeepsItsRecordAndResumes()
    {
        var rng = new Random(20261123);
        for (int attempt = 0; attempt < 3; attempt++)
        {
            var db = Exrun.Temp("study.db");
            using var p = StartRealTimeSession(db);
            Thread.Sleep(TimeSpan.FromMilliseconds(2500 + rng.Next(6000)));
            long killNs = Stopwatch.GetTimestamp(); // CLOCK_MONOTONIC, the same clock the session stamps with
            p.Kill();
            p.WaitForExit();

            var check = Exrun.Run("db", "check", "--db", db);
            Assert.True(check.ExitCode == 0, check.Out + check.Err);
            Assert.Contains("healthy", check.Out);

            string sessionId;
            using (var reader = StudyReader.Open(db))
            {
                var session = Assert.Single(reader.Sessions());
                sessionId = session.SessionId;
                Assert.False(session.HasEnded);
                // Flips are logged every frame: the newest stored one is within the 100 ms bound (plus a frame) of the kill.
                long newest = reader.Flips(sessionId).Max(f => f.TimeNs);
                double lagMs = (killNs - newest) / 1e6;
                Assert.True(lagMs < 100 + 17, $"attempt {attempt}: the newest stored flip is {lagMs:0.0} ms older than the kill");
            }

            var resume = Exrun.Run("resume", "--db", db, "--session", sessionId);
            Assert.True(resume.ExitCode == 0, resume.Out + resume.Err);
            using (var reader = StudyReader.Open(db))
            {
                var session = reader.Session(sessionId)!;
                Assert.Equal("completed", session.Status);
                Assert.Single(session.Resumes);
                var events = reader.Events(sessionId).Select(e => e.Event).ToList();
                Assert.Contains(events, e => e.Kind == EventKind.Interruption);
                // The run that was cut off (before or after its t0) started again from the resume, and every block ended.
                Assert.Contains(events, e => e.Kind == EventKind.RunStarted && e.Run == 1 && e.TimeNs > session.Resumes[0].StartedNs);
                Assert.Contains((1, 1), reader.CompletedBlocks(sessionId));
                Assert.Contains(events, e => e.Kind == EventKind.PhaseEnded && e.Phase == "judgment");
            }
        }
    }

    [Fact]
    public void ResumingACompleteSessionIsRefused()
    {
        var db = Exrun.Temp("study.db");
        var sim = Exrun.Run("simulate", "paradigms/social-judgment-fmri.yaml", "--participant", "sub-78", "--db", db);
        Assert.Equal(0, sim.ExitCode);
        string id;
        using (var reader = StudyReader.Open(db)) id = reader.Sessions().Single().SessionId;
        var r = Exrun.Run("resume", "--db", db, "--session", id);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("nothing to resume", r.Err);
        r = Exrun.Run("resume", "--db", db, "--session", "nope");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("no session 'nope'", r.Err);
    }
}
