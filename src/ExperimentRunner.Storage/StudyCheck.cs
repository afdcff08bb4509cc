using ExperimentRunner.Core.Events;

namespace ExperimentRunner.Storage;

/// <summary>What `db check` found: problems make a study damaged; notes do not (an interrupted session is normal).</summary>
public sealed record StudyCheckReport(
    string DatabasePath, int Sessions, long Events, long Flips, int FlipChunks,
    IReadOnlyList<string> Problems, IReadOnlyList<string> Notes)
{
    public bool Healthy => Problems.Count == 0;

    /// <summary>Every session, in the reader's order, with what was found of it.</summary>
    public IReadOnlyList<CheckedSession> SessionList { get; init; } = [];
}

/// <summary>One session as `db check` lists it: events other than flips, flips, runs started.</summary>
public sealed record CheckedSession(string SessionId, string ParticipantId, string SessionLabel, string Status, long Events, long Flips, int RunsStarted);

/// <summary>The integrity check of a study database, reading every document through a <see cref="StudyReader"/>.</summary>
public static class StudyCheck
{
    /// <summary>Opens <paramref name="path"/> read-only and checks it. Throws <see cref="StudyOpenException"/> when it
    /// cannot be opened at all.</summary>
    public static StudyCheckReport Run(string path, string? password = null)
    {
        using StudyReader reader = StudyReader.Open(path, password);
        return Run(reader);
    }

