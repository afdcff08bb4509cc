using ExperimentRunner.Core.Paradigm;

namespace ExperimentRunner.Core.Tests;

/// <summary>A paradigm's scanner.trigger is read by the same grammar as --scanner, so validate catches what a run would.</summary>
public sealed class TriggerValidationTests
{
    private const string Fmri = "social-feedback-fmri.yaml";

    [Theory]
    [InlineData("key:notakey", "'key:notakey': 'notakey' is not a key name;")]
    [InlineData("key:spac", "'key:spac': 'spac' is not a key name (did you mean 'space'?);")]
    [InlineData("manual:escpae", "'manual:escpae': 'escpae' is not a key name (did you mean 'escape'?);")]
    [InlineData("serial:/dev/ttyUSB0,baud=9601", "'serial:/dev/ttyUSB0,baud=9601': baud rate '9601' is not supported")]
    [InlineData("scanner", "unknown scanner trigger 'scanner'")]
    public void ABadTriggerIsAnErrorAtItsLine(string trigger, string message)
    {
        var path = Variants.Replace(Fmri, $"trigger-{string.Concat(trigger.Where(char.IsLetterOrDigit))}.yaml", "  trigger: key:5", $"  trigger: {trigger}");
        var result = ParadigmLoader.Load(path);
        Assert.False(result.IsValid);
        var e = Assert.Single(result.Diagnostics, d => d.Severity == Severity.Error);
        Assert.StartsWith(message, e.Message);
        Assert.Equal(Variants.LineOf(path, $"trigger: {trigger}"), e.Pos.Line);
    }

    [Theory]
    [InlineData("key")]
    [InlineData("key:T")]
    [InlineData("manual:s")]
    [InlineData("emulate")]
    [InlineData("serial:/dev/ttyUSB0,baud=115200,byte=0x35")]
    public void EveryFormTheRunAcceptsValidates(string trigger)
    {
        var path = Variants.Replace(Fmri, $"trigger-ok-{string.Concat(trigger.Where(char.IsLetterOrDigit))}.yaml", "  trigger: key:5", $"  trigger: \"{trigger}\"");
        var result = ParadigmLoader.Load(path);
        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
    }
}
