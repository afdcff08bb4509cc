namespace ExperimentRunner.Core.Paradigm;

/// <summary>A position in a paradigm file: 1-based line and column.</summary>
public readonly record struct SourcePos(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

public enum Severity { Error, Warning }

/// <summary>One problem with a paradigm, located, with a suggestion where one exists.</summary>
public sealed record Diagnostic(SourcePos Pos, Severity Severity, string Message)
{
    public override string ToString() =>
        $"{Pos}: {(Severity == Severity.Error ? "error" : "warning")}: {Message}";
}

/// <summary>Collects every problem at once, in file order.</summary>
public sealed class Diagnostics
{
    private readonly List<Diagnostic> _items = [];
    // A node under a YAML anchor is bound once per alias: its one mistake would be reported once per use.
    private readonly HashSet<Diagnostic> _seen = [];

    public IReadOnlyList<Diagnostic> Items => _items;

    public bool HasErrors => _items.Any(d => d.Severity == Severity.Error);

    public void Error(SourcePos pos, string message) => Add(new Diagnostic(pos, Severity.Error, message));

    public void Warning(SourcePos pos, string message) => Add(new Diagnostic(pos, Severity.Warning, message));

    private void Add(Diagnostic diagnostic)
    {
        if (_seen.Add(diagnostic)) _items.Add(diagnostic);
    }

    public IEnumerable<Diagnostic> Sorted() =>
        _items.OrderBy(d => d.Pos.File, StringComparer.Ordinal).ThenBy(d => d.Pos.Line).ThenBy(d => d.Pos.Column);
}

/// <summary>Suggestions for misspelt names.</summary>
public static class Suggest
{
    /// <summary>The closest candidate within an edit distance that scales with the word, or null.</summary>
    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            int d = Distance(word.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance) { bestDistance = d; best = candidate; }
        }
        int allowed = Math.Max(1, Math.Min(3, word.Length / 3));
        return bestDistance <= allowed ? best : null;
    }

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
