using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Files;
using static ExperimentRunner.Storage.Export.ExportText;

namespace ExperimentRunner.Storage.Export;

// The _beh.tsv tables (selection phase, questionnaires) and the per-subject _sessions.tsv.
internal static partial class BidsExporter
{
    private static void WriteBehTables(string root, string dir, string stem, SessionData data, List<string> files)
    {
        var choices = data.Events.Where(s => s.Event.IsSelection()).Select(s => s.Event.AsSelection()).ToList();
        if (choices.Count > 0)
        {
            var table = new TableWriter("choice_index", "phase", "screen", "stimulus_id", "choice", "response_time");
            int index = 0;
            foreach (SelectionEvent s in choices)
                table.Add(Int(++index), Text(s.Phase), Text(s.Screen), Text(s.ProfileId), Text(s.Choice), Duration(s.RtNs));
            SaveTable(dir, $"{stem}_acq-selection_beh.tsv", table, files, root);
            var levels = choices.Select(s => s.Choice).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
            WriteJson(dir, $"{stem}_acq-selection_beh.json", files, w =>
            {
                Describe(w, "choice_index", "Choice index", "1-based order of the choice in the session.");
                Describe(w, "phase", "Phase", "The paradigm phase the choice was made in (e.g. selection).");
                Describe(w, "screen", "Screen", "The screen the choice was made on, by its name in the paradigm.");
                Describe(w, "stimulus_id", "Stimulus identifier", "The profile chosen about, by its id in the paradigm.");
                DescribeLevels(w, "choice", "Choice", "The participant's choice about the profile.", levels.Select(l => (l, $"the paradigm's '{l}' answer")).ToList());
                Describe(w, "response_time", "Response time", "From the profile's onset until the choice; n/a when none.", "s");
            }, root);
        }

        var answers = data.Events.Where(s => s.Event.Kind == EventKind.Questionnaire).ToList();
        if (answers.Count > 0)
        {
            var table = new TableWriter("questionnaire", "item", "row_type", "answer", "response_time");
            foreach (StoredEvent s in answers)
            {
                if (s.Event.IsQuestionnaireScore())
                {
                    QuestionnaireScoreEvent score = s.Event.AsQuestionnaireScore();
                    table.Add(Text(score.Questionnaire), score.Subscale is { } subscale ? "score_" + subscale : "score", "score", Number(score.Score), Missing);
                }
                else
                {
                    QuestionnaireAnswerEvent answer = s.Event.AsQuestionnaireAnswer();
                    table.Add(Text(answer.Questionnaire), Text(answer.Item), "item", Number(answer.Value), Duration(answer.RtNs));
                }
            }
            SaveTable(dir, $"{stem}_acq-questionnaire_beh.tsv", table, files, root);
            WriteJson(dir, $"{stem}_acq-questionnaire_beh.json", files, w =>
            {
                Describe(w, "questionnaire", "Questionnaire", "The questionnaire, by its name in the paradigm.");
                Describe(w, "item", "Item", "The item's id in the paradigm; \"score\" for the questionnaire's computed score, \"score_<subscale>\" for a subscale's (e.g. score_belonging).");
                DescribeLevels(w, "row_type", "Row type", "Whether the row is one answer or the computed score.", [("item", "one item's answer"), ("score", "the score computed by the paradigm's rule (reverse-scored items included)")]);
                Describe(w, "answer", "Answer", "The item's answer on its scale, or the computed score; n/a when not answered.");
                Describe(w, "response_time", "Response time", "From the item's onset until the answer; n/a for scores.", "s");
            }, root);
        }
    }
}
