using ExperimentRunner.Core.Events;

namespace ExperimentRunner.Storage.Tests;

/// <summary>A session never ended reads as running while its writer has the study open, and as interrupted after.</summary>
public sealed class SessionStatusTests
{
    [Fact]
    public void A_session_without_an_end_reads_as_interrupted_once_no_writer_has_the_study_open()
    {
        using var temp = new TempFolder();
        var session = GeneratedSession.Create(runs: 1, blocksPerRun: 2, flips: false);
        using (var store = LiteDbStore.Open(temp.File("study.db")))
        {
            store.SessionStarted(session.Info);
            foreach (EventRecord e in session.Events.Take(20)) store.Write(in e);
            Assert.True(store.Flush(TimeSpan.FromSeconds(10)));
            using (var reader = StudyReader.Open(temp.File("study.db")))
            {
                StoredSession running = Assert.Single(reader.Sessions());
                Assert.Equal("running", running.Status);
                Assert.False(running.HasEnded);
            }
        }

        using (var reader = StudyReader.Open(temp.File("study.db")))
        {
            StoredSession stored = Assert.Single(reader.Sessions());
            Assert.Equal(StoredSession.InterruptedStatus, stored.Status);
            Assert.Equal("interrupted", reader.Session(session.Info.SessionId)!.Status);
            Assert.False(stored.HasEnded);
        }
    }
}
