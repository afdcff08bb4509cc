using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;

namespace ExperimentRunner.Core.Tests;

/// <summary>The keys of issue 14 items 3, 6 and 7 (event labels, valences, sessions, earlier answers, session
/// stimuli): each mistake is a located error with a suggestion, and the labels follow one rule.</summary>
public class SessionKeyErrorTests
{
    private const string Judgment = "social-judgment-fmri.yaml";
    private const string Peer = "peer-interest-fmri.yaml";

    private static List<Diagnostic> Errors(string path)
    {
        var result = ParadigmLoader.Load(path);
        Assert.False(result.IsValid);
        var errors = result.Diagnostics.Where(d => d.Severity == Severity.Error).ToList();
        Assert.All(errors, e => Assert.True(e.Pos.Line >= 1 && e.Pos.Column >= 1));
        return errors;
    }

    [Fact]
    public void A_screen_may_not_take_the_responses_label_as_its_event()
    {
        var path = Variants.Replace(Judgment, "event-response.yaml", "        expects: {\"yes\": positive, \"no\": negative}\n", "        expects: {\"yes\": positive, \"no\": negative}\n        event: response\n");
        var e = Assert.Single(Errors(path));
        Assert.Contains("label of key presses", e.Message);
        Assert.Equal(Variants.LineOf(path, "event: response"), e.Pos.Line);
    }

    [Fact]
    public void A_misspelt_valence_names_the_allowed_values_with_a_suggestion()
    {
        var path = Variants.Replace(Judgment, "valence.yaml", "    valence: positive\n", "    valence: postive\n");
        var e = Assert.Single(Errors(path));
        Assert.Contains("did you mean 'positive'", e.Message);
        Assert.Equal(Variants.LineOf(path, "valence: postive"), e.Pos.Line);
    }

    [Fact]
    public void An_expects_entry_that_is_no_option_is_an_error_with_a_suggestion()
    {
        var path = Variants.Replace(Judgment, "expects.yaml", "expects: {\"yes\": positive, \"no\": negative}", "expects: {\"yess\": positive, \"no\": negative}");
        var e = Assert.Single(Errors(path));
        Assert.Contains("did you mean 'yes'", e.Message);
    }

    [Fact]
    public void Earlier_answers_name_a_selection_phase_before_the_scan_and_its_choices()
    {
        var phase = Variants.Replace(Peer, "earlier-phase.yaml", "        phase: interest\n", "        phase: intrest\n");
        Assert.Contains("did you mean 'interest'", Assert.Single(Errors(phase)).Message);
        var answer = Variants.Replace(Peer, "earlier-answer.yaml", "answers: [interested, not_interested]", "answers: [interested, not_intrested]");
        var e = Assert.Single(Errors(answer));
        Assert.Contains("did you mean 'not_interested'", e.Message);
        Assert.Equal(Variants.LineOf(answer, "answers:"), e.Pos.Line);
    }

    [Fact]
    public void A_session_stimulus_shown_but_not_declared_or_declared_but_never_shown_is_an_error()
    {
        string text = Variants.Shipped(Judgment).Replace("\ntrials:", "\nsession_stimuli: [partner]\n\ntrials:")
            .Replace("      - name: isi\n", "      - name: partner\n        show: image\n        image: \"{partnr}\"\n        duration: 1s\n      - name: isi\n");
        var path = Variants.Write("slot.yaml", text);
        var errors = Errors(path);
        Assert.Contains(errors, e => e.Message.Contains("did you mean 'partner'") && e.Pos.Line == Variants.LineOf(path, "{partnr}"));
        Assert.Contains(errors, e => e.Message.Contains("shown by no screen") && e.Pos.Line == Variants.LineOf(path, "session_stimuli:"));
    }

    [Fact]
    public void Phases_declared_for_another_session_are_not_in_the_plan()
    {
        var paradigm = ParadigmLoader.Load(Repo.Paradigm(Peer)).Paradigm!;
        var first = Planner.Make(paradigm, new SessionFacts("sub-01", "1"));
        var second = Planner.Make(paradigm, new SessionFacts("sub-01", "2"));
        Assert.Equal(["welcome", "interest", "end_session1"], first.Phases.Select(p => p.Spec.Name));
        Assert.Empty(first.Runs);
        Assert.Equal(["scanner_intro", "chatroom", "end_session2"], second.Phases.Select(p => p.Spec.Name));
        Assert.Equal(2, second.Runs.Count());
    }

    [Fact]
    public void The_plan_labels_events_by_the_declared_event_else_condition_and_screen()
    {
        var paradigm = ParadigmLoader.Load(Repo.Paradigm(Peer)).Paradigm!;
        var run = Planner.Make(paradigm, new SessionFacts("sub-01", "2")).Runs.First();
        var labels = run.Events.Select(EventLabels.TrialType).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["acceptance_feedback", "fixation", "lead_in", "lead_out", "peer", "rejection_feedback"], labels);
        Assert.Equal("neutral_profile", EventLabels.TrialType("neutral", "profile", null));
        Assert.Equal("rest", EventLabels.TrialType(null, "rest", null));
        Assert.Equal("cue", EventLabels.TrialType("positive", "question", "cue"));
    }
}
