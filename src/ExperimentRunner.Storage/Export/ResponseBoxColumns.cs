using System.Globalization;
using System.Text.Json;
using ExperimentRunner.Core.Events;
using static ExperimentRunner.Storage.Export.ExportText;

namespace ExperimentRunner.Storage.Export;

/// <summary>
/// The columns of answers from a response box (since 0.4), appended to the BIDS events files and the trials table only
/// where a box answered, so exports of studies without one are unchanged: which box, the box's own timer at the press
/// (XID boxes), and the response time our arrival stamp would have given (the box-timed one is response_time).
/// </summary>
internal static class ResponseBoxColumns
{
    public static readonly string[] Names = ["response_device", "response_box_time_ms", "response_time_arrival"];

    /// <summary>True when any of these answers came from a response box.</summary>
    public static bool AnyFromBox(IEnumerable<ResponseEvent?> answers) => answers.Any(r => r?.Device is not null);

    /// <summary>The three values for an answer (n/a for a keyboard answer and rows without one).</summary>
    public static string[] Values(ResponseEvent? answer)
    {
        if (answer is not { } r || r.Device is null) return [Missing, Missing, Missing];
        string boxMs = r.HasDeviceTime ? ((long)r.DeviceTimeMs).ToString(CultureInfo.InvariantCulture) : Missing;
        string arrivalRt = r.ArrivalNs != EventRecord.None && r.RtNs != EventRecord.None ? Duration(r.RtNs + (r.ArrivalNs - r.TimeNs)) : Missing;
        return [r.Device, boxMs, arrivalRt];
    }

    /// <summary>The columns' descriptions in a BIDS events sidecar.</summary>
    public static void Describe(Utf8JsonWriter w)
    {
        Column(w, "response_device", "Response device", "The response box the answer came from: xid (a Cedrus XID box, timed by its own clock), forp (a fORP box in keyboard mode, timed like a key); n/a for the keyboard.");
        Column(w, "response_box_time_ms", "Response box time", "An XID box's own reaction-time timer at the press, as the box sent it (reset at the session's start). response_time comes from it, aligned to the run clock and corrected for the box's clock drift; n/a for other answers.", "ms");
        Column(w, "response_time_arrival", "Response time by arrival", "The response time our own stamp would have given: from the screen's onset to when the box's bytes arrived (USB and serial latency included); compare with response_time. n/a for answers without a box clock.", "s");
    }

    private static void Column(Utf8JsonWriter w, string name, string longName, string description, string? units = null)
    {
        w.WritePropertyName(name);
        w.WriteStartObject();
        w.WriteString("LongName", longName);
        w.WriteString("Description", description);
        if (units != null) w.WriteString("Units", units);
        w.WriteEndObject();
    }
}
