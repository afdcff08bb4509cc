namespace ExperimentRunner.Core.Paradigm;

public static partial class ParadigmLoader
{
    // display.photodiode: the light sensor's patch (issue 18).
    private sealed partial class Binder
    {
        private static readonly IReadOnlyDictionary<string, SceneKind> PatchScreenNames =
            Enum.GetValues<SceneKind>().ToDictionary(ScreenKinds.NameOf, k => k, StringComparer.Ordinal);

        /// <summary>The patch declared under <c>display:</c>, or null when there is none.</summary>
        private PhotodiodePatch? BindPhotodiode(MapReader display)
        {
            if (!display.Has("photodiode")) return null;
            var r = new MapReader(display.Node("photodiode"), "display.photodiode", d, display.PosOf("photodiode"), "enabled", "corner", "size", "screens");
            if (!r.Exists) return null;
            var kinds = new List<SceneKind>();
            var screens = r.Node("screens");
            bool all = screens is YScalar { IsNull: false } one && one.Value == "all";
            if (!all)
            {
                IReadOnlyList<YNode> items = screens is YSequence seq ? seq.Items : screens is YScalar { IsNull: false } s ? new YNode[] { s } : [];
                if (screens is not null && screens is not YSequence && screens is not YScalar)
                    d.Error(screens.Pos, "'screens' in display.photodiode must be 'all' or a list of screen kinds");
                foreach (var item in items)
                {
                    if (item is YScalar si && PatchScreenNames.TryGetValue(si.Value, out var kind)) kinds.Add(kind);
                    else
                    {
                        string word = item is YScalar w ? w.Value : "(not a word)";
                        d.Error(item.Pos, $"'{word}' is not a screen kind: write 'all' or a list of {string.Join(", ", PatchScreenNames.Keys)}{Suggest.DidYouMean(word, PatchScreenNames.Keys)}");
                    }
                }
            }
            return new PhotodiodePatch
            {
                Enabled = r.Bool("enabled", true),
                Corner = r.Enum("corner", PatchCorner.TopLeft, PhotodiodePatch.CornerNames),
                SizePx = r.Int("size", PhotodiodePatch.DefaultSizePx, 1, 1000),
                Screens = kinds,
            };
        }
    }
}
