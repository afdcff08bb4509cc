using System.CommandLine;
using System.Globalization;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Simulation;
using ExperimentRunner.Core.Time;
using ExperimentRunner.Core.Vocabulary;
using ExperimentRunner.Hardware;
using ExperimentRunner.Hardware.Photodiodes;
using ExperimentRunner.Presentation;
using ExperimentRunner.Presentation.Audio;
using ExperimentRunner.Presentation.Calibration;
using ExperimentRunner.Presentation.Gl;
using ExperimentRunner.Presentation.Input;
using ExperimentRunner.Storage;
using Spectre.Console;

namespace ExperimentRunner.Cli.Commands;

// timing-test --photodiode DEVICE [--audio]: light onsets against flip timestamps, sound onsets against their flips,
// judged against declared limits, stored in the study as a calibration of this display and machine (issue 18).
public static partial class TimingTestCommands
{
    /// <summary>Bridges et al. 2020 (PeerJ 8:e9414), Psychtoolbox on Ubuntu: the best Linux figures of the timing mega-study.</summary>
    public const double MegaStudyVisualLagMs = 4.5, MegaStudyVisualSdMs = 0.18, MegaStudyAudioLagMs = -0.7, MegaStudyAudioSdMs = 0.17;

    /// <summary>The options of the photodiode measurement.</summary>
    private sealed class PhotodiodeOptions
    {
        public required Option<string?> Device { get; init; }
        public required Option<int> Flashes { get; init; }
        public required Option<bool> Audio { get; init; }
        public required Option<double> IntervalMs { get; init; }
        public required Option<string> Corner { get; init; }
        public required Option<int> Size { get; init; }
        public required Option<double> MaxLagSdMs { get; init; }
        public required Option<int> MaxMissed { get; init; }
        public required Option<double> MaxAudioSdMs { get; init; }
        public required Option<string> Db { get; init; }
        public required Option<string?> Machine { get; init; }
        public required Option<int> Monitor { get; init; }

        public static PhotodiodeOptions Create() => new()
        {
            Device = new Option<string?>("--photodiode") { Description = $"The light sensor over the patch: {PhotodiodeSpec.Grammar}. Serial sensors send '1' when the patch turns light and '0' when it turns dark." },
            Flashes = new Option<int>("--flashes") { Description = "Flashes of the patch (white, then black), on a fixed schedule.", DefaultValueFactory = _ => 100 },
            Audio = new Option<bool>("--audio") { Description = "Also play a click at each flash and measure when its first sample leaves SDL's queue; then, where a capture device exists, 10 clicks out → in (a loopback cable or a microphone)." },
            IntervalMs = new Option<double>("--interval") { Description = "One flash's cycle, ms (white for the first half).", DefaultValueFactory = _ => 200 },
            Corner = new Option<string>("--photodiode-corner") { Description = "Where the patch is: top-left, top-right, bottom-left or bottom-right.", DefaultValueFactory = _ => "top-left" },
            Size = new Option<int>("--photodiode-size") { Description = "The patch's side, pixels.", DefaultValueFactory = _ => PhotodiodePatch.DefaultSizePx },
            MaxLagSdMs = new Option<double>("--max-lag-sd") { Description = "Verdict: the most SD of light − flip, ms.", DefaultValueFactory = _ => 1.0 },
            MaxMissed = new Option<int>("--max-missed") { Description = "Verdict: the most flashes the sensor may miss.", DefaultValueFactory = _ => 0 },
            MaxAudioSdMs = new Option<double>("--max-audio-sd") { Description = "Verdict with --audio: the most SD of sound − flip, ms.", DefaultValueFactory = _ => 1.0 },
            Db = SessionCommands.DbOption(),
            Machine = new Option<string?>("--machine") { Description = "The lab's name for this computer in the stored calibration (default: a salted hash that names nothing)." },
            Monitor = new Option<int>("--monitor") { Description = "Display index for fullscreen (0 = first).", DefaultValueFactory = _ => 0 },
        };

