using System.Globalization;

namespace ExperimentRunner.Core.Paradigm;

/// <summary>Reads one YAML mapping against a list of known keys, reporting every problem with its position.</summary>
internal sealed class MapReader
{
    private readonly YMapping? _map;
    private readonly Diagnostics _d;
    private readonly string[] _known;
    private readonly string _context;

    public MapReader(YNode? node, string context, Diagnostics d, SourcePos fallback, params string[] known)
    {
        _d = d;
        _known = known;
        _context = context;
        Pos = node?.Pos ?? fallback;
        if (node is YMapping m) _map = m;
        else if (node != null && !(node is YScalar s && s.IsNull))
            d.Error(node.Pos, $"{context} must be a mapping of keys to values");
        if (_map != null)
        {
            foreach (var (key, _) in _map.Entries)
            {
                if (Array.IndexOf(known, key.Value) < 0)
                    d.Error(key.Pos, $"unknown key '{key.Value}' in {context}{Suggest.DidYouMean(key.Value, known)}; known keys: {string.Join(", ", known)}");
            }
        }
    }

    public SourcePos Pos { get; }

    public bool Exists => _map != null;

    public YNode? Node(string key) => _map?[key];

    public SourcePos PosOf(string key) => _map?.Entries.FirstOrDefault(e => e.Key.Value == key).Key?.Pos ?? Pos;

    public bool Has(string key) => Node(key) is { } n && !(n is YScalar s && s.IsNull);

    public string? OptString(string key)
    {
        var n = Node(key);
        if (n == null) return null;
        if (n is YScalar s) return s.IsNull ? null : s.Value;
        _d.Error(n.Pos, $"'{key}' in {_context} must be a text value");
        return null;
    }

    public string String(string key, string fallback) => OptString(key) ?? fallback;

    public string Required(string key)
    {
        var s = OptString(key);
        if (s is null || s.Length == 0)
        {
            if (Node(key) == null) _d.Error(Pos, $"{_context} needs '{key}'");
            return "";
        }
        return s;
    }

    public int Int(string key, int fallback, int min, int max)
    {
        var n = Node(key);
        if (n == null) return fallback;
        if (n is YScalar s && int.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
        {
            if (v < min || v > max)
            {
                _d.Error(n.Pos, $"'{key}' is {v}; it must be between {min} and {max}");
                return Math.Clamp(v, min, max);
            }
            return v;
        }
        _d.Error(n.Pos, $"'{key}' in {_context} must be a whole number");
        return fallback;
    }

    public int? OptInt(string key, int min, int max) => Has(key) ? Int(key, min, min, max) : null;

    public double Number(string key, double fallback, double min, double max)
    {
        var n = Node(key);
        if (n == null) return fallback;
        if (n is YScalar s && double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v))
        {
            if (v < min || v > max)
            {
                _d.Error(n.Pos, $"'{key}' is {v.ToString(CultureInfo.InvariantCulture)}; it must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}");
                return Math.Clamp(v, min, max);
            }
            return v;
        }
        _d.Error(n.Pos, $"'{key}' in {_context} must be a number");
        return fallback;
    }

    public bool Bool(string key, bool fallback)
    {
        var n = Node(key);
        if (n == null) return fallback;
        if (n is YScalar s)
        {
            switch (s.Value.ToLowerInvariant())
            {
                case "true": case "yes": case "on": return true;
                case "false": case "no": case "off": return false;
            }
        }
        _d.Error(n.Pos, $"'{key}' in {_context} must be true or false");
        return fallback;
    }

    public T Enum<T>(string key, T fallback, IReadOnlyDictionary<string, T> values)
    {
        var s = OptString(key);
        if (s == null) return fallback;
        if (values.TryGetValue(s.ToLowerInvariant(), out var v)) return v;
        _d.Error(Node(key)!.Pos, $"'{key}' is '{s}'; it must be one of {string.Join(", ", values.Keys)}{Suggest.DidYouMean(s, values.Keys)}");
        return fallback;
    }

    public IReadOnlyList<string> StringList(string key)
    {
        var n = Node(key);
        if (n == null || n is YScalar { IsNull: true }) return [];
        if (n is YScalar s) return [s.Value];
        if (n is YSequence seq)
        {
            var list = new List<string>();
            foreach (var item in seq.Items)
            {
                if (item is YScalar si) list.Add(si.Value);
                else _d.Error(item.Pos, $"items of '{key}' must be text values");
            }
            return list;
        }
        _d.Error(n.Pos, $"'{key}' in {_context} must be a value or a list of values");
        return [];
    }

    public IEnumerable<(YScalar Key, YNode Value)> Entries(string key)
    {
        var n = Node(key);
        if (n == null || n is YScalar { IsNull: true }) yield break;
        if (n is not YMapping m)
        {
            _d.Error(n.Pos, $"'{key}' in {_context} must be a mapping of names to definitions");
            yield break;
        }
        foreach (var (k, v) in m.Entries) yield return (k, v);
    }
}
