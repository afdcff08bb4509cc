using System.Globalization;

namespace ExperimentRunner.Core.Paradigm;

public static partial class ParadigmLoader
{
    /// <summary>Most players a ball-toss game draws (the participant included).</summary>
    public const int MaxGamePlayers = 8;
    /// <summary>Most throws in one game.</summary>
    public const int MaxGameThrows = 1000;

    // Ball-toss games (Cyberball): 'games:' and the checks that tie them to 'ball_toss' screens and scan blocks.
    private sealed partial class Binder
    {
        private static readonly Dictionary<string, GameScheduleKind> ScheduleKinds = new()
        {
            ["inclusion"] = GameScheduleKind.Inclusion, ["exclusion"] = GameScheduleKind.Exclusion, ["watching"] = GameScheduleKind.Watching,
        };

        private Dictionary<string, BallTossSpec> BindGames(MapReader top, Dictionary<string, ConditionSpec> conditions)
        {
            var result = new Dictionary<string, BallTossSpec>(StringComparer.Ordinal);
            foreach (var (key, value) in top.Entries("games"))
            {
                string name = key.Value;
                var r = new MapReader(value, $"game '{name}'", d, key.Pos,
                    "players", "flight", "arc", "delay", "choose", "time_limit", "timeout", "ball", "prompt", "schedules", "markers");
                var players = BindPlayers(r, name);
                int computers = players.Count(p => !p.IsParticipant);
                if (players.Count(p => p.IsParticipant) != 1)
                    d.Error(r.PosOf("players"), $"game '{name}' needs exactly one player with 'participant: true' (drawn at the bottom)");
                if (computers < 2)
                    d.Error(r.PosOf("players"), $"game '{name}' has {computers} other player{(computers == 1 ? "" : "s")}; Cyberball needs at least two besides the participant, so that the others can throw to each other");

                long flight = r.Has("flight") ? _dur.ParseFixed(r.Node("flight"), $"the flight of game '{name}'", allowZero: false) ?? 1_000_000_000 : 1_000_000_000;
                double arc = r.Number("arc", 0.12, 0, 1);
                var delay = r.Has("delay") ? _dur.Parse(r.Node("delay"), $"the delay of game '{name}'") : null;
                delay ??= new UniformJitter(r.Pos, 500_000_000, 3_000_000_000);
                long limit = r.Has("time_limit") ? _dur.ParseFixed(r.Node("time_limit"), $"the time limit of game '{name}'", allowZero: false) ?? 0 : 0;
                if (!r.Has("time_limit")) d.Error(r.Pos, $"game '{name}' needs 'time_limit': how long the participant may hold the ball before it is thrown for them");
                var timeout = r.Enum("timeout", GameTimeout.Random, new Dictionary<string, GameTimeout> { ["random"] = GameTimeout.Random });

                var choices = new List<KeyValuePair<string, int>>();
                foreach (var (resp, target) in r.Entries("choose"))
                {
                    CheckResponse(resp.Value, resp.Pos, $"game '{name}' choose");
                    string player = target is YScalar ts ? ts.Value : "";
                    int index = -1;
                    for (int i = 0; i < players.Count; i++) if (players[i].Name == player) index = i;
                    if (index < 0) d.Error(target.Pos, $"game '{name}': '{player}' is not a player{Suggest.DidYouMean(player, players.Select(p => p.Name))}");
                    else if (players[index].IsParticipant) d.Error(target.Pos, $"game '{name}': the participant cannot throw to themselves");
                    else if (choices.Any(c => c.Value == index)) d.Error(target.Pos, $"game '{name}': two responses throw to '{player}'");
                    else choices.Add(new(resp.Value, index));
                }
                if (computers >= 2 && choices.Count < computers)
                    d.Error(r.Has("choose") ? r.PosOf("choose") : r.Pos, $"game '{name}' needs 'choose': one response per other player (the participant's choice of receiver), e.g. choose: {{left: {players.FirstOrDefault(p => !p.IsParticipant)?.Name ?? "Anna"}, right: ...}}");

                var ball = new MapReader(r.Node("ball"), $"the ball of game '{name}'", d, r.Pos, "size", "color");
                double size = ball.Number("size", 0.04, 0.005, 0.3);
                string ballColor = ball.String("color", "#FFFFFF");
                if (!IsColor(ballColor)) d.Error(ball.PosOf("color"), $"'color' is '{ballColor}'; write a colour as '#RRGGBB'");

                var schedules = new Dictionary<string, GameSchedule>(StringComparer.Ordinal);
                foreach (var (cond, body) in r.Entries("schedules"))
                {
                    CheckCondition(cond.Value, cond.Pos, conditions);
                    var sr = new MapReader(body, $"schedule '{cond.Value}'", d, cond.Pos, "kind", "throws", "share", "first");
                    var kind = sr.Enum("kind", GameScheduleKind.Inclusion, ScheduleKinds);
                    if (!sr.Has("kind")) d.Error(sr.Pos, $"schedule '{cond.Value}' needs 'kind': inclusion, exclusion or watching");
                    int throws = sr.Int("throws", 0, 1, MaxGameThrows);
                    if (!sr.Has("throws")) d.Error(sr.Pos, $"schedule '{cond.Value}' needs 'throws': how many throws a game has");
                    double share = kind == GameScheduleKind.Inclusion ? ReadShare(sr, cond.Value) : 0;
                    int first = kind == GameScheduleKind.Exclusion ? sr.Int("first", 2, 0, MaxGameThrows) : 0;
                    if (kind != GameScheduleKind.Inclusion && sr.Has("share")) d.Error(sr.PosOf("share"), $"'share' belongs to an inclusion schedule; '{cond.Value}' is {sr.OptString("kind")}");
                    if (kind != GameScheduleKind.Exclusion && sr.Has("first")) d.Error(sr.PosOf("first"), $"'first' belongs to an exclusion schedule; '{cond.Value}' is {sr.OptString("kind")}");
                    var schedule = new GameSchedule(cond.Value, kind, throws, share, first, cond.Pos);
                    CheckSchedule(schedule, sr, computers + 1);
                    schedules[cond.Value] = schedule;
                }
                if (schedules.Count == 0) d.Error(r.Pos, $"game '{name}' needs 'schedules': per condition, e.g. inclusion: {{kind: inclusion, throws: 30, share: 0.33}}");
                string defaultPrompt = string.Join("    ", choices.Select(c => $"{KeyLabel(c.Key)}: throw to {players[c.Value].Name}"));
                result[name] = new BallTossSpec(name, players, flight, arc, delay, choices, limit, timeout, size, ballColor,
                    r.String("prompt", defaultPrompt), schedules, key.Pos) { ThrowMarkers = ThrowMarkers(r, name) };
            }
            return result;
        }

