using ExperimentRunner.Core.Paradigm;

namespace ExperimentRunner.Storage.Tests;

/// <summary>The sessions a shipped paradigm declares (its phases' <c>session:</c>), in order; ["1"] when it declares none.</summary>
internal static class ShippedSessions
{
    public static IReadOnlyList<string> Of(string paradigm)
    {
        ParadigmModel p = ParadigmLoader.Load(paradigm).Paradigm ?? throw new InvalidOperationException($"{paradigm} does not load");
        var labels = p.Phases.SelectMany(ph => ph.Sessions).Distinct().Order(StringComparer.Ordinal).ToList();
        return labels.Count == 0 ? ["1"] : labels;
    }

    /// <summary>Simulates every declared session of every shipped paradigm for one participant each, into <paramref name="db"/>.</summary>
    public static void SimulateAll(string repo, string db, string participantPrefix)
    {
        int n = 0;
        foreach (string paradigm in Directory.EnumerateFiles(Path.Combine(repo, "paradigms"), "*.yaml").Order(StringComparer.Ordinal))
        {
            n++;
            foreach (string session in Of(paradigm))
            {
                (int code, string stdout, string stderr) = Exrun.Run(repo, null, "simulate", paradigm, "--participant", $"{participantPrefix}{n}", "--session", session, "--db", db);
                Assert.True(code == 0, $"simulate {paradigm} --session {session}: {stdout}{stderr}");
            }
        }
        Assert.True(n > 0, "no paradigms/*.yaml to simulate");
    }
}
