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

    [BidsValidatorFact]
    public void Simulated_sessions_of_every_shipped_paradigm_export_to_a_dataset_the_validator_passes()
    {
        string validator = ExternalTools.BidsValidator
            ?? throw new InvalidOperationException("CI=true but bids-validator was not found: set BIDS_VALIDATOR or install it (npm install --no-save bids-validator@1)");
        string repo = RepositoryRoot();
        using var temp = new TempFolder();
        string db = temp.File("study.db");
        // Every session a paradigm declares (the peer-interest task's sessions 1 and 2), in order.
        ShippedSessions.SimulateAll(repo, db, "sim");
        (int check, string checkOut, string checkErr) = Exrun.Run(repo, null, "db", "check", "--db", db);
        Assert.True(check == 0, checkOut + checkErr);
        string root = temp.File("bids");
        (int export, string exportOut, string exportErr) = Exrun.Run(repo, null, "export", "--db", db, "--format", "bids", "--out", root);
        Assert.True(export == 0, exportOut + exportErr);

        (int _, string report, string vErr) = ExternalTools.Run(validator, [root, "--json"], TimeSpan.FromMinutes(5));
        int brace = report.IndexOf('{');
        Assert.True(brace >= 0, $"bids-validator printed no JSON: {report} {vErr}");
        using var json = JsonDocument.Parse(report[brace..]);
        JsonElement issues = json.RootElement.GetProperty("issues");
        foreach (JsonElement w in issues.GetProperty("warnings").EnumerateArray().Concat(issues.GetProperty("errors").EnumerateArray()))
            output.WriteLine($"{w.GetProperty("code")} {w.GetProperty("key")}: {Files(w)}");
        Assert.Empty(issues.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("key").GetString()));
        Assert.DoesNotContain(issues.GetProperty("warnings").EnumerateArray(), w => w.GetProperty("code").GetInt32() == 82);
    }

    internal static string RepositoryRoot()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
            if (Directory.Exists(Path.Combine(dir, "paradigms")) && Directory.Exists(Path.Combine(dir, "src"))) return dir;
        throw new DirectoryNotFoundException("the repository root (with paradigms/ and src/) is not above the test's folder");
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