        /// <summary>A game's <c>markers:</c>: a code (1–255) per kind of throw, sent when the ball leaves the thrower's hands.</summary>
        private int[] ThrowMarkers(MapReader r, string game)
        {
            var codes = new int[3];
            var labels = Enum.GetValues<Planning.ThrowLabel>().Select(Planning.BallTossPlan.LabelText).ToList();
            foreach (var (kind, value) in r.Entries("markers"))
            {
                int index = labels.IndexOf(kind.Value);
                if (index < 0)
                {
                    d.Error(kind.Pos, $"game '{game}': '{kind.Value}' is not a kind of throw{Suggest.DidYouMean(kind.Value, labels)}; markers: are given per kind: {string.Join(", ", labels)}");
                    continue;
                }
                if (value is YScalar v && int.TryParse(v.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int code) && code is >= 1 and <= 255)
                    codes[index] = code;
                else d.Error(value.Pos, $"game '{game}': the marker of '{kind.Value}' must be a code from 1 to 255 (one byte on a serial or parallel port)");
            }
            return codes;
        }

        /// <summary>The first key of a response, as the participant sees it on the prompt.</summary>
        private string KeyLabel(string response) =>
            _responses.TryGetValue(response, out var keys) && keys.Count > 0 ? keys[0] : response;

