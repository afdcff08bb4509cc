namespace ExperimentRunner.Core.Planning;

/// <summary>
/// The one rule that names a modelled event (BIDS <c>trial_type</c>): the plan, the runner, the exports and the
/// design matrix (<c>exrun design</c>) all take their labels from here, so a regressor built from the plan and a column
/// read from an exported events.tsv never differ.
/// </summary>
public static class EventLabels
{
    /// <summary>The label of every response row (a key or button press). No screen may carry it: the loader refuses
    /// <c>event: response</c>, and a default label always has a screen name after the condition.</summary>
    public const string Response = "response";

    /// <summary>
    /// A screen's label: the screen's declared <c>event:</c> label; else <c>&lt;condition&gt;_&lt;screen&gt;</c> for a screen
    /// of a trial (one label per condition and screen, so a question and its feedback are separate regressors); else
    /// the screen's name (lead-in, lead-out, rest, a rating between blocks).
    /// </summary>
    /// <param name="condition">The trial's condition; null or empty outside trials.</param>
    /// <param name="screen">The screen's name in the paradigm.</param>
    /// <param name="declared">The screen's <c>event:</c> label, or null.</param>
    public static string TrialType(string? condition, string screen, string? declared)
    {
        if (!string.IsNullOrEmpty(declared)) return declared;
        return string.IsNullOrEmpty(condition) ? screen : $"{condition}_{screen}";
    }

    /// <summary>The label of a planned event: the same rule, with the trial's condition only inside a trial.</summary>
    public static string TrialType(PlannedEvent e) => TrialType(e.Trial > 0 ? e.Condition : null, e.Screen, e.Template?.Event);
}
