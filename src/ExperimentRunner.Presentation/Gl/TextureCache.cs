using ExperimentRunner.Core.Devices;
using ExperimentRunner.Presentation.Composition;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Gl;

/// <summary>
/// Composed screens as GL textures, keyed by <see cref="SceneSpec.Key"/>. <see cref="Prepare"/> composes (decoding
/// images) and uploads ahead of time; GPU memory is bounded by a budget: scenes outside the current Prepare set are
/// evicted, least recently shown first, to make room. Lookups in the frame loop are allocation-free.
/// </summary>
internal sealed partial class TextureCache : IDisposable
{
    public sealed class Entry
    {
        public required uint Texture { get; init; }
        public required SceneLayout Layout { get; init; }
        public required long Bytes { get; init; }
        /// <summary>A counter value, bigger = more recently prepared or shown.</summary>
        public long LastUsed;
        public int Generation;
        /// <summary>Where the texture goes on the screen, pixels: the part of the screen that differs from the background.</summary>
        public int X { get; init; }
        public int Y { get; init; }
        public int Width { get; init; }
        public int Height { get; init; }
        /// <summary>The whole screen's block hashes, to draw only what differs from the screen before (null: draw it whole).</summary>
        public ScreenBlocks? Blocks { get; init; }
    }

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly GlRenderer _renderer;
    private readonly SceneComposer _composer;
    private long _clock;
    private int _generation;

    public TextureCache(GlRenderer renderer, SceneComposer composer, long budgetBytes, Func<SceneComposer>? newComposer = null, int composeThreads = 0)
    {
        _newComposer = newComposer;
        _composeThreads = composeThreads > 0 ? composeThreads : Environment.ProcessorCount;
        if (budgetBytes <= 0) throw new ArgumentOutOfRangeException(nameof(budgetBytes), "the texture budget must be positive");
        _renderer = renderer;
        _composer = composer;
        BudgetBytes = budgetBytes;
    }

    /// <summary>Most bytes of scene textures kept on the GPU.</summary>
    public long BudgetBytes { get; }
    /// <summary>Bytes of scene textures held now.</summary>
    public long UsedBytes { get; private set; }
    public int Count => _entries.Count;

    public bool Contains(string key) => _entries.ContainsKey(key);

    /// <summary>The entry for a key, marked as just used; false when the scene is not prepared. Allocation-free.</summary>
    public bool TryUse(string key, out Entry entry)
    {
        if (!_entries.TryGetValue(key, out entry!)) return false;
        entry.LastUsed = ++_clock;
        return true;
    }

    /// <summary>
    /// Makes every scene ready. Progress is reported in percent (0–100) of the scenes of this call. Throws
    /// <see cref="SceneCompositionException"/> naming the screen when one cannot be composed, and
    /// <see cref="InvalidOperationException"/> when the set alone does not fit the budget.
    /// </summary>
    /// <param name="betweenScenes">Called after each composed screen (the display pumps the window's events there, so a
    /// long Prepare never looks like a hung window to the window manager).</param>
    public void Prepare(IReadOnlyCollection<SceneSpec> scenes, IProgress<int>? progress, Action? betweenScenes = null)
    {
        _generation++;
        var missing = new List<SceneSpec>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var scene in scenes)
        {
            if (!seen.Add(scene.Key)) continue;
            if (_entries.TryGetValue(scene.Key, out var e)) { e.Generation = _generation; e.LastUsed = ++_clock; }
            else missing.Add(scene);
        }
        long each = 4L * _composer.Width * _composer.Height;
        long needed = each * missing.Count;
        long inSet = each * seen.Count;
        if (inSet > BudgetBytes)
            throw new InvalidOperationException(
                $"The {seen.Count} screens to prepare need {inSet >> 20} MiB of textures at {_composer.Width}×{_composer.Height}, " +
                $"more than the budget of {BudgetBytes >> 20} MiB: prepare fewer screens at a time (per block), or raise the texture budget.");
        Evict(needed);

        progress?.Report(0);
        if (ComposeInParallel(missing, each, progress, betweenScenes)) return;
        if (missing.Count == 0)
        {
            progress?.Report(100);
            return;
        }
        using var images = new ImageStore();
        using SKBitmap bitmap = _composer.NewBitmap();
        int done = 0;
        foreach (var scene in missing)
        {
            Add(scene.Key, bitmap, _composer.ComposeInto(bitmap, scene, images));
            done++;
            betweenScenes?.Invoke();
            progress?.Report((int)(100L * done / missing.Count));
        }
        progress?.Report(100);
    }

    private void Evict(long needed)
    {
        if (UsedBytes + needed <= BudgetBytes) return;
        var candidates = new List<KeyValuePair<string, Entry>>();
        foreach (var kv in _entries)
            if (kv.Value.Generation != _generation) candidates.Add(kv);
        candidates.Sort((a, b) => a.Value.LastUsed.CompareTo(b.Value.LastUsed));
        foreach (var (key, entry) in candidates)
        {
            if (UsedBytes + needed <= BudgetBytes) break;
            _renderer.DeleteTexture(entry.Texture);
            _entries.Remove(key);
            UsedBytes -= entry.Bytes;
        }
    }

    public void Dispose()
    {
        foreach (var e in _entries.Values) _renderer.DeleteTexture(e.Texture);
        _entries.Clear();
        UsedBytes = 0;
    }
}