        private double ReadShare(MapReader sr, string cond)
        {
            if (!sr.Has("share"))
            {
                d.Error(sr.Pos, $"inclusion schedule '{cond}' needs 'share': the share of throws the participant receives, e.g. 0.33 (one of three players)");
                return 0;
            }
            string text = sr.OptString("share") ?? "";
            int slash = text.IndexOf('/');
            if (slash > 0 && int.TryParse(text[..slash], NumberStyles.Integer, CultureInfo.InvariantCulture, out int num)
                && int.TryParse(text[(slash + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out int den) && den > 0 && num >= 0 && num <= den)
                return (double)num / den;
            return sr.Number("share", 0, 0, 1);
        }

        /// <summary>A schedule the throw count cannot meet is an error where the schedule is written.</summary>
        private void CheckSchedule(GameSchedule s, MapReader sr, int players)
        {
            if (s.Throws <= 0) return;
            // Every throw the participant receives comes from another player, and the participant throws it on: at most
            // every other throw reaches them.
            int most = s.Throws / 2;
            switch (s.Kind)
            {
                case GameScheduleKind.Inclusion:
                    int receives = s.ParticipantReceives;
                    if (s.Share > 0 && receives == 0)
                        d.Error(sr.PosOf("share"), $"share {s.Share.ToString("0.###", CultureInfo.InvariantCulture)} of {s.Throws} throws rounds to no throw to the participant; use more throws or a larger share");
                    else if (receives > most)
                        d.Error(sr.PosOf("share"), $"share {s.Share.ToString("0.###", CultureInfo.InvariantCulture)} of {s.Throws} throws is {receives} throws to the participant, but at most {most} can reach them (each one must be thrown on); fair play with {players} players is a share of 1/{players}");
                    break;
                case GameScheduleKind.Exclusion:
                    if (s.First > s.Throws)
                        d.Error(sr.PosOf("first"), $"the participant is to receive the ball {s.First} times at the start, but the game has only {s.Throws} throws");
                    else if (s.First > most)
                        d.Error(sr.PosOf("first"), $"the participant is to receive the ball {s.First} times at the start, but of {s.Throws} throws at most {most} can reach them (each one must be thrown on)");
                    break;
            }
        }

        private List<GamePlayer> BindPlayers(MapReader r, string game)
        {
            var players = new List<GamePlayer>();
            if (r.Node("players") is not YSequence seq)
            {
                d.Error(r.Has("players") ? r.Node("players")!.Pos : r.Pos, $"game '{game}' needs 'players': a list of {{name, at: [x, y], picture or color}}, one of them 'participant: true'");
                return players;
            }
            if (seq.Items.Count > MaxGamePlayers) d.Error(seq.Pos, $"a game has at most {MaxGamePlayers} players");
            var items = seq.Items.Take(MaxGamePlayers).ToList();
            int computers = items.Count(i => !(i is YMapping m && new MapReader(m, "", new Diagnostics(), m.Pos).Bool("participant", false)));
            string[] palette = ["#4FC3F7", "#FFB74D", "#81C784", "#BA68C8", "#E57373", "#F06292", "#A1887F", "#90A4AE"];
            int c = 0;
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var node in items)
            {
                var pr = new MapReader(node, $"a player of game '{game}'", d, node.Pos, "name", "at", "picture", "color", "participant");
                bool participant = pr.Bool("participant", false);
                string name = pr.String("name", participant ? "You" : $"Player {c + 1}");
                if (name.Length > MaxNameLength) d.Error(pr.PosOf("name"), $"a player's name has at most {MaxNameLength} characters");
                if (!names.Add(name)) d.Error(pr.PosOf("name"), $"two players of game '{game}' are named '{name}'");
                // Default places: the others on an arc across the upper half, the participant at the bottom centre.
                double x = participant ? 0.5 : computers <= 1 ? 0.5 : 0.18 + 0.64 * c / (computers - 1);
                double y = participant ? 0.72 : computers <= 2 ? 0.3 : 0.3 + 0.12 * Math.Abs(2.0 * c / (computers - 1) - 1);
                if (pr.Node("at") is { } at)
                {
                    if (at is YSequence { Items.Count: 2 } xy && xy.Items[0] is YScalar sx && xy.Items[1] is YScalar sy
                        && double.TryParse(sx.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double vx)
                        && double.TryParse(sy.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double vy)
                        && vx is >= 0 and <= 1 && vy is >= 0 and <= 1)
                        (x, y) = (vx, vy);
                    else d.Error(at.Pos, "'at' is a player's place as [x, y], fractions of the screen from its top-left corner (0 to 1)");
                }
                string? picture = null;
                if (pr.Has("picture"))
                {
                    picture = ResolvePath(pr.Node("picture"), $"the picture of player '{name}'", mustExist: true, directory: false);
                    if (picture != null) Opens(StimulusKind.Image, picture, pr.Node("picture")!.Pos, $"the picture of player '{name}' in game '{game}'");
                }
                string color = pr.String("color", participant ? "#FFFFFF" : palette[c % palette.Length]);
                if (!IsColor(color)) d.Error(pr.PosOf("color"), $"'color' is '{color}'; write a colour as '#RRGGBB'");
                players.Add(new GamePlayer(name, x, y, picture, color, participant, node.Pos));
                if (!participant) c++;
            }
            return players;
        }

        /// <summary>The game a screen plays: its 'game:' key; only on ball_toss screens (checked in <see cref="CheckGames"/>).</summary>
        private string? BallTossGameOf(MapReader s, SceneKind show)
        {
            string? game = s.OptString("game");
            if (game != null && show != SceneKind.BallToss)
                d.Error(s.PosOf("game"), $"'game' belongs to a 'show: ball_toss' screen; this one shows {s.OptString("show")}");
            return show == SceneKind.BallToss ? game ?? "" : null;
        }

        /// <summary>
        /// Ties games to where they are played: every ball_toss screen names a game, every block that plays one has a
        /// condition with a schedule, and each game's throws fit the screen's duration.
        /// </summary>
        private void CheckGames(Dictionary<string, BallTossSpec> games, Dictionary<string, TrialSpec> trials, List<PhaseSpec> phases)
        {
            foreach (var trial in trials.Values)
            {
                foreach (var screen in trial.Screens.Where(x => x.Show == SceneKind.BallToss))
                {
                    if (screen.Game is null) continue;
                    if (screen.Game.Length == 0)
                    {
                        if (games.Count == 1) continue; // the only game (resolved by GameOf)
                        d.Error(screen.Pos, games.Count == 0
                            ? $"ball_toss screen '{screen.Name}' needs a game: define one under 'games:'"
                            : $"ball_toss screen '{screen.Name}' needs 'game': one of {string.Join(", ", games.Keys)}");
                        continue;
                    }
                    if (!games.ContainsKey(screen.Game))
                        d.Error(screen.Pos, $"no game named '{screen.Game}'{Suggest.DidYouMean(screen.Game, games.Keys)}; define it under 'games:'");
                }
            }
            foreach (var scan in phases.OfType<ScanPhase>())
            {
                foreach (var block in scan.Blocks)
                {
                    if (!trials.TryGetValue(block.Trial, out var trial)) continue;
                    foreach (var screen in trial.Screens.Where(x => x.Show == SceneKind.BallToss))
                    {
                        var game = GameOf(games, screen);
                        if (game == null) continue;
                        foreach (var (cond, _) in block.Conditions)
                        {
                            if (!game.Schedules.TryGetValue(cond, out var schedule))
                            {
                                d.Error(block.Pos, $"block '{block.Label}' plays game '{game.Name}' in condition '{cond}', which has no schedule in that game{Suggest.DidYouMean(cond, game.Schedules.Keys)}; add it under the game's 'schedules:'");
                                continue;
                            }
                            CheckFits(game, schedule, screen);
                        }
                    }
                }
            }
        }

        private readonly HashSet<(string, string, ScreenSpec)> _fitChecked = [];

        /// <summary>The game's throws must fit the screen: the flight within one throw's share of it, the mean game within all of it.</summary>
        private void CheckFits(BallTossSpec game, GameSchedule schedule, ScreenSpec screen)
        {
            if (!_fitChecked.Add((game.Name, schedule.Condition, screen))) return;
            long duration = screen.Duration.MinNs;
            if (duration <= 0 || schedule.Throws <= 0) return;
            long interval = duration / schedule.Throws;
            static string S(long ns) => (ns / 1e9).ToString("0.###", CultureInfo.InvariantCulture);
            if (game.FlightNs >= interval)
            {
                d.Error(schedule.Pos, $"schedule '{schedule.Condition}' of game '{game.Name}': a flight of {S(game.FlightNs)} s is longer than the throw interval ({S(duration)} s of screen '{screen.Name}' / {schedule.Throws} throws = {S(interval)} s); shorten the flight, use fewer throws or a longer screen");
                return;
            }
            // The participant holds the ball for an unknown time up to the limit: count their holds at the limit's half.
            int toParticipant = schedule.ParticipantReceives;
            long mean = (schedule.Throws - toParticipant) * game.Delay.MeanNs + toParticipant * (game.TimeLimitNs / 2) + schedule.Throws * game.FlightNs;
            long longest = (schedule.Throws - toParticipant) * game.Delay.MaxNs + toParticipant * game.TimeLimitNs + schedule.Throws * game.FlightNs;
            if (mean > duration)
                d.Error(schedule.Pos, $"schedule '{schedule.Condition}' of game '{game.Name}': {schedule.Throws} throws take {S(mean)} s on average (delays and flights), more than the {S(duration)} s of screen '{screen.Name}'; use fewer throws, shorter delays or a longer screen");
            else if (longest > duration)
                d.Warning(schedule.Pos, $"schedule '{schedule.Condition}' of game '{game.Name}': {schedule.Throws} throws can take up to {S(longest)} s against the {S(duration)} s of screen '{screen.Name}'; throws still to come when the screen ends are not made (each game's count is logged)");
        }
    }

    /// <summary>The game a ball_toss screen plays: its named game, or the paradigm's only one.</summary>
    public static BallTossSpec? GameOf(IReadOnlyDictionary<string, BallTossSpec> games, ScreenSpec screen)
    {
        if (screen.Show != SceneKind.BallToss) return null;
        if (!string.IsNullOrEmpty(screen.Game)) return games.GetValueOrDefault(screen.Game);
        return games.Count == 1 ? games.Values.First() : null;
    }
}
