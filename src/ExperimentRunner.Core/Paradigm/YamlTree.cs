using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ExperimentRunner.Core.Paradigm;

/// <summary>A YAML node with its position. Our own tree, so that duplicate keys, aliases and sizes are under our control.</summary>
public abstract class YNode
{
    public required SourcePos Pos { get; init; }
}

public sealed class YScalar : YNode
{
    public required string Value { get; init; }
    /// <summary>True for plain (unquoted) scalars: only those can be null, numbers or booleans.</summary>
    public bool Plain { get; init; }

    public bool IsNull => Plain && Value is "" or "~" or "null" or "Null" or "NULL";
}

public sealed class YSequence : YNode
{
    public List<YNode> Items { get; } = [];
}

public sealed class YMapping : YNode
{
    public List<KeyValuePair<YScalar, YNode>> Entries { get; } = [];

    public YNode? this[string key] => Entries.FirstOrDefault(e => e.Key.Value == key).Value;
}

/// <summary>
/// Reads a paradigm file into a <see cref="YNode"/> tree. Untrusted input: limits on size, depth, node count and
/// alias expansion; no tags that construct objects; every problem reported with its position.
/// </summary>
public static class YamlTree
{
    public const int MaxBytes = 2 * 1024 * 1024;
    public const int MaxDepth = 64;
    /// <summary>Nodes after alias expansion: a paradigm is a few thousand; a billion-laughs document is millions.</summary>
    public const int MaxExpandedNodes = 200_000;

