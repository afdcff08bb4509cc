using CsCheck;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Simulation;

namespace ExperimentRunner.Core.Tests;

/// <summary>Trial templates of every screen kind in any order validate, plan and simulate (issue 14 item 5).</summary>
public class ScreenOrderPropertyTests
{
    private static readonly string[] Kinds = ["fixation", "blank", "text", "image", "rating", "question", "profile", "feedback"];

    private static string Screen(string kind, int i) => kind switch
    {
        "text" => $"      - {{name: s{i}, show: text, text: 'Press yes', duration: 700ms, responses: [\"yes\"], correct: \"yes\"}}\n",
        "image" => $"      - {{name: s{i}, show: image, image: {Path.Combine(Repo.Root, "stimuli", "participant", "self.png")}, duration: 500ms}}\n",
        "rating" => $"      - {{name: s{i}, show: rating, rating: sure}}\n",
        "question" => $"      - {{name: s{i}, show: question, options: [\"yes\", \"no\"], duration: 1s}}\n",
        _ => $"      - {{name: s{i}, show: {kind}, duration: 400ms}}\n",
    };

    [Fact]
    public void TrialsOfEveryScreenKindInAnyOrderSimulateToTheEnd()
    {
        var baseText = Variants.Shipped("social-judgment-fmri.yaml");
        int start = baseText.IndexOf("trials:\n", StringComparison.Ordinal), end = baseText.IndexOf("phases:\n", StringComparison.Ordinal);
        Gen.Int[0, Kinds.Length - 1].Array[2, 9].Sample(picks =>
        {
            var screens = string.Concat(picks.Select((k, i) => Screen(Kinds[k], i)));
            var text = baseText[..start]
                + "ratings:\n  sure:\n    question: How sure?\n    type: likert\n    points: [a, b, c]\n    point_responses: [\"yes\", \"no\", button3]\n    time_limit: 2s\n\n"
                + "trials:\n  judgment_trial:\n    screens:\n" + screens + "\n"
                + baseText[end..].Replace("mix: {positive: 20, negative: 20}", "mix: {positive: 2, negative: 2}");
            // Markers of screens and feedback that a generated trial may lack would be refused as never sent.
            text = text.Replace("  fixation: 10\n  question: 30\n", "").Replace("    marker: 21\n", "").Replace("    marker: 22\n", "");
            var path = Variants.Write($"screens-{string.Join("-", picks)}.yaml", text.Replace("  button3: \"3\"\n", "  button3: \"3\"\n  left: \"7\"\n  right: \"8\"\n  confirm: \"9\"\n"));
            var load = ParadigmLoader.Load(path);
            Assert.True(load.IsValid, string.Join("\n", load.Diagnostics));
            var plan = Planner.Make(load.Paradigm!, new SessionFacts("sub-01"));
            var sink = new MemoryEventSink();

            var (result, _) = Simulator.Run(plan, sink, new SimulationSettings(), new SessionOptions { SessionId = "s1", Mode = "simulate" });

            Assert.Equal(SessionStatus.Completed, result.Status);
            // Every planned screen of every trial was shown, in its trial.
            var planned = plan.Runs.Single().Events.Where(e => e.Trial > 0).GroupBy(e => (e.Block, e.Trial)).Select(g => (g.Key, g.Count())).ToList();
            var shown = sink.Events.Where(e => e.Kind == EventKind.ScreenOnset && e.Trial > 0).GroupBy(e => (e.Block, e.Trial)).Select(g => (g.Key, g.Count())).ToList();
            Assert.Equal(planned, shown);
            Assert.Equal(plan.Runs.Single().Events.Count(e => e.Correct != null), sink.Events.Count(e => e.Kind == EventKind.Scored));
        }, iter: 25);
    }
}
