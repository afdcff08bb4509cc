using System.CommandLine;
using Spectre.Console;

namespace ExperimentRunner.Cli.Commands;

/// <summary>demo: everything exrun does, on the shipped fMRI paradigm, in about a minute, into data/.</summary>
public static class DemoCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Demo();
    }

    /// <summary>The repository folder holding paradigms/ and stimuli/: the working folder or one above the program.</summary>
    public static string FindHome()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "paradigms", "social-feedback-fmri.yaml"))) return dir.FullName;
        throw new UserFacingException("cannot find paradigms/social-feedback-fmri.yaml; run the demo from the repository folder", ExitCodes.Failure);
    }

    private static Command Demo()
    {
        var display = new Option<string>("--display") { Description = "offscreen (default) or window (needs a desktop or Xvfb).", DefaultValueFactory = _ => "offscreen" };
        display.AcceptOnlyFromAmong("offscreen", "window");
        var seconds = new Option<double>("--seconds") { Description = "Length of the real-time part, seconds.", DefaultValueFactory = _ => 40 };
        var output = new Option<string>("--out") { Description = "Folder for the demo's database and files.", DefaultValueFactory = _ => "data/demo" };
        var command = new Command("demo", "A demo session: validate, plan, simulate a whole session, export it (BIDS, TSV), report its timing, preview every screen, then run the scan part in real time offscreen with an emulated scanner and a simulated participant.")
        {
            display, seconds, output,
        };
        command.SetAction(parse =>
        {
            string home = FindHome();
            Environment.CurrentDirectory = home;
            string outDir = parse.GetValue(output)!;
            if (Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true);
            Directory.CreateDirectory(outDir);
            string paradigm = "paradigms/social-feedback-fmri.yaml";
            string db = Path.Combine(outDir, "study.db");
            var steps = new List<(string Title, string[] Args)>
            {
                ("Check every shipped paradigm", ["validate", "paradigms/social-feedback-fmri.yaml", "paradigms/social-feedback-pet.yaml", "paradigms/social-judgment-fmri.yaml"]),
                ("Plan what participant demo01 will see", ["plan", paradigm, "--participant", "demo01", "--out", Path.Combine(outDir, "plan-demo01.tsv")]),
                ("Simulate the whole session on the virtual clock (5% of scanner pulses lost)", ["simulate", paradigm, "--participant", "demo01", "--db", db, "--scanner-dropout", "0.05"]),
                ("Export it for analysts (BIDS)", ["export", "--db", db, "--format", "bids", "--out", Path.Combine(outDir, "bids")]),
                ("Export it as wide and long tables", ["export", "--db", db, "--format", "tsv", "--out", Path.Combine(outDir, "tables")]),
            };
            steps.Add(("Timing QC report", ["report", "--db", db, "--out", Path.Combine(outDir, "report")]));
            foreach (var screen in new[] { "instructions", "selection", "profile", "feedback", "rating", "questionnaire", "wait" })
                steps.Add(($"Preview: {screen}", ["preview", paradigm, "--screen", screen, "--out", Path.Combine(outDir, "previews", screen + ".png")]));
            // demo01 again: the run skips the selection and shows the profiles demo01 selected in the simulation.
            steps.Add(("The scan in real time: offscreen display, emulated scanner, simulated participant", [
                "run", paradigm, "--participant", "demo01", "--session", "1", "--db", db, "--display", parse.GetValue(display)!, "--scanner", "emulate",
                "--responder", "default", "--skip", "welcome,resilience_pre,selection,baseline,scanner_intro",
                "--max-seconds", parse.GetValue(seconds).ToString(System.Globalization.CultureInfo.InvariantCulture)]));
            foreach (var (title, args) in steps)
            {
                AnsiConsole.MarkupLine($"\n[bold blue]» {Markup.Escape(title)}[/]  [grey]exrun {Markup.Escape(string.Join(' ', args))}[/]");
                int code = Program.Invoke(args);
                if (code != ExitCodes.Ok) throw new UserFacingException($"the demo step '{title}' failed (exit {code})", code);
            }
            AnsiConsole.MarkupLine($"\n[green bold]Demo done.[/] Everything is in [bold]{Markup.Escape(Path.GetFullPath(outDir))}[/]: study.db, plan, bids/, tables/, previews/, report/index.html.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
