using System.Globalization;
using System.Text;
using System.Text.Json;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Core.Planning;

/// <summary>Writes a plan as TSV (one row per planned event) or JSON. Same plan, same bytes.</summary>
public static class PlanWriter
{
    public static readonly string[] Columns =
    [
        "phase", "run", "block", "trial", "condition", "screen", "role", "stimulus", "onset", "onset_frame", "duration", "duration_frames", "marker", "row", "correct",
    ];

    private static string S(long ns) => Ns.ToSeconds(ns).ToString("0.000000", CultureInfo.InvariantCulture);

    public static string ToTsv(Plan plan, int? onlyRun = null)
    {
        var sb = new StringBuilder();
        sb.Append("# exrun plan: ").Append(plan.Paradigm.Metadata.Name)
          .Append(" participant=").Append(plan.Facts.ParticipantId)
          .Append(" session=").Append(plan.Facts.SessionLabel)
          .Append(" seed=").Append(plan.Seed.ToString(CultureInfo.InvariantCulture))
          .Append(" counterbalance=").Append(plan.Counterbalance.ToString(CultureInfo.InvariantCulture))
          .Append(" refresh_hz=").Append(plan.Paradigm.Display.ExpectedRefreshHz.ToString(CultureInfo.InvariantCulture))
          .Append(" paradigm_sha256=").Append(plan.Paradigm.Sha256).Append('\n');
        sb.Append("# onset and duration in seconds from the run's t0 (first counted scanner pulse, or the operator's start); self-paced phases have onset n/a\n");
        sb.AppendJoin('\t', Columns).Append('\n');
        foreach (var phase in plan.Phases)
        {
            if (phase.Runs.Count == 0)
            {
                if (onlyRun != null) continue;
                string kind = phase.Spec.GetType().Name.Replace("Phase", "").ToLowerInvariant();
                string detail = phase.Spec switch
                {
                    SelectionPhase s => $"{phase.ProfileOrder.Count} profiles: {string.Join(",", phase.ProfileOrder)}",
                    QuestionnairePhase q => q.Questionnaire,
                    RatingPhase r => string.Join(",", r.Ratings),
                    InstructionsPhase i => $"{i.Pages.Count} pages",
                    _ => "",
                };
                sb.AppendJoin('\t', [phase.Spec.Name, "0", "0", "0", "n/a", kind, "self_paced", detail, "n/a", "n/a", "n/a", "n/a", "0", "n/a", "n/a"]).Append('\n');
                continue;
            }
            foreach (var run in phase.Runs)
            {
                if (onlyRun != null && run.Index != onlyRun) continue;
                foreach (var e in run.Events)
                {
                    sb.AppendJoin('\t',
                    [
                        phase.Spec.Name, I(e.Run), I(e.Block), I(e.Trial), e.Condition.Length == 0 ? "n/a" : e.Condition, e.Screen,
                        e.Role.ToString().ToLowerInvariant(), e.StimulusLabel.Length == 0 ? "n/a" : e.StimulusLabel,
                        S(e.OnsetNs), L(e.OnsetFrame), S(e.DurationNs), L(e.DurationFrames), I(e.Marker),
                        e.Row ?? "n/a", e.Correct ?? "n/a",
                    ]).Append('\n');
                    BallTossPlan.AppendTsv(sb, plan, phase.Spec.Name, e);
                }
            }
        }
        return sb.ToString();
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
    private static string L(long v) => v.ToString(CultureInfo.InvariantCulture);

    public static string ToJson(Plan plan, int? onlyRun = null)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("paradigm", plan.Paradigm.Metadata.Name);
            w.WriteString("paradigm_sha256", plan.Paradigm.Sha256);
            w.WriteString("participant", plan.Facts.ParticipantId);
            w.WriteString("session", plan.Facts.SessionLabel);
            w.WriteString("seed", plan.Seed.ToString(CultureInfo.InvariantCulture));
            w.WriteNumber("counterbalance", plan.Counterbalance);
            w.WriteNumber("refresh_hz", plan.Paradigm.Display.ExpectedRefreshHz);
            w.WriteString("time_base", "seconds from the run's t0 (first counted scanner pulse, or the operator's start)");
            w.WriteStartArray("phases");
            foreach (var phase in plan.Phases)
            {
                w.WriteStartObject();
                w.WriteString("name", phase.Spec.Name);
                w.WriteString("kind", phase.Spec.GetType().Name.Replace("Phase", "").ToLowerInvariant());
                if (phase.ProfileOrder.Count > 0)
                {
                    w.WriteStartArray("profiles");
                    foreach (var id in phase.ProfileOrder) w.WriteStringValue(id);
                    w.WriteEndArray();
                }
                if (phase.Runs.Count > 0)
                {
                    w.WriteStartArray("runs");
                    foreach (var run in phase.Runs.Where(r => onlyRun == null || r.Index == onlyRun))
                    {
                        w.WriteStartObject();
                        w.WriteNumber("run", run.Index);
                        w.WriteString("block_order", run.BlockOrder);
                        w.WriteNumber("duration", Math.Round(Ns.ToSeconds(run.DurationNs), 6));
                        w.WriteNumber("target_slots", run.TargetSlots);
                        w.WriteStartArray("events");
                        foreach (var e in run.Events)
                        {
                            w.WriteStartObject();
                            w.WriteNumber("block", e.Block);
                            w.WriteNumber("trial", e.Trial);
                            w.WriteString("condition", e.Condition);
                            w.WriteString("screen", e.Screen);
                            w.WriteString("role", e.Role.ToString().ToLowerInvariant());
                            w.WriteString("stimulus", e.StimulusLabel);
                            w.WriteNumber("onset", Math.Round(Ns.ToSeconds(e.OnsetNs), 6));
                            w.WriteNumber("onset_frame", e.OnsetFrame);
                            w.WriteNumber("duration", Math.Round(Ns.ToSeconds(e.DurationNs), 6));
                            w.WriteNumber("duration_frames", e.DurationFrames);
                            w.WriteNumber("marker", e.Marker);
                            if (e.Row != null) w.WriteString("row", e.Row);
                            if (e.Correct != null) w.WriteString("correct", e.Correct);
                            if (e.Template?.Text is { } text && e.Row != null) w.WriteString("text", text);
                            if (e.Template?.Image is { } image && e.Row != null) w.WriteString("image", Path.GetFileName(image));
                            w.WriteEndObject();
                        }
                        w.WriteEndArray();
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
