using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Storage.Tests;

/// <summary>A plausible social-feedback session as its events: a selection phase, scan runs (dummy pulses, t0 at the
/// first counted pulse, flips every frame, fixation/profile/question/feedback screens, responses, predictions,
/// ratings, markers) and a questionnaire afterwards. Deterministic for a seed. Written by hand in the flat form as
/// versions before 0.3 stored it (no time from t0 on any event), so the exports built on it test the assembler's
/// fallback; sessions the runner writes are tested in <see cref="RoundTripTests"/>.</summary>
public sealed record GeneratedSession(SessionInfo Info, IReadOnlyList<EventRecord> Events, SessionEnd End)
{
    public static GeneratedSession Create(string participant = "p01", string sessionLabel = "1", int runs = 2,
        int blocksPerRun = 2, int trialsPerBlock = 4, int seed = 7, double refreshHz = 60, double trS = 2.0,
        bool flips = true)
    {
        var rng = new Random(seed);
        string sessionId = $"{participant}-ses{sessionLabel}-{seed}";
        long startNs = 5_000_000_000;
        var info = new SessionInfo
        {
            SessionId = sessionId,
            ParticipantId = participant,
            SessionLabel = sessionLabel,
            ParadigmName = "Social feedback (Hsu 2013)",
            TaskLabel = "socialfeedback",
            ParadigmText = "name: social feedback\n  version: 1\n",
            ParadigmSha256 = "ab12cd34",
            SoftwareVersion = "0.1.0",
            SoftwareCommit = "deadbeef",
            Seed = ulong.MaxValue - 12345,
            Machine = "scanner-pc",
            Mode = "simulate",
            ExpectedRefreshHz = refreshHz,
            MeasuredRefreshHz = refreshHz + 0.002,
            Timing = "virtual",
            Modality = "fmri",
            RepetitionTimeS = trS,
            Trigger = "emulate tr=2s",
            Markers = "",
            ArmCode = "B",
            StartedUtc = "2026-11-23T10:00:00Z",
            StartedNs = startNs,
            DisplayResolution = "1920x1080",
            Counterbalance = 1,
        };
        var ev = new List<EventRecord>();
        long now = startNs + Ns.FromSeconds(1);
        long periodNs = (long)Math.Round(1e9 / refreshHz);
        long frame = 0;

        // Selection phase: choices of profiles (no run).
        ev.Add(new EventRecord { Kind = EventKind.PhaseStarted, TimeNs = now, Phase = "selection" });
        for (int p = 1; p <= 6; p++)
        {
            now += Ns.FromMs(800 + rng.Next(400));
            ev.Add(new EventRecord
            {
                Kind = EventKind.Choice, TimeNs = now, Phase = "selection", Screen = "selection",
                Stimulus = $"p{p:D3}", Response = rng.Next(2) == 0 ? "like" : "pass", RtNs = Ns.FromMs(700 + rng.Next(500)),
            });
        }
        ev.Add(new EventRecord { Kind = EventKind.PhaseEnded, TimeNs = now, Phase = "selection" });

        string[] conditions = ["acceptance", "rejection"];
        int stim = 0;
        for (int run = 1; run <= runs; run++)
        {
            now += Ns.FromSeconds(3);
            long trNs = Ns.FromSeconds(trS);
            for (int d = 0; d < 3; d++)
            {
                ev.Add(new EventRecord { Kind = EventKind.Pulse, TimeNs = now, Run = run, Value = d - 3, Code = 1 });
                now += trNs;
            }
            long t0 = now;
            ev.Add(new EventRecord { Kind = EventKind.RunStarted, TimeNs = t0, Run = run, Phase = "scan" });
            long runEndPlan = t0;
            long offset = 0;
            var runEvents = new List<EventRecord>();
            for (int block = 1; block <= blocksPerRun; block++)
            {
                runEvents.Add(new EventRecord { Kind = EventKind.BlockStarted, TimeNs = t0 + offset, Run = run, Block = block, Phase = "scan" });
                for (int trial = 1; trial <= trialsPerBlock; trial++)
                {
                    string condition = conditions[rng.Next(2)];
                    stim++;
                    string profile = $"p{(stim % 6) + 1:D3}";
                    runEvents.Add(new EventRecord { Kind = EventKind.TrialStarted, TimeNs = t0 + offset, Run = run, Block = block, Trial = trial, Condition = condition, Stimulus = profile });
                    (string Screen, long Dur)[] screens =
                    [
                        ("fixation", Ns.FromMs(500 + 250 * rng.Next(4))),
                        ("profile", Ns.FromMs(2000)),
                        ("question", Ns.FromMs(2000)),
                        ("feedback", Ns.FromMs(1500)),
                        ("rating", Ns.FromMs(3000)),
                    ];
                    foreach ((string screen, long dur) in screens)
                    {
                        long intended = t0 + offset;
                        long actual = intended + rng.Next(0, 3) * 100_000 + (rng.Next(40) == 0 ? periodNs : 0);
                        runEvents.Add(new EventRecord
                        {
                            Kind = EventKind.ScreenOnset, TimeNs = actual, IntendedNs = intended, DurationNs = dur,
                            Run = run, Block = block, Trial = trial, Screen = screen, Condition = condition, Stimulus = profile,
                            Text = screen == "profile" ? $"profiles/{profile}.jpg" : null, Phase = "scan", Code = screen == "feedback" ? 20 : 0,
                        });
                        runEvents.Add(new EventRecord { Kind = EventKind.Marker, TimeNs = actual + 50_000, Run = run, Block = block, Trial = trial, Code = screen.Length, Text = "udp", Screen = screen });
                        if (actual - intended > periodNs / 2)
                            runEvents.Add(new EventRecord { Kind = EventKind.MissedFrame, TimeNs = actual, IntendedNs = intended, Run = run, Block = block, Trial = trial, Screen = screen });
                        if (screen == "question")
                        {
                            if (rng.Next(8) != 0)
                            {
                                long rt = Ns.FromMs(400 + rng.Next(1200));
                                string answer = rng.Next(2) == 0 ? "yes" : "no";
                                runEvents.Add(new EventRecord { Kind = EventKind.Response, TimeNs = actual + rt, RtNs = rt, Run = run, Block = block, Trial = trial, Screen = screen, Response = answer == "yes" ? "1" : "2", Condition = condition, Stimulus = profile });
                                string outcome = (answer == "yes") == (condition == "acceptance") ? "consistent" : "violated";
                                runEvents.Add(new EventRecord { Kind = EventKind.Choice, TimeNs = actual + rt, RtNs = rt, Run = run, Block = block, Trial = trial, Screen = screen, Response = answer, Condition = condition, Stimulus = profile, Value = answer == "yes" ? 1 : 0, Text = outcome });
                            }
                            else
                            {
                                runEvents.Add(new EventRecord { Kind = EventKind.Choice, TimeNs = actual + dur, Run = run, Block = block, Trial = trial, Screen = screen, Condition = condition, Stimulus = profile, Code = 1 });
                            }
                        }
                        if (screen == "rating")
                        {
                            bool timedOut = rng.Next(6) == 0;
                            long rt = timedOut ? EventRecord.None : Ns.FromMs(1000 + rng.Next(1500));
                            double value = timedOut ? double.NaN : rng.Next(0, 101);
                            runEvents.Add(new EventRecord
                            {
                                Kind = EventKind.Rating, TimeNs = actual + (timedOut ? dur : rt), RtNs = rt, Value = value,
                                Run = run, Block = block, Screen = "mood", Condition = condition, IntendedNs = actual, Code = timedOut ? 1 : 0,
                                Text = timedOut ? "0:50;800:55" : $"0:50;400:60;{rt / Ns.PerMs}:{value}",
                            });
                        }
                        offset += dur;
                    }
                }
                runEvents.Add(new EventRecord { Kind = EventKind.BlockEnded, TimeNs = t0 + offset, Run = run, Block = block, Phase = "scan" });
            }
            runEndPlan = t0 + offset;
            // Counted pulses through the run.
            int volume = 0;
            for (long p = t0; p <= runEndPlan; p += trNs)
            {
                if (volume == 7 && run == 1)
                    runEvents.Add(new EventRecord { Kind = EventKind.MissingPulse, TimeNs = p + trNs / 2, Run = run, Value = volume });
                else
                    runEvents.Add(new EventRecord { Kind = EventKind.Pulse, TimeNs = p, Run = run, Value = volume });
                volume++;
            }
            if (flips)
            {
                for (long f = t0; f <= runEndPlan; f += periodNs)
                    runEvents.Add(new EventRecord { Kind = EventKind.Flip, TimeNs = f + 20_000, IntendedNs = f, Value = frame++, Run = run });
            }
            // The frame loop writes in time order.
            ev.AddRange(runEvents.OrderBy(e => e.TimeNs).ThenBy(e => e.Kind == EventKind.Flip ? 0 : 1));
            now = runEndPlan + Ns.FromMs(10);
            ev.Add(new EventRecord { Kind = EventKind.RunEnded, TimeNs = now, Run = run, Phase = "scan" });
        }

        // Questionnaire after the scan.
        now += Ns.FromSeconds(5);
        ev.Add(new EventRecord { Kind = EventKind.Operator, TimeNs = now, Text = "pause", Response = "p" });
        double sum = 0;
        for (int item = 1; item <= 5; item++)
        {
            now += Ns.FromSeconds(2);
            double answer = rng.Next(1, 6);
            sum += answer;
            ev.Add(new EventRecord { Kind = EventKind.Questionnaire, TimeNs = now, Phase = "post", Screen = "ndq", Stimulus = $"ndq_{item}", Value = answer, RtNs = Ns.FromMs(1500) });
        }
        ev.Add(new EventRecord { Kind = EventKind.Questionnaire, TimeNs = now, Phase = "post", Screen = "score", Stimulus = "ndq", Value = sum });
        ev.Add(new EventRecord { Kind = EventKind.Warning, TimeNs = now, Text = "tab\tand \"quotes\", comma; ünïcode  " });
        return new GeneratedSession(info, ev, new SessionEnd(sessionId, "completed", now + Ns.PerSecond, null));
    }

    /// <summary>Writes the whole session into <paramref name="sink"/>.</summary>
    public void WriteTo(IEventSink sink, bool end = true)
    {
        sink.SessionStarted(Info);
        foreach (EventRecord e in Events) sink.Write(in e);
        if (end) sink.SessionEnded(End);
    }
}
