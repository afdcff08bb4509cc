using System.Diagnostics;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Presentation.Composition;
using Spectre.Console;

namespace ExperimentRunner.Cli.Operator;

/// <summary>One preflight check: what, whether it passed, what was found, what to do about a failure.</summary>
public sealed record PreflightRow(string Name, bool Passed, string Detail, string Remedy, bool Warning = false);

/// <summary>
/// The checks before a participant's run: each gives pass, warn or fail with a one-line remedy. A run does not start on
/// a failure unless the operator overrides that check by name, and the override is recorded with the session.
/// </summary>
public sealed class Preflight
{
    private readonly List<PreflightRow> _rows = [];

    public IReadOnlyList<PreflightRow> Rows => _rows;

    public void Pass(string name, string detail) => _rows.Add(new PreflightRow(name, true, detail, ""));

    public void Warn(string name, string detail, string remedy) => _rows.Add(new PreflightRow(name, true, detail, remedy, Warning: true));

    public void Fail(string name, string detail, string remedy) => _rows.Add(new PreflightRow(name, false, detail, remedy));

    /// <summary>Runs a check; an exception is a failure with its message.</summary>
    public T? Check<T>(string name, Func<T> check, Func<T, string> detail, string remedy) where T : class
    {
        try
        {
            var value = check();
            Pass(name, detail(value));
            return value;
        }
        catch (Exception e)
        {
            Fail(name, e.Message, remedy);
            return null;
        }
    }

    /// <summary>The names of failed checks not covered by <paramref name="overrides"/> ("all" covers every one).</summary>
    public IReadOnlyList<string> Blocking(IReadOnlyCollection<string> overrides) =>
        _rows.Where(r => !r.Passed && !overrides.Contains(r.Name) && !overrides.Contains("all")).Select(r => r.Name).ToList();

    public Table ToTable()
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]Preflight[/]");
        table.AddColumn("check");
        table.AddColumn("result");
        table.AddColumn("found");
        table.AddColumn("to do");
        foreach (var r in _rows)
        {
            string result = !r.Passed ? "[red bold]FAIL[/]" : r.Warning ? "[yellow]warn[/]" : "[green]pass[/]";
            table.AddRow(TerminalText.Escape(r.Name), result, TerminalText.Escape(r.Detail), TerminalText.Escape(r.Remedy));
        }
        return table;
    }

    /// <summary>
    /// "stimuli present and decodable": every image (profile photos, image screens, the participant's photo and
    /// <paramref name="extraPhoto"/> from --participant-photo), every sound and every font, decoded as the session will.
    /// </summary>
    public void CheckStimuli(ParadigmModel paradigm, string? extraPhoto)
    {
        const string name = "stimuli present and decodable";
        var files = paradigm.StimulusFiles.ToList();
        if (extraPhoto != null)
            files.Add(new StimulusFile(StimulusKind.Image, Path.GetFullPath(extraPhoto), new SourcePos("--participant-photo", 1, 1), "the participant photo given with --participant-photo"));
        var problems = StimulusCheck.Check(files).Where(d => d.Severity == Severity.Error).ToList();
        int Count(StimulusKind kind) => files.Where(f => f.Kind == kind).Select(f => f.Path).Distinct(StringComparer.Ordinal).Count();
        string counts = $"{Count(StimulusKind.Image)} images, {Count(StimulusKind.Sound)} sounds, {Count(StimulusKind.Font)} font(s)";
        if (problems.Count == 0) Pass(name, counts + ", each decoded");
        else Fail(name, $"{problems.Count} of {counts} cannot be used: {string.Join("; ", problems.Take(3).Select(p => p.Message))}{(problems.Count > 3 ? "; …" : "")}",
            "replace or regenerate the files (exrun validate names each; exrun stimuli generate)");
    }

    /// <summary>The smallest step of the monotonic clock seen in a tight loop, ns.</summary>
    public static long ClockResolutionNs()
    {
        long best = long.MaxValue;
        for (int i = 0; i < 1000; i++)
        {
            long a = Stopwatch.GetTimestamp(), b;
            do b = Stopwatch.GetTimestamp(); while (b == a);
            best = Math.Min(best, (long)((b - a) * 1e9 / Stopwatch.Frequency));
        }
        return best;
    }
}
