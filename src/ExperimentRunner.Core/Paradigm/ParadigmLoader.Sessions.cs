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

        private static readonly Dictionary<string, Valence> Valences = new() { ["positive"] = Valence.Positive, ["negative"] = Valence.Negative };

        /// <summary><c>valence:</c> of a condition, <c>expects:</c> of a choice: positive or negative; null when absent.</summary>
        private Valence? ValenceOf(MapReader r, string key) => r.Has(key) ? r.Enum(key, Valence.Positive, Valences) : null;

        /// <summary>A question's <c>expects:</c>: each option → the feedback it predicts.</summary>
        private Dictionary<string, Valence> OptionExpects(MapReader s, string screen, IReadOnlyList<string> options)
        {
            var result = new Dictionary<string, Valence>(StringComparer.Ordinal);
            if (!s.Has("expects")) return result;
            if (s.Node("expects") is not YMapping)
            {
                d.Error(s.PosOf("expects"), $"screen '{screen}': 'expects' maps each option to the feedback it predicts, e.g. {{yes: positive, no: negative}}");
                return result;
            }
            foreach (var (key, value) in s.Entries("expects"))
            {
                if (!options.Contains(key.Value))
                    d.Error(key.Pos, $"screen '{screen}': '{key.Value}' in 'expects' is not one of its options{Suggest.DidYouMean(key.Value, options)}; options: {string.Join(", ", options)}");
                if (value is YScalar v && Valences.TryGetValue(v.Value.ToLowerInvariant(), out Valence valence)) result[key.Value] = valence;
                else d.Error(value.Pos, $"screen '{screen}': option '{key.Value}' expects 'positive' or 'negative'");
            }
            return result;
        }

        /// <summary>The phase's body without <paramref name="key"/> (its value in <paramref name="value"/>), so the
        /// keys every phase kind shares are read in one place; the tree itself is not changed (anchors share nodes).</summary>
        private static YNode TakeKey(YNode body, string key, out YNode? value)
        {
            value = null;
            if (key.Length == 0 || body is not YMapping m || m[key] is not { } found) return body;
            value = found;
            var copy = new YMapping { Pos = m.Pos };
            copy.Entries.AddRange(m.Entries.Where(e => e.Key.Value != key));
            return copy;
        }

        /// <summary>A phase's <c>session:</c> (a label or a list) and a scan's <c>earlier:</c>, checked against the phases before it.</summary>
        private PhaseSpec WithSessions(PhaseSpec phase, YNode? sessionNode, YNode? earlierNode, List<PhaseSpec> before)
        {
            var sessions = new List<string>();
            if (sessionNode is YScalar one && !one.IsNull) sessions.Add(one.Value);
            else if (sessionNode is YSequence list) sessions.AddRange(list.Items.OfType<YScalar>().Select(x => x.Value));
            else if (sessionNode != null) d.Error(sessionNode.Pos, $"phase '{phase.Name}': 'session' is a session label (e.g. \"1\") or a list of them");
            foreach (string label in sessions)
                if (label.Length == 0 || label.Length > 32 || !label.All(char.IsAsciiLetterOrDigit))
                    d.Error(sessionNode!.Pos, $"phase '{phase.Name}': session label '{label}' must be ASCII letters and digits (it is the --session of the sessions the phase runs in)");
            phase = phase with { Sessions = sessions };
            if (earlierNode == null || phase is not ScanPhase scan) return phase;
            var r = new MapReader(earlierNode, "earlier", d, earlierNode.Pos, "phase", "answers");
            string source = r.Required("phase");
            var selections = before.OfType<SelectionPhase>().ToList();
            var selection = selections.FirstOrDefault(p => p.Name == source);
            if (source.Length > 0 && selection == null)
            {
                d.Error(r.PosOf("phase"), $"scan '{scan.Name}': 'earlier' names no selection phase before it: '{source}'{Suggest.DidYouMean(source, selections.Select(p => p.Name))}");
                return phase;
            }
            var answers = r.StringList("answers");
            if (answers.Count == 0) d.Error(r.Pos, $"scan '{scan.Name}': 'earlier' needs 'answers': the choices of '{source}' whose profiles become targets, e.g. [liked, disliked]");
            foreach (string answer in answers)
                if (selection != null && selection.Choices.All(c => c.Name != answer))
                    d.Error(r.PosOf("answers"), $"scan '{scan.Name}': '{answer}' is no choice of selection '{source}'{Suggest.DidYouMean(answer, selection.Choices.Select(c => c.Name))}");
            if (scan.Targets == TargetSource.All) d.Error(r.Pos, $"scan '{scan.Name}': 'earlier' takes the targets from answers; remove 'targets: all'");
            return scan with { Earlier = new EarlierAnswers(source, answers, r.Pos) };
        }
    }
}

