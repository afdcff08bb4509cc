using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;

namespace ExperimentRunner.Core.Engine;

/// <summary>
/// A run's targets from the answers of a selection phase (<c>earlier:</c>, often of an earlier session): the profiles
/// given one of the named answers, with feedback balanced within each answer, so that of the liked profiles as many
/// get acceptance as rejection, and the same of the disliked ones. The split follows the answers as given: 10 liked and
/// 22 disliked profiles for 16 acceptance and 16 rejection trials give acceptance to 5 liked and 11 disliked ones.
/// </summary>
internal static class EarlierAnswerTargets
{
    /// <summary>One run's target per slot (index = <see cref="PlannedEvent.TargetSlot"/>), with the answer it was given.</summary>
    public sealed record Assignment(ProfileInfo?[] Profiles, string?[] Answers);

    public static Assignment For(SessionContext session, PlannedRun run, EarlierAnswers earlier, IReadOnlyList<(string ProfileId, string? Choice)> selections)
    {
        var byId = session.Paradigm.ProfileRows.ToDictionary(x => x.Id);
        int slots = run.TargetSlots;
        var profiles = new ProfileInfo?[slots];
        var answers = new string?[slots];
        // Each slot's condition, from the plan; the slots of a condition in the order the plan drew them.
        var slotCondition = new string?[slots];
        foreach (var e in run.Events)
            if (e.TargetSlot >= 0 && e.TargetSlot < slots) slotCondition[e.TargetSlot] ??= e.Condition;
        var conditions = slotCondition.Where(c => c != null).Select(c => c!).Distinct().ToList();
        var freeSlots = conditions.ToDictionary(c => c, c => new Queue<int>(Enumerable.Range(0, slots).Where(i => slotCondition[i] == c)));
        var rng = new DetRandom(DetRandom.Derive(session.Plan.Seed, "earlier", earlier.Phase, run.Index));

        // The profiles of each answer (the latest answer per profile), shuffled; how many of each a run takes is
        // proportional to the answers given, rounded down to an even count where it can be, so each splits in halves.
        var latest = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (id, choice) in selections) latest[id] = choice;
        var pools = earlier.Answers.Select(a => latest.Where(kv => kv.Value == a && byId.ContainsKey(kv.Key)).Select(kv => byId[kv.Key]).ToList()).ToList();
        foreach (var pool in pools) rng.Shuffle(pool);
        int available = pools.Sum(p => p.Count);
        if (available == 0 || slots == 0)
        {
            if (slots > 0) session.Warn($"no profile was given any of the answers {string.Join(", ", earlier.Answers)} in '{earlier.Phase}': run {run.Index} has no feedback targets");
            return new Assignment(profiles, answers);
        }
        var quotas = pools.Select(p => (int)((long)Math.Min(slots, available) * p.Count / available)).ToArray();
        for (int i = 0; quotas.Sum() < Math.Min(slots, available); i = (i + 1) % quotas.Length)
            if (quotas[i] < pools[i].Count) quotas[i]++;
        // Odd shares come in pairs when the total is even: move one between them so each answer splits in halves.
        var odd = Enumerable.Range(0, quotas.Length).Where(i => quotas[i] % 2 == 1).ToList();
        for (int j = 0; j + 1 < odd.Count; j += 2)
        {
            int a = odd[j], b = odd[j + 1];
            if (quotas[a] < pools[a].Count) { quotas[a]++; quotas[b]--; }
            else if (quotas[b] < pools[b].Count) { quotas[b]++; quotas[a]--; }
        }

        // Deal each answer's profiles over the conditions in turn, so every answer is split over the conditions evenly.
        int turn = 0;
        for (int a = 0; a < pools.Count; a++)
        {
            for (int k = 0; k < quotas[a]; k++)
            {
                string? condition = null;
                for (int tries = 0; tries < conditions.Count && condition == null; tries++)
                {
                    string c = conditions[turn++ % conditions.Count];
                    if (freeSlots[c].Count > 0) condition = c;
                }
                if (condition == null) break;
                int slot = freeSlots[condition].Dequeue();
                profiles[slot] = pools[a][k];
                answers[slot] = earlier.Answers[a];
            }
        }
        // Fewer answered profiles than trials: the rest repeat the ones dealt (each keeps its answer), with a warning.
        var dealt = Enumerable.Range(0, slots).Where(i => profiles[i] != null).ToList();
        int repeated = 0;
        for (int i = 0; i < slots; i++)
        {
            if (profiles[i] != null || dealt.Count == 0) continue;
            int from = dealt[repeated++ % dealt.Count];
            profiles[i] = profiles[from];
            answers[i] = answers[from];
        }
        if (repeated > 0)
            session.Warn($"only {available} profiles were given the answers {string.Join(", ", earlier.Answers)} in '{earlier.Phase}' for {slots} trials in run {run.Index}: {repeated} repeat");
        return new Assignment(profiles, answers);
    }

    /// <summary>"positive" or "negative": literals, so the frame loop allocates nothing.</summary>
    public static string Name(Valence valence) => valence == Valence.Positive ? "positive" : "negative";
}
