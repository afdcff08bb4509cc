using System.CommandLine;
using ExperimentRunner.Analysis.Design;

namespace ExperimentRunner.Cli.Commands;

/// <summary>design: the fMRI design check of a paradigm's plan (issue 16); the work is in ExperimentRunner.Analysis.</summary>
public static class DesignCommands
{
    private static readonly Dictionary<string, SearchCriterion> Criteria = new()
    {
        ["min-efficiency"] = SearchCriterion.MinEfficiency,
        ["mean-efficiency"] = SearchCriterion.MeanEfficiency,
        ["max-vif"] = SearchCriterion.MaxVif,
        ["max-correlation"] = SearchCriterion.MaxCorrelation,
    };

    public static IEnumerable<Command> Create()
    {
        yield return Design();
    }

    private static Command Design()
    {
        var file = new Argument<string>("FILE") { Description = "Paradigm file (fMRI)." };
        var participant = ParadigmCommands.ParticipantOption();
        var session = ParadigmCommands.SessionOption();
        var seed = new Option<ulong?>("--seed") { Description = "Plan seed of the participant (as plan --seed); by default derived as for a session." };
        var participants = new Option<int>("--participants") { Description = "Summarise N participants' plans (the ID counted up: sub-01 … sub-N): min / median / max.", DefaultValueFactory = _ => 1 };
        var contrast = new Option<string[]>("--contrast") { Description = "A contrast of event labels (BIDS trial_type), e.g. \"rejection - acceptance\"; repeat for more. Replaces the paradigm's design.contrasts." };
        var highPass = new Option<double?>("--high-pass") { Description = "High-pass cut-off in seconds (0: none). Default: design.high_pass, else 128." };
        var derivative = new Option<bool>("--derivative") { Description = "Add each label's temporal derivative." };
        var maxR = new Option<double?>("--max-correlation") { Description = "Warn above this |r| (default: design.max_correlation, else 0.7)." };
        var maxVif = new Option<double?>("--max-vif") { Description = "Warn above this VIF (default: design.max_vif, else 5)." };
        var search = new Option<int>("--search") { Description = "Draw K other seeds for the participant and report the best (nothing is changed).", DefaultValueFactory = _ => 0 };
        var criterion = new Option<string>("--criterion") { Description = "What --search maximises: min-efficiency, mean-efficiency, max-vif or max-correlation (smallest wins for the last two).", DefaultValueFactory = _ => "min-efficiency" };
        criterion.AcceptOnlyFromAmong(Criteria.Keys.ToArray());
        var output = new Option<string?>("--out") { Description = "Folder for the pictures, the matrices (TSV) and index.md / index.html (created if missing)." };
        var command = new Command("design", "fMRI design check from the plan that will run: per run the design matrix at the TR (canonical HRF, high-pass), correlations, VIFs and contrast efficiencies, with warnings. Exit 0 checked, 2 invalid input or a paradigm the check does not apply to (PET, no scan run).")
        {
            file, participant, session, seed, participants, contrast, highPass, derivative, maxR, maxVif, search, criterion, output,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(file)!;
            var paradigm = ParadigmCommands.LoadOrThrow(path);
            var options = new DesignOptions
            {
                ParticipantId = ParadigmCommands.CheckParticipant(parse.GetValue(participant)!),
                SessionLabel = ParadigmCommands.CheckSessionLabel(parse.GetValue(session)!),
                Seed = parse.GetValue(seed),
                Participants = parse.GetValue(participants),
                Search = parse.GetValue(search),
                Criterion = Criteria[parse.GetValue(criterion)!],
                Contrasts = parse.GetValue(contrast) ?? [],
                HighPassS = parse.GetValue(highPass),
                TemporalDerivative = parse.GetValue(derivative) ? true : null,
                MaxCorrelation = parse.GetValue(maxR),
                MaxVif = parse.GetValue(maxVif),
            };
            DesignReport report;
            try { report = DesignCheck.Run(paradigm, options); }
            catch (DesignException e) when (e.NotApplicable) { throw new UserFacingException($"design: {e.Message}", ExitCodes.Invalid); }
            catch (DesignException e) { throw new UserFacingException(e.Message, ExitCodes.Invalid); }
            foreach (string line in DesignText.Lines(report, path)) Console.Out.WriteLine(line);
            if (parse.GetValue(output) is { } dir)
            {
                IReadOnlyList<string> files;
                try { files = DesignPage.Write(report, path, dir); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new UserFacingException($"cannot write the design report to {dir}: {e.Message}");
                }
                Console.Out.WriteLine($"wrote {files.Count} files; open {Path.Combine(dir, DesignPage.HtmlName)}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
