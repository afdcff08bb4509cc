using ExperimentRunner.Core.Planning;

namespace ExperimentRunner.Core.Paradigm;

public static partial class ParadigmLoader
{
    // Keys that tie a session to the analysis and to other sessions: a screen's event label, a condition's valence,
    // a phase's sessions and its earlier answers, the per-session stimulus slots.
    private sealed partial class Binder
    {
        /// <summary>A screen's <c>event:</c> label (BIDS trial_type): letters, digits, '_' and '-', never the responses' label.</summary>
        private string? EventLabel(MapReader s, string screen)
        {
            if (s.OptString("event") is not { } label) return null;
            if (label.Length == 0 || label.Length > 64 || !label.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
                d.Error(s.PosOf("event"), $"screen '{screen}': the event label '{label}' may hold only ASCII letters, digits, '_' and '-' (at most 64): it is a column value analysts fit");
            else if (label == EventLabels.Response)
                d.Error(s.PosOf("event"), $"screen '{screen}': '{EventLabels.Response}' is the label of key presses; give the screen another event label");
            return label;
        }
    }
}
