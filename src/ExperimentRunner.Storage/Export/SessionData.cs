using ExperimentRunner.Core.Events;

namespace ExperimentRunner.Storage.Export;

/// <summary>One session as exports see it: provenance, and its events assembled into acquisitions and trials.</summary>
internal sealed class SessionData
{
    private readonly StudyReader _reader;

    public SessionData(StudyReader reader, StoredSession session)
    {
        _reader = reader;
        Session = session;
        Assembly = SessionAssembly.Of(reader.Events(session.SessionId), session.Info.StartedNs);
    }

    public StoredSession Session { get; }

    /// <summary>The study's copy of a per-session stimulus (stim_file session/…), or null.</summary>
    public byte[]? StoredStimulus(string stimFile) => _reader.StoredStimulus(stimFile);
    public SessionInfo Info => Session.Info;
    public SessionAssembly Assembly { get; }
    public IReadOnlyList<StoredEvent> Events => Assembly.Events;
    public IReadOnlyList<TrialData> Trials => Assembly.Trials;

    /// <summary>The session's flip chunks, read when asked (an hour is 216,000 flips).</summary>
    public IReadOnlyList<FlipChunk> FlipChunks() => _reader.FlipChunks(Session.SessionId);
}
