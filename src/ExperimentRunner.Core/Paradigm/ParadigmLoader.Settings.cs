using ExperimentRunner.Core.Vocabulary;

namespace ExperimentRunner.Core.Paradigm;

public static partial class ParadigmLoader
{
    // The display, scanner and key settings: what the screen, the scanner trigger and the button box look like.
    private sealed partial class Binder
    {
        private DisplayStyle BindDisplay(MapReader top)
        {
            var r = new MapReader(top.Node("display"), "display", d, _start,
                "background", "foreground", "accent", "refresh_hz", "font", "font_size", "width", "height", "fixation_size", "photodiode");
            string font = Path.Combine(stimuliRoot, "fonts", "DejaVuSans.ttf");
            if (r.Has("font"))
            {
                var named = ResolvePath(r.Node("font"), "the font", mustExist: true, directory: false);
                if (named != null) Opens(StimulusKind.Font, named, r.Node("font")!.Pos, "the font");
                font = named ?? font;
            }
            else Opens(StimulusKind.Font, font, r.Exists ? r.Pos : _start, $"the default font ({Path.GetRelativePath(dir, font)}; name another with display.font)");
            foreach (var key in new[] { "background", "foreground", "accent" })
            {
                var v = r.OptString(key);
                if (v != null && !IsColor(v)) d.Error(r.Node(key)!.Pos, $"'{key}' is '{v}'; write a colour as '#RRGGBB'");
            }
            return new DisplayStyle
            {
                Background = r.String("background", "#202124"),
                Foreground = r.String("foreground", "#F1F3F4"),
                Accent = r.String("accent", "#E91E63"),
                ExpectedRefreshHz = r.Number("refresh_hz", 60, 20, 500),
                FontPath = font,
                FontSize = r.Int("font_size", 40, 8, 200),
                Width = r.Int("width", 1920, 320, 7680),
                Height = r.Int("height", 1080, 240, 4320),
                FixationSize = r.Int("fixation_size", 40, 4, 400),
                Photodiode = BindPhotodiode(r),
            };
        }

        private ScannerSpec BindScanner(MapReader top, double refreshHz)
        {
            var r = new MapReader(top.Node("scanner"), "scanner", d, _start, "modality", "tr", "dummy_scans", "volumes", "trigger", "end");
            var modality = r.Enum("modality", Modality.None, new Dictionary<string, Modality> { ["none"] = Modality.None, ["fmri"] = Modality.Fmri, ["pet"] = Modality.Pet });
            var dp = new DurationParser(d, refreshHz, 0);
            long tr = r.Has("tr") ? dp.ParseFixed(r.Node("tr"), "tr", allowZero: false) ?? 0 : 0;
            if (modality == Modality.Fmri && tr == 0 && !r.Has("tr")) d.Error(r.Pos, "an fMRI scanner needs 'tr' (the repetition time, e.g. '2s')");
            if (tr > 0 && tr < 100_000_000) d.Error(r.PosOf("tr"), "tr is under 100 ms; is the unit right?");
            string trigger = r.String("trigger", modality == Modality.Fmri ? "key:5" : "manual");
            TriggerSpec? triggerSpec = null;
            try { triggerSpec = TriggerSpec.Parse(trigger).CheckTr(tr); }
            catch (DeviceSpecException e) { d.Error(r.PosOf("trigger"), e.Message); }
            if (modality != Modality.Fmri && triggerSpec?.Kind == TriggerKind.Key && r.Has("trigger"))
                d.Warning(r.PosOf("trigger"), "a scanner key trigger without an fMRI modality");
            return new ScannerSpec(
                modality, tr,
                r.Int("dummy_scans", 0, 0, 100),
                r.Int("volumes", 0, 0, 100_000),
                trigger,
                r.Enum("end", RunEnd.AfterLastEvent, new Dictionary<string, RunEnd> { ["after_last_event"] = RunEnd.AfterLastEvent, ["after_volumes"] = RunEnd.AfterVolumes }),
                r.Pos);
        }

        private void BindResponses(MapReader top, out string abortKey, out string pauseKey)
        {
            var keyOwner = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (key, value) in top.Entries("responses"))
            {
                var keys = new List<string>();
                if (value is YScalar s && !s.IsNull) keys.Add(s.Value);
                else if (value is YSequence seq) keys.AddRange(seq.Items.OfType<YScalar>().Select(x => x.Value));
                else d.Error(value.Pos, $"response '{key.Value}' must be a key or a list of keys");
                foreach (var k in keys)
                {
                    if (!KeyNames.IsKnown(k)) d.Error(value.Pos, $"response '{key.Value}': '{k}' is not a key name{Suggest.DidYouMean(k, KeyNames.All)}");
                    if (keyOwner.TryGetValue(k, out var other)) d.Error(value.Pos, $"key '{k}' is mapped to both '{other}' and '{key.Value}'");
                    else keyOwner[k] = key.Value;
                }
                _responses[key.Value] = keys;
            }
            if (!top.Has("responses")) d.Error(_start, "the paradigm needs 'responses': names for the keys the button box sends");
            var r = new MapReader(top.Node("keys"), "keys", d, _start, "abort", "pause");
            abortKey = r.String("abort", "escape");
            pauseKey = r.String("pause", "p");
            foreach (var (k, name) in new[] { (abortKey, "abort"), (pauseKey, "pause") })
            {
                if (!KeyNames.IsKnown(k)) d.Error(r.PosOf(name), $"the {name} key '{k}' is not a key name{Suggest.DidYouMean(k, KeyNames.All)}");
                if (keyOwner.TryGetValue(k, out var owner)) d.Error(r.PosOf(name), $"the {name} key '{k}' is also response '{owner}'");
            }
        }
    }
}
