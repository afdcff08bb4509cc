using System.Globalization;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Core.Simulation;

/// <summary>
/// How a simulated participant behaves. Parsed from <c>--responder</c>: comma-separated key=value pairs, e.g.
/// <c>select=0.4,rt=700ms,rt_sd=200ms,miss=0.05,mood=60,mood_sd=15,stray=0.01</c>.
/// </summary>
public sealed record ResponderPolicy
{
    /// <summary>Share of profiles given a selecting choice (0–1).</summary>
    public double Select { get; init; } = 0.5;
    /// <summary>Median response time, ns (log-normal).</summary>
    public long RtNs { get; init; } = 700_000_000;
    /// <summary>Spread of response times, ns.</summary>
    public long RtSdNs { get; init; } = 200_000_000;
    /// <summary>Share of responses never given (timeouts).</summary>
    public double Miss { get; init; }
    /// <summary>Mean rating, as a share of the scale (0–1).</summary>
    public double Mood { get; init; } = 0.6;
    /// <summary>Rating spread, share of the scale.</summary>
    public double MoodSd { get; init; } = 0.15;
    /// <summary>Rating shift after rejection blocks (share of the scale; negative lowers).</summary>
    public double RejectionShift { get; init; } = -0.15;
    /// <summary>Chance per screen of a stray key press (responses outside any window are logged too).</summary>
    public double Stray { get; init; }
    /// <summary>Chance of answering "yes" to a prediction question.</summary>
    public double Yes { get; init; } = 0.5;

    public static ResponderPolicy Parse(string? text)
    {
        var p = new ResponderPolicy();
        if (string.IsNullOrWhiteSpace(text) || text == "default") return p;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (kv.Length != 2) throw new FormatException($"responder policy: '{part}' is not key=value");
            string key = kv[0], value = kv[1];
            double Share() => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v is >= -1 and <= 1
                ? v : throw new FormatException($"responder policy: {key}={value} must be a number from 0 to 1");
            long Duration()
            {
                var d = new Diagnostics();
                var ns = new DurationParser(d, 60, 0).ParseFixed(new YScalar { Value = value, Plain = true, Pos = new SourcePos("--responder", 1, 1) }, key);
                return ns ?? throw new FormatException($"responder policy: {key}={value} must be a duration such as 600ms");
            }
            p = key switch
            {
                "select" => p with { Select = Share() },
                "rt" => p with { RtNs = Duration() },
                "rt_sd" => p with { RtSdNs = Duration() },
                "miss" => p with { Miss = Share() },
                "mood" => p with { Mood = Share() },
                "mood_sd" => p with { MoodSd = Share() },
                "rejection_shift" => p with { RejectionShift = Share() },
                "stray" => p with { Stray = Share() },
                "yes" => p with { Yes = Share() },
                _ => throw new FormatException($"responder policy: unknown key '{key}'{Suggest.DidYouMean(key, ["select", "rt", "rt_sd", "miss", "mood", "mood_sd", "rejection_shift", "stray", "yes"])}"),
            };
        }
        return p;
    }
}

/// <summary>
/// A participant whose choices, ratings and response times follow a seeded <see cref="ResponderPolicy"/>. It answers
/// the screens the runner shows it (<see cref="IInput.SceneShown"/>) by queuing key presses at future times.
/// </summary>
public sealed class SimulatedParticipant : IInput
{
    private readonly IClock _clock;
    private readonly ParadigmModel _paradigm;
    private readonly ResponderPolicy _policy;
    private readonly DetRandom _rng;
    private readonly PriorityQueue<InputEvent, long> _queue = new(256);
    private bool _lastWasRejection;

    /// <summary>Its presses carry their planned times.</summary>
    public string Timing => InputTimings.Virtual;

    public SimulatedParticipant(IClock clock, ParadigmModel paradigm, ResponderPolicy policy, ulong seed)
    {
        _clock = clock;
        _paradigm = paradigm;
        _policy = policy;
        _rng = new DetRandom(seed);
        var choices = paradigm.Phases.OfType<SelectionPhase>().FirstOrDefault()?.Choices ?? [];
        _selecting = choices.Where(c => c.Selects).ToList();
        _others = choices.Where(c => !c.Selects).ToList();
    }

    // Looked up once: answering a screen allocates nothing, so tests of the frame loop measure the runner alone.
    private readonly List<SelectionChoice> _selecting;
    private readonly List<SelectionChoice> _others;

    /// <summary>The earliest queued key time, ns, or long.MaxValue.</summary>
    public long NextDueNs => _queue.TryPeek(out _, out long t) ? t : long.MaxValue;

    public int Poll(Span<InputEvent> buffer)
    {
        int n = 0;
        long now = _clock.NowNs;
        while (n < buffer.Length && _queue.TryPeek(out var e, out long t) && t <= now)
        {
            _queue.Dequeue();
            buffer[n++] = e;
        }
        return n;
    }

