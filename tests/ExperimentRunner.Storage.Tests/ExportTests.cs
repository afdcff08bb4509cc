using System.Security.Cryptography;
using System.Text.Json;
using ExperimentRunner.Storage.Export;

namespace ExperimentRunner.Storage.Tests;

public sealed class ExportTests
{
    internal static string CreateStudy(TempFolder temp, bool flips = true)
    {
        string db = temp.File("study.db");
        using var store = LiteDbStore.Open(db);
        GeneratedSession.Create("p01", "1", seed: 1, flips: flips).WriteTo(store);
        GeneratedSession.Create("p01", "2", seed: 2, flips: flips).WriteTo(store);
        GeneratedSession.Create("p02", "1", runs: 1, seed: 3, flips: flips).WriteTo(store, end: false);
        return db;
    }

    /// <summary>The stimulus files the generated sessions name (profiles/p001.jpg … p006.jpg).</summary>
    internal static string CreateStimuli(TempFolder temp)
    {
        string root = temp.File("stimuli");
        Directory.CreateDirectory(Path.Combine(root, "profiles"));
        for (int p = 1; p <= 6; p++) File.WriteAllBytes(Path.Combine(root, "profiles", $"p{p:D3}.jpg"), [0xff, 0xd8, 0xff, (byte)p]);
        return root;
    }

    internal static ExportResult Export(string db, ExportFormat format, string outDir, string? participant = null, string? into = null, string? stimuli = null)
    {
        using var reader = StudyReader.Open(db);
        return StudyExporter.Export(reader, new ExportOptions { Format = format, OutDir = outDir, Participant = participant, IntoBidsRoot = into, StimuliRoot = stimuli });
    }

    private static Dictionary<string, string> Hashes(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [Theory]
    [InlineData(ExportFormat.Bids)]
    [InlineData(ExportFormat.Tsv)]
    [InlineData(ExportFormat.Csv)]
    [InlineData(ExportFormat.Json)]
    public void The_same_database_exports_to_byte_identical_files(ExportFormat format)
    {
        using var temp = new TempFolder();
        string db = CreateStudy(temp);
        string stimuli = CreateStimuli(temp);
        ExportResult first = Export(db, format, temp.File("a"), stimuli: stimuli);
        Export(db, format, temp.File("b"), stimuli: stimuli);
        Assert.NotEmpty(first.Files);
        Assert.Equal(Hashes(temp.File("a")), Hashes(temp.File("b")));
        Assert.Equal(first.Files.Order(StringComparer.Ordinal), Hashes(temp.File("a")).Keys.Select(k => k.Replace('\\', '/')).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Exported_files_are_readable_by_their_owner_only()
    {
        if (OperatingSystem.IsWindows()) return;
        using var temp = new TempFolder();
        string db = CreateStudy(temp, flips: false);
        ExportResult result = Export(db, ExportFormat.Bids, temp.File("bids"));
        foreach (string file in result.Files)
            Assert.Equal(StudyFiles.OwnerFile, File.GetUnixFileMode(Path.Combine(result.Root, file)));
        Assert.Equal(StudyFiles.OwnerFolder, File.GetUnixFileMode(temp.File("bids")));
    }

    [Fact]
    public void A_bids_export_has_the_layout_analysts_expect()
    {
        using var temp = new TempFolder();
        string db = CreateStudy(temp, flips: false);
        ExportResult result = Export(db, ExportFormat.Bids, temp.File("bids"));
        Assert.Contains("dataset_description.json", result.Files);
        Assert.Contains("participants.tsv", result.Files);
        Assert.Contains("sub-p01/ses-1/beh/sub-p01_ses-1_task-socialfeedback_run-2_events.tsv", result.Files);
        Assert.Contains("sub-p01/ses-1/beh/sub-p01_ses-1_task-socialfeedback_run-2_events.json", result.Files);
        Assert.Contains("sub-p01/ses-1/beh/sub-p01_ses-1_task-socialfeedback_acq-questionnaire_beh.tsv", result.Files);
        string[] lines = File.ReadAllLines(Path.Combine(result.Root, "sub-p01/ses-1/beh/sub-p01_ses-1_task-socialfeedback_run-1_events.tsv"));
        Assert.StartsWith("onset\tduration\ttrial_type\tresponse_time\tstim_file", lines[0]);
        string[] header = lines[0].Split('\t');
        using var sidecar = JsonDocument.Parse(File.ReadAllText(Path.Combine(result.Root, "sub-p01/ses-1/beh/sub-p01_ses-1_task-socialfeedback_run-1_events.json")));
        foreach (string column in header) Assert.True(sidecar.RootElement.TryGetProperty(column, out _), $"column {column} is not described");
        Assert.Equal("ExperimentRunner", sidecar.RootElement.GetProperty("StimulusPresentation").GetProperty("SoftwareName").GetString());
        // The first screen of run 1 is planned at t0 itself: 0 s from the RunStarted time, the flip a little after.
        string[] first = lines[1].Split('\t');
        Assert.Equal("0.000000", first[header.ToList().IndexOf("intended_onset")]);
        Assert.InRange(double.Parse(first[0], System.Globalization.CultureInfo.InvariantCulture), 0.0, 0.001);
        double previous = double.MinValue;
        foreach (string line in lines.Skip(1))
        {
            double onset = double.Parse(line.Split('\t')[0], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(onset >= previous, "onsets are sorted");
            previous = onset;
        }
        Assert.Contains(lines, l => l.Split('\t')[4] == "profiles/p002.jpg" || l.Contains("profiles/"));
    }

    [Fact]
    public void Exporting_into_a_bids_dataset_refuses_a_bold_run_with_another_repetition_time()
    {
        using var temp = new TempFolder();
        string db = CreateStudy(temp, flips: false);
        string root = temp.File("ds");
        MakeBoldDataset(root, "p02", "1", run: 1, tr: 2.5);
        var refused = Assert.Throws<ExportException>(() => Export(db, ExportFormat.Bids, "", participant: "p02", into: root));
        Assert.Contains("RepetitionTime 2.5", refused.Message);
        Assert.False(File.Exists(Path.Combine(root, "sub-p02/ses-1/func/sub-p02_ses-1_task-socialfeedback_run-1_events.tsv")));

        MakeBoldDataset(root, "p02", "1", run: 1, tr: 2.0);
        ExportResult result = Export(db, ExportFormat.Bids, "", participant: "p02", into: root);
        Assert.Contains("sub-p02/ses-1/func/sub-p02_ses-1_task-socialfeedback_run-1_events.tsv", result.Files);
    }

    internal static void MakeBoldDataset(string root, string sub, string ses, int run, double tr)
    {
        string func = Path.Combine(root, $"sub-{sub}", $"ses-{ses}", "func");
        Directory.CreateDirectory(func);
        File.WriteAllText(Path.Combine(root, "dataset_description.json"), "{\"Name\": \"scanner\", \"BIDSVersion\": \"1.8.0\"}\n");
        string stem = Path.Combine(func, $"sub-{sub}_ses-{ses}_task-socialfeedback_run-{run}_bold");
        File.WriteAllBytes(stem + ".nii.gz", [0x1f, 0x8b]);
        File.WriteAllText(stem + ".json", $"{{\"RepetitionTime\": {tr.ToString(System.Globalization.CultureInfo.InvariantCulture)}, \"TaskName\": \"socialfeedback\"}}\n");
    }
}
