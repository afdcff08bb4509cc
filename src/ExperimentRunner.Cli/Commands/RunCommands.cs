using System.CommandLine;
using System.Globalization;
using ExperimentRunner.Cli.Operator;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Simulation;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Core.Vocabulary;
using ExperimentRunner.Hardware.Markers;
using ExperimentRunner.Hardware.ResponseBoxes;
using ExperimentRunner.Hardware.Triggers;
using ExperimentRunner.Presentation;
using ExperimentRunner.Presentation.Audio;
using ExperimentRunner.Presentation.Composition;
using ExperimentRunner.Presentation.Gl;
using ExperimentRunner.Presentation.Input;
using ExperimentRunner.Storage;
using SkiaSharp;
using Spectre.Console;

namespace ExperimentRunner.Cli.Commands;

/// <summary>run: a real session in real time, with preflight and the operator's live view.</summary>
public static class RunCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Run();
    }

    /// <summary>Everything `run` needs, parsed from the command line.</summary>
    public sealed record RunRequest
    {
        public required string File { get; init; }
        public required string Participant { get; init; }
        public string Session { get; init; } = "1";
        public string Db { get; init; } = StudyFiles.DefaultPath;
        public string Display { get; init; } = "window";
        public int Monitor { get; init; }
        public string? Scanner { get; init; }
        public IReadOnlyList<string> Markers { get; init; } = [];
        public double? MaxSeconds { get; init; }
        public string? Responder { get; init; }
        public string? Arm { get; init; }
        public IReadOnlyList<string> Overrides { get; init; } = [];
        public string[] Skip { get; init; } = [];
        /// <summary>Start at this scan run (1-based), taking the selection from this participant's earlier session record.</summary>
        public int? Run { get; init; }
        /// <summary>Run the frame loop under SCHED_FIFO (real GPUs; with a software renderer it starves the renderer's threads).</summary>
        public bool RealtimePriority { get; init; }
        /// <summary>--photodiode-patch: draw the photodiode patch even where the paradigm does not declare one (issue 18).</summary>
        public bool PhotodiodePatch { get; init; }
        public string? ParticipantPhoto { get; init; }
        /// <summary>--stimulus NAME=PATH: the paradigm's per-session stimuli (asked for at a terminal when missing).</summary>
        public IReadOnlyList<string> Stimuli { get; init; } = [];
        public ResumePoint? Resume { get; init; }
        public string? SessionId { get; init; }
        public ulong? Seed { get; init; }
        /// <summary>Show the live view (a terminal) or print plain progress lines.</summary>
        public bool Live { get; init; } = !Console.IsOutputRedirected;
        /// <summary>--response-box: a Cedrus XID box, a simulated one, or a fORP in keyboard mode (<see cref="ResponseBoxSpec"/>).</summary>
        public string? ResponseBox { get; init; }
    }

    private static Command Run()
    {
        var file = new Argument<string>("FILE") { Description = "Paradigm file." };
        var participant = ParadigmCommands.ParticipantOption(required: false);
        var session = new Option<string?>("--session") { Description = "Session label (BIDS ses-<label>); asked for when missing." };
        var db = SessionCommands.DbOption();
        var display = new Option<string>("--display") { Description = "window, fullscreen or offscreen.", DefaultValueFactory = _ => "window" };
        display.AcceptOnlyFromAmong("window", "fullscreen", "offscreen");
        var monitor = new Option<int>("--monitor") { Description = "Display index for fullscreen (0 = first).", DefaultValueFactory = _ => 0 };
        var scanner = new Option<string?>("--scanner") { Description = $"Trigger source: {TriggerSpec.Grammar} (default: the paradigm's)." };
        var markers = new Option<string[]>("--markers") { Description = $"Marker outputs, any number: {MarkerSpec.Grammar}.", AllowMultipleArgumentsPerToken = true };
        var maxSeconds = new Option<double?>("--max-seconds") { Description = "Stop cleanly after S seconds (pilots); data kept." };
        var responder = new Option<string?>("--responder") { Description = "Let a simulated participant answer (dry runs, demos): a policy as for simulate, or 'default'." };
        var arm = new Option<string?>("--arm") { Description = "Blinded arm code (stored, never shown)." };
        var overrides = new Option<string[]>("--override") { Description = "Start despite these failed preflight checks (by name, or 'all'); recorded with the session.", AllowMultipleArgumentsPerToken = true };
        var photo = new Option<string?>("--participant-photo") { Description = "The participant's own photo for feedback screens." };
        var skip = SessionCommands.SkipOption();
        var runOption = new Option<int?>("--run") { Description = "Start at this scan run (later runs of a multi-run session); the selection comes from the participant's earlier record in --db." };
        var stimulus = SessionStimulusArguments.Option();
        var responseBox = ResponseBoxArguments.Option();
        var priority = new Option<bool>("--realtime-priority") { Description = "Run the frame loop under the real-time FIFO scheduler (needs root or CAP_SYS_NICE; for real GPUs, not software rendering)." };
        var patch = new Option<bool>("--photodiode-patch") { Description = "Draw the photodiode patch (display.photodiode's corner and size, else top-left, 50 px), turned over at each screen's onset, for a light sensor." };
        var command = new Command("run", "A real session in real time: preflight, then the paradigm on the participant's screen, with the operator's live view.")
        {
            file, participant, session, db, display, monitor, scanner, markers, maxSeconds, responder, arm, overrides, photo, skip, priority, runOption, stimulus, patch, responseBox,
        };
        command.SetAction(parse =>
        {
            string? id = parse.GetValue(participant);
            string? label = parse.GetValue(session);
            if (id == null || label == null)
            {
                if (Console.IsInputRedirected)
                    throw new UserFacingException("--participant and --session are needed (no terminal to ask on)", ExitCodes.Invalid);
                id ??= AnsiConsole.Ask<string>("Participant ID (pseudonymous, e.g. sub-07):");
                label ??= AnsiConsole.Ask("Session label:", "1");
            }
            var request = new RunRequest
            {
                File = parse.GetValue(file)!,
                Participant = ParadigmCommands.CheckParticipant(id),
                Session = ParadigmCommands.CheckSessionLabel(label),
                Db = parse.GetValue(db)!,
                Display = parse.GetValue(display)!,
                Monitor = parse.GetValue(monitor),
                Scanner = parse.GetValue(scanner),
                Markers = parse.GetValue(markers) ?? [],
                MaxSeconds = parse.GetValue(maxSeconds),
                Responder = parse.GetValue(responder),
                Arm = parse.GetValue(arm),
                Overrides = parse.GetValue(overrides) ?? [],
                ParticipantPhoto = parse.GetValue(photo),
                Skip = parse.GetValue(skip) ?? [],
                RealtimePriority = parse.GetValue(priority),
                Run = parse.GetValue(runOption),
                Stimuli = parse.GetValue(stimulus) ?? [],
                PhotodiodePatch = parse.GetValue(patch),
                ResponseBox = parse.GetValue(responseBox),
            };
            return Execute(request, AnsiConsole.Console);
        });
        return command;
    }

    /// <summary>Preflight, then the session; returns the exit code. Used by run, resume and demo.</summary>
    public static int Execute(RunRequest r, IAnsiConsole console)
    {
        var clock = new MonotonicClock();
        var pre = new Preflight();
        ParadigmModel paradigm = ParadigmCommands.LoadOrThrow(r.File);
        pre.Pass("paradigm valid", $"{paradigm.Metadata.Name} (sha256 {paradigm.Sha256[..12]}…)");
        // Per-session stimuli: asked for at a terminal, else refused (exit 2); preflight decodes them with the rest.
        var sessionStimuli = SessionStimulusArguments.Resolve(paradigm, r.Stimuli, SessionStimulusArguments.AskAtTerminal());
        paradigm = SessionStimuli.Fill(paradigm, sessionStimuli);
        string? arm = SessionCommands.CheckArm(paradigm, r.Arm);
        if (r.MaxSeconds is <= 0) throw new UserFacingException("--max-seconds must be above 0", ExitCodes.Invalid);
        ResponderPolicy? policy = null;
        if (r.Responder != null)
        {
            try { policy = ResponderPolicy.Parse(r.Responder); }
            catch (FormatException e) { throw new UserFacingException(e.Message, ExitCodes.Invalid); }
        }
        // Device specifications are arguments: a malformed one (or an unknown key) exits 2 before anything is opened.
        var mode = DeviceArgument("--display", () => GlDisplayOptions.ParseMode(r.Display));
        var triggerSpec = r.Scanner is null
            ? TriggerSpec.Parse(paradigm.Scanner.Trigger) // checked by the loader
            : DeviceArgument("--scanner", () => TriggerSpec.Parse(r.Scanner).CheckTr(paradigm.Scanner.TrNs));
        var markerSpecs = DeviceArgument("--markers", () => r.Markers.Select(MarkerSpec.Parse).ToList());
        var boxSpec = r.ResponseBox is null ? null : DeviceArgument("--response-box", () => ResponseBoxSpec.Parse(r.ResponseBox));
        string? photo = r.ParticipantPhoto;
        if (photo != null && !File.Exists(photo)) throw new UserFacingException($"--participant-photo {photo} does not exist", ExitCodes.Invalid);

        Plan plan;
        try { plan = Planner.Make(paradigm, new SessionFacts(r.Participant, r.Session, r.Seed)); }
        catch (PlanException e) { throw new UserFacingException($"{e.Pos}: error: {e.Message}", ExitCodes.Invalid); }
        if (r.Run is int startRun)
        {
            if (plan.Runs.All(x => x.Index != startRun))
                throw new UserFacingException($"--run {startRun}: the paradigm has {plan.Runs.Count()} scan run(s)", ExitCodes.Invalid);
            r = r with { Resume = new ResumePoint(startRun, 1, []) };
        }
        // Refused here, before any device opens, where no selection can be had (the same check as simulate's).
        var skipPhases = SessionCommands.CheckSkip(paradigm, r.Skip);
        var earlier = SessionCommands.EarlierSelection(plan, skipPhases, r.Resume, r.Db);
        if (r.Resume != null && earlier.Count > 0) r = r with { Resume = r.Resume with { Selections = earlier } };

        pre.CheckStimuli(paradigm, photo);
        pre.Check("clock resolution", () => (object)Preflight.ClockResolutionNs(), v => $"{v} ns per step (high resolution: {System.Diagnostics.Stopwatch.IsHighResolution})", "use a machine with a high-resolution monotonic clock");

        // Database: writable, room for the session.
        var dbFolder = Path.GetDirectoryName(Path.GetFullPath(r.Db))!;
        try
        {
            StudyFiles.EnsureFolder(dbFolder);
            var free = new DriveInfo(dbFolder).AvailableFreeSpace;
            if (free < 200L * 1024 * 1024) pre.Fail("disk space", $"{free / 1024 / 1024} MiB free in {dbFolder}", "free at least 200 MiB or choose another --db");
            else pre.Pass("disk space", $"{free / 1024 / 1024 / 1024.0:0.#} GiB free in {dbFolder}");
        }
        catch (Exception e) { pre.Fail("disk space", e.Message, "choose a writable --db folder"); }
        LiteDbStore? store = null;
        try
        {
            store = SessionCommands.OpenStore(r.Db);
            pre.Pass("database writable", Path.GetFullPath(r.Db) + (StudyFiles.PasswordFromEnvironment() != null ? " (encrypted)" : ""));
        }
        catch (UserFacingException e) { pre.Fail("database writable", e.Message, "check the path, its permissions and EXRUN_DB_PASSWORD"); }

        // Display: found, refresh measured against the paradigm's.
        GlDisplay? display = null;
        try
        {
            display = new GlDisplay(RigPreflight.Style(paradigm.Display, r.PhotodiodePatch), new GlDisplayOptions { Mode = mode, Monitor = r.Monitor, Title = "ExperimentRunner" }, clock);
            double expected = paradigm.Display.ExpectedRefreshHz;
            string found = $"{display.Size.Width}x{display.Size.Height}, {display.RefreshHz:0.00} Hz measured, {display.Timing} ({display.VideoDriver}; {display.Renderer})";
            if (display.Timing != "vsync")
                pre.Warn("display and refresh", found, "no vertical-blank sync here: flips are paced on the clock and the run is marked unsynchronised");
            else if (Math.Abs(display.RefreshHz - expected) > expected * 0.01)
                pre.Fail("display and refresh", found + $"; the paradigm expects {expected:0.##} Hz", $"set the monitor to {expected:0.##} Hz or change display.refresh_hz");
            else pre.Pass("display and refresh", found);
        }
        catch (Exception e) when (e is not UserFacingException)
        {
            pre.Fail("display and refresh", e.Message, "check the monitor, --display and --monitor (offscreen needs Mesa EGL)");
        }

        // Trigger source and marker outputs.
        var triggerOptions = new TriggerOptions { Clock = clock, TrNs = paradigm.Scanner.TrNs };
        ITriggerSource? trigger = pre.Check("trigger source", () => TriggerSources.Open(triggerSpec, triggerOptions),
            t => t.Description, $"check the cable and --scanner ({TriggerSpec.Grammar})");
        MarkerRecorder? markers = markerSpecs.Count == 0 ? MarkerRecorder.None : null;
        if (markerSpecs.Count > 0)
            markers = pre.Check("marker outputs", () => MarkerRecorder.Open(markerSpecs, clock), m => m.Description, $"check the marker specs ({MarkerSpec.Grammar})");
        else pre.Pass("marker outputs", "none asked for");
        ResponseBoxDevice? box = boxSpec is null ? null
            : pre.Check("response box", () => ResponseBoxDevice.Open(boxSpec, clock), b => b.Alignment is { } a ? $"{b.Description}; {a}" : b.Description,
                $"check the box's cable, mode and --response-box ({ResponseBoxSpec.Grammar})");

        // Input: keys stamped on arrival (XInput2) or, where that cannot be had, at the next frame (marked so).
        InputChoice? keys = null;
        try
        {
            // With --realtime-priority the key reader runs above the frame loop, so a spinning flip never delays a stamp.
            keys = InputPaths.Open(clock, display?.RefreshHz ?? paradigm.Display.ExpectedRefreshHz, display?.X11Window ?? 0,
                r.RealtimePriority ? () => RealtimeScheduling.TryEnter(50) : null);
            if (keys.Precise) pre.Pass("input path", keys.Detail);
            else pre.Warn("input path", keys.Detail, keys.Remedy ?? "");
        }
        catch (Exception e) when (e is not UserFacingException)
        {
            pre.Fail("input path", e.Message, "check SDL2 (libsdl2-2.0-0) and the display");
        }

        RigPreflight.Patch(pre, RigPreflight.Style(paradigm.Display, r.PhotodiodePatch), display);
        RigPreflight.AudioOnset(pre, paradigm, mode, clock);
        var (prejitted, prejitTook) = FramePathPrejit.Run(new[] { typeof(SessionRunner), typeof(GlDisplay), typeof(LiteDbStore), typeof(TriggerSources), typeof(RunCommands) }.Select(t => t.Assembly));
        pre.Pass("frame path compiled", $"{prejitted:N0} methods in {prejitTook.TotalSeconds:0.0} s, of ExperimentRunner compiled before the first flip, not inside a frame");
        console.Write(pre.ToTable());
        var blocking = pre.Blocking(r.Overrides);
        if (blocking.Count > 0 || store == null || display == null || trigger == null || keys == null)
        {
            box?.Dispose();
            keys?.Owner.Dispose();
            display?.Dispose();
            trigger?.Dispose();
            markers?.Dispose();
            store?.Dispose();
            throw new UserFacingException($"preflight failed: {string.Join(", ", blocking)}. Fix it, or start anyway with --override \"{(blocking.Count > 0 ? blocking[0] : "NAME")}\" (recorded with the session).", ExitCodes.Failure);
        }
        var overridden = pre.Rows.Where(x => !x.Passed).Select(x => x.Name).ToList();

        markers?.RecordInto(store);
        SessionStimulusArguments.Store(store, sessionStimuli);
        var live = new LiveStatus();
        IInput input;
        SdlAudio? audio = null;
        try
        {
            IInput keyInput = box?.ForKeys(keys.Input) ?? keys.Input;
            input = policy == null ? keyInput : new CombinedInput(keyInput, WithBox(box, new SimulatedParticipant(clock, paradigm, policy, DetRandom.Derive(plan.Seed, "responder"))));
            bool usesSound = paradigm.Trials.Values.SelectMany(t => t.Screens).Any(x => x.Sound != null);
            if (usesSound)
            {
                // Offscreen runs (tests, demos) have no sound card: SDL's dummy driver keeps the timing path honest.
                string? driver = mode == DisplayMode.Offscreen && Environment.GetEnvironmentVariable("SDL_AUDIODRIVER") is null ? "dummy" : null;
                audio = new SdlAudio(clock, new SdlAudioOptions { Driver = driver });
            }
        }
        catch (Exception e)
        {
            box?.Dispose();
            keys.Owner.Dispose();
            display.Dispose();
            store.Dispose();
            throw new UserFacingException($"audio could not start: {e.Message}", ExitCodes.Failure);
        }
        using var terminal = new TerminalOperator();
        var options = new SessionOptions
        {
            SessionId = r.SessionId ?? SessionCommands.NewSessionId(r.Participant, r.Session),
            Mode = "run",
            ArmCode = arm,
            Resume = r.Resume,
            MaxDurationNs = r.MaxSeconds is double s ? Ns.FromSeconds(s) : 0,
            Overrides = overridden.Count == 0 ? null : string.Join(", ", overridden),
            SoftwareVersion = SessionCommands.SoftwareVersion,
            SoftwareCommit = SessionCommands.SoftwareCommit,
            MarkersDescription = markers?.Description ?? "",
            ResponseBoxDescription = box?.Description,
            ParticipantPhoto = photo,
            SessionStimuli = sessionStimuli,
            SkipPhases = skipPhases,
            EarlierSelections = r.Resume == null ? earlier : [],
            Live = live,
        };
        var devices = new SessionDevices
        {
            Clock = clock, Display = display, Input = input, Trigger = trigger, Sink = store, Audio = audio,
            Markers = markers?.Outputs ?? [], Operator = terminal, // one by one: each fault is its own
        };
        var view = new LiveView(live, clock, new DeviceFaults(trigger, devices.Markers, input));
        using var viewStop = new CancellationTokenSource();
        Task? viewTask = null;
        if (r.Live)
        {
            // A thread of its own at SCHED_BATCH: redrawing the terminal never preempts the frame loop (issue 17).
            viewTask = Task.Factory.StartNew(() => console.Live(view.Render()).AutoClear(false).Start(ctx =>
            {
                BackgroundThreads.MarkCurrent();
                while (!viewStop.IsCancellationRequested && !live.Finished)
                {
                    ctx.UpdateTarget(view.Render());
                    Thread.Sleep(250);
                }
                ctx.UpdateTarget(view.Render());
            }), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        SessionResult result;
        string? scheduling = r.RealtimePriority ? RealtimeScheduling.TryEnter() : "normal priority (use --realtime-priority on a machine with a real GPU)";
        if (scheduling != null && r.RealtimePriority) Console.Error.WriteLine($"exrun: warning: frame loop at normal priority: {scheduling}");
        try
        {
            using (BackgroundThreads.Watch(TimeSpan.FromSeconds(1)))
            using (LowLatencyScope.Enter())
                result = SessionCommands.Crashes(r.Db, new SessionRunner(plan, devices, options).Run);
        }
        finally
        {
            RealtimeScheduling.Leave();
            viewStop.Cancel();
            viewTask?.Wait(TimeSpan.FromSeconds(2));
            markers?.Finish(TimeSpan.FromSeconds(2)); // before the store closes: every marker sent is recorded
            trigger.Dispose();
            box?.Dispose();
            audio?.Dispose();
            keys.Owner.Dispose();
            display.Dispose();
            store.Flush(TimeSpan.FromSeconds(10));
            store.Dispose();
        }
        PrintSummary(console, options.SessionId, result, r.Db);
        ResponseBoxArguments.PrintSummary(box, Console.Out);
        return result.Status == SessionStatus.Aborted ? ExitCodes.Aborted : ExitCodes.Ok;
    }

    private static void PrintSummary(IAnsiConsole console, string sessionId, SessionResult result, string db)
    {
        string verdict = result.MissedFrames == 0 && result.MissingPulses == 0 ? "[green]pass[/]" : result.MissedFrames <= 3 ? "[yellow]warn[/]" : "[red]fail[/]";
        var t = new Table().Border(TableBorder.Rounded).Title($"[bold]Session {Markup.Escape(sessionId)}: {result.Status.ToString().ToLowerInvariant()}[/]").HideHeaders();
        t.AddColumn("what");
        t.AddColumn("value");
        t.AddRow("responses given", result.Responses.ToString(CultureInfo.InvariantCulture));
        t.AddRow("responses missed", result.MissedResponses.ToString(CultureInfo.InvariantCulture));
        t.AddRow("flips logged", result.Flips.ToString(CultureInfo.InvariantCulture));
        t.AddRow("missed frames", result.MissedFrames.ToString(CultureInfo.InvariantCulture));
        t.AddRow("missing pulses", result.MissingPulses.ToString(CultureInfo.InvariantCulture));
        t.AddRow("timing verdict", verdict);
        t.AddRow("stored in", Markup.Escape(db));
        console.Write(t);
        console.MarkupLine($"Timing QC report: [grey]exrun report --db {Markup.Escape(db)} --session {Markup.Escape(sessionId)} --out reports/{Markup.Escape(sessionId)}[/]");
    }

    private static IInput WithBox(ResponseBoxDevice? box, IInput participant) => box?.ForParticipant(participant) ?? participant;

    /// <summary>Reads a device argument; a malformed one is invalid input (exit 2), named by its option.</summary>
    private static T DeviceArgument<T>(string option, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (DeviceSpecException e)
        {
            throw new UserFacingException($"{option}: {e.Message}", ExitCodes.Invalid);
        }
    }

}

/// <summary>Keys from the keyboard and a simulated participant together (dry runs with --responder).</summary>
public sealed class CombinedInput(IInput real, IInput simulated) : IInput
{
    /// <summary>The real input's: the simulated presses carry their planned times.</summary>
    public string Timing => real.Timing;

    public string? Fault => real.Fault ?? simulated.Fault;

    public int Poll(Span<InputEvent> buffer)
    {
        int n = real.Poll(buffer);
        return n + simulated.Poll(buffer[n..]);
    }

    public void SceneShown(SceneSpec scene, long onsetNs, long timeLimitNs, double cursorStart) =>
        simulated.SceneShown(scene, onsetNs, timeLimitNs, cursorStart);
}