    public static StudyCheckReport Run(StudyReader reader)
    {
        var problems = new List<string>();
        var notes = new List<string>();
        long events = 0, flips = 0;
        int chunks = 0;
        if (reader.WriterActive)
            notes.Add("a writer has the study open (a session is running): this check saw what was committed when it began");
        if (reader.TornLogBytes > 0)
            notes.Add($"the log ends in a partial page ({reader.TornLogBytes} bytes, a write cut short by a killed process): not part of any committed transaction; cut when the study is next opened for writing");
        IReadOnlyList<StoredSession> sessions;
        try
        {
            sessions = reader.Sessions();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            problems.Add($"the sessions cannot be read: {e.Message}");
            return new StudyCheckReport(reader.DatabasePath, 0, 0, 0, 0, problems, notes);
        }

        foreach ((string id, string why) in reader.UnreadableSessions) problems.Add($"session {id}: {why}");
        if (reader.MissingPages > 0)
            problems.Add($"the file is cut short: its last {reader.MissingPages} page(s) of {StudyFiles.PageSize} bytes are missing (sessions whose records all verify are still whole)");
        (bool writerOpen, string? writing) = reader.WriterMark();
        if (writerOpen && !reader.WriterActive && (reader.LogExists || writing is null))
        {
            notes.Add(reader.LogExists
                ? $"the last writer did not close the study (killed){(writing is null ? "" : $" while writing session {writing}")}: what it committed after its last checkpoint is in {Path.GetFileName(StudyFiles.LogPathFor(reader.DatabasePath))} until the next writer opens the study; copy both files, or make one self-contained copy with `exrun db backup`"
                : "the last writer did not close the study (killed) between sessions, and its log is missing");
        }

        var list = new List<CheckedSession>();
        foreach (StoredSession session in sessions)
        {
            string id = session.SessionId;
            long eventsBefore = events, flipsBefore = flips;
            int runsStarted = 0;
            string who = $"session {id} ({session.Info.ParticipantId}, ses-{session.Info.SessionLabel})";
            if (!session.HasEnded) notes.Add($"{who} has not ended: interrupted or still running (resume continues it)");
            (SessionIntegrity integrity, IReadOnlyList<StoredEvent>? verifiedEvents, IReadOnlyList<FlipChunk>? verifiedChunks) = reader.VerifyAndRead(id);
            foreach (string problem in integrity.Problems) problems.Add(problem.StartsWith($"session {id}", StringComparison.Ordinal) ? problem.Replace($"session {id}", who, StringComparison.Ordinal) : $"{who}: {problem}");
            if (integrity.UnsealedRecords > 0)
                notes.Add($"{who}: {integrity.UnsealedRecords:N0} record(s) unchecksummed (written by {integrity.WrittenBy ?? "0.1.0"}, which wrote no checksums): readable, not verifiable");
            if (!integrity.Intact)
            {
                list.Add(new CheckedSession(id, session.Info.ParticipantId, session.Info.SessionLabel, session.Status, 0, 0, 0));
                continue;
            }
            try
            {
                IReadOnlyList<StoredEvent> stored = verifiedEvents ?? reader.Events(id);
                events += stored.Count;
                var started = new HashSet<int>();
                foreach (StoredEvent s in stored)
                {
                    if (s.Event.Kind == EventKind.RunStarted && started.Add(s.Event.Run)) runsStarted++;
                }
                var runsWithoutStart = stored.Where(s => s.Event.Run > 0 && InRunKinds(s.Event.Kind) && !started.Contains(s.Event.Run))
                    .Select(s => s.Event.Run).Distinct().OrderBy(r => r).ToList();
                foreach (int run in runsWithoutStart)
                {
                    // A run waits for the scanner (wait screen, dummy pulses, flips) before its t0: that is no damage.
                    bool planned = stored.Any(s => s.Event.Run == run && s.Event.Kind == EventKind.ScreenOnset && s.Event.AsScreenOnset().IsPlanned);
                    if (planned) problems.Add($"{who}: run {run} shows planned screens but has no RunStarted (no t0 to export onsets from)");
                    else notes.Add($"{who}: run {run} never reached its t0 (it was waiting for the scanner)");
                }

                // Flips are in time order within one acquisition of a run (a resumed run is a new acquisition, and a
                // simulated clock starts again at every start of the session) and within one start of the session (its
                // frame count starts again too: a session started over from its beginning writes no Interruption).
                var assembly = Export.SessionAssembly.Of(stored, session.Info.StartedNs);
                long lastChunkEnd = long.MinValue, lastFrame = long.MinValue;
                int lastRun = -1;
                Export.Acquisition? lastAcquisition = null;
                foreach (FlipChunk chunk in verifiedChunks ?? reader.FlipChunks(id))
                {
                    chunks++;
                    flips += chunk.TimeNs.Length;
                    if (chunk.TimeNs.Length == 0 || chunk.TimeNs.Length > StudyLayout.VirtualFlipChunkSize)
                        problems.Add($"{who}: flip chunk {chunk.Id} holds {chunk.TimeNs.Length} flips (expected 1 to {StudyLayout.VirtualFlipChunkSize})");
                    if (chunk.IntendedNs.Length != chunk.TimeNs.Length || chunk.Frame.Length != chunk.TimeNs.Length)
                        problems.Add($"{who}: flip chunk {chunk.Id} has arrays of different lengths");
                    if (chunk.Run > 0 && !started.Contains(chunk.Run) && !runsWithoutStart.Contains(chunk.Run))
                        problems.Add($"{who}: flips of run {chunk.Run} but no event of that run");
                    for (int i = 1; i < chunk.TimeNs.Length; i++)
                    {
                        if (chunk.TimeNs[i] < chunk.TimeNs[i - 1])
                        {
                            problems.Add($"{who}: flip chunk {chunk.Id} goes back in time at flip {i}");
                            break;
                        }
                    }
                    if (chunk.TimeNs.Length > 0)
                    {
                        Export.Acquisition? acquisition = assembly.AcquisitionAt(chunk.Run, chunk.FirstSeq);
                        bool sameStart = (chunk.Run <= 0 || acquisition == lastAcquisition) && (chunk.Frame.Length == 0 || chunk.Frame[0] > lastFrame);
                        if (chunk.Run == lastRun && sameStart && chunk.TimeNs[0] < lastChunkEnd)
                            problems.Add($"{who}: flip chunk {chunk.Id} starts before the previous chunk of run {chunk.Run}{(acquisition is null ? "" : $" (acquisition {acquisition.Number})")} ended");
                        lastChunkEnd = chunk.TimeNs[^1];
                        lastFrame = chunk.Frame.Length > 0 ? chunk.Frame[^1] : long.MinValue;
                        lastRun = chunk.Run;
                        lastAcquisition = acquisition;
                    }
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                problems.Add($"{who}: its events cannot be read: {e.Message}");
            }
            list.Add(new CheckedSession(id, session.Info.ParticipantId, session.Info.SessionLabel, session.Status,
                events - eventsBefore, flips - flipsBefore, runsStarted));
        }

        try
        {
            int orphans = reader.EventsWithoutSession().Count;
            if (orphans > 0) notes.Add($"{orphans} events were written outside any session");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            problems.Add($"events outside sessions cannot be read: {e.Message}");
        }
        return new StudyCheckReport(reader.DatabasePath, sessions.Count, events, flips, chunks, problems, notes) { SessionList = list };
    }

    private static bool InRunKinds(EventKind kind) => kind is EventKind.ScreenOnset or EventKind.Response
        or EventKind.Rating or EventKind.BlockStarted or EventKind.BlockEnded or EventKind.TrialStarted or EventKind.RunEnded;
}
