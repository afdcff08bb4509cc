using System.CommandLine;

namespace ExperimentRunner.Cli.Commands;

/// <summary>validate, plan, graph (filled in by the paradigm-format work).</summary>
public static class ParadigmCommands
{
    public static IEnumerable<Command> Create()
    {
        yield break;
    }
}
