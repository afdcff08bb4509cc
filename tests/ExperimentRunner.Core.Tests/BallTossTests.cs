using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Simulation;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Core.Tests;

/// <summary>Cyberball: ball_toss screens, their games' schedules, the seeded throw plan and the played games.</summary>
public class BallTossTests
{
    private const string Cyberball = "cyberball-fmri.yaml";

    private static ParadigmModel Shipped() => ParadigmLoader.Load(Repo.Paradigm(Cyberball)).Paradigm!;

    private static Diagnostic SingleError(string path)
    {
        var result = ParadigmLoader.Load(path);
        Assert.False(result.IsValid);
        var error = Assert.Single(result.Diagnostics, d => d.Severity == Severity.Error);
        Assert.True(error.Pos.Line >= 1 && error.Pos.Column >= 1);
        return error;
    }

    [Fact]
    public void TheShippedCyberballValidatesWithoutWarningsAndPlansEveryThrow()
    {
        var result = ParadigmLoader.Load(Repo.Paradigm(Cyberball));
        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == Severity.Warning);
        var plan = Planner.Make(result.Paradigm!, new SessionFacts("sub-01"));
        string tsv = PlanWriter.ToTsv(plan);
        var throwRows = tsv.Split('\n').Where(l => l.Contains("\tthrow\t", StringComparison.Ordinal)).ToList();
        Assert.Equal(90, throwRows.Count);
        Assert.Equal(10, throwRows.Count(l => l.StartsWith("inclusion\t", StringComparison.Ordinal) && l.Contains("ball_to_participant", StringComparison.Ordinal)));
        Assert.Equal(2, throwRows.Count(l => l.StartsWith("exclusion\t", StringComparison.Ordinal) && l.Contains("ball_to_participant", StringComparison.Ordinal)));
        Assert.DoesNotContain(throwRows, l => l.StartsWith("watching\t", StringComparison.Ordinal) && l.Contains("participant", StringComparison.Ordinal));
        // Same inputs, same plan.
        Assert.Equal(tsv, PlanWriter.ToTsv(Planner.Make(result.Paradigm!, new SessionFacts("sub-01"))));
    }

    [Fact]
    public void AShareThatTheThrowCountCannotMeetIsAnErrorAtTheShare()
    {
        var path = Variants.Replace(Cyberball, "bt-share.yaml", "throws: 30, share: 1/3}", "throws: 30, share: 0.6}");
        var e = SingleError(path);
        Assert.Contains("at most 15 can reach them", e.Message);
        Assert.Equal(Variants.LineOf(path, "share: 0.6"), e.Pos.Line);
    }

    [Fact]
    public void AThrowMarkerOfAnUnknownKindOrOutOfRangeIsAnErrorAtIt()
    {
        var path = Variants.Replace(Cyberball, "bt-marker-kind.yaml", "markers: {ball_to_participant: 41,", "markers: {ball_to_participants: 41,");
        var e = SingleError(path);
        Assert.Contains("'ball_to_participants' is not a kind of throw (did you mean 'ball_to_participant'?)", e.Message);
        Assert.Equal(Variants.LineOf(path, "ball_to_participants: 41"), e.Pos.Line);

        path = Variants.Replace(Cyberball, "bt-marker-code.yaml", "participant_throw: 43}", "participant_throw: 300}");
        e = SingleError(path);
        Assert.Contains("the marker of 'participant_throw' must be a code from 1 to 255", e.Message);
        Assert.Equal(ParadigmLoader.Load(Repo.Paradigm(Cyberball)).Paradigm!.Games["cyberball"].ThrowMarkers, [41, 42, 43]);
    }

    [Fact]
    public void KLargerThanTheThrowsIsAnErrorAtK()
    {
        var path = Variants.Replace(Cyberball, "bt-k.yaml", "throws: 30, first: 2}", "throws: 30, first: 40}");
        var e = SingleError(path);
        Assert.Contains("only 30 throws", e.Message);
        Assert.Equal(Variants.LineOf(path, "first: 40"), e.Pos.Line);
    }

    [Fact]
    public void FewerThanTwoOtherPlayersIsAnError()
    {
        var path = Variants.Replace(Cyberball, "bt-players.yaml", "      - {name: Ben, at: [0.8, 0.32], color: \"#FFB74D\"}\n", "");
        var result = ParadigmLoader.Load(path);
        Assert.False(result.IsValid);
        var e = Assert.Single(result.Diagnostics, d => d.Message.Contains("at least two besides the participant", StringComparison.Ordinal));
        Assert.Equal(Variants.LineOf(path, "players:"), e.Pos.Line);
    }

    [Fact]
    public void AFlightLongerThanTheThrowIntervalIsAnError()
    {
        var path = Variants.Replace(Cyberball, "bt-flight.yaml", "    flight: 1s", "    flight: 4s");
        var result = ParadigmLoader.Load(path);
        Assert.False(result.IsValid);
        var errors = result.Diagnostics.Where(d => d.Severity == Severity.Error).ToList();
        Assert.Equal(3, errors.Count); // one per schedule: 110 s / 30 throws = 3.667 s
        Assert.All(errors, e => Assert.Contains("longer than the throw interval", e.Message));
    }

    [Fact]
    public void AGameWhoseMeanLengthExceedsItsScreenIsAnError()
    {
        var path = Variants.Replace(Cyberball, "bt-long.yaml", "        duration: 110s", "        duration: 70s");
        var result = ParadigmLoader.Load(path);
        Assert.False(result.IsValid);
        Assert.Contains(result.Diagnostics, d => d.Severity == Severity.Error && d.Message.Contains("on average", StringComparison.Ordinal));
    }

    [Fact]
    public void ABlockWhoseConditionHasNoScheduleIsAnErrorAtTheBlock()
    {
        var path = Variants.Replace(Cyberball, "bt-nosched.yaml", "      exclusion: {kind: exclusion, throws: 30, first: 2}\n", "");
        var e = SingleError(path);
        Assert.Contains("has no schedule", e.Message);
        Assert.Equal(Variants.LineOf(path, "{label: exclusion, condition: exclusion"), e.Pos.Line);
    }

    /// <summary>
    /// Plays many seeded games with a participant who chooses at random and sometimes lets the time limit pass:
    /// whatever they do, an exclusion game throws to them exactly K times, all within its first throws, and never after;
    /// an inclusion game meets its share within one throw; nobody throws to themselves; every game makes all its throws.
    /// </summary>
    [Theory]
    [InlineData(3, 30, 1.0 / 3, 2)]
    [InlineData(4, 40, 0.25, 1)]
    [InlineData(3, 7, 0.3, 3)]
    [InlineData(5, 60, 0.2, 5)]
    public void LiveChoicesNeverBreakTheDeclaredPatternOverManySeeds(int players, int throws, double share, int k)
    {
        var list = Enumerable.Range(0, players).Select(i => new GamePlayer(i == players - 1 ? "You" : $"P{i}", 0.5, 0.5, null, "#FFFFFF", i == players - 1, default)).ToList();
        var schedules = new Dictionary<string, GameSchedule>
        {
            ["inclusion"] = new("inclusion", GameScheduleKind.Inclusion, throws, share, 0, default),
            ["exclusion"] = new("exclusion", GameScheduleKind.Exclusion, throws, 0, k, default),
            ["watching"] = new("watching", GameScheduleKind.Watching, throws, 0, 0, default),
        };
        var choices = Enumerable.Range(0, players - 1).Select(i => new KeyValuePair<string, int>($"r{i}", i)).ToList();
        var spec = new BallTossSpec("g", list, 1_000_000_000, 0.1, new UniformJitter(default, 500_000_000, 2_500_000_000), choices, 3_000_000_000,
            GameTimeout.Random, 0.04, "#FFFFFF", "", schedules, default);
        var participant = new DetRandom(99);
        for (ulong seed = 1; seed <= 400; seed++)
        {
            foreach (var schedule in schedules.Values)
            {
                var game = new BallTossGame(BallTossPlan.Make(spec, schedule, seed));
                var receivedAt = new List<int>();
                int guard = 0;
                while (!game.Over && guard++ < 10_000)
                {
                    int thrower = game.Holder, receiver;
                    if (game.ParticipantHolds)
                        receiver = participant.NextDouble() < 0.1 ? game.TimeoutReceiver() : choices[participant.Next(choices.Count)].Value;
                    else receiver = game.ComputerReceiver();
                    Assert.NotEqual(thrower, receiver);
                    game.Throw(receiver);
                    if (receiver == game.ParticipantIndex) receivedAt.Add(game.ThrowsDone);
                }
                Assert.Equal(throws, game.ThrowsDone);
                switch (schedule.Kind)
                {
                    case GameScheduleKind.Exclusion:
                        Assert.Equal(k, receivedAt.Count);
                        // K of the first 2K computer throws: every reception within the first 3K throws, none after.
                        Assert.All(receivedAt, at => Assert.True(at <= 3 * k, $"seed {seed}: a throw to the participant at throw {at} of an exclusion game with K={k}"));
                        break;
                    case GameScheduleKind.Inclusion:
                        Assert.InRange(receivedAt.Count, share * throws - 1, share * throws + 1);
                        break;
                    case GameScheduleKind.Watching:
                        Assert.Empty(receivedAt);
                        break;
                }
            }
        }
    }

    [Fact]
    public void ASimulatedSessionLogsEveryThrowWithItsReleaseAndArrivalOnsets()
    {
        var paradigm = Shipped();
        var plan = Planner.Make(paradigm, new SessionFacts("sub-03"));
        var clock = new VirtualClock();
        var sink = new MemorySink();
        var devices = new SessionDevices
        {
            Clock = clock, Display = new SimulatedDisplay(clock, 60), Sink = sink,
            Input = new SimulatedParticipant(clock, paradigm, new ResponderPolicy { Miss = 0.2 }, 5),
            Trigger = new ScannerEmulator(clock, paradigm.Scanner.TrNs, dropout: 0, seed: 3),
            Operator = new ScriptedOperator([]),
        };
        var result = new SessionRunner(plan, devices, new SessionOptions { SessionId = "s", Mode = "simulate" }).Run();
        Assert.Equal(SessionStatus.Completed, result.Status);
        var throws = sink.Events.Where(e => e.Kind == EventKind.Throw).ToList();
        Assert.Equal(90, throws.Count);
        long period = devices.Display.PeriodNs;
        var flips = sink.Flips.ToHashSet();
        foreach (var t in throws)
        {
            // Release and arrival are flips; the flight lasts the declared second, to within a frame.
            Assert.Contains(t.TimeNs, flips);
            Assert.Contains(t.TimeNs + t.DurationNs, flips);
            Assert.InRange(t.DurationNs, 1_000_000_000 - period / 2, 1_000_000_000 + period + period / 2);
            Assert.NotEqual(t.Stimulus, t.Response);
            if (t.Text == "participant_throw") Assert.True(t.Code == 1 ? t.RtNs == EventRecord.None : t.RtNs > 0);
            else Assert.Equal(EventRecord.None, t.RtNs);
        }
        var exclusion = throws.Where(t => t.Condition == "exclusion").ToList();
        int lastToYou = exclusion.FindLastIndex(t => t.Text == "ball_to_participant");
        Assert.Equal(2, exclusion.Count(t => t.Text == "ball_to_participant"));
        Assert.True(lastToYou < 6, $"the last throw to the participant in the exclusion game is throw {lastToYou + 1}");
        Assert.Equal(10, throws.Count(t => t.Condition == "inclusion" && t.Text == "ball_to_participant"));
        Assert.DoesNotContain(throws, t => t.Condition == "watching" && t.Text != "ball_to_other");
        var games = sink.Events.Where(e => e.Kind == EventKind.GameEnded).ToList();
        Assert.Equal([30, 30, 30], games.Select(g => g.Code));
        Assert.Equal([0.0, 10.0, 2.0], games.Select(g => g.Value));
        // The need-threat questionnaire: an overall score and one per subscale.
        var scores = sink.Events.Where(e => e.Kind == EventKind.Questionnaire && e.Screen == "score").ToList();
        Assert.Equal([null, "belonging", "self_esteem", "meaningful_existence", "control"], scores.Select(s => s.Response));
    }

    [Fact]
    public void AlternatingInclusionAndExclusionBlocksOfOneRunStartAtTheirVolumes()
    {
        // Bolling et al. 2011's shape: inclusion and exclusion blocks alternate within a run; here each block is locked
        // to a scanner volume (Presentation's mri_pulse), so the games start on those pulses.
        var path = Variants.Write("bt-alternate.yaml", Variants.Shipped(Cyberball).Replace(
            "        - {label: inclusion, condition: inclusion, trials: 1}\n",
            "        - {label: inclusion, condition: inclusion, trials: 1, at_volume: 2}\n        - {label: exclusion, condition: exclusion, trials: 1, at_volume: 60}\n        - {label: inclusion2, condition: inclusion, trials: 1, at_volume: 118}\n")
            .Replace("  volumes: 62", "  volumes: 180"));
        var loaded = ParadigmLoader.Load(path);
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Diagnostics));
        var paradigm = loaded.Paradigm!;
        var clock = new VirtualClock();
        var sink = new MemorySink();
        var devices = new SessionDevices
        {
            Clock = clock, Display = new SimulatedDisplay(clock, 60), Sink = sink,
            Input = new SimulatedParticipant(clock, paradigm, new ResponderPolicy(), 5),
            Trigger = new ScannerEmulator(clock, paradigm.Scanner.TrNs, dropout: 0, seed: 3),
            Operator = new ScriptedOperator([]),
        };
        var options = new SessionOptions { SessionId = "s", Mode = "simulate", SkipPhases = ["welcome", "watching_intro", "watching", "play_intro", "exclusion", "mood_after", "need_threat", "end"] };
        var result = new SessionRunner(Planner.Make(paradigm, new SessionFacts("sub-04")), devices, options).Run();
        Assert.Equal(SessionStatus.Completed, result.Status);
        var games = sink.Events.Where(e => e.Kind == EventKind.GameEnded).ToList();
        Assert.Equal(["inclusion", "exclusion", "inclusion"], games.Select(g => g.Condition));
        Assert.Equal([10.0, 2.0, 10.0], games.Select(g => g.Value));
        long t0 = sink.Events.Single(e => e.Kind == EventKind.RunStarted).TimeNs;
        var onsets = sink.Events.Where(e => e.Kind == EventKind.ScreenOnset && e.Screen == "ball_toss").Select(e => e.TimeNs - t0).ToList();
        long tr = paradigm.Scanner.TrNs, period = devices.Display.PeriodNs;
        Assert.Equal(3, onsets.Count);
        Assert.InRange(onsets[0], 2 * tr, 2 * tr + 2 * period);
        Assert.InRange(onsets[1], 60 * tr, 60 * tr + 2 * period);
        Assert.InRange(onsets[2], 118 * tr, 118 * tr + 2 * period);
        // Each game's throws stay inside its own block.
        foreach (var g in games)
            Assert.Equal(30, sink.Events.Count(e => e.Kind == EventKind.Throw && e.Block == g.Block));
    }

    private sealed class MemorySink : IEventSink
    {
        public readonly List<EventRecord> Events = [];
        public readonly List<long> Flips = [];
        public void SessionStarted(SessionInfo info) { }
        public void Write(in EventRecord e)
        {
            if (e.Kind == EventKind.Flip) Flips.Add(e.TimeNs);
            else Events.Add(e);
        }
        public void SessionEnded(SessionEnd end) { }
        public bool Flush(TimeSpan timeout) => true;
        public void Dispose() { }
    }
}
