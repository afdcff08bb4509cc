using System.CommandLine;
using System.Globalization;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Simulation;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Core.Vocabulary;
using ExperimentRunner.Presentation;
using ExperimentRunner.Presentation.Gl;
using ExperimentRunner.Presentation.Input;
using Spectre.Console;

namespace ExperimentRunner.Cli.Commands;

/// <summary>
/// timing-test: measurements of this machine's timing paths anyone can run, each behind its own option
/// (<c>--keys N</c>; <c>--photodiode DEVICE</c> with <c>--audio</c>: TimingTestCommands.Photodiode.cs).
/// </summary>
public static partial class TimingTestCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return TimingTest();
    }

    /// <summary>The target of issue 19: stamp − injection p99 at most this, ms.</summary>
    public const double KeyTargetP99Ms = 1.0;

    private static Command TimingTest()
    {
        var keys = new Option<int>("--keys") { Description = "Press a key N times at random moments through XTEST (needs an X server: Xvfb will do) and report stamp - injection and the stamps' phase in the frame." };
        var key = new Option<string>("--key") { Description = "The key pressed.", DefaultValueFactory = _ => "5" };
        var input = new Option<string>("--input") { Description = "xinput2 (keys stamped on arrival, as run uses) or frame-polled (SDL's queue after each flip, the fallback; needs --display window).", DefaultValueFactory = _ => InputTimings.XInput2 };
        input.AcceptOnlyFromAmong(InputTimings.XInput2, InputTimings.FramePolled);
        var display = new Option<string?>("--display") { Description = "keys: paced (flips paced on the clock, no GL; the default) or window (an SDL window on the X server); photodiode: fullscreen (the default), window or offscreen." };
        display.AcceptOnlyFromAmong("paced", "window", "fullscreen", "offscreen");
        var refresh = new Option<double>("--refresh") { Description = "Refresh rate of the paced display, Hz.", DefaultValueFactory = _ => 60 };
        var seed = new Option<int>("--seed") { Description = "Seeds the moments of the presses.", DefaultValueFactory = _ => 1 };
        var priority = new Option<bool>("--realtime-priority") { Description = "Run the key reader under the real-time FIFO scheduler, as run --realtime-priority does (root or CAP_SYS_NICE)." };
        var photodiode = PhotodiodeOptions.Create();
        var responseBox = ResponseBoxArguments.Option();
        responseBox.Description = $"Check a response box instead: {ResponseBoxSpec.Grammar} (xid-sim: a simulated one). Shows what it is, its clock's alignment and drift, and how late its presses arrive.";
        var boxPresses = new Option<int>("--presses") { Description = "With --response-box: presses to wait for (a real box: pressed by you).", DefaultValueFactory = _ => 20 };
        var command = new Command("timing-test", "Measure this machine's timing paths: key stamping (--keys), the display's light onsets with a photodiode (--photodiode) and sound onsets (--audio), a response box (--response-box); not a session.")
        {
            keys, key, input, display, refresh, seed, priority, responseBox, boxPresses,
        };
        photodiode.AddTo(command);
        command.SetAction(parse =>
        {
            if (parse.GetValue(responseBox) is { } box)
            {
                if (parse.GetValue(photodiode.Device) != null || parse.GetValue(keys) != 0) throw new UserFacingException("--response-box is a separate measurement from --keys and --photodiode: run one at a time", ExitCodes.Invalid);
                return TimingTestResponseBox.Run(AnsiConsole.Console, box, parse.GetValue(boxPresses), 120);
            }
            if (parse.GetValue(photodiode.Device) is { } sensor)
            {
                if (parse.GetValue(keys) != 0) throw new UserFacingException("--keys and --photodiode are separate measurements: run one at a time", ExitCodes.Invalid);
                return Photodiode(AnsiConsole.Console, sensor, parse.GetValue(display) ?? "fullscreen", parse.GetValue(refresh), parse, photodiode);
            }
            if (parse.GetValue(photodiode.Audio))
                throw new UserFacingException("--audio goes with --photodiode (its clicks are played with the flashes)", ExitCodes.Invalid);
            int n = parse.GetValue(keys);
            if (n <= 0) throw new UserFacingException("nothing to measure: give --keys N (N above 0), --photodiode DEVICE or --response-box SPEC", ExitCodes.Invalid);
            if (n > 100_000) throw new UserFacingException("--keys: at most 100000 presses", ExitCodes.Invalid);
            double hz = parse.GetValue(refresh);
            if (hz is < 10 or > 1000) throw new UserFacingException("--refresh must be from 10 to 1000 Hz", ExitCodes.Invalid);
            string keysDisplay = parse.GetValue(display) ?? "paced";
            if (keysDisplay is not ("paced" or "window")) throw new UserFacingException($"--keys takes --display paced or window, not {keysDisplay}", ExitCodes.Invalid);
            return Keys(AnsiConsole.Console, n, parse.GetValue(key)!, parse.GetValue(input)!, keysDisplay, hz, parse.GetValue(seed), parse.GetValue(priority));
        });
        return command;
    }

    /// <summary>A font for the window's overlay: the shipped one above the program, or the system's DejaVu Sans.</summary>
    private static string AnyFont()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            string shipped = Path.Combine(dir.FullName, "stimuli", "fonts", "DejaVuSans.ttf");
            if (File.Exists(shipped)) return shipped;
        }
        return "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    }

    private static int Keys(IAnsiConsole console, int presses, string key, string inputPath, string displayKind, double hz, int seed, bool realtime)
    {
        if (!Core.Vocabulary.KeyNames.TryNormalize(key, out string name) || name.StartsWith("mouse", StringComparison.Ordinal))
            throw new UserFacingException($"--key: '{key}' is not a key name ({Core.Vocabulary.KeyNames.Hint})", ExitCodes.Invalid);
        if (inputPath == InputTimings.FramePolled && displayKind != "window")
            throw new UserFacingException("--input frame-polled needs --display window: SDL reads keys only for a window of its own", ExitCodes.Invalid);
        var clock = new MonotonicClock();
        using var injector = XTestInjector.TryOpen(clock, null, out string why)
            ?? throw new UserFacingException($"timing-test --keys needs an X server with XTEST: {why} (here: xvfb-run -a exrun timing-test --keys {presses})", ExitCodes.Failure);

        IDisplay display;
        try
        {
            display = displayKind == "window"
                ? new GlDisplay(new DisplayStyle { FontPath = AnyFont(), Width = 640, Height = 360, ExpectedRefreshHz = hz }, new GlDisplayOptions { Mode = DisplayMode.Window, Title = "exrun timing-test" }, clock)
                : new SimulatedDisplay(clock, hz, width: 640, height: 360);
        }
        catch (GlUnavailableException e)
        {
            throw new UserFacingException($"--display window: {e.Message}", ExitCodes.Failure);
        }
        using var _ = display;
        IDisposable owner;
        IInput input;
        if (inputPath == InputTimings.XInput2)
        {
            var reader = X11KeyReader.TryOpen(clock, null, out why, onReaderThread: realtime ? () => Operator.RealtimeScheduling.TryEnter(50) : null) ?? throw new UserFacingException($"--input xinput2: {why}", ExitCodes.Failure);
            var precise = new PreciseInput(reader, null);
            (input, owner) = (precise, precise);
        }
        else
        {
            var sdl = new SdlInput(clock);
            (input, owner) = (sdl, sdl);
        }
        using var __ = owner;

        console.MarkupLine($"timing-test: {presses} presses of '{Markup.Escape(name)}' through XTEST, input {inputPath}, display {displayKind} ({display.RefreshHz.ToString("0.##", CultureInfo.InvariantCulture)} Hz, {display.Timing}); about {presses * 0.12:0} s");
        var result = KeyTimingTest.Run(display, input, injector, clock, presses, name, seed);
        string scheduling = input is PreciseInput p && realtime ? p.Reader.ThreadSetup is "" ? "real-time (SCHED_FIFO 50)" : $"normal ({p.Reader.ThreadSetup})" : "normal";
        var t = new Table().Border(TableBorder.Rounded).Title("[bold]keys: stamp - injection[/]");
        t.AddColumn("figure");
        t.AddColumn("value");
        var inv = CultureInfo.InvariantCulture;
        t.AddRow("input path", result.InputTiming);
        t.AddRow("key reader scheduling", Markup.Escape(scheduling));
        t.AddRow("presses stamped", $"{result.Stamped} of {result.Injected}");
        t.AddRow("mean / SD (ms)", $"{result.MeanMs.ToString("0.000", inv)} / {result.SdMs.ToString("0.000", inv)}");
        t.AddRow("p50 / p99 / max (ms)", $"{result.P50Ms.ToString("0.000", inv)} / {result.P99Ms.ToString("0.000", inv)} / {result.MaxMs.ToString("0.000", inv)}");
        t.AddRow("phase after flip (tenths of a frame)", string.Join(" ", result.PhaseDeciles));
        t.AddRow("stamps cluster after flips", $"{(result.ClusteredAfterFlips ? "yes" : "no")} ({result.EarlyShare.ToString("P0", inv)} in the first three tenths; 30% is even)");
        t.AddRow($"p99 target ({KeyTargetP99Ms.ToString("0.#", inv)} ms)", result.P99Ms <= KeyTargetP99Ms ? "[green]pass[/]" : "[yellow]MISS[/]");
        console.Write(t);
        Console.WriteLine(result.Summary());
        if (result.Stamped < result.Injected)
            Console.Error.WriteLine($"exrun: warning: {result.Injected - result.Stamped} presses were never stamped (frame-polled: does the window have the keyboard focus?)");
        return ExitCodes.Ok;
    }
}
