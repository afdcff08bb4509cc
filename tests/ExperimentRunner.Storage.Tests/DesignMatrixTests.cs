using System.Text.Json;

namespace ExperimentRunner.Storage.Tests;

/// <summary>
/// Events an analyst can fit (issue 14 item 7): every events.tsv exported from a simulated session of every shipped
/// paradigm gives an HRF-convolved design matrix in numpy/pandas with trial_type as it is: one regressor per label,
/// each with events, no label shared by screens and responses, sidecar Levels exactly the labels that occur, every
/// row with an onset and a duration.
/// </summary>
public sealed class DesignMatrixTests
{
    private const string Script = """
        import json, math, sys
        import numpy as np
        import pandas as pd

        def hrf(t):
            # The canonical double gamma (peak 6 s, undershoot 16 s, ratio 1/6), t in seconds.
            g = lambda a: np.where(t > 0, t ** (a - 1) * np.exp(-t) / math.gamma(a), 0.0)
            return g(6) - g(16) / 6

        bad = []
        tr, dt = 2.0, 0.05
        for f in json.load(open(sys.argv[1])):
            name = f["events"]
            ev = pd.read_csv(name, sep="\t", na_values=["n/a"], keep_default_na=False, dtype={"trial_type": str})
            levels = json.load(open(f["sidecar"]))["trial_type"].get("Levels", {})
            types = sorted(ev["trial_type"].unique())
            if sorted(levels) != types:
                bad.append(f"{name}: sidecar Levels {sorted(levels)} but trial_type has {types}")
            if ev["onset"].isna().any() or ev["duration"].isna().any():
                bad.append(f"{name}: rows without onset or duration: {ev[ev['onset'].isna() | ev['duration'].isna()].head(3).to_dict('records')}")
            if ((ev["onset"] < 0) & ev["duration"].isna()).any():
                bad.append(f"{name}: a row has a negative onset and no duration")
            shared = set(ev[ev["event_type"] == "screen"]["trial_type"]) & set(ev[ev["event_type"] == "response"]["trial_type"])
            if shared:
                bad.append(f"{name}: screens and responses share the labels {sorted(shared)}")
            end = float((ev["onset"] + ev["duration"]).max())
            scans = int(math.ceil(end / tr)) + 16
            t = np.arange(0, scans * tr, dt)
            h = hrf(np.arange(0, 32, dt))
            columns = []
            for label in types:
                rows = ev[ev["trial_type"] == label]
                box = np.zeros_like(t)
                for onset, duration in zip(rows["onset"], rows["duration"]):
                    box[(t >= onset) & (t < onset + max(duration, dt))] = 1.0
                columns.append(np.convolve(box, h)[: len(t)][:: int(round(tr / dt))])
            X = np.column_stack(columns + [np.ones(len(columns[0]))])
            if not np.isfinite(X).all():
                bad.append(f"{name}: the design matrix has non-finite values")
            empty = [types[i] for i in range(len(types)) if np.abs(X[:, i]).max() == 0]
            if empty:
                bad.append(f"{name}: empty regressors {empty}")
            print(f"{name}: {X.shape[0]} scans x {X.shape[1]} regressors ({', '.join(types)})")
        print("\n".join(bad))
        sys.exit(1 if bad else 0)
        """;

    [PandasFact]
    public void Every_shipped_paradigm_exports_events_that_build_an_hrf_convolved_design_matrix_without_relabelling()
    {
        string python = ExternalTools.PythonWithPandas
            ?? throw new InvalidOperationException("CI=true but no python3 with pandas and numpy was found (apt install python3-pandas python3-numpy, or set PYTHON)");
        using var temp = new TempFolder();
        string repo = BidsValidatorTests.RepositoryRoot();
        string db = temp.File("study.db");
        ShippedSessions.SimulateAll(repo, db, "dm");
        string root = temp.File("bids");
        (int export, string exportOut, string exportErr) = Exrun.Run(repo, null, "export", "--db", db, "--format", "bids", "--out", root);
        Assert.True(export == 0, exportOut + exportErr);

        var files = Directory.EnumerateFiles(root, "*_events.tsv", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => new Dictionary<string, string> { ["events"] = f, ["sidecar"] = Path.ChangeExtension(f, ".json") }).ToList();
        // Every shipped paradigm has a scan: at least one events file per paradigm.
        Assert.True(files.Count >= Directory.EnumerateFiles(Path.Combine(repo, "paradigms"), "*.yaml").Count(), $"only {files.Count} events files");
        string spec = temp.File("files.json"), script = temp.File("design.py");
        File.WriteAllText(spec, JsonSerializer.Serialize(files));
        File.WriteAllText(script, Script);
        (int code, string stdout, string stderr) = ExternalTools.Run(python, [script, spec], TimeSpan.FromMinutes(3));
        Assert.True(code == 0, stdout + stderr);
    }
}
