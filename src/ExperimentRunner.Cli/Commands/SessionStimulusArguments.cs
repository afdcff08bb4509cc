using System.CommandLine;
using System.Security.Cryptography;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Presentation.Composition;
using ExperimentRunner.Storage;
using Spectre.Console;

namespace ExperimentRunner.Cli.Commands;

/// <summary>
/// <c>--stimulus NAME=PATH</c> of run and simulate: fills the paradigm's per-session stimulus slots
/// (<c>session_stimuli:</c>) before the plan is made. Every slot must be filled, every file must exist and decode,
/// before the session starts; a copy of each goes into the study, named by its SHA-256.
/// </summary>
public static class SessionStimulusArguments
{
    /// <summary>A file larger than this is refused (a photo is a few MB; a copy goes into the study).</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    public static Option<string[]> Option() => new("--stimulus")
    {
        Description = "A per-session stimulus NAME=PATH for the paradigm's session_stimuli slot NAME (repeat for each slot).",
    };

    /// <summary>
    /// The slots filled from <paramref name="arguments"/>; a missing one is asked for when <paramref name="ask"/> is given
    /// (run at a terminal), else refused with exit 2, as is an unknown slot, a missing file or one that does not decode.
    /// </summary>
    public static IReadOnlyList<SessionStimulus> Resolve(ParadigmModel paradigm, IEnumerable<string>? arguments, Func<string, string>? ask)
    {
        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string text in arguments ?? [])
        {
            (string slot, string path) parsed;
            try { parsed = SessionStimuli.ParseArgument(text); }
            catch (FormatException e) { throw new UserFacingException(e.Message, ExitCodes.Invalid); }
            if (!paradigm.SessionStimulusSlots.Contains(parsed.slot))
                throw new UserFacingException(paradigm.SessionStimulusSlots.Count == 0
                    ? $"--stimulus {parsed.slot}=…: {paradigm.Metadata.Name} declares no session stimuli"
                    : $"--stimulus {parsed.slot}=…: no session stimulus '{parsed.slot}'{Suggest.DidYouMean(parsed.slot, paradigm.SessionStimulusSlots)}; the paradigm's: {string.Join(", ", paradigm.SessionStimulusSlots)}", ExitCodes.Invalid);
            if (!given.TryAdd(parsed.slot, parsed.path)) throw new UserFacingException($"--stimulus {parsed.slot} is given twice", ExitCodes.Invalid);
        }
        foreach (string slot in SessionStimuli.Missing(paradigm, given.Keys))
        {
            if (ask == null)
                throw new UserFacingException($"the paradigm shows a per-session stimulus '{slot}' that was not given: add --stimulus {slot}=PATH (slots: {string.Join(", ", paradigm.SessionStimulusSlots)})", ExitCodes.Invalid);
            given[slot] = ask(slot);
        }
        var result = new List<SessionStimulus>();
        foreach (string slot in paradigm.SessionStimulusSlots)
        {
            string path = Path.GetFullPath(given[slot]);
            var file = new StimulusFile(StimulusKind.Image, path, new SourcePos("--stimulus", 1, 1), $"the session stimulus '{slot}'");
            if (StimulusCheck.Problem(file) is { } problem)
                throw new UserFacingException($"--stimulus {slot}={given[slot]}: the file {problem}", ExitCodes.Invalid);
            long length = new FileInfo(path).Length;
            if (length > MaxBytes) throw new UserFacingException($"--stimulus {slot}: the file has {length:N0} bytes; at most {MaxBytes:N0}", ExitCodes.Invalid);
            string sha;
            using (var stream = File.OpenRead(path)) sha = Convert.ToHexStringLower(SHA256.HashData(stream));
            result.Add(new SessionStimulus(slot, path, sha, SessionStimuli.StimFileOf(sha, path)));
        }
        return result;
    }

    /// <summary>At a terminal: asks for each missing slot's file.</summary>
    public static Func<string, string>? AskAtTerminal() => Console.IsInputRedirected ? null
        : slot => AnsiConsole.Ask<string>($"File for the session stimulus [bold]{Markup.Escape(slot)}[/]:");

    /// <summary>Stores a copy of each file in the study (by its dataset name), before the session starts.</summary>
    public static void Store(LiteDbStore store, IReadOnlyList<SessionStimulus> stimuli)
    {
        try { store.StoreStimuli(stimuli.Select(s => (s.StimFile, File.ReadAllBytes(s.Path))).ToList()); }
        catch (IOException e) { throw new UserFacingException($"the per-session stimuli could not be stored: {e.Message}", ExitCodes.Failure); }
    }
}
