using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExperimentRunner.Core.Paradigm;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ExperimentRunner.Core.Tests;

/// <summary>
/// The JSON schema (paradigms/schema/paradigm.schema.json, what an editor checks as a researcher types) against the
/// loader (what <c>exrun validate</c> checks): every file the loader takes, the schema takes; every key the loader
/// refuses as unknown, the schema refuses too. A key added to one and not the other fails here.
/// </summary>
public sealed class SchemaTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(Repo.Root, "paradigms", "schema", "paradigm.schema.json"))));

    public static IEnumerable<object[]> Files() =>
        Repo.ShippedParadigms()
            .Concat(Directory.GetFiles(Path.Combine(Repo.Root, "tests", "Fixtures"), "*.yaml", SearchOption.AllDirectories))
            .Select(f => new object[] { Path.GetRelativePath(Repo.Root, f) });

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryFileTheLoaderTakesTheSchemaTakes(string file)
    {
        string path = Path.Combine(Repo.Root, file);
        Assert.True(ParadigmLoader.Load(path).IsValid);
        var errors = SchemaErrors(File.ReadAllText(path));
        Assert.True(errors.Count == 0, $"{file} is valid for exrun but not for the schema:\n{string.Join("\n", errors)}");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryKeyTheLoaderRefusesAsUnknownTheSchemaRefusesToo(string file)
    {
        string path = Path.Combine(Repo.Root, file);
        string text = File.ReadAllText(path);
        using var mirror = new Mirror(Path.GetDirectoryName(path)!);
        var missed = new List<string>();
        int tried = 0;
        foreach (var (where, key) in KeysOnce(text))
        {
            // The key misspelt in place: same line, same column, so nothing else in the file moves.
            var lines = text.Split('\n');
            string line = lines[key.Start.Line - 1];
            int end = (int)key.Start.Column - 1 + key.Value!.Length;
            lines[key.Start.Line - 1] = line[..end] + "_x" + line[end..];
            string mutant = string.Join('\n', lines);
            var loaded = ParadigmLoader.Load(mirror.Write(mutant));
            if (!loaded.Diagnostics.Any(d => d.Severity == Severity.Error && d.Message.StartsWith($"unknown key '{key.Value}_x'", StringComparison.Ordinal)))
                continue;
            tried++;
            if (SchemaErrors(mutant).Count == 0) missed.Add($"{where} (line {key.Start.Line})");
        }
        Assert.True(tried > 0, "no key of the file was refused by the loader when misspelt: the test checked nothing");
        Assert.True(missed.Count == 0, $"{file}: exrun refuses these keys misspelt, the schema takes them:\n{string.Join("\n", missed)}");
    }

    /// <summary>Each mapping key once per place in the document's shape (list items and names of conditions, screens
    /// … are one place), so a file of 40 trials costs as much as one.</summary>
    private static IEnumerable<(string Where, YamlScalarNode Key)> KeysOnce(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var found = new List<(string, YamlScalarNode)>();
        void Walk(YamlNode node, string where)
        {
            switch (node)
            {
                case YamlMappingNode m:
                    foreach (var (k, v) in m.Children)
                    {
                        if (k is not YamlScalarNode key || key.Value is null) continue;
                        string here = $"{where}/{key.Value}";
                        if (seen.Add(here)) found.Add((here, key));
                        Walk(v, here);
                    }
                    break;
                case YamlSequenceNode s:
                    foreach (var item in s.Children) Walk(item, where + "[]");
                    break;
            }
        }
        Walk(stream.Documents[0].RootNode, "");
        return found;
    }

    private static List<string> SchemaErrors(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var json = ToJson(stream.Documents[0].RootNode);
        var element = JsonSerializer.SerializeToElement(json);
        var result = Schema.Value.Evaluate(element, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return [];
        return (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).Distinct().ToList();
    }

    /// <summary>YAML as a JSON editor sees it: plain scalars that read as numbers, booleans or null are those; the rest strings.</summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode m => new JsonObject(m.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", ToJson(c.Value)))),
        YamlSequenceNode s => new JsonArray(s.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain } p => Plain(p.Value ?? ""),
        YamlScalarNode q => JsonValue.Create(q.Value ?? ""),
        _ => null,
    };

    private static JsonNode? Plain(string v)
    {
        if (v is "" or "~" or "null" or "Null" or "NULL") return null;
        if (v is "true" or "True" or "TRUE") return JsonValue.Create(true);
        if (v is "false" or "False" or "FALSE") return JsonValue.Create(false);
        if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l)) return JsonValue.Create(l);
        if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && v.Any(char.IsAsciiDigit)) return JsonValue.Create(d);
        return JsonValue.Create(v);
    }

    /// <summary>A scratch copy of a paradigm's folder (with its relative paths to ../stimuli intact) to load mutants from.</summary>
    private sealed class Mirror : IDisposable
    {
        private readonly string _root = Path.Combine(Path.GetTempPath(), $"exrun-schema-{Guid.NewGuid():N}");
        private readonly string _folder;
        private int _n;

        public Mirror(string folder)
        {
            _folder = Path.Combine(_root, "paradigms");
            Copy(folder, _folder);
            File.CreateSymbolicLink(Path.Combine(_root, "stimuli"), Path.Combine(Repo.Root, "stimuli"));
        }

        private static void Copy(string from, string to)
        {
            Directory.CreateDirectory(to);
            foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
            foreach (var d in Directory.GetDirectories(from)) Copy(d, Path.Combine(to, Path.GetFileName(d)));
        }

        public string Write(string text)
        {
            var path = Path.Combine(_folder, $"mutant-{_n++}.yaml");
            File.WriteAllText(path, text);
            return path;
        }

        public void Dispose()
        {
            try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
