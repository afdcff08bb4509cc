using System.Security.Cryptography;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Simulation;
using ExperimentRunner.Storage.Export;

namespace ExperimentRunner.Storage.Tests;

/// <summary>
/// What a simulated session records, byte for byte (issue 17: the simulation was made faster without changing a
/// single recorded event, timestamp or sequence number). Simulated sessions are deterministic for a seed, so their
/// exported tables have fixed digests. A change to what the engine records, or to how the store numbers and keeps it,
/// changes a digest: if that change is intended, check the new export by hand and put the new digests here.
/// </summary>
public sealed class SimulatedRecordTests
{
    /// <summary>SHA-256 of the TSV export's events, flips and trials tables of <see cref="SimulateStudy"/>'s study.</summary>
    private static readonly Dictionary<string, string> ExpectedDigests = new()
    {
        ["events.tsv"] = "78B36DAB1103BDB15B4A6D0AAA9C53602D615EFF73790C69E135B6F25B160DB6",
        ["flips.tsv"] = "D10C2D721D80BA0C3081E89CD8D9F7957CBF5FBC36AFD3D1065DBDB3DA3EB017",
        ["trials.tsv"] = "CA2C1A4A1FD43ACFA14966CC1F3A083010BEDD67C7AA4F31DF8AB3B6D6989030",
    };

    [Fact]
    public void Simulated_sessions_record_the_same_events_timestamps_and_sequence_numbers_as_before()
    {
        using var temp = new TempFolder();
        var digests = SimulateStudy(temp, "default", new StoreOptions());
        var differ = ExpectedDigests.Where(kv => digests[kv.Key] != kv.Value).Select(kv => $"{kv.Key}: SHA-256 {digests[kv.Key]}, expected {kv.Value}").ToList();
        Assert.True(differ.Count == 0, string.Join("\n", differ));
    }

    [Fact]
    public void How_the_writer_batches_a_simulated_session_changes_nothing_that_is_recorded()
    {
        using var temp = new TempFolder();
        // A ring of 1,024 cells (the engine waits for the writer thousands of times) and commits held for 50 ms.
        var small = SimulateStudy(temp, "small", new StoreOptions { QueueCapacity = 1024, CommitDelayMs = 50, MaxBatch = 100 });
        var plain = SimulateStudy(temp, "plain", new StoreOptions());
        Assert.Equal(plain, small);
    }

    /// <summary>Two paradigms (scan runs with selection, ratings and questionnaires; a ball-toss game), two participants
    /// each (one with stray presses and misses, one with dropped frames), into one study; the digests of its export.</summary>
    private static Dictionary<string, string> SimulateStudy(TempFolder temp, string name, StoreOptions storeOptions)
    {
        string repo = BidsValidatorTests.RepositoryRoot();
        string db = temp.File($"{name}.db");
        using (var store = LiteDbStore.Open(db, options: storeOptions))
        {
            foreach (string paradigmName in new[] { "social-feedback-fmri", "cyberball-fmri" })
            {
                var paradigm = ParadigmLoader.Load(Path.Combine(repo, "paradigms", paradigmName + ".yaml")).Paradigm!;
                var runs = new (string Participant, SimulationSettings Settings)[]
                {
                    ("sub-01", new SimulationSettings { Responder = ResponderPolicy.Parse("stray=0.05,miss=0.1") }),
                    ("sub-02", new SimulationSettings { DropProbability = 0.01 }),
                };
                foreach (var (participant, settings) in runs)
                {
                    Plan plan = Planner.Make(paradigm, new SessionFacts(participant, "1", 7));
                    var options = new SessionOptions { SessionId = $"{participant}_ses-1_{paradigmName}", Mode = "simulate" };
                    Assert.Equal(SessionStatus.Completed, Simulator.Run(plan, store, settings, options).Result.Status);
                }
            }
            Assert.True(store.Flush(TimeSpan.FromSeconds(60)));
            Assert.Equal(0, store.Stats.OverflowEvents);
        }
        string outDir = temp.File($"{name}-tsv");
        using (var reader = StudyReader.Open(db))
            StudyExporter.Export(reader, new ExportOptions { Format = ExportFormat.Tsv, OutDir = outDir });
        return new[] { "events.tsv", "flips.tsv", "trials.tsv" }
            .ToDictionary(f => f, f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(outDir, f)))));
    }
}
