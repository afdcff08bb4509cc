using System.Text.Json;
using ExperimentRunner.Analysis.Design;

namespace ExperimentRunner.Analysis.Tests;

/// <summary>The design matrix and the figures of a small planned design against numpy (SPM's definitions, written
/// independently in design_numpy.py), to 1e-6.</summary>
public class DesignNumpyTests
{
    [NumpyTheory]
    [InlineData(false, 128.0)]
    [InlineData(true, 128.0)]
    [InlineData(false, 0.0)]
    public void TheMatrixAndEfficienciesOfASmallDesignMatchNumpy(bool derivative, double highPass)
    {
        var paradigm = TestParadigms.Load(TestParadigms.EventRelated("{uniform: [2s, 6s]}", extra: """
            design:
              contrasts: ["a_stim - b_stim", "a_stim + b_stim", "2*a_stim"]
            """));
        var report = DesignCheck.Run(paradigm, new DesignOptions { ParticipantId = "sub-01", TemporalDerivative = derivative, HighPassS = highPass });
        var run = Assert.Single(report.First.Runs);
        var labels = run.Matrix.Roles.Where(r => r.Label != null && !r.Derivative).Select(r => r.Label!).ToList();
        Assert.Equal(["a_stim", "b_stim"], labels);

        var input = new
        {
            tr = 2.0,
            scans = run.Matrix.Scans,
            high_pass = highPass,
            derivative,
            labels,
            events = run.Events.Events.Select(e => new { label = e.Label, onset = e.OnsetS, duration = e.DurationS }),
            contrasts = new[] { new[] { 1.0, -1.0 }, new[] { 1.0, 1.0 }, new[] { 2.0, 0.0 } },
        };
        string json = Path.Combine(Path.GetTempPath(), $"exrun-design-{Guid.NewGuid():N}.json");
        File.WriteAllText(json, JsonSerializer.Serialize(input));
        var (code, stdout, stderr) = Python.Run(Python.WithNumpy!, [Path.Combine(AppContext.BaseDirectory, "design_numpy.py"), json]);
        File.Delete(json);
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var x = doc.RootElement.GetProperty("X");
        Assert.Equal(run.Matrix.Scans, x.GetArrayLength());
        Assert.Equal(run.Matrix.Columns.Count, x[0].GetArrayLength());
        for (int i = 0; i < run.Matrix.Scans; i++)
            for (int j = 0; j < run.Matrix.Columns.Count; j++)
                Assert.True(Math.Abs(x[i][j].GetDouble() - run.Matrix.X[i, j]) < 1e-6, $"X[{i},{j}]: numpy {x[i][j].GetDouble()}, ours {run.Matrix.X[i, j]}");

        var efficiency = doc.RootElement.GetProperty("efficiency").EnumerateArray().Select(e => e.GetDouble()).ToList();
        Assert.Equal(3, run.Stats.Contrasts.Count);
        for (int c = 0; c < 3; c++)
        {
            Assert.True(run.Stats.Contrasts[c].Estimable);
            Assert.True(Math.Abs(efficiency[c] - run.Stats.Contrasts[c].Efficiency) < 1e-6 * Math.Max(1, efficiency[c]),
                $"{run.Stats.Contrasts[c].Text}: numpy {efficiency[c]}, ours {run.Stats.Contrasts[c].Efficiency}");
        }
        var corr = doc.RootElement.GetProperty("correlation");
        var vif = doc.RootElement.GetProperty("vif").EnumerateArray().Select(e => e.GetDouble()).ToList();
        for (int i = 0; i < vif.Count; i++)
        {
            Assert.True(Math.Abs(vif[i] - run.Stats.Vif[i]) < 1e-6 * vif[i], $"VIF {i}: numpy {vif[i]}, ours {run.Stats.Vif[i]}");
            for (int j = 0; j < vif.Count; j++)
                Assert.True(Math.Abs(corr[i][j].GetDouble() - run.Stats.Correlation[i, j]) < 1e-6, $"r[{i},{j}]");
        }
        // The figures are worth comparing only if the design is not degenerate.
        Assert.InRange(run.Stats.Contrasts[0].Efficiency, 0.01, 1e6);
    }
}
