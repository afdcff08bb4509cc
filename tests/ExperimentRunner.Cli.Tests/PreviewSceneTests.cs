using ExperimentRunner.Cli.Commands;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Simulation;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Cli.Tests;

/// <summary><c>exrun preview</c> draws the very screen a session shows: same text, footer, keys and cursor start.</summary>
public sealed class PreviewSceneTests
{
    /// <summary>A simulated display that keeps every scene it was asked to show, with the state it first had.</summary>
    private sealed class RecordingDisplay(IClock clock, ParadigmModel p) : IDisplay
    {
        private readonly SimulatedDisplay _inner = new(clock, p.Display.ExpectedRefreshHz, width: p.Display.Width, height: p.Display.Height);
        public readonly Dictionary<string, (SceneSpec Scene, SceneState State)> Shown = new(StringComparer.Ordinal);

        public double RefreshHz => _inner.RefreshHz;
        public long PeriodNs => _inner.PeriodNs;
        public string Timing => _inner.Timing;
        public (int Width, int Height) Size => _inner.Size;
        public void Prepare(IReadOnlyCollection<SceneSpec> scenes, IProgress<int>? progress = null) => _inner.Prepare(scenes, progress);

        public void Show(SceneSpec scene, in SceneState state)
        {
            Shown.TryAdd(scene.Key, (scene, state));
            _inner.Show(scene, state);
        }

        public long Flip() => _inner.Flip();
        public void Dispose() { }
    }

    private static Dictionary<string, (SceneSpec Scene, SceneState State)> ShownInASimulatedSession(ParadigmModel p)
    {
        var clock = new VirtualClock();
        var display = new RecordingDisplay(clock, p);
        var devices = new SessionDevices
        {
            Clock = clock, Display = display, Sink = new MemoryEventSink(),
            Input = new SimulatedParticipant(clock, p, new ResponderPolicy(), 1),
            Trigger = p.Scanner.Modality == Modality.Fmri && p.Scanner.TrNs > 0 ? new ScannerEmulator(clock, p.Scanner.TrNs, 0, 0, 3) : new ImmediateStart(clock),
            Audio = new SilentAudio(clock),
        };
        var result = new SessionRunner(Planner.Make(p, new SessionFacts("sub-01")), devices, new SessionOptions { SessionId = "s", Mode = "simulate" }).Run();
        Assert.Equal(SessionStatus.Completed, result.Status);
        return display.Shown;
    }

    private static void AssertSameScreen(SceneSpec shown, SceneSpec preview)
    {
        Assert.Equal(shown.Kind, preview.Kind);
        Assert.Equal(shown.Title, preview.Title);
        Assert.Equal(shown.Body, preview.Body);
        Assert.Equal(shown.Footer, preview.Footer);
        Assert.Equal(shown.Responses, preview.Responses);
        Assert.Equal(shown.Options, preview.Options);
        Assert.Equal(shown.OptionKeys, preview.OptionKeys);
        Assert.Equal(shown.Rating is null, preview.Rating is null);
        if (shown.Rating is not null)
        {
            string[] none = [];
            Assert.Equal(shown.Rating with { PointLabels = none }, preview.Rating! with { PointLabels = none });
            Assert.Equal(shown.Rating.PointLabels, preview.Rating.PointLabels);
        }
        Assert.Equal(shown.Feedback, preview.Feedback);
        Assert.Equal(shown.Profile, preview.Profile);
    }

    [Theory]
    [InlineData("social-feedback-fmri.yaml")]
    [InlineData("social-feedback-pet.yaml")]
    [InlineData("social-judgment-fmri.yaml")]
    [InlineData("cyberball-fmri.yaml")]
    public void EveryPreviewOfAScreenTheSessionShowsIsThatScreen(string file)
    {
        var p = ParadigmLoader.Load(Path.Combine(Exrun.Root, "paradigms", file)).Paradigm!;
        var shown = ShownInASimulatedSession(p);
        var compared = new List<string>();
        foreach (string screen in PresentationCommands.Screens)
        {
            for (int index = 0; index < 100; index++)
            {
                SceneSpec preview;
                SceneState state;
                try { (preview, state) = PresentationCommands.SceneFor(p, screen, index, null); }
                catch (UserFacingException) { break; } // past the last of its kind, or none in this paradigm
                if (!shown.TryGetValue(preview.Key, out var seen)) continue; // a profile or condition this session did not show
                AssertSameScreen(seen.Scene, preview);
                if (screen == "questionnaire" || (screen == "rating" && p.Ratings.Values.ElementAt(index) is { Start: not double.NaN }))
                    Assert.Equal(seen.State.Cursor, state.Cursor);
                compared.Add($"{screen}:{index}");
            }
        }
        // Every paradigm has instructions and an end screen that a session shows; the preview must find them.
        Assert.Contains(compared, c => c.StartsWith("instructions:", StringComparison.Ordinal));
        Assert.Contains("end:0", compared);
        if (p.Phases.OfType<QuestionnairePhase>().Any()) Assert.Contains("questionnaire:0", compared);
        if (p.Phases.OfType<ScanPhase>().Any()) Assert.Contains("wait:0", compared);
        if (p.Games.Count > 0) Assert.Contains("ball_toss:0", compared);
    }
}
