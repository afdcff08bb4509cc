using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;

namespace ExperimentRunner.Core.Engine;

/// <summary>A questionnaire: one item per screen answered on its points (reverse-scored where marked), then its score.</summary>
internal static class QuestionnairePhaseRunner
{
    /// <summary>The keys that move a questionnaire's answer: the first rating's decrease/increase/confirm.</summary>
    public static RatingSpec Keys(SceneFactory scenes) =>
        scenes.QuestionnaireKeys ?? throw new InvalidOperationException("a questionnaire needs a rating defined (its decrease/increase/confirm responses move the answer)");

    public static void Run(SessionRunner runner, QuestionnairePhase phase)
    {
        var session = runner.Session;
        var window = runner.Window;
        var q = session.Paradigm.Questionnaires[phase.Questionnaire];
        var keys = Keys(session.Scenes);
        var answers = new List<double>();
        var subscales = new List<(string Subscale, double Value)>();
        foreach (var item in q.Items)
        {
            if (runner.Finished) break;
            session.Machine.Fire(SessionTrigger.Item);
            var scene = session.Scenes.QuestionnaireItem(q, item, keys);
            var asRating = keys with { Kind = RatingKind.Likert, Min = 1, Max = q.Points.Count, Step = 1 };
            double start = SceneFactory.QuestionnaireStart(q);
            window.Stimulus = item.Id;
            bool answered = runner.ShowSelfPaced(scene, ScreenMode.Rating, "questionnaire", asRating.Responses(), q.TimeLimitNs, 0, asRating, start);
            int point = (int)Math.Round(window.State.Cursor) - 1;
            double value = q.FirstValue + point;
            if (item.Reverse) value = q.FirstValue + (q.Points.Count - 1) - point;
            if (answered) answers.Add(value);
            if (answered && item.Subscale != null) subscales.Add((item.Subscale, value));
            else session.CountMissedResponse();
            session.Write(new EventRecord
            {
                Kind = EventKind.Questionnaire, TimeNs = answered ? window.ResponseNs : session.Now, Phase = session.PhaseName, Screen = q.Name, Stimulus = item.Id,
                Value = answered ? value : double.NaN, RtNs = answered ? window.ResponseNs - window.OnsetNs : EventRecord.None,
                Response = answered ? q.Points[point] : null, Code = item.Reverse ? 1 : 0, Text = window.History(),
            });
        }
        window.Stimulus = null;
        if (!runner.Finished)
        {
            double score = answers.Count == 0 ? double.NaN : q.Score == ScoreRule.Sum ? answers.Sum() : answers.Average();
            session.Write(new EventRecord
            {
                Kind = EventKind.Questionnaire, TimeNs = session.Now, Phase = session.PhaseName, Screen = "score", Stimulus = q.Name, Value = score,
                Text = $"{q.Score.ToString().ToLowerInvariant()} of {answers.Count}/{q.Items.Count} answered items",
            });
            WriteSubscaleScores(session, q, subscales);
        }
    }

    /// <summary>
    /// One score per subscale (the questionnaire's rule over the subscale's answered items), as a Questionnaire event
    /// with Screen "score" and Response the subscale's name; every subscale gets a row, NaN when none of it was answered.
    /// </summary>
    private static void WriteSubscaleScores(SessionContext session, QuestionnaireSpec q, List<(string Subscale, double Value)> answers)
    {
        foreach (var name in q.Items.Select(i => i.Subscale).OfType<string>().Distinct())
        {
            var values = answers.Where(a => a.Subscale == name).Select(a => a.Value).ToList();
            int total = q.Items.Count(i => i.Subscale == name);
            double score = values.Count == 0 ? double.NaN : q.Score == ScoreRule.Sum ? values.Sum() : values.Average();
            session.Write(new EventRecord
            {
                Kind = EventKind.Questionnaire, TimeNs = session.Now, Phase = session.PhaseName, Screen = "score", Stimulus = q.Name, Response = name, Value = score,
                Text = $"{q.Score.ToString().ToLowerInvariant()} of {values.Count}/{total} answered items of subscale {name}",
            });
        }
    }
}
