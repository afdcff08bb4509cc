using ExperimentRunner.Core.Events;
using ExperimentRunner.Storage;

namespace ExperimentRunner.Cli.Tests;

/// <summary>`exrun simulate --participants`: a cohort simulated in parallel into one study database.</summary>
public class CohortTests
{
    [Fact]
    public void ACohortStoresEachParticipantsSessionExactlyAsSimulatingThatParticipantAloneDoes()
    {
        var cohortDb = Exrun.Temp("study.db");
        var r = Exrun.Run("simulate", "paradigms/social-feedback-fmri.yaml", "--participants", "sub-08..sub-10,sub-3", "--db", cohortDb);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        Assert.Contains("4 of 4 sessions", r.Out);
        var aloneDb = Exrun.Temp("study.db");
        var alone = Exrun.Run("simulate", "paradigms/social-feedback-fmri.yaml", "--participant", "sub-09", "--db", aloneDb);
        Assert.True(alone.ExitCode == 0, alone.Out + alone.Err);

        using var cohort = StudyReader.Open(cohortDb);
        Assert.True(StudyCheck.Run(cohort).Healthy);
        var sessions = cohort.Sessions();
        // A range padded as its first number is written; every session completed.
        Assert.Equal(["sub-08", "sub-09", "sub-10", "sub-3"], sessions.Select(s => s.Info.ParticipantId).Order(StringComparer.Ordinal));
        Assert.All(sessions, s => Assert.Equal("completed", s.Status));
        // No session spilled into the store's overflow list (the cohort keeps to the writer's pace).
        foreach (var s in sessions)
            Assert.DoesNotContain(cohort.Events(s.Info.SessionId), e => e.Event.Kind == EventKind.Warning && (e.Event.Text ?? "").Contains("queue full", StringComparison.Ordinal));

        using var single = StudyReader.Open(aloneDb);
        string cohortId = sessions.Single(s => s.Info.ParticipantId == "sub-09").Info.SessionId;
        string aloneId = single.Sessions().Single().Info.SessionId;
        var want = single.Events(aloneId).Select(e => e.Event with { Text = e.Event.Text?.Replace(aloneId, "ID", StringComparison.Ordinal) }).ToList();
        var got = cohort.Events(cohortId).Select(e => e.Event with { Text = e.Event.Text?.Replace(cohortId, "ID", StringComparison.Ordinal) }).ToList();
        Assert.Equal(want.Count, got.Count);
        for (int i = 0; i < want.Count; i++) Assert.Equal(want[i], got[i]);
        Assert.Equal(single.Flips(aloneId).ToList(), cohort.Flips(cohortId).ToList());
    }

    [Theory]
    [InlineData("sub-10..sub-08", "runs backwards")]
    [InlineData("sub-01..ses-03", "is no range")]
    [InlineData("sub-01,,sub-02", "an empty item")]
    [InlineData("sub-01,sub-01", "named twice")]
    [InlineData("sub 01", "sub 01")]
    public void ABadCohortIsExitTwoWithItsReason(string participants, string why)
    {
        var db = Exrun.Temp("study.db");
        var r = Exrun.Run("simulate", "paradigms/social-feedback-fmri.yaml", "--participants", participants, "--db", db);
        Assert.True(r.ExitCode == 2, r.Out + r.Err);
        Assert.Contains(why, r.Err);
        Assert.DoesNotContain("   at ", r.Err);
        Assert.False(File.Exists(db), "nothing is created for a refused cohort");
    }

    [Fact]
    public void OneParticipantOrACohortIsNeededAndNotBoth()
    {
        var db = Exrun.Temp("study.db");
        var neither = Exrun.Run("simulate", "paradigms/social-feedback-fmri.yaml", "--db", db);
        Assert.True(neither.ExitCode == 2, neither.Out + neither.Err);
        Assert.Contains("--participants", neither.Err);
        var both = Exrun.Run("simulate", "paradigms/social-feedback-fmri.yaml", "--participant", "sub-01", "--participants", "sub-01..sub-02", "--db", db);
        Assert.True(both.ExitCode == 2, both.Out + both.Err);
        Assert.Contains("not both", both.Err);
        Assert.False(File.Exists(db));
    }
}
