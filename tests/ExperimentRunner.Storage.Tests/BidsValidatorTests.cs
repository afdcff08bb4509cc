using System.Text.Json;
using ExperimentRunner.Storage.Export;
using Xunit.Abstractions;

namespace ExperimentRunner.Storage.Tests;

public sealed class BidsValidatorTests(ITestOutputHelper output)
{
    [BidsValidatorFact]
    public void A_bids_export_passes_the_bids_validator_with_no_errors_and_no_undescribed_columns()
    {
        string validator = ExternalTools.BidsValidator
            ?? throw new InvalidOperationException("CI=true but bids-validator was not found: set BIDS_VALIDATOR or install it (npm install --no-save bids-validator@1)");
        using var temp = new TempFolder();
        string db = ExportTests.CreateStudy(temp, flips: false);
        string root = temp.File("bids");
        using (var reader = StudyReader.Open(db))
            StudyExporter.Export(reader, new ExportOptions { Format = ExportFormat.Bids, OutDir = root, StimuliRoot = ExportTests.CreateStimuli(temp) });

        (int _, string stdout, string stderr) = ExternalTools.Run(validator, [root, "--json"], TimeSpan.FromMinutes(5));
        int brace = stdout.IndexOf('{');
        Assert.True(brace >= 0, $"bids-validator printed no JSON: {stdout} {stderr}");
        using var report = JsonDocument.Parse(stdout[brace..]);
        JsonElement issues = report.RootElement.GetProperty("issues");
        var errors = issues.GetProperty("errors").EnumerateArray().ToList();
        var warnings = issues.GetProperty("warnings").EnumerateArray().ToList();
        foreach (JsonElement w in warnings.Concat(errors))
            output.WriteLine($"{w.GetProperty("code")} {w.GetProperty("key")}: {w.GetProperty("reason")} {Files(w)}");
        Assert.Empty(errors.Select(e => e.GetProperty("key").GetString()));
        Assert.DoesNotContain(warnings, w => w.GetProperty("code").GetInt32() == 82);
    }

    private static string Files(JsonElement issue)
    {
        if (!issue.TryGetProperty("files", out JsonElement files)) return "";
        return string.Join(", ", files.EnumerateArray().Take(3).Select(f =>
            f.TryGetProperty("file", out JsonElement file) && file.ValueKind == JsonValueKind.Object && file.TryGetProperty("relativePath", out JsonElement p)
                ? p.GetString() + (f.TryGetProperty("evidence", out JsonElement ev) && ev.ValueKind == JsonValueKind.String ? " (" + ev.GetString() + ")" : "")
                : ""));
    }
}
