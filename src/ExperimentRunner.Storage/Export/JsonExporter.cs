using System.Text.Encodings.Web;
using System.Text.Json;
using ExperimentRunner.Core.Events;

namespace ExperimentRunner.Storage.Export;

/// <summary>Everything of the selected sessions in one JSON file, for archiving: provenance, every event and every
/// flip, times as integer nanoseconds of the run clock exactly as stored.</summary>
internal static class JsonExporter
{
    public const string FileName = "study.json";

    private static readonly JsonSerializerOptions InfoOptions = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // The machine is never exported: records of 0.1.0 hold the computer's host name there.
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver
        {
            Modifiers =
            {
                info =>
                {
                    if (info.Type != typeof(SessionInfo)) return;
                    for (int i = info.Properties.Count - 1; i >= 0; i--)
                        if (info.Properties[i].Name == nameof(SessionInfo.Machine)) info.Properties.RemoveAt(i);
                },
            },
        },
    };

    public static void Export(string root, StudyReader reader, IReadOnlyList<SessionData> sessions, List<string> files, Action<string, int> progress)
    {
        StudyFiles.EnsureFolder(root);
        string path = Path.Combine(root, FileName);
        using (FileStream file = StudyFiles.CreateExportFile(path))
        using (var w = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("format", "exrun study export");
            w.WriteNumber("formatVersion", 1);
            w.WriteString("timeBase", "every *Ns field is an integer count of nanoseconds of the session's run clock; a run's t0 is its RunStarted timeNs");
            w.WriteStartArray("sessions");
            int done = 0;
            foreach (SessionData s in sessions)
            {
                WriteSession(w, s);
                progress($"sub-{s.Info.ParticipantId} ses-{s.Info.SessionLabel}", ++done);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        files.Add(FileName);
    }

    private static void WriteSession(Utf8JsonWriter w, SessionData s)
    {
        w.WriteStartObject();
        w.WritePropertyName("info");
        JsonSerializer.Serialize(w, s.Info, InfoOptions);
        w.WriteString("status", s.Session.Status);
        if (s.Session.EndedNs is long ended) w.WriteNumber("endedNs", ended);
        if (s.Session.Reason is not null) w.WriteString("reason", s.Session.Reason);
        w.WritePropertyName("resumes");
        JsonSerializer.Serialize(w, s.Session.Resumes, InfoOptions);
        w.WriteStartArray("runs");
        foreach (Acquisition a in s.Assembly.Acquisitions.Where(a => a.HasT0))
        {
            w.WriteStartObject();
            w.WriteNumber("run", a.Run);
            w.WriteNumber("acquisition", a.Number);
            w.WriteNumber("t0Ns", a.T0Ns);
            w.WriteNumber("seq", a.RunStartedSeq);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("events");
        for (int i = 0; i < s.Events.Count; i++) WriteEvent(w, s.Events[i], s.Assembly.AcquisitionOf(i));
        w.WriteEndArray();
        w.WriteStartArray("flipChunks");
        foreach (FlipChunk c in s.FlipChunks())
        {
            w.WriteStartObject();
            w.WriteNumber("run", c.Run);
            if (s.Assembly.AcquisitionAt(c.Run, c.FirstSeq) is Acquisition a) w.WriteNumber("acquisition", a.Number);
            w.WriteNumber("firstSeq", c.FirstSeq);
            WriteLongs(w, "timeNs", c.TimeNs);
            WriteLongs(w, "intendedNs", c.IntendedNs);
            WriteLongs(w, "frame", c.Frame);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteEvent(Utf8JsonWriter w, StoredEvent se, Acquisition? acquisition)
    {
        EventRecord e = se.Event;
        w.WriteStartObject();
        w.WriteNumber("seq", se.Seq);
        w.WriteString("kind", e.Kind.ToString());
        w.WriteNumber("timeNs", e.TimeNs);
        w.WriteNumber("run", e.Run);
        if (acquisition is not null) w.WriteNumber("acquisition", acquisition.Number);
        w.WriteNumber("block", e.Block);
        w.WriteNumber("trial", e.Trial);
        if (e.Phase is not null) w.WriteString("phase", e.Phase);
        if (e.Screen is not null) w.WriteString("screen", e.Screen);
        if (e.Condition is not null) w.WriteString("condition", e.Condition);
        if (e.Stimulus is not null) w.WriteString("stimulus", e.Stimulus);
        if (e.Response is not null) w.WriteString("response", e.Response);
        if (e.IntendedNs != EventRecord.None) w.WriteNumber("intendedNs", e.IntendedNs);
        if (e.DurationNs != EventRecord.None) w.WriteNumber("durationNs", e.DurationNs);
        if (e.RtNs != EventRecord.None) w.WriteNumber("rtNs", e.RtNs);
        if (!double.IsNaN(e.Value) && !double.IsInfinity(e.Value)) w.WriteNumber("value", e.Value);
        if (e.Code != 0) w.WriteNumber("code", e.Code);
        if (e.Text is not null) w.WriteString("text", e.Text);
        if (e.SinceT0Ns != EventRecord.None) w.WriteNumber("sinceT0Ns", e.SinceT0Ns);
        w.WriteEndObject();
    }

    /// <summary>A number array on one line: an hour of flips is 216,000 numbers per array.</summary>
    private static void WriteLongs(Utf8JsonWriter w, string name, long[] values)
    {
        var sb = new System.Text.StringBuilder(values.Length * 12 + 2);
        sb.Append('[');
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(values[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        sb.Append(']');
        w.WritePropertyName(name);
        w.WriteRawValue(sb.ToString(), skipInputValidation: true);
    }
}
