using System.Text.Json;
using ExperimentRunner.Core.Events;
using static ExperimentRunner.Storage.Export.ExportText;

namespace ExperimentRunner.Storage.Export;

/// <summary>
/// Scored responses (screens with <c>correct:</c>) in the exports: the <c>correct</c> column of trials.tsv and of BIDS
/// events, and accuracy with response time per condition for the report. Sessions without scored screens get
/// the same columns (n/a where nothing was scored), so every export has one shape.
/// </summary>
internal static class Scoring
{
    public static readonly string[] TrialColumns = ["correct", "scored_screens", "correct_screens"];

    /// <summary>1 when a scored screen was answered with its correct response; 0 when answered otherwise or not at all; n/a when not scored.</summary>
    public static string Correct(ScoredEvent? scored) =>
        scored is not ScoredEvent e ? Missing : e.IsCorrect ? "1" : "0";

    /// <summary>A trial's correct (1 when every scored screen was answered correctly), its scored screens and how many were correct.</summary>
    public static string[] TrialValues(TrialData trial)
    {
        if (trial.Scored.Count == 0) return [Missing, "0", "0"];
        int correct = trial.Scored.Count(e => e.AsScored().IsCorrect);
        return [correct == trial.Scored.Count ? "1" : "0", Int(trial.Scored.Count), Int(correct)];
    }

    public static void DescribeCorrect(Utf8JsonWriter w)
    {
        w.WriteStartObject("correct");
        w.WriteString("LongName", "Correct response");
        w.WriteString("Description", "For a scored screen (correct: in the paradigm): 1 when the answer was the trial's correct response, 0 when another answer or none came (response_time n/a then); n/a on screens that are not scored and on response rows.");
        w.WriteStartObject("Levels");
        w.WriteString("1", "answered correctly");
        w.WriteString("0", "answered incorrectly or not at all");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Accuracy and mean response time of correct answers per condition, over the scored screens of runs.</summary>
    public static IReadOnlyList<ConditionAccuracy> ByCondition(IEnumerable<TrialData> trials) =>
        trials.SelectMany(t => t.Scored.Select(e => (Condition: t.Condition ?? "n/a", Event: e)))
            .GroupBy(x => x.Condition, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var items = g.Select(x => x.Event).ToList();
                var correctRts = items.Where(e => e.AsScored().IsCorrect && e.RtNs != EventRecord.None).Select(e => e.RtNs / 1e6).ToList();
                return new ConditionAccuracy(g.Key, items.Count, items.Count(e => e.AsScored().IsCorrect), items.Count(e => !e.AsScored().Answered),
                    correctRts.Count == 0 ? double.NaN : correctRts.Average());
            }).ToList();

}

/// <summary>Scored screens of one condition: how many, how many correct, how many unanswered, and the mean RT of correct answers (ms).</summary>
public sealed record ConditionAccuracy(string Condition, int Scored, int Correct, int Unanswered, double MeanCorrectRtMs)
{
    /// <summary>Correct over scored, 0–1; NaN when nothing was scored.</summary>
    public double Accuracy => Scored == 0 ? double.NaN : (double)Correct / Scored;
}