        public void AddTo(Command c)
        {
            foreach (Option o in new Option[] { Device, Flashes, Audio, IntervalMs, Corner, Size, MaxLagSdMs, MaxMissed, MaxAudioSdMs, Db, Machine, Monitor })
                c.Options.Add(o);
        }
    }

    private static int Photodiode(IAnsiConsole console, string sensorText, string displayKind, double hz, ParseResult parse, PhotodiodeOptions o)
    {
        var inv = CultureInfo.InvariantCulture;
        PhotodiodeSpec spec;
        try { spec = PhotodiodeSpec.Parse(sensorText); }
        catch (DeviceSpecException e) { throw new UserFacingException($"--photodiode: {e.Message}", ExitCodes.Invalid); }
        int flashes = parse.GetValue(o.Flashes);
        if (flashes is < 1 or > 10_000) throw new UserFacingException("--flashes must be from 1 to 10000", ExitCodes.Invalid);
        if (hz is < 10 or > 1000) throw new UserFacingException("--refresh must be from 10 to 1000 Hz", ExitCodes.Invalid);
        if (displayKind == "paced") throw new UserFacingException("--photodiode needs a real picture: --display fullscreen, window or offscreen", ExitCodes.Invalid);
        string cornerText = parse.GetValue(o.Corner)!;
        if (!PhotodiodePatch.CornerNames.TryGetValue(cornerText, out var corner))
            throw new UserFacingException($"--photodiode-corner: '{cornerText}' is not a corner; use {string.Join(", ", PhotodiodePatch.CornerNames.Keys)}{NameSuggestions.DidYouMean(cornerText, PhotodiodePatch.CornerNames.Keys)}", ExitCodes.Invalid);
        int size = parse.GetValue(o.Size);
        if (size is < 1 or > 1000) throw new UserFacingException("--photodiode-size must be from 1 to 1000 pixels", ExitCodes.Invalid);
        double intervalMs = parse.GetValue(o.IntervalMs);
        if (intervalMs is < 20 or > 10_000) throw new UserFacingException("--interval must be from 20 to 10000 ms", ExitCodes.Invalid);
        double maxSd = parse.GetValue(o.MaxLagSdMs), maxAudioSd = parse.GetValue(o.MaxAudioSdMs);
        int maxMissed = parse.GetValue(o.MaxMissed);
        if (maxSd <= 0 || maxAudioSd <= 0 || maxMissed < 0) throw new UserFacingException("--max-lag-sd and --max-audio-sd must be above 0, --max-missed 0 or more", ExitCodes.Invalid);
        string? machineName = parse.GetValue(o.Machine);
        if (machineName is not null && (machineName.Trim().Length == 0 || machineName.Length > 64 || machineName.Any(char.IsControl)))
            throw new UserFacingException("--machine: a name of 1 to 64 printable characters", ExitCodes.Invalid);
        string machine = machineName?.Trim() ?? Core.Privacy.MachineLabel.Current;
        string dbPath = parse.GetValue(o.Db)!;
        // A study that cannot take the result is refused before the measurement, not after it.
        try { StudyFiles.CheckBeforeWriting(Path.GetFullPath(dbPath), StudyFiles.PasswordFromEnvironment()); }
        catch (StudyOpenException e) { throw StorageCommands.Explain(e); }
        var mode = GlDisplayOptions.ParseMode(displayKind);
        bool withAudio = parse.GetValue(o.Audio);

        var clock = new MonotonicClock();
        var patch = new PhotodiodePatch { Corner = corner, SizePx = size };
        var style = new DisplayStyle { FontPath = AnyFont(), Width = 800, Height = 600, ExpectedRefreshHz = hz, Background = "#000000", Foreground = "#FFFFFF", Photodiode = patch };
        GlDisplay display;
        try
        {
            display = new GlDisplay(style, new GlDisplayOptions { Mode = mode, Monitor = parse.GetValue(o.Monitor), Title = "exrun timing-test" }, clock);
        }
        catch (GlUnavailableException e)
        {
            throw new UserFacingException($"--display {displayKind}: {e.Message}", ExitCodes.Failure);
        }
        using var _ = display;
        var blank = new SceneSpec { Key = "blank", Kind = SceneKind.Blank };
        display.Prepare([blank]);
        display.Show(blank, SceneState.Default);
        display.SetPhotodiodeLight(false);

        using IPhotodiode sensor = OpenSensor(spec, clock, display);
        SdlAudio? audio = null;
        AudioOnsetProbe? probe = null;
        if (withAudio)
        {
            try
            {
                string? driver = mode == DisplayMode.Offscreen && Environment.GetEnvironmentVariable("SDL_AUDIODRIVER") is null ? "dummy" : null;
                audio = new SdlAudio(clock, new SdlAudioOptions { Driver = driver });
                audio.PreloadSamples("click", audio.Click());
                probe = new AudioOnsetProbe(audio, clock, flashes);
            }
            catch (InvalidOperationException e)
            {
                throw new UserFacingException($"--audio: {e.Message} (check the sound card and SDL_AUDIODRIVER)", ExitCodes.Failure);
            }
        }
        using var __ = audio;
        using var ___ = probe;

        var (x, y, side) = patch.Rect(display.Size.Width, display.Size.Height);
        int cycle = Math.Max(2, (int)Math.Round(intervalMs / Ns.ToMs(display.PeriodNs)));
        console.MarkupLine(Markup.Escape(string.Create(inv,
            $"timing-test: {flashes} flashes of a {side} px patch at ({x}, {y}) ({PhotodiodePatch.NameOf(corner)}), one per {cycle} frames, on {displayKind} {display.Size.Width}x{display.Size.Height} ({display.RefreshHz:0.##} Hz, {display.Timing}); sensor {sensor.Description}{(withAudio ? $"; a click per flash ({audio!.Driver})" : "")}; about {(flashes * cycle * Ns.ToMs(display.PeriodNs) / 1000 + 1):0} s")));

        PhotodiodeTimingResult result;
        try
        {
            result = PhotodiodeTimingTest.Run(display, display.SetPhotodiodeLight, sensor, clock,
                new FlashSchedule { Flashes = flashes, CycleFrames = cycle, LeadFrames = (int)Math.Ceiling(0.5 * display.RefreshHz) },
                probe is null ? null : (k, flip) => probe.Play(k, "click", flip));
        }
        catch (PhotodiodeTestException e)
        {
            throw new UserFacingException($"timing-test: {e.Message}; nothing was stored", ExitCodes.Failure);
        }
        AudioOnsetResult? sound = probe?.Result("");
        // The loopback after the flashes, one click at a time (it needs the quiet between them).
        if (audio is not null && sound is not null) sound = sound with { Loopback = AudioLoopback.Measure(audio, clock, 10, "click").Describe() };

        bool lagOk = result.Seen >= 2 && result.SdMs <= maxSd, missOk = result.Missed <= maxMissed;
        bool audioOk = sound is null || (sound.QueueDelaysMs.Length >= 2 && sound.SdMs <= maxAudioSd);
        bool pass = lagOk && missOk && audioOk;
        string limits = string.Create(inv, $"light − flip SD ≤ {maxSd:0.###} ms, missed ≤ {maxMissed}") + (sound is null ? "" : string.Create(inv, $", sound SD ≤ {maxAudioSd:0.###} ms"));

        var t = new Table().Border(TableBorder.Rounded).Title("[bold]photodiode: light − flip timestamp[/]");
        t.AddColumn("figure");
        t.AddColumn("this machine");
        t.AddColumn("Bridges et al. 2020 (Psychtoolbox, Linux)");
        t.AddRow("flashes seen", $"{result.Seen} of {result.Flashes} ({result.Missed} missed, {result.Extra} extra edges)", "");
        t.AddRow("visual lag mean / SD (ms)", $"{F(result.MeanMs)} / {F(result.SdMs)}", $"{F(MegaStudyVisualLagMs, "0.0")} / {F(MegaStudyVisualSdMs, "0.00")}");
        t.AddRow("visual lag min / max (ms)", $"{F(result.MinMs)} / {F(result.MaxMs)}", "");
        if (sound is not null)
        {
            t.AddRow("clicks taken off SDL's queue", $"{sound.QueueDelaysMs.Length} of {sound.Sounds} ({Markup.Escape(sound.Driver)})", "");
            t.AddRow("audio: first sample − flip mean / SD (ms)", $"{F(sound.MeanMs)} / {F(sound.SdMs)} (max {F(sound.MaxMs)})", $"{F(MegaStudyAudioLagMs, "0.0")} / {F(MegaStudyAudioSdMs, "0.00")} (sound at the speaker)");
            t.AddRow("audio: device buffer after the queue (ms)", $"up to {F(sound.BufferMs, "0.###")}", "");
            t.AddRow("audio loopback (out → in)", Markup.Escape(sound.Loopback), "");
        }
        t.AddRow("verdict", pass ? "[green]pass[/]" : "[red]FAIL[/]", Markup.Escape(limits));
        console.Write(t);
        Console.WriteLine(result.Summary());
        if (sound is not null) Console.WriteLine(sound.Summary());
        if (!lagOk) Console.Error.WriteLine($"exrun: light − flip SD {F(result.SdMs)} ms is over {F(maxSd, "0.###")} ms: is the sensor's threshold near the patch's level, the monitor's backlight flickering (PWM), or the patch under a window?");
        if (!missOk) Console.Error.WriteLine($"exrun: the sensor missed {result.Missed} flashes: check the sensor's position over the patch and its threshold");

        var calibration = new DisplayCalibration
        {
            Machine = machine, MeasuredUtc = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", inv), DisplayMode = displayKind,
            DisplaySize = $"{display.Size.Width}x{display.Size.Height}", RefreshHz = display.RefreshHz, Timing = display.Timing,
            Renderer = display.Renderer, Sensor = $"{spec.Text}: {sensor.Description}", Flashes = result.Flashes, Missed = result.Missed,
            LagMeanMs = result.MeanMs, LagSdMs = result.SdMs, Clicks = sound?.Sounds ?? 0, AudioDriver = sound?.Driver ?? "",
            AudioMeanMs = sound?.MeanMs ?? double.NaN, AudioSdMs = sound?.SdMs ?? double.NaN, AudioBufferMs = sound?.BufferMs ?? double.NaN, AudioLoopback = sound?.Loopback ?? "",
            Verdict = pass ? "pass" : "FAIL", Limits = limits,
        };
        using (LiteDbStore store = SessionCommands.OpenStore(dbPath))
        {
            try { store.StoreCalibration(calibration); }
            catch (IOException e) { throw new UserFacingException($"the calibration could not be stored in {dbPath}: {e.Message}", ExitCodes.Failure); }
        }
        Console.WriteLine($"stored in {Path.GetFullPath(dbPath)} as the calibration of {machine} ({calibration.MeasuredUtc}); exrun report shows it beside this machine's sessions");
        return pass ? ExitCodes.Ok : ExitCodes.Failure;
    }

    private static string F(double v, string format = "0.000") => double.IsNaN(v) ? "n/a" : v.ToString(format, CultureInfo.InvariantCulture);

    private static IPhotodiode OpenSensor(PhotodiodeSpec spec, IClock clock, GlDisplay display)
    {
        switch (spec.Kind)
        {
            case PhotodiodeKind.Simulated:
                return new SimulatedPhotodiode(spec, clock);
            case PhotodiodeKind.Serial:
                try { return new SerialPhotodiode(spec.Path!, spec.Baud, clock); }
                catch (HardwareException e) { throw new UserFacingException($"--photodiode: {e.Message}", ExitCodes.Failure); }
            default:
                var reader = X11KeyReader.TryOpen(clock, null, out string why)
                    ?? throw new UserFacingException($"--photodiode {spec.Text}: keys are read through the X server, and {why}", ExitCodes.Failure);
                var precise = new PreciseInput(reader, null);
                return new KeyPhotodiode(precise, spec.Key!, precise);
        }
    }
}
