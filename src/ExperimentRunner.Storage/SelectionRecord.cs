using ExperimentRunner.Core.Events;

namespace ExperimentRunner.Storage;

/// <summary>
/// A participant's selection as stored: the one place that reads it back, for a session whose own selection phase
/// does not run (--skip, --run, a session after the one that held the selection) and for resume.
/// </summary>
public static class SelectionRecord
{
    /// <summary>The answers of the selection phase named <paramref name="phase"/> among one session's events, in the
    /// order given: profile id → choice name (null for no answer).</summary>
    public static List<(string ProfileId, string? Choice)> Of(IEnumerable<EventRecord> events, string phase) =>
        events.Where(e => e.IsSelection() && e.Phase == phase && e.Stimulus != null)
            .Select(e => e.AsSelection()).Select(s => (s.ProfileId!, s.Choice)).ToList();

    /// <summary>
    /// The participant's latest stored selection in phase <paramref name="phase"/>: from a session with the same label
    /// first (a later run of that session), else from any of the participant's sessions (a design whose selection
    /// ran in an earlier session). Empty when there is none, or no study at <paramref name="dbPath"/>.
    /// </summary>
    public static IReadOnlyList<(string ProfileId, string? Choice)> Earlier(string dbPath, string participant, string sessionLabel, string phase, string? password)
    {
        if (!File.Exists(dbPath)) return [];
        using var reader = StudyReader.Open(dbPath, password);
        var sessions = reader.Sessions(participant);
        foreach (var sameLabelFirst in new[] { true, false })
        {
            foreach (StoredSession stored in sessions.Reverse())
            {
                if ((stored.Info.SessionLabel == sessionLabel) != sameLabelFirst) continue;
                var choices = Of(reader.Events(stored.SessionId).Select(e => e.Event), phase);
                if (choices.Count > 0) return choices;
            }
        }
        return [];
    }
}
