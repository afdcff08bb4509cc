using System.CommandLine;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Core.Vocabulary;
using ExperimentRunner.Hardware;
using ExperimentRunner.Hardware.ResponseBoxes;

namespace ExperimentRunner.Cli.Commands;

/// <summary>--response-box for run, simulate and timing-test: parsed (exit 2 when malformed) and opened (exit 1 when it cannot).</summary>
public static class ResponseBoxArguments
{
    public static Option<string?> Option() => new("--response-box")
    {
        Description = $"A response box: {ResponseBoxSpec.Grammar}. XID boxes time presses with their own clock (aligned to ours, drift checked); " +
            "a fORP in keyboard mode types keys (map them with keys=, its scanner key with trigger=).",
    };

    /// <summary>The parsed specification, or null when none was given; a malformed one exits 2.</summary>
    public static ResponseBoxSpec? Parse(string? text)
    {
        if (text is null) return null;
        try { return ResponseBoxSpec.Parse(text); }
        catch (DeviceSpecException e) { throw new UserFacingException($"--response-box: {e.Message}", ExitCodes.Invalid); }
    }

    /// <summary>Opens the box; one that cannot be opened or does not answer exits 1 with what to check.</summary>
    public static ResponseBoxDevice Open(ResponseBoxSpec spec, IClock clock)
    {
        try { return ResponseBoxDevice.Open(spec, clock); }
        catch (HardwareException e) { throw new UserFacingException($"--response-box: {e.Message}", ExitCodes.Failure); }
    }

    /// <summary>After a session: the box's faults (all in the session's warnings too) and its clock's alignment, for the operator.</summary>
    public static void PrintSummary(ResponseBoxDevice? box, TextWriter to)
    {
        if (box is null) return;
        to.WriteLine($"  response box: {box.Description}");
        if (box.Alignment is { } alignment) to.WriteLine($"  response box clock: {alignment}");
        if (box.Box is { } xid)
        {
            if (xid.GarbageBytes > 0 || xid.FloodDropped > 0)
                to.WriteLine($"  response box input: {xid.GarbageBytes} byte(s) outside the protocol skipped, {xid.FloodDropped} press(es) cut as a flood");
            if (xid.Fault is { } fault) to.WriteLine($"  response box fault: {fault}");
        }
    }
}
