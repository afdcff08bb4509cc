using System.CommandLine;
using System.Globalization;
using System.Text;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Presentation.Composition;

namespace ExperimentRunner.Cli.Commands;

/// <summary>validate, plan, graph: what a researcher runs before any participant comes in.</summary>
public static class ParadigmCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Validate();
        yield return PlanCommand();
        yield return Graph();
    }

    private static Command Graph()
    {
        var file = new Argument<string>("FILE") { Description = "Paradigm file." };
        var format = new Option<string>("--format") { Description = "dot (Graphviz) or mermaid.", DefaultValueFactory = _ => "dot" };
        format.AcceptOnlyFromAmong("dot", "mermaid");
        var output = new Option<string?>("--out") { Description = "Write to this file instead of standard output." };
        var command = new Command("graph", "Prints the paradigm's state machine (session → phase → run → block → trial → screen) from the configuration that runs it.")
        {
            file, format, output,
        };
        command.SetAction(parse =>
        {
            var paradigm = LoadOrThrow(parse.GetValue(file)!);
            var machine = new ExperimentRunner.Core.Engine.SessionMachine(paradigm);
            string text = parse.GetValue(format) == "mermaid" ? machine.ToMermaid() : machine.ToDot();
            if (!text.EndsWith('\n')) text += "\n";
            var outPath = parse.GetValue(output);
            if (outPath is null) Console.Out.Write(text);
            else PrivateFiles.WriteAllText(outPath, text);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// Loads a paradigm and decodes every file a session of it will open (images, sounds, fonts): what validate
    /// reports, and what every verb that loads a paradigm refuses, so a damaged stimulus never first shows in a run.
    /// </summary>
    public static LoadResult LoadChecked(string file)
    {
        var result = ParadigmLoader.Load(file);
        var stimuli = StimulusCheck.Check(result.StimulusFiles);
        if (stimuli.Count == 0) return result;
        var all = result.Diagnostics.Concat(stimuli)
            .OrderBy(d => d.Pos.File, StringComparer.Ordinal).ThenBy(d => d.Pos.Line).ThenBy(d => d.Pos.Column).ToList();
        bool failed = stimuli.Any(d => d.Severity == Severity.Error);
        return result with { Paradigm = failed ? null : result.Paradigm, Diagnostics = all };
    }

    /// <summary>Loads a paradigm or throws a <see cref="UserFacingException"/> listing every problem (exit 2).</summary>
    public static ParadigmModel LoadOrThrow(string file)
    {
        var result = LoadChecked(file);
        foreach (var w in result.Diagnostics.Where(d => d.Severity == Severity.Warning)) Console.Error.WriteLine(w);
        if (!result.IsValid)
        {
            var errors = result.Diagnostics.Where(d => d.Severity == Severity.Error).Select(d => d.ToString());
            throw new UserFacingException($"{file} is not a valid paradigm:\n" + string.Join("\n", errors) + $"\n(run 'exrun validate {file}' for details)", ExitCodes.Invalid);
        }
        return result.Paradigm!;
    }

    private static Command Validate()
    {
        var files = new Argument<string[]>("FILE") { Arity = ArgumentArity.OneOrMore, Description = "Paradigm files (YAML)." };
        var command = new Command("validate", "Checks paradigm files and prints every problem as file:line:col: error: message. Exit 0 valid, 2 invalid.") { files };
        command.SetAction(parse => ValidateFiles(parse.GetValue(files)!, Console.Out));
        return command;
    }

    /// <summary>The body of <c>exrun validate</c>: every problem of every file to <paramref name="output"/>; exit 0 or 2.</summary>
    public static int ValidateFiles(IEnumerable<string> files, TextWriter output)
    {
        bool allValid = true;
        foreach (var file in files)
        {
            var result = LoadChecked(file);
            foreach (var d in result.Diagnostics) output.WriteLine(d);
            if (result.IsValid)
            {
                var p = result.Paradigm!;
                var runs = p.Phases.OfType<ScanPhase>().Sum(s => s.Runs);
                var lengths = p.Phases.OfType<ScanPhase>().Select(s => Planner.EstimateLength(p, s).Mean).ToList();
                string length = lengths.Count == 0 ? "" : $", about {string.Join(" / ", lengths.Select(l => Ns.ToSeconds(l).ToString("0.#", CultureInfo.InvariantCulture)))} s per run";
                output.WriteLine($"{file}: valid ({p.Phases.Count} phases, {runs} scan run(s){length})");
            }
            else
            {
                allValid = false;
                int n = result.Diagnostics.Count(d => d.Severity == Severity.Error);
                if (n == 0)
                {
                    // Never silent: an invalid file says where, even when no check put it into words.
                    output.WriteLine(new Diagnostic(new SourcePos(file, 1, 1), Severity.Error, "the file could not be read as a paradigm"));
                    n = 1;
                }
                output.WriteLine($"{file}: {n} error{(n == 1 ? "" : "s")}");
            }
        }
        return allValid ? ExitCodes.Ok : ExitCodes.Invalid;
    }

    public static Option<string> ParticipantOption(bool required = true) => new("--participant")
    {
        Description = "Pseudonymous participant ID (e.g. sub-07; letters, digits, '-' and '_'). Never a name.",
        Required = required,
    };

    public static Option<string> SessionOption() => new("--session") { Description = "Session label (BIDS ses-<label>).", DefaultValueFactory = _ => "1" };

    /// <summary>Checks a participant ID is pseudonymous-looking and safe in file names.</summary>
    public static string CheckParticipant(string id)
    {
        if (id.Length is 0 or > 32 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new UserFacingException($"participant ID '{id}' must be 1–32 ASCII letters, digits, '-' or '_' (a pseudonymous code such as sub-07, never a name)", ExitCodes.Invalid);
        return id;
    }

    public static string CheckSessionLabel(string label)
    {
        if (label.Length is 0 or > 16 || !label.All(char.IsAsciiLetterOrDigit))
            throw new UserFacingException($"session label '{label}' must be 1–16 ASCII letters or digits", ExitCodes.Invalid);
        return label;
    }

    private static Command PlanCommand()
    {
        var file = new Argument<string>("FILE") { Description = "Paradigm file." };
        var participant = ParticipantOption();
        var session = SessionOption();
        var run = new Option<int?>("--run") { Description = "Only this run (1-based)." };
        var seed = new Option<ulong?>("--seed") { Description = "Seed; by default derived from the paradigm, participant and session." };
        var format = new Option<string>("--format") { Description = "tsv or json.", DefaultValueFactory = _ => "tsv" };
        format.AcceptOnlyFromAmong("tsv", "json");
        var output = new Option<string?>("--out") { Description = "Write to this file instead of standard output." };
        var command = new Command("plan", "Prints the concrete timeline one participant will see: one row per planned event. Same inputs, same bytes.")
        {
            file, participant, session, run, seed, format, output,
        };
        command.SetAction(parse =>
        {
            var paradigm = LoadOrThrow(parse.GetValue(file)!);
            var facts = new SessionFacts(CheckParticipant(parse.GetValue(participant)!), CheckSessionLabel(parse.GetValue(session)!), parse.GetValue(seed));
            Plan plan;
            try
            {
                plan = Planner.Make(paradigm, facts);
            }
            catch (PlanException e)
            {
                throw new UserFacingException($"{e.Pos}: error: {e.Message}", ExitCodes.Invalid);
            }
            int? onlyRun = parse.GetValue(run);
            if (onlyRun != null && plan.Runs.All(r => r.Index != onlyRun))
                throw new UserFacingException($"run {onlyRun} does not exist; the paradigm has {plan.Runs.Count()} run(s)", ExitCodes.Invalid);
            string text = parse.GetValue(format) == "json" ? PlanWriter.ToJson(plan, onlyRun) : PlanWriter.ToTsv(plan, onlyRun);
            var outPath = parse.GetValue(output);
            if (outPath is null) Console.Out.Write(text);
            else PrivateFiles.WriteAllText(outPath, text);
            return ExitCodes.Ok;
        });
        return command;
    }
}
