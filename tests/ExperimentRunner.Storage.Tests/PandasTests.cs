using System.Text.Json;
using System.Text.RegularExpressions;
using ExperimentRunner.Storage.Export;

namespace ExperimentRunner.Storage.Tests;

/// <summary>EXPORTS.md is the contract: every exported column is documented there with a pandas dtype, and pandas
/// reads every exported table with exactly those dtypes.</summary>
public sealed class PandasTests
{
    /// <summary>A documented table; <see cref="Optional"/> names columns documented as present "only where" something holds.</summary>
    private sealed record DocTable(string Heading, Regex FileName, List<(string Column, string Dtype)> Columns, HashSet<string> Optional);

    private static string ExportsMd()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            string candidate = Path.Combine(dir, "src", "ExperimentRunner.Storage", "EXPORTS.md");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("src/ExperimentRunner.Storage/EXPORTS.md not found above the test's folder");
    }

    private static List<DocTable> ReadDocs()
    {
        var tables = new List<DocTable>();
        DocTable? current = null;
        foreach (string line in File.ReadAllLines(ExportsMd()))
        {
            if (line.StartsWith("### ", StringComparison.Ordinal))
            {
                string heading = line[4..].Trim().Trim('`');
                string pattern = "^" + Regex.Escape(heading).Replace("\\*", ".*").Replace("<p>", "[A-Za-z0-9]+") + (heading.Contains('.') ? "$" : "\\.(tsv|csv)$");
                current = new DocTable(heading, new Regex(pattern), new List<(string, string)>(), new HashSet<string>());
                tables.Add(current);
                continue;
            }
            if (line.StartsWith("## ", StringComparison.Ordinal)) current = null;
            Match row = Regex.Match(line, @"^\| `([^`]+)` \| (str|float64|int64|Int64) \|");
            if (row.Success && current is not null)
            {
                current.Columns.Add((row.Groups[1].Value, row.Groups[2].Value));
                if (line[row.Length..].TrimStart().StartsWith("only where", StringComparison.Ordinal)) current.Optional.Add(row.Groups[1].Value);
            }
        }
        return tables;
    }

    private static string? DtypeOf(DocTable doc, string column)
    {
        foreach ((string name, string dtype) in doc.Columns)
        {
            if (name == column) return dtype;
            if (name.Contains('<') && Regex.IsMatch(column, "^" + Regex.Replace(Regex.Escape(name), @"<[a-z]+>", "[a-z0-9_]+") + "$")) return dtype;
        }
        return null;
    }

    [Fact]
    public void Every_exported_column_is_documented_with_its_dtype()
    {
        using var temp = new TempFolder();
        var specs = ExportAll(temp, ExportTests.CreateStudy(temp, flips: true));
        Assert.NotEmpty(specs);
    }

    [PandasFact]
    public void Pandas_loads_every_exported_table_with_the_documented_dtypes()
    {
        using var temp = new TempFolder();
        CheckWithPandas(temp, ExportAll(temp, ExportTests.CreateStudy(temp, flips: true)));
    }

    [PandasFact]
    public void Pandas_loads_the_tables_of_simulated_sessions_of_every_shipped_paradigm_with_the_documented_dtypes()
    {
        using var temp = new TempFolder();
        string repo = BidsValidatorTests.RepositoryRoot();
        string db = temp.File("sim.db");
        int n = 0;
        foreach (string paradigm in Directory.EnumerateFiles(Path.Combine(repo, "paradigms"), "*.yaml").Order(StringComparer.Ordinal))
        {
            (int code, string stdout, string stderr) = Exrun.Run(repo, null, "simulate", paradigm, "--participant", $"0{++n}", "--session", "01", "--db", db);
            Assert.True(code == 0, $"simulate {paradigm}: {stdout}{stderr}");
        }
        CheckWithPandas(temp, ExportAll(temp, db, Path.Combine(repo, "stimuli")));
    }

    private static void CheckWithPandas(TempFolder temp, List<Dictionary<string, object>> specs)
    {
        string python = ExternalTools.PythonWithPandas
            ?? throw new InvalidOperationException("CI=true but no python3 with pandas was found (apt install python3-pandas, or set PYTHON)");
        string specPath = temp.File("spec.json");
        File.WriteAllText(specPath, JsonSerializer.Serialize(specs));
        string script = temp.File("check.py");
        File.WriteAllText(script, """
            import json, sys
            import pandas as pd
            bad = []
            for f in json.load(open(sys.argv[1])):
                dtypes = f["dtypes"]
                try:
                    df = pd.read_csv(f["path"], sep=f["sep"], na_values=["n/a"], keep_default_na=False,
                                     dtype={c: (str if t == "str" else t) for c, t in dtypes.items()})
                except Exception as e:
                    bad.append(f"{f['path']}: {e}")
                    continue
                for c, t in dtypes.items():
                    want = "object" if t == "str" else t
                    if str(df[c].dtype) != want:
                        bad.append(f"{f['path']}: {c} is {df[c].dtype}, documented {t}")
                inferred = pd.read_csv(f["path"], sep=f["sep"], na_values=["n/a"], keep_default_na=False,
                                       dtype={c: str for c, t in dtypes.items() if t == "str"})
                for c, t in dtypes.items():
                    if t != "str" and not pd.api.types.is_numeric_dtype(inferred[c]):
                        bad.append(f"{f['path']}: {c} is not numeric when pandas infers it ({inferred[c].dtype})")
            print("\n".join(bad))
            sys.exit(1 if bad else 0)
            """);
        (int code, string stdout, string stderr) = ExternalTools.Run(python, [script, specPath], TimeSpan.FromMinutes(3));
        Assert.True(code == 0, stdout + stderr);
    }

    /// <summary>Exports TSV, CSV and BIDS; checks every column of every table against EXPORTS.md; returns what pandas
    /// should read (path, separator, dtype of each column).</summary>
    private static List<Dictionary<string, object>> ExportAll(TempFolder temp, string db, string? stimuli = null)
    {
        stimuli ??= ExportTests.CreateStimuli(temp);
        var docs = ReadDocs();
        Assert.Contains(docs, d => d.Heading == "trials");
        var specs = new List<Dictionary<string, object>>();
        foreach (ExportFormat format in new[] { ExportFormat.Tsv, ExportFormat.Csv, ExportFormat.Bids })
        {
            ExportResult result = ExportTests.Export(db, format, temp.File(format.ToString()), stimuli: stimuli);
            foreach (string file in result.Files.Where(f => f.EndsWith(".tsv", StringComparison.Ordinal) || f.EndsWith(".csv", StringComparison.Ordinal)))
            {
                string name = Path.GetFileName(file);
                DocTable doc = docs.FirstOrDefault(d => d.FileName.IsMatch(name))
                    ?? throw new Xunit.Sdk.XunitException($"{name} has no section in EXPORTS.md");
                string path = Path.Combine(result.Root, file);
                char sep = name.EndsWith(".csv", StringComparison.Ordinal) ? ',' : '\t';
                string[] header = File.ReadLines(path).First().Split(sep);
                var dtypes = new Dictionary<string, string>();
                foreach (string column in header)
                    dtypes[column] = DtypeOf(doc, column) ?? throw new Xunit.Sdk.XunitException($"{name}: column {column} is not documented in EXPORTS.md ({doc.Heading})");
                foreach ((string column, _) in doc.Columns.Where(c => !c.Column.Contains('<') && !doc.Optional.Contains(c.Column)))
                    Assert.True(header.Contains(column), $"EXPORTS.md documents {column} for {doc.Heading}, but {name} has no such column");
                specs.Add(new Dictionary<string, object> { ["path"] = path, ["sep"] = sep.ToString(), ["dtypes"] = dtypes });
            }
        }
        return specs;
    }
}
