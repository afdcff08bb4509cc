using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ExperimentRunner.Cli.Commands;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;

namespace ExperimentRunner.Cli.Tests;

/// <summary>
/// Seeded mutants of the shipped paradigms (lines deleted, duplicated, swapped, re-indented; characters flipped; tabs
/// and YAML syntax inserted; numbers made extreme; files cut short) through validate's own code path: never an
/// exception, never a hang, exit 0 or 2, and every error located as file:line:col. A few go through the real exrun too.
/// </summary>
public partial class ParadigmFuzzTests
{
    /// <summary>CI's seed; EXRUN_FUZZ_SEED explores others (a failure names its seed and keeps its mutant).</summary>
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("EXRUN_FUZZ_SEED"), out int s) ? s : 20261129;
    private const int MutantsPerParadigm = 110;
    private static readonly TimeSpan PerMutant = TimeSpan.FromSeconds(20);

    [GeneratedRegex(@"^.+\.yaml:\d+:\d+: (error|warning): \S")]
    private static partial Regex Located();

    [GeneratedRegex(@"-?\d+(\.\d+)?")]
    private static partial Regex Number();

    private static readonly string[] Extremes =
    [
        "0", "-1", "-0", "1e308", "1e-308", "9999999999999999999999", "2147483648", "-2147483649", "NaN", "Infinity", ".inf",
        "0.0000001", "4294967296", "1e9999", "0x7FFFFFFF", "007", "1_000",
    ];

    private static readonly string[] Fragments =
    [
        "\t", " ", ": ", "- ", "&a ", "*a", "*nope", "!!python/object:os.system ", "!!binary ", "{", "}", "[", "]", "\"", "'", "#", "|", ">",
        "---\n", "...\n", "<<: ", "? ", "%YAML 1.2\n", "\u00e9", "\uFEFF", "\u0000", "\u202E", "s", "ms", " TR", " frames", "~", "null",
    ];

    private static readonly string[] Values =
    [
        "", "''", "[]", "{}", "null", "~", "-5s", "1e400s", "0s", "0 frames", "3 TR", "99999min", "0.001ms", "../../../etc/passwd",
        "/dev/zero", "../stimuli", "../stimuli/fonts/LICENSE-DejaVu.txt", "../stimuli/profiles/profiles.csv", "images/p001.png",
        "fixation", "feedback", "latin_square", "abba", "yes", "\"{name} {age} {bio} {id} {nope}\"", "key:5", "key:notakey",
        "serial:/dev/null", "[a, b, a]", "{uniform: [6s, 2s]}", "{exponential: {mean: 1s, min: 2s, max: 8s}}", "{list: []}",
        "{exponential: {realised_mean: 4s, min: 2s, max: 8s}}", "{list: [1s, -1s]}", "&x [*x]", "*x",
    ];

    private sealed record Mutant(string Source, int Index, string Description, string Text);

    private static IEnumerable<Mutant> Mutants(string source, string text, Random rng)
    {
        for (int i = 0; i < MutantsPerParadigm; i++)
        {
            var lines = text.Split('\n').ToList();
            var what = new List<string>();
            int operations = rng.Next(1, 4);
            bool truncated = false;
            for (int o = 0; o < operations && lines.Count > 1; o++)
            {
                int at = rng.Next(lines.Count);
                switch (rng.Next(14))
                {
                    case 0:
                        what.Add($"delete line {at + 1}");
                        lines.RemoveAt(at);
                        break;
                    case 1:
                        what.Add($"duplicate line {at + 1}");
                        lines.Insert(at, lines[at]);
                        break;
                    case 2:
                    {
                        int other = rng.Next(lines.Count);
                        what.Add($"swap lines {at + 1} and {other + 1}");
                        (lines[at], lines[other]) = (lines[other], lines[at]);
                        break;
                    }
                    case 3:
                    {
                        if (lines[at].Length == 0) goto case 0;
                        int col = rng.Next(lines[at].Length);
                        char c = (char)rng.Next(32, 127);
                        what.Add($"line {at + 1} column {col + 1} becomes '{c}'");
                        lines[at] = lines[at][..col] + c + lines[at][(col + 1)..];
                        break;
                    }
                    case 4:
                    {
                        var numbers = Number().Matches(lines[at]);
                        if (numbers.Count == 0) goto case 3;
                        var m = numbers[rng.Next(numbers.Count)];
                        string extreme = Extremes[rng.Next(Extremes.Length)];
                        what.Add($"line {at + 1}: {m.Value} becomes {extreme}");
                        lines[at] = lines[at][..m.Index] + extreme + lines[at][(m.Index + m.Length)..];
                        break;
                    }
                    case 5:
                    {
                        int indent = lines[at].Length - lines[at].TrimStart(' ').Length;
                        int change = rng.Next(2) == 0 ? -Math.Min(indent, rng.Next(1, 5)) : rng.Next(1, 5);
                        what.Add($"line {at + 1} indented by {change}");
                        lines[at] = change < 0 ? lines[at][(-change)..] : new string(' ', change) + lines[at];
                        break;
                    }
                    case 6:
                    {
                        int col = rng.Next(lines[at].Length + 1);
                        what.Add($"tab at line {at + 1} column {col + 1}");
                        lines[at] = lines[at][..col] + "\t" + lines[at][col..];
                        break;
                    }
                    case 7:
                    {
                        int col = rng.Next(lines[at].Length + 1);
                        string fragment = Fragments[rng.Next(Fragments.Length)];
                        what.Add($"line {at + 1} column {col + 1} gets {Escape(fragment)}");
                        lines[at] = lines[at][..col] + fragment + lines[at][col..];
                        break;
                    }
                    case 8:
                    {
                        int length = Math.Min(lines.Count - at, rng.Next(2, 12));
                        int to = rng.Next(lines.Count);
                        what.Add($"lines {at + 1}–{at + length} copied before line {to + 1}");
                        lines.InsertRange(to, lines.GetRange(at, length));
                        break;
                    }
                    case 9:
                    case 10:
                    {
                        // Another line's value in this line's key: well-formed YAML that reaches the checks behind the parser.
                        var values = lines.Select(l => l.IndexOf(": ", StringComparison.Ordinal)).ToList();
                        int from = rng.Next(lines.Count);
                        if (values[at] < 0 || values[from] < 0) goto case 4;
                        what.Add($"line {at + 1} takes the value of line {from + 1}");
                        lines[at] = lines[at][..(values[at] + 2)] + lines[from][(values[from] + 2)..];
                        break;
                    }
                    case 11:
                    {
                        int colon = lines[at].IndexOf(": ", StringComparison.Ordinal);
                        if (colon < 0) goto case 0;
                        string value = Values[rng.Next(Values.Length)];
                        what.Add($"line {at + 1} takes the value {Escape(value)}");
                        lines[at] = lines[at][..(colon + 2)] + value;
                        break;
                    }
                    case 12:
                        goto case 4;
                    default:
                        truncated = true;
                        break;
                }
            }
            string mutated = string.Join('\n', lines);
            if (truncated)
            {
                int cut = rng.Next(mutated.Length);
                what.Add($"cut after {cut} characters");
                mutated = mutated[..cut];
            }
            yield return new Mutant(source, i, string.Join("; ", what), mutated);
        }
    }

    private static string Escape(string s) =>
        string.Concat(s.Select(c => c < 32 || c > 126 ? $"\\u{(int)c:X4}" : c.ToString()));

    private sealed record Outcome(int ExitCode, string Output);

    /// <summary>validate's body, as exrun runs it, on a thread of its own so that a hang is seen as one.</summary>
    private static Outcome? ValidateInProcess(string path, out Exception? error)
    {
        Exception? caught = null;
        Outcome? outcome = null;
        var task = Task.Run(() =>
        {
            try
            {
                var output = new StringWriter(CultureInfo.InvariantCulture);
                int code = ParadigmCommands.ValidateFiles([path], output);
                // A valid mutant must also plan and draw: what validate accepts, the later verbs take.
                if (code == ExitCodes.Ok)
                {
                    var paradigm = ParadigmLoader.Load(path).Paradigm!;
                    Planner.Make(paradigm, new SessionFacts("sub-01"));
                    new ExperimentRunner.Core.Engine.SessionMachine(paradigm).ToDot();
                }
                outcome = new Outcome(code, output.ToString());
            }
            catch (Exception e)
            {
                caught = e;
            }
        });
        if (!task.Wait(PerMutant))
        {
            error = new TimeoutException($"validate did not finish within {PerMutant.TotalSeconds} s");
            return null;
        }
        error = caught;
        return outcome;
    }

    private static string? Problem(Outcome outcome)
    {
        if (outcome.ExitCode is not (0 or 2)) return $"exit {outcome.ExitCode}";
        var lines = outcome.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var diagnostics = lines.Where(l => !Regex.IsMatch(l, @"\.yaml: (valid \(|\d+ errors?$)")).ToList();
        var unlocated = diagnostics.FirstOrDefault(l => !Located().IsMatch(l));
        if (unlocated != null) return $"a message without file:line:col: {unlocated}";
        if (outcome.ExitCode == 2 && !diagnostics.Any(l => l.Contains(": error: ", StringComparison.Ordinal))) return "exit 2 without a located error";
        if (outcome.ExitCode == 0 && diagnostics.Any(l => l.Contains(": error: ", StringComparison.Ordinal))) return "exit 0 with an error";
        if (outcome.Output.Contains("   at ", StringComparison.Ordinal)) return "a stack trace";
        return null;
    }

    [Fact]
    public void ThreeHundredSeededMutantsOfTheShippedParadigmsNeverCrashHangOrGoUnlocated()
    {
        var root = Path.GetDirectoryName(Exrun.Temp("x"))!;
        CopyTree(Path.Combine(Exrun.Root, "stimuli"), Path.Combine(root, "stimuli"));
        var folder = Path.Combine(root, "paradigms");
        Directory.CreateDirectory(folder);
        var rng = new Random(Seed);
        var failures = new List<string>();
        var outcomes = new List<(Mutant Mutant, string Path, Outcome Outcome)>();
        foreach (var source in Directory.GetFiles(Path.Combine(Exrun.Root, "paradigms"), "*.yaml").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileNameWithoutExtension(source);
            foreach (var mutant in Mutants(name, File.ReadAllText(source), rng))
            {
                var path = Path.Combine(folder, $"{name}-{mutant.Index:000}.yaml");
                File.WriteAllText(path, mutant.Text, new UTF8Encoding(false));
                var outcome = ValidateInProcess(path, out var error);
                string? problem = error != null ? $"{error.GetType().Name}: {error.Message}\n{error.StackTrace}" : Problem(outcome!);
                if (problem != null) failures.Add($"{name} mutant {mutant.Index} ({mutant.Description}), kept at {path}: {problem}");
                else outcomes.Add((mutant, path, outcome!));
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {3 * MutantsPerParadigm} mutants (seed {Seed}) failed:\n" + string.Join("\n\n", failures.Take(10)));
        if (Environment.GetEnvironmentVariable("EXRUN_FUZZ_LOG") is { Length: > 0 } log)
            File.WriteAllLines(log, outcomes.Select(o => $"{o.Mutant.Source} {o.Mutant.Index} exit {o.Outcome.ExitCode} | {o.Mutant.Description} | {o.Outcome.Output.Split('\n')[0]}"));
        Assert.Contains(outcomes, o => o.Outcome.ExitCode == 0);
        Assert.Contains(outcomes, o => o.Outcome.ExitCode == 2);

        // A few through the real exrun: the same exit code, the same messages, no stack trace.
        foreach (var (mutant, path, outcome) in outcomes.Where((_, i) => i % 40 == 0))
        {
            var r = Exrun.Run("validate", path);
            Assert.True(r.ExitCode == outcome.ExitCode, $"{mutant.Source} mutant {mutant.Index}: exrun exit {r.ExitCode}, in-process {outcome.ExitCode}\n{r.Out}{r.Err}");
            Assert.DoesNotContain("   at ", r.Out + r.Err);
            Assert.Equal(outcome.Output.Replace(path, ""), r.Out.Replace(path, "").Replace(Path.GetRelativePath(Exrun.Root, path), ""));
        }
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from)) CopyTree(dir, Path.Combine(to, Path.GetFileName(dir)));
    }
}
