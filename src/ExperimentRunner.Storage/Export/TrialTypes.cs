namespace ExperimentRunner.Storage.Export;

/// <summary>
/// The BIDS <c>trial_type</c> of a shown screen: the one labelling rule, used by the events.tsv export and by
/// <c>exrun design</c> (whose regressors must carry the labels an analysis will find in the events files).
/// </summary>
public static class TrialTypes
{
    /// <summary>The trial's condition for a screen of a trial; the screen's name outside conditions.</summary>
    public static string Of(string? condition, string screen) => ExportText.Present(condition) ?? screen;
}