    public static YNode? Parse(string file, string text, Diagnostics diagnostics)
    {
        if (text.Length > MaxBytes)
        {
            diagnostics.Error(new SourcePos(file, 1, 1), $"the file is larger than {MaxBytes / 1024 / 1024} MiB; a paradigm file is a few KiB");
            return null;
        }
        if (string.IsNullOrWhiteSpace(text) || text.Split('\n').All(l => l.TrimStart().StartsWith('#') || l.Trim().Length == 0))
        {
            diagnostics.Error(new SourcePos(file, 1, 1), "the file is empty; a paradigm starts with 'version: 1'");
            return null;
        }
        // Tabs in indentation are the commonest slip in hand-edited YAML: locate each one exactly.
        var lines = text.Split('\n');
        bool tabs = false;
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            int j = 0;
            while (j < line.Length && (line[j] == ' ' || line[j] == '\t'))
            {
                if (line[j] == '\t')
                {
                    diagnostics.Error(new SourcePos(file, i + 1, j + 1), "tab character in the indentation; YAML indents with spaces only");
                    tabs = true;
                    break;
                }
                j++;
            }
        }
        if (tabs) return null;
        var parser = new Parser(new StringReader(text));
        var state = new State(file, diagnostics);
        try
        {
            parser.Consume<StreamStart>();
            if (!parser.Accept<DocumentStart>(out _))
            {
                diagnostics.Error(new SourcePos(file, 1, 1), "the file holds no YAML document");
                return null;
            }
            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, state, 0);
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out var extra))
            {
                diagnostics.Error(Pos(file, extra.Start), "a paradigm file holds one YAML document; remove the second '---'");
            }
            if (root != null && state.Failed) return null;
            if (root != null && Expanded(root, 0, new Counter()) > MaxExpandedNodes)
            {
                diagnostics.Error(state.FirstAlias ?? root.Pos,
                    $"aliases expand this document beyond {MaxExpandedNodes:N0} nodes (an alias bomb?); write the structure out or use fewer aliases");
                return null;
            }
            return root;
        }
        catch (YamlException e)
        {
            diagnostics.Error(Pos(file, e.Start), Describe(e, text));
            return null;
        }
        catch (DepthException e)
        {
            diagnostics.Error(e.Pos, $"nesting deeper than {MaxDepth} levels");
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner gives up on some malformed input without a YamlException (found by the fuzz test:
            // an unclosed '[' before a block mapping). Locate it where its tokens stop.
            diagnostics.Error(LastGoodMark(file, text), "the YAML is malformed after this point (an unclosed '[', '{' or quote?); the parser could not read on");
            return null;
        }
    }

    /// <summary>Where the last token a fresh scanner can read ends (1:1 when none can be read).</summary>
    private static SourcePos LastGoodMark(string file, string text)
    {
        var last = new SourcePos(file, 1, 1);
        try
        {
            var scanner = new Scanner(new StringReader(text));
            while (scanner.MoveNext())
                if (scanner.Current is { } token) last = Pos(file, token.End);
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            // Where it stopped is what we wanted.
        }
        return last;
    }

    private static string Describe(YamlException e, string text)
    {
        string message = e.Message;
        int idx = message.IndexOf("): ", StringComparison.Ordinal);
        if (idx >= 0) message = message[(idx + 3)..];
        // A tab used for indentation is the most common cause of a scanner error.
        var lines = text.Split('\n');
        int line = (int)e.Start.Line - 1;
        if (line >= 0 && line < lines.Length && lines[line].TrimEnd('\r').Contains('\t'))
            return $"tab character in the YAML (indent with spaces only): {message}";
        if (message.Contains("end of stream", StringComparison.OrdinalIgnoreCase) || message.Contains("While scanning", StringComparison.Ordinal))
            return $"the YAML is malformed or truncated: {message}";
        return $"the YAML is malformed: {message}";
    }

    private sealed class State(string file, Diagnostics diagnostics)
    {
        public string File { get; } = file;
        public Diagnostics Diagnostics { get; } = diagnostics;
        public Dictionary<string, YNode> Anchors { get; } = new(StringComparer.Ordinal);
        public SourcePos? FirstAlias { get; set; }
        public bool Failed { get; set; }
    }

    private sealed class Counter { public int Value; }

    private sealed class DepthException(SourcePos pos) : Exception { public SourcePos Pos { get; } = pos; }

    private static SourcePos Pos(string file, Mark mark) => new(file, (int)mark.Line, (int)mark.Column);

    private static int Expanded(YNode node, int depth, Counter counter)
    {
        if (++counter.Value > MaxExpandedNodes || depth > MaxDepth * 4) return MaxExpandedNodes + 1;
        switch (node)
        {
            case YSequence s:
                foreach (var item in s.Items) if (Expanded(item, depth + 1, counter) > MaxExpandedNodes) return MaxExpandedNodes + 1;
                break;
            case YMapping m:
                foreach (var e in m.Entries) if (Expanded(e.Value, depth + 1, counter) > MaxExpandedNodes) return MaxExpandedNodes + 1;
                break;
        }
        return counter.Value;
    }

    private static YNode? ReadNode(IParser parser, State state, int depth)
    {
        if (depth > MaxDepth) throw new DepthException(Pos(state.File, parser.Current!.Start));
        var ev = parser.Current!;
        switch (ev)
        {
            case AnchorAlias alias:
            {
                parser.MoveNext();
                var pos = Pos(state.File, alias.Start);
                state.FirstAlias ??= pos;
                if (state.Anchors.TryGetValue(alias.Value.Value, out var target)) return target;
                state.Diagnostics.Error(pos, $"alias '*{alias.Value.Value}' names no anchor defined before it");
                state.Failed = true;
                return null;
            }
            case Scalar scalar:
            {
                parser.MoveNext();
                CheckTag(scalar.Tag, scalar.Start, state);
                var node = new YScalar
                {
                    Pos = Pos(state.File, scalar.Start),
                    Value = scalar.Value,
                    Plain = scalar.Style == ScalarStyle.Plain && scalar.Tag.IsEmpty,
                };
                Remember(scalar.Anchor, node, state);
                return node;
            }
            case SequenceStart seqStart:
            {
                parser.MoveNext();
                CheckTag(seqStart.Tag, seqStart.Start, state);
                var node = new YSequence { Pos = Pos(state.File, seqStart.Start) };
                Remember(seqStart.Anchor, node, state);
                while (!parser.Accept<SequenceEnd>(out _))
                {
                    var item = ReadNode(parser, state, depth + 1);
                    if (item != null) node.Items.Add(item);
                }
                parser.MoveNext();
                return node;
            }
            case MappingStart mapStart:
            {
                parser.MoveNext();
                CheckTag(mapStart.Tag, mapStart.Start, state);
                var node = new YMapping { Pos = Pos(state.File, mapStart.Start) };
                Remember(mapStart.Anchor, node, state);
                var seen = new Dictionary<string, SourcePos>(StringComparer.Ordinal);
                while (!parser.Accept<MappingEnd>(out _))
                {
                    var keyNode = ReadNode(parser, state, depth + 1);
                    var value = ReadNode(parser, state, depth + 1);
                    if (keyNode is not YScalar key)
                    {
                        if (keyNode != null) state.Diagnostics.Error(keyNode.Pos, "keys must be plain names, not lists or mappings");
                        state.Failed = true;
                        continue;
                    }
                    if (key.Value == "<<")
                    {
                        state.Diagnostics.Error(key.Pos, "merge keys ('<<') are not supported; write the keys out");
                        state.Failed = true;
                        continue;
                    }
                    if (seen.TryGetValue(key.Value, out var first))
                    {
                        state.Diagnostics.Error(key.Pos, $"duplicate key '{key.Value}' (first at line {first.Line}); each key may appear once");
                        continue;
                    }
                    seen[key.Value] = key.Pos;
                    if (value != null) node.Entries.Add(new(key, value));
                }
                parser.MoveNext();
                return node;
            }
            default:
                throw new YamlException(ev.Start, ev.End, $"unexpected {ev.GetType().Name}");
        }
    }

    private static void Remember(AnchorName anchor, YNode node, State state)
    {
        if (!anchor.IsEmpty) state.Anchors[anchor.Value] = node;
    }

    private static void CheckTag(TagName tag, Mark start, State state)
    {
        if (tag.IsEmpty || tag.IsNonSpecific) return;
        string t = tag.Value;
        if (t.StartsWith("tag:yaml.org,2002:", StringComparison.Ordinal) &&
            t[18..] is "str" or "int" or "float" or "bool" or "null" or "seq" or "map") return;
        state.Diagnostics.Error(Pos(state.File, start), $"tag '{t}' is not allowed in a paradigm file (tags could construct objects)");
        state.Failed = true;
    }
}
