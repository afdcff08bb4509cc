using System.Globalization;
using LiteDB;

namespace ExperimentRunner.Storage;

/// <summary>
/// A measurement of a display (and, with audio, its sound) on one machine by <c>exrun timing-test --photodiode</c>,
/// stored in the study (collection <see cref="CollectionName"/>) so a session's report can show it beside the session's
/// own timing. Only a completed test is stored; a sensor that never answered, sent garbage or vanished stores nothing.
/// </summary>
public sealed record DisplayCalibration
{
    public const string CollectionName = "calibrations";

    /// <summary>The computer: the lab's name for it (<c>--machine</c>) or its salted-hash label, as sessions store it.</summary>
    public required string Machine { get; init; }
    /// <summary>When it was measured, UTC, ISO 8601 to the second.</summary>
    public required string MeasuredUtc { get; init; }
    /// <summary>window, fullscreen or offscreen.</summary>
    public required string DisplayMode { get; init; }
    /// <summary>Width×height in pixels.</summary>
    public required string DisplaySize { get; init; }
    public required double RefreshHz { get; init; }
    /// <summary>vsync or unsynchronised.</summary>
    public required string Timing { get; init; }
    /// <summary>GL renderer and version.</summary>
    public required string Renderer { get; init; }
    /// <summary>The light sensor (its specification and description).</summary>
    public required string Sensor { get; init; }
    public required int Flashes { get; init; }
    public required int Missed { get; init; }
    /// <summary>Light − flip timestamp, mean and SD, ms.</summary>
    public required double LagMeanMs { get; init; }
    public required double LagSdMs { get; init; }
    /// <summary>Clicks played (0 without <c>--audio</c>) and the audio driver.</summary>
    public int Clicks { get; init; }
    public string AudioDriver { get; init; } = "";
    /// <summary>First sample taken off SDL's queue − scheduled onset (the flash's flip), mean and SD, ms; NaN without audio.</summary>
    public double AudioMeanMs { get; init; } = double.NaN;
    public double AudioSdMs { get; init; } = double.NaN;
    /// <summary>The device buffer after the queue, ms.</summary>
    public double AudioBufferMs { get; init; } = double.NaN;
    /// <summary>The out → in loopback's result in words (clicks heard and their delay, or why it was not measured).</summary>
    public string AudioLoopback { get; init; } = "";
    /// <summary>pass or FAIL against <see cref="Limits"/>.</summary>
    public required string Verdict { get; init; }
    /// <summary>The limits it was judged against, in words.</summary>
    public required string Limits { get; init; }

    /// <summary>One line for reports: the figures beside the mega-study's.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{MeasuredUtc} on {Machine}: {DisplayMode} {DisplaySize} at {RefreshHz:0.##} Hz ({Timing}); light − flip {LagMeanMs:0.000} ms, SD {LagSdMs:0.000} ms, {Missed} of {Flashes} flashes missed")
        + (Clicks > 0 ? string.Create(CultureInfo.InvariantCulture, $"; sound − onset {AudioMeanMs:0.000} ms, SD {AudioSdMs:0.000} ms (+ up to {AudioBufferMs:0.#} ms device buffer, {AudioDriver})") : "")
        + $"; {Verdict} ({Limits}; sensor {Sensor})";

    internal BsonDocument ToDocument() => new()
    {
        ["_id"] = ObjectId.NewObjectId(), // before the seal: an id LiteDB added later would break it
        ["machine"] = Machine, ["measuredUtc"] = MeasuredUtc, ["displayMode"] = DisplayMode, ["displaySize"] = DisplaySize,
        ["refreshHz"] = RefreshHz, ["timing"] = Timing, ["renderer"] = Renderer, ["sensor"] = Sensor, ["flashes"] = Flashes,
        ["missed"] = Missed, ["lagMeanMs"] = LagMeanMs, ["lagSdMs"] = LagSdMs, ["clicks"] = Clicks, ["audioDriver"] = AudioDriver,
        ["audioMeanMs"] = AudioMeanMs, ["audioSdMs"] = AudioSdMs, ["audioBufferMs"] = AudioBufferMs, ["audioLoopback"] = AudioLoopback, ["verdict"] = Verdict, ["limits"] = Limits,
    };

    internal static DisplayCalibration? FromDocument(BsonDocument d)
    {
        if (RecordSeal.Check(d) == SealState.Broken) return null;
        static string S(BsonDocument d, string k) => d.TryGetValue(k, out var v) && v.IsString ? v.AsString : "";
        static double D(BsonDocument d, string k) => d.TryGetValue(k, out var v) && v.IsNumber ? v.AsDouble : double.NaN;
        static int I(BsonDocument d, string k) => d.TryGetValue(k, out var v) && v.IsNumber ? v.AsInt32 : 0;
        return new DisplayCalibration
        {
            Machine = S(d, "machine"), MeasuredUtc = S(d, "measuredUtc"), DisplayMode = S(d, "displayMode"), DisplaySize = S(d, "displaySize"),
            RefreshHz = D(d, "refreshHz"), Timing = S(d, "timing"), Renderer = S(d, "renderer"), Sensor = S(d, "sensor"), Flashes = I(d, "flashes"),
            Missed = I(d, "missed"), LagMeanMs = D(d, "lagMeanMs"), LagSdMs = D(d, "lagSdMs"), Clicks = I(d, "clicks"), AudioDriver = S(d, "audioDriver"),
            AudioMeanMs = D(d, "audioMeanMs"), AudioSdMs = D(d, "audioSdMs"), AudioBufferMs = D(d, "audioBufferMs"), AudioLoopback = S(d, "audioLoopback"), Verdict = S(d, "verdict"), Limits = S(d, "limits"),
        };
    }
}

public sealed partial class LiteDbStore
{
    /// <summary>Stores a calibration (sealed, on the writer thread, made durable before this returns).</summary>
    public void StoreCalibration(DisplayCalibration calibration)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        BsonDocument doc = calibration.ToDocument();
        RunControl(new ControlOp(null, null)
        {
            Store = () =>
            {
                _db.GetCollection(DisplayCalibration.CollectionName).Insert(RecordSeal.Seal(doc));
                _db.Checkpoint();
            },
        });
    }
}

public sealed partial class StudyReader
{
    /// <summary>Every intact calibration in the study, oldest first (by when measured); empty for studies without any.</summary>
    public IReadOnlyList<DisplayCalibration> Calibrations()
    {
        try
        {
            return _db.GetCollection(DisplayCalibration.CollectionName).FindAll()
                .Select(DisplayCalibration.FromDocument).OfType<DisplayCalibration>()
                .OrderBy(c => c.MeasuredUtc, StringComparer.Ordinal).ToList();
        }
        catch (LiteException) { return []; }
    }

    /// <summary>The newest calibration of <paramref name="machine"/> measured no later than <paramref name="beforeUtc"/>
    /// (ISO 8601; null: any time), else the newest of that machine at any time; null when the machine has none.</summary>
    public DisplayCalibration? LatestCalibration(string machine, string? beforeUtc = null)
    {
        var mine = Calibrations().Where(c => c.Machine == machine).ToList();
        return mine.LastOrDefault(c => beforeUtc is null || string.CompareOrdinal(c.MeasuredUtc, beforeUtc) <= 0) ?? mine.LastOrDefault();
    }
}