public static partial class ParadigmLoader
{
    private sealed partial class Binder
    {
        private readonly List<string> _slots = [];

        /// <summary><c>session_stimuli: [partner, friend]</c>: the files the operator gives per session.</summary>
        private void BindSessionStimuli(MapReader top)
        {
            if (top.Node("session_stimuli") is not { } node) return;
            if (node is not YSequence seq)
            {
                d.Error(node.Pos, "'session_stimuli' is a list of slot names, e.g. [partner, friend]; the operator fills each with --stimulus NAME=PATH");
                return;
            }
            foreach (var item in seq.Items.Take(50))
            {
                if (item is not YScalar { IsNull: false } s || s.Value.Length > 40 || !s.Value.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || !char.IsAsciiLetter(s.Value[0]))
                    d.Error(item.Pos, "a session stimulus slot is a name of ASCII letters, digits and '_' that starts with a letter (at most 40)");
                else if (_slots.Contains(s.Value)) d.Error(item.Pos, $"session stimulus '{s.Value}' is declared twice");
                else _slots.Add(s.Value);
            }
        }

        /// <summary>A slot no screen shows would make the operator give a file for nothing: an error at its declaration.</summary>
        private void CheckSlotsShown(MapReader top, Dictionary<string, TrialSpec> trials)
        {
            if (top.Node("session_stimuli") is not YSequence seq) return;
            var shown = trials.Values.SelectMany(t => t.Screens).Select(s => s.ImageSlot).Where(s => s != null).ToHashSet();
            foreach (var item in seq.Items.OfType<YScalar>())
                if (_slots.Contains(item.Value) && !shown.Contains(item.Value))
                    d.Error(item.Pos, $"session stimulus '{item.Value}' is shown by no screen; show it with 'show: image' and 'image: \"{{{item.Value}}}\"', or remove it");
        }

        /// <summary>
        /// A prediction's outcome comes only from what the file declares: the options' <c>expects:</c> and the conditions'
        /// <c>valence:</c>. Files written before both keys existed had it derived from the first option and the feedback
        /// symbol; such a file still runs, but its <c>prediction_outcome</c> is n/a, so validate says what to add.
        /// </summary>
        private void CheckPredictionsDeclared(Dictionary<string, TrialSpec> trials, Dictionary<string, ConditionSpec> conditions)
        {
            var questions = trials.Values.SelectMany(t => t.Screens).Where(s => s.Show == SceneKind.Question && s.Options.Count > 0).ToList();
            if (questions.Count == 0) return;
            var withFeedback = conditions.Values.Where(c => c.Symbol != FeedbackSymbol.None || c.Message != null).ToList();
            if (withFeedback.Count == 0) return;
            foreach (var q in questions.Where(q => q.Expects.Count == 0))
                d.Warning(q.Pos, $"screen '{q.Name}' asks a question whose options declare no 'expects:', so its prediction_outcome is n/a "
                    + $"(files of version 0.1 had it derived from the first option and the feedback symbol); to keep it, add "
                    + $"expects: {{{q.Options[0]}: positive{(q.Options.Count > 1 ? $", {q.Options[1]}: negative" : "")}}} and a 'valence:' to each feedback condition");
            if (questions.Any(q => q.Expects.Count > 0))
                foreach (var c in withFeedback.Where(c => c.Valence is null))
                    d.Warning(c.Pos, $"condition '{c.Name}' has feedback but no 'valence:', so the prediction_outcome of its trials is n/a; add valence: positive or valence: negative");
        }

        /// <summary>An image screen's <c>image: "{slot}"</c>: the slot's name, checked against <c>session_stimuli</c>; null for a path.</summary>
        private string? ImageSlot(MapReader s, string screen)
        {
            if (s.OptString("image") is not { } text || text.Length < 3 || text[0] != '{' || text[^1] != '}') return null;
            string slot = text[1..^1];
            if (!_slots.Contains(slot))
                d.Error(s.PosOf("image"), $"screen '{screen}' shows the session stimulus '{slot}', which is not declared{Suggest.DidYouMean(slot, _slots)}; declare it in 'session_stimuli: [{string.Join(", ", _slots.Append(slot))}]'");
            return slot;
        }
    }
}
