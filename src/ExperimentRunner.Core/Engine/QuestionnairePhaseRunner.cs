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

    public static void Run(IPhaseHost runner, QuestionnairePhase phase)
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
            session.Write(SessionEvents.QuestionnaireAnswer(answered ? window.ResponseNs : session.Now, session.PhaseName, q.Name, item.Id,
                answered ? value : double.NaN, answered ? q.Points[point] : null, answered ? window.RtNs : EventRecord.None, item.Reverse, window.History()));
        }
        window.Stimulus = null;
        if (!runner.Finished)
        {
            double score = answers.Count == 0 ? double.NaN : q.Score == ScoreRule.Sum ? answers.Sum() : answers.Average();
            session.Write(SessionEvents.QuestionnaireScore(session.Now, session.PhaseName, q.Name, score,
                $"{q.Score.ToString().ToLowerInvariant()} of {answers.Count}/{q.Items.Count} answered items"));
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
            session.Write(SessionEvents.QuestionnaireScore(session.Now, session.PhaseName, q.Name, score,
                $"{q.Score.ToString().ToLowerInvariant()} of {values.Count}/{total} answered items of subscale {name}", name));
        }
    }
}
