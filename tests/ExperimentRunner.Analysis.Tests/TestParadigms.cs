using ExperimentRunner.Core.Paradigm;

namespace ExperimentRunner.Analysis.Tests;

/// <summary>Small fMRI paradigms written for a test, each in its own folder with the shipped font beside it.</summary>
public static class TestParadigms
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ExperimentRunner.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found");
    }

    public static string Shipped(string name) => Path.Combine(Root, "paradigms", name);

    /// <summary>An event-related paradigm: one scan run of mixed trials (a stimulus screen, then a fixation of
    /// <paramref name="iti"/>), with <paramref name="extra"/> appended at the top level.</summary>
    public static string EventRelated(string iti, string mix = "{a: 12, b: 12}", string stimulus = "1s", string extra = "", int volumes = 300) => $$"""
        version: 1
        metadata:
          name: test-design
        responses:
          button1: "1"
        display:
          refresh_hz: 60
        scanner:
          modality: fmri
          tr: 2s
          dummy_scans: 0
          volumes: {{volumes}}
          trigger: key:5
          end: after_last_event
        conditions:
          a: {}
          b: {}
        trials:
          t:
            screens:
              - name: stim
                show: text
                text: "+"
                duration: {{stimulus}}
              - name: iti
                show: fixation
                duration: {{iti}}
        phases:
          - scan:
              name: task
              runs: 1
              trial: t
              blocks:
                - label: mixed
                  mix: {{mix}}
              lead_in: 4s
              lead_out: 12s
        {{extra}}
        """;

    /// <summary>Writes <paramref name="text"/> as a paradigm file and loads it; fails the test on any error.</summary>
    public static ParadigmModel Load(string text)
    {
        var result = TryLoad(text);
        if (!result.IsValid) throw new Xunit.Sdk.XunitException(string.Join("\n", result.Diagnostics));
        return result.Paradigm!;
    }

    public static LoadResult TryLoad(string text) => ParadigmLoader.Load(Write(text));

    public static string Write(string text)
    {
        string dir = Path.Combine(Path.GetTempPath(), "exrun-design-tests", Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(dir, "fonts"));
        File.Copy(Path.Combine(Root, "stimuli", "fonts", "DejaVuSans.ttf"), Path.Combine(dir, "fonts", "DejaVuSans.ttf"));
        string path = Path.Combine(dir, "paradigm.yaml");
        File.WriteAllText(path, text);
        return path;
    }
}
