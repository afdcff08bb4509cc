using System.Globalization;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Core.Engine;

/// <summary>What a session's record says about where it came from: paradigm, software, machine, devices, overrides.</summary>
internal static class SessionProvenance
{
    public static SessionInfo Describe(SessionContext session, long startedNs)
    {
        var p = session.Paradigm;
        var dev = session.Devices;
        var options = session.Options;
        var plan = session.Plan;
        return new SessionInfo
        {
            SessionId = options.SessionId,
            ParticipantId = plan.Facts.ParticipantId,
            SessionLabel = plan.Facts.SessionLabel,
            ParadigmName = p.Metadata.Name,
            TaskLabel = p.Metadata.Task,
            ParadigmText = p.Text,
            ParadigmSha256 = p.Sha256,
            SoftwareVersion = options.SoftwareVersion,
            SoftwareCommit = options.SoftwareCommit,
            Seed = plan.Seed,
            Machine = options.Machine,
            OperatingSystem = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            Mode = options.Mode,
            ExpectedRefreshHz = p.Display.ExpectedRefreshHz,
            MeasuredRefreshHz = dev.Display.RefreshHz,
            Timing = dev.Display.Timing,
            InputTiming = dev.Input.Timing,
            Modality = p.Scanner.Modality.ToString().ToLowerInvariant(),
            RepetitionTimeS = Ns.ToSeconds(p.Scanner.TrNs),
            Trigger = dev.Trigger.Description,
            Markers = options.MarkersDescription,
            ResponseBox = options.ResponseBoxDescription,
            ArmCode = options.ArmCode,
            SessionStimuli = options.SessionStimuli.Count == 0 ? null : string.Join("; ", options.SessionStimuli.Select(s => $"{s.Slot}={s.Sha256}")),
            StartedUtc = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            StartedNs = startedNs,
            DisplayResolution = $"{dev.Display.Size.Width}x{dev.Display.Size.Height}",
            Overrides = options.Overrides,
            Counterbalance = plan.Counterbalance,
        };
    }
}
