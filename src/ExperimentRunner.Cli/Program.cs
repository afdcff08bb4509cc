using System.CommandLine;
using ExperimentRunner.Cli.Commands;

namespace ExperimentRunner.Cli;

public static class Program
{
    /// <summary>Every verb of exrun; each family lives in Commands/&lt;Family&gt;Commands.cs.</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("exrun: social-rejection paradigms in the scanner, with measured timing and data that survives.");
        foreach (var command in ParadigmCommands.Create()) root.Subcommands.Add(command);
        foreach (var command in StimuliCommands.Create()) root.Subcommands.Add(command);
        foreach (var command in SessionCommands.Create()) root.Subcommands.Add(command);
        foreach (var command in PresentationCommands.Create()) root.Subcommands.Add(command);
        foreach (var command in RunCommands.Create()) root.Subcommands.Add(command);
        foreach (var command in StorageCommands.Create()) root.Subcommands.Add(command);
        foreach (var command in ResumeCommands.Create()) root.Subcommands.Add(command);
        foreach (var command in DemoCommands.Create()) root.Subcommands.Add(command);
        foreach (var command in ReportCommands.Create()) root.Subcommands.Add(command);
        foreach (var command in TimingTestCommands.Create()) root.Subcommands.Add(command);
        foreach (var command in DesignCommands.Create()) root.Subcommands.Add(command);
        return root;
    }

    public static int Main(string[] args)
    {
        TerminalText.Install();
        return CliErrors.Guard(() => Invoke(args.Length == 0 ? ["--help"] : args));
    }

    /// <summary>Parses and runs one command line; argument errors are exit 2 with a usage hint.</summary>
    public static int Invoke(string[] args)
    {
        var parse = BuildRoot().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) Console.Error.WriteLine($"exrun: error: {error.Message}");
            Console.Error.WriteLine("Run 'exrun --help' (or 'exrun VERB --help') for usage.");
            return ExitCodes.Invalid;
        }
        return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }
}
