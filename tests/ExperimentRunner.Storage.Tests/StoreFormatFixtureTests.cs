using System.Security.Cryptography;
using ExperimentRunner.Storage.Export;

namespace ExperimentRunner.Storage.Tests;

/// <summary>
/// The study written by 0.1.0+67da354 (tests/Fixtures/study-2026-11-29-67da354: one simulated session stored one
/// event per document, flips in chunks of 600), kept before simulated sessions were stored in chunks (issue 17): it
/// opens, checks healthy and exports byte for byte as that version did.
/// </summary>
public sealed class StoreFormatFixtureTests
{
    private static string Fixture => Path.Combine(BidsValidatorTests.RepositoryRoot(), "tests", "Fixtures", "study-2026-11-29-67da354");

    /// <summary>SHA-256 of the exports left out of the fixture for their size (its README says how they were made).</summary>
    private static readonly Dictionary<string, string> LargeExports = new()
    {
        ["study.json"] = "8CFA1B43A0198992AE84792CF89301AD77AA92D0C8174018BCD2A5E93E902817",
        ["flips.tsv"] = "6550535F1248B70CF2FB31E7571D73FF2EFE861F7E9277D6BDAE6A1BE81AF2F5",
    };

    [Fact]
    public void The_study_of_67da354_checks_healthy_and_exports_byte_for_byte_as_it_did()
    {
        using var temp = new TempFolder();
        string db = temp.File("study.db");
        File.Copy(Path.Combine(Fixture, "study.db"), db);
        using var reader = StudyReader.Open(db);

        StudyCheckReport check = StudyCheck.Run(reader);
        Assert.True(check.Healthy, string.Join("; ", check.Problems));
        Assert.Equal((1, 431L, 25_221L, 45), (check.Sessions, check.Events, check.Flips, check.FlipChunks));

        string tsv = temp.File("tsv"), json = temp.File("json");
        StudyExporter.Export(reader, new ExportOptions { Format = ExportFormat.Tsv, OutDir = tsv });
        StudyExporter.Export(reader, new ExportOptions { Format = ExportFormat.Json, OutDir = json });
        foreach (string name in new[] { "events.tsv", "trials.tsv", "sessions.tsv", "games.tsv" })
            Assert.True(File.ReadAllBytes(Path.Combine(Fixture, "expected", name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(tsv, name))), $"{name} differs from what 67da354 exported");
        Assert.Equal(LargeExports["flips.tsv"], Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(tsv, "flips.tsv")))));
        Assert.Equal(LargeExports["study.json"], Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(json, "study.json")))));
    }
}
