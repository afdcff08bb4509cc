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
    public static string? Closest(string word, IEnumerable<string> candidates) => Vocabulary.NameSuggestions.Closest(word, candidates);

    public static string DidYouMean(string word, IEnumerable<string> candidates) => Vocabulary.NameSuggestions.DidYouMean(word, candidates);
}
