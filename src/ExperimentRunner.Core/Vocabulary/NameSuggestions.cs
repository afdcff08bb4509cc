namespace ExperimentRunner.Core.Vocabulary;

/// <summary>"Did you mean" for a misspelt name: the closest candidate by edit distance, ignoring case.</summary>
public static class NameSuggestions
{
    /// <summary>The closest candidate within an edit distance that scales with the word (1 to 3), or null.</summary>
    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        string lower = word.ToLowerInvariant();
        foreach (var candidate in candidates)
        {
            int d = Distance(lower, candidate.ToLowerInvariant());
            if (d < bestDistance) { bestDistance = d; best = candidate; }
        }
        int allowed = Math.Max(1, Math.Min(3, word.Length / 3));
        return bestDistance <= allowed ? best : null;
    }

    /// <summary>" (did you mean 'x'?)" with a leading space, or "" when nothing is close.</summary>
    public static string DidYouMean(string word, IEnumerable<string> candidates)
    {
        var c = Closest(word, candidates);
        return c is null ? "" : $" (did you mean '{c}'?)";
    }

    private static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
