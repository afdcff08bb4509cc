using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;

namespace ExperimentRunner.Core.Tests;

/// <summary>
/// Every screen kind of a paradigm becomes its own scene: none falls through to a fixation cross. (A kind missing from
/// SceneFactory.ForEvent or SceneComposer does not compile at all: their switches have no default.)
/// </summary>
public class SceneFactoryTests
{
    private static readonly ParadigmModel Paradigm = ParadigmLoader.Load(Repo.Paradigm("social-feedback-fmri.yaml")).Paradigm!;

    private static PlannedEvent EventShowing(SceneKind kind, RatingSpec? rating = null)
    {
        var template = Paradigm.Trials.Values.First().Screens[0] with { Show = kind, Image = "stimuli/x.png", Text = "text", Options = ["yes", "no"] };
        return new PlannedEvent
        {
            Run = 1, Block = 1, Trial = 1, Condition = Paradigm.Conditions.Keys.First(), Screen = template.Name, Role = PlannedRole.Screen,
            Template = template, Rating = rating, OnsetNs = 0, DurationNs = 1, OnsetFrame = 0, DurationFrames = 1,
        };
    }

    [Theory]
    [InlineData(SceneKind.Fixation, SceneKind.Fixation)]
    [InlineData(SceneKind.Blank, SceneKind.Blank)]
    [InlineData(SceneKind.Profile, SceneKind.Profile)]
    [InlineData(SceneKind.Question, SceneKind.Question)]
    [InlineData(SceneKind.Feedback, SceneKind.Feedback)]
    [InlineData(SceneKind.Text, SceneKind.Text)]
    [InlineData(SceneKind.Image, SceneKind.Image)]
    public void EachScreenKindHasItsOwnScene(SceneKind show, SceneKind scene)
    {
        var factory = new SceneFactory(Paradigm);
        Assert.Equal(scene, factory.ForEvent(EventShowing(show), Paradigm.ProfileRows.FirstOrDefault()).Kind);
    }

    [Fact]
    public void EveryScreenKindIsCoveredAbove()
    {
        // Rating screens are covered by the next two tests, parts screens by PartsTests, ball_toss by ABallTossScreenShowsItsGamesPlayers, the phase-only kinds below;
        // the theory above names every other kind.
        Assert.Equal(13, Enum.GetValues<SceneKind>().Length);
        // `show:` takes every kind but the phase-only ones, by its snake_case name.
        Assert.Equal(["ball_toss", "blank", "feedback", "fixation", "image", "parts", "profile", "question", "rating", "text"], ScreenKinds.ShowNames.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(SceneKind.Selection)]
    [InlineData(SceneKind.Questionnaire)]
    [InlineData(SceneKind.Wait)]
    public void AKindOnlyPhasesShowIsNoTrialScreen(SceneKind kind)
    {
        Assert.DoesNotContain(kind, ScreenKinds.ShowNames.Values);
        var e = Assert.Throws<InvalidOperationException>(() => new SceneFactory(Paradigm).ForEvent(EventShowing(kind), Paradigm.ProfileRows[0]));
        Assert.Contains("only phases show", e.Message);
    }

    [Fact]
    public void ABallTossScreenShowsItsGamesPlayers()
    {
        var cyberball = ParadigmLoader.Load(Repo.Paradigm("cyberball-fmri.yaml")).Paradigm!;
        var screen = cyberball.Trials.Values.SelectMany(t => t.Screens).Single(s => s.Show == SceneKind.BallToss);
        var e = new PlannedEvent
        {
            Run = 1, Block = 1, Trial = 1, Condition = "inclusion", Screen = screen.Name, Role = PlannedRole.Screen,
            Template = screen, OnsetNs = 0, DurationNs = 1, OnsetFrame = 0, DurationFrames = 1,
        };
        var scene = new SceneFactory(cyberball).ForEvent(e, null);
        Assert.Equal(SceneKind.BallToss, scene.Kind);
        Assert.Equal(["Anna", "Ben", "You"], scene.Game!.Players.Select(p => p.Name));
        Assert.True(scene.Game.Players[2].IsParticipant);
    }

    [Fact]
    public void ARatingScreenShowsItsRating()
    {
        var rating = Paradigm.Ratings.Values.First();
        Assert.Equal(SceneKind.Rating, new SceneFactory(Paradigm).ForEvent(EventShowing(SceneKind.Rating, rating), null).Kind);
    }

    [Fact]
    public void ARatingScreenPlannedWithoutItsRatingIsABugNotAFixationCross()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new SceneFactory(Paradigm).ForEvent(EventShowing(SceneKind.Rating), null));
        Assert.Contains("without its rating", e.Message);
    }
}
