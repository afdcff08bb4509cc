using System.Globalization;

namespace ExperimentRunner.Core.Paradigm;

public static partial class ParadigmLoader
{
    // The event markers: their codes, and the check that each one can reach the marker outputs.
    private sealed partial class Binder
    {
        /// <summary>The marker codes of named screens: one byte each.</summary>
        private Dictionary<string, int> BindMarkers(MapReader top)
        {
            var markers = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (key, value) in top.Entries("markers"))
            {
                if (value is YScalar s && int.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int code) && code is >= 0 and <= 255)
                    markers[key.Value] = code;
                else d.Error(value.Pos, $"marker '{key.Value}' must be a code from 0 to 255 (one byte on a serial or parallel port)");
            }
            return markers;
        }

        /// <summary>
        /// Every marker must be able to reach the marker outputs: a 'markers' entry names a screen (or lead_in,
        /// lead_out, rest, selection) that some run shows without a marker of its own, and a condition's marker needs a
        /// feedback screen without its own 'marker:' in a block of that condition. A misspelt or shadowed marker would
        /// otherwise be missing from the scanner log with no word.
        /// </summary>
        private void CheckMarkers(MapReader top, Dictionary<string, int> markers, Dictionary<string, ConditionSpec> conditions,
            Dictionary<string, RatingSpec> ratings, Dictionary<string, TrialSpec> trials, List<PhaseSpec> phases)
        {
            var scans = phases.OfType<ScanPhase>().ToList();
            // The conditions each trial template runs with, over every scan.
            var trialConditions = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            foreach (var block in scans.SelectMany(scan => scan.Blocks))
            {
                if (!trialConditions.TryGetValue(block.Trial, out var set)) trialConditions[block.Trial] = set = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (condition, n) in block.Conditions) if (n > 0) set.Add(condition);
                // A table block's conditions are its rows' values of the condition column.
                if (block.Table != null && block.ConditionColumn != null)
                    foreach (var row in block.Table.Rows) set.Add(row.Values.GetValueOrDefault(block.ConditionColumn, ""));
            }
            var specials = new Dictionary<string, bool>(StringComparer.Ordinal)
            {
                ["lead_in"] = scans.Any(x => x.LeadInNs > 0),
                ["lead_out"] = scans.Any(x => x.LeadOutNs > 0),
                ["rest"] = scans.Any(x => x.RestAfterBlock != null && (x.Blocks.Count > 1 || x.Order == BlockOrder.Abba)),
                ["selection"] = phases.OfType<SelectionPhase>().Any(),
            };
            var screenNames = trials.Values.SelectMany(t => t.Screens.Select(x => x.Name)).Distinct().ToList();
            foreach (var (key, _) in top.Entries("markers"))
            {
                string name = key.Value;
                if (!markers.TryGetValue(name, out int code)) continue;
                var screens = trials.Values.SelectMany(t => t.Screens.Select(x => (Trial: t, Screen: x))).Where(x => x.Screen.Name == name).ToList();
                if (screens.Count == 0 && !specials.ContainsKey(name))
                {
                    if (ratings.ContainsKey(name))
                        d.Error(key.Pos, $"'{name}' is a rating: its marker is its own 'marker:' (under ratings.{name}); 'markers' names screens of trials, lead_in, lead_out, rest and selection");
                    else
                        d.Error(key.Pos, $"no screen named '{name}'{Suggest.DidYouMean(name, screenNames.Concat(specials.Keys))}; 'markers' names screens of trials ({string.Join(", ", screenNames)}), lead_in, lead_out, rest and selection");
                    continue;
                }
                if (code == 0 || specials.GetValueOrDefault(name)) continue;
                bool sent = screens.Any(x => x.Screen.Marker == null && trialConditions.TryGetValue(x.Trial.Name, out var conds)
                    && (!x.Screen.ShowsFeedback || conds.Any(c => !conditions.TryGetValue(c, out var cs) || cs.Marker == 0)));
                if (sent) continue;
                string why = specials.ContainsKey(name) && screens.Count == 0 ? name switch
                {
                    "selection" => "the paradigm has no selection phase",
                    "rest" => "no scan has 'rest_after_block' between two blocks",
                    _ => $"no scan has a '{name}'",
                }
                : screens.All(x => x.Screen.Marker != null) ? $"every screen named '{name}' has its own 'marker:'"
                : !screens.Any(x => trialConditions.ContainsKey(x.Trial.Name)) ? $"no scan runs a trial with a screen named '{name}'"
                : "it names a feedback screen, and the conditions' own markers take its place there";
                d.Error(key.Pos, $"marker '{name}' can never be sent: {why}; remove it or fix the name");
            }
            foreach (var (name, condition) in conditions)
            {
                var used = trialConditions.Where(t => t.Value.Contains(name)).Select(t => t.Key).ToList();
                if (used.Count == 0)
                {
                    d.Warning(condition.Pos, $"condition '{name}' is used by no block of any scan");
                    continue;
                }
                if (condition.Marker == 0) continue;
                bool sent = used.Any(t => trials.TryGetValue(t, out var trial) && trial.Screens.Any(x => x.ShowsFeedback && x.Marker == null));
                if (!sent)
                    d.Error(_conditionMarkerPos.GetValueOrDefault(name, condition.Pos),
                        $"the marker of condition '{name}' can never be sent: it marks feedback screens, and no trial of a '{name}' block has a feedback screen without its own 'marker:'");
            }
        }
    }
}