    private string KeyOf(string response) =>
        _paradigm.Responses.TryGetValue(response, out var keys) && keys.Count > 0 ? keys[0] : response;

    private void Press(long atNs, string response)
    {
        var e = new InputEvent(atNs, KeyOf(response), true, InputSource.Simulated);
        _queue.Enqueue(e, atNs);
    }

    private long Rt()
    {
        // Log-normal around the median, never under 150 ms.
        double z = Math.Sqrt(-2 * Math.Log(1 - _rng.NextDouble())) * Math.Cos(2 * Math.PI * _rng.NextDouble());
        double sigma = Math.Log(1 + _policy.RtSdNs / (double)Math.Max(1, _policy.RtNs));
        return Math.Max(150_000_000, (long)(_policy.RtNs * Math.Exp(sigma * z)));
    }

    private double Normal() => Math.Sqrt(-2 * Math.Log(1 - _rng.NextDouble())) * Math.Cos(2 * Math.PI * _rng.NextDouble());

    public void SceneShown(SceneSpec scene, long onsetNs, long timeLimitNs, double cursorStart)
    {
        _queue.Clear();
        if (_policy.Stray > 0 && _rng.NextDouble() < _policy.Stray)
            _queue.Enqueue(new InputEvent(onsetNs + Rt() / 2, "9", true, InputSource.Simulated), onsetNs + Rt() / 2);
        if (scene.Key.StartsWith("feedback:rejection", StringComparison.Ordinal)) _lastWasRejection = true;
        else if (scene.Key.StartsWith("feedback:acceptance", StringComparison.Ordinal)) _lastWasRejection = false;
        if (scene.Responses.Count == 0) return;
        // A self-paced screen without a time limit waits for an answer: a participant there always answers eventually.
        bool miss = timeLimitNs > 0 && _policy.Miss > 0 && _rng.NextDouble() < _policy.Miss;
        long rt = Rt();
        if (timeLimitNs > 0 && rt >= timeLimitNs) miss = true;
        switch (scene.Kind)
        {
            case SceneKind.Selection:
            {
                if (miss) return;
                var selecting = _selecting;
                var others = _others;
                var pick = _rng.NextDouble() < _policy.Select || others.Count == 0 ? selecting[_rng.Next(selecting.Count)] : others[_rng.Next(others.Count)];
                Press(onsetNs + rt, pick.Response);
                return;
            }
            case SceneKind.BallToss:
            {
                // A turn in a ball-toss game: throws to one of the other players, each equally likely.
                if (miss) return;
                Press(onsetNs + rt, scene.Responses[_rng.Next(scene.Responses.Count)]);
                return;
            }
            case SceneKind.Question:
            case SceneKind.Parts when scene.Rating is null && scene.Options.Count > 1:
            {
                if (miss) return;
                string answer = scene.Responses.Count > 1 && _rng.NextDouble() >= _policy.Yes ? scene.Responses[1] : scene.Responses[0];
                Press(onsetNs + rt, answer);
                return;
            }
            case SceneKind.Rating:
            case SceneKind.Questionnaire:
            case SceneKind.Parts when scene.Rating is not null:
            {
                var rating = scene.Rating;
                if (rating == null || scene.Responses.Count < 3) return;
                string dec = scene.Responses[0], inc = scene.Responses[1], confirm = scene.Responses[2];
                double share = Math.Clamp(_policy.Mood + _policy.MoodSd * Normal() + (_lastWasRejection ? _policy.RejectionShift : 0), 0, 1);
                double span = rating.Max - rating.Min;
                double target = rating.Min + share * span;
                double start = double.IsNaN(cursorStart) ? (rating.Min + rating.Max) / 2 : cursorStart;
                double step = rating.Step > 0 ? rating.Step : 1;
                if (scene.Responses.Count > 3 && rating.Kind == RatingKind.Likert && scene.Responses.Count - 3 == (int)Math.Round(span) + 1)
                {
                    // A Likert scale with a button per point: press the point itself.
                    if (!miss) Press(onsetNs + rt, scene.Responses[3 + (int)Math.Round(target - rating.Min)]);
                    return;
                }
                int presses = (int)Math.Round(Math.Abs(target - start) / step);
                presses = Math.Min(presses, 60);
                long t = onsetNs + rt;
                for (int i = 0; i < presses; i++)
                {
                    if (timeLimitNs > 0 && t - onsetNs >= timeLimitNs) return;
                    Press(t, target > start ? inc : dec);
                    t += 60_000_000 + _rng.Next(80) * 1_000_000L;
                }
                if (miss || (timeLimitNs > 0 && t - onsetNs >= timeLimitNs)) return;
                Press(t + 200_000_000, confirm);
                return;
            }
            default:
                if (!miss) Press(onsetNs + rt, scene.Responses[0]);
                return;
        }
    }
}
