using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Vocabulary;

namespace ExperimentRunner.Hardware.ResponseBoxes;

/// <summary>
/// A Current Designs fORP box (or any button box) in keyboard mode: its buttons type keys, which come through the
/// normal key path (XInput2 reader, or the frame-polled fallback) stamped like any key. Keys of the box's map are
/// renamed to the keys they stand for and marked as from the box (<see cref="InputEvent.Device"/> "forp",
/// <see cref="InputSource.ResponseBox"/>); without a map the digits 1–9 are its buttons. The box's trigger key (its
/// scanner pulse, '5' or 't') passes unchanged, for the key trigger source (<c>--scanner key:5</c>); other keys are
/// the keyboard's. Allocation-free.
/// </summary>
public sealed class ForpInput : IInput
{
    private readonly IInput _keys;
    private readonly Dictionary<string, string> _map;

    public ForpInput(IInput keys, ResponseBoxSpec spec)
    {
        _keys = keys;
        TriggerKey = spec.TriggerKey;
        _map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (spec.Keys.Count > 0)
            foreach (var (button, key) in spec.Keys) _map[KeyNames.Normalize(button)] = key;
        else
            for (char c = '1'; c <= '9'; c++) _map[KeyNames.Normalize(c.ToString())] = KeyNames.Normalize(c.ToString());
        if (TriggerKey != null) _map.Remove(TriggerKey);
    }

    /// <summary>The key the box types for a scanner pulse, or null.</summary>
    public string? TriggerKey { get; }

    public string Timing => _keys.Timing;

    public string? Fault => _keys.Fault;

    public int Poll(Span<InputEvent> buffer)
    {
        int n = _keys.Poll(buffer);
        for (int i = 0; i < n; i++)
        {
            ref var e = ref buffer[i];
            if (e.Source == InputSource.Mouse || !_map.TryGetValue(e.Key, out string? key)) continue;
            e = e with { Key = key, Source = InputSource.ResponseBox, Device = "forp" };
        }
        return n;
    }

    public void SceneShown(SceneSpec scene, long onsetNs, long timeLimitNs, double cursorStart) =>
        _keys.SceneShown(scene, onsetNs, timeLimitNs, cursorStart);
}
