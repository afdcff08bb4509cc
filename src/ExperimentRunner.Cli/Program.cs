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
        foreach (var c in StimuliCommands.Create()) root.Subcommands.Add(c);
        return CliErrors.Guard(() => root.Parse(args).Invoke());
    }
}
