using System.CommandLine;
using ExperimentRunner.Cli.Commands;

namespace ExperimentRunner.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("exrun: social-rejection paradigms in the scanner, with measured timing and data that survives.");
        // One line per verb family; each lives in Commands/<Family>Commands.cs.
        foreach (var command in ParadigmCommands.Create()) root.Subcommands.Add(command);
        foreach (var command in StimuliCommands.Create()) root.Subcommands.Add(command);
        foreach (var command in SessionCommands.Create()) root.Subcommands.Add(command);
        foreach (var command in ReportCommands.Create()) root.Subcommands.Add(command);
        return CliErrors.Guard(() =>
        {
            var parse = root.Parse(args);
            if (parse.Errors.Count > 0)
            {
                foreach (var error in parse.Errors) Console.Error.WriteLine($"exrun: error: {error.Message}");
                Console.Error.WriteLine("Run 'exrun --help' (or 'exrun VERB --help') for usage.");
                return ExitCodes.Invalid;
            }
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        });
    }
}
