using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Core.Time;

namespace ExperimentRunner.Core.Engine;

/// <summary>
/// What every part of a running session shares: the plan, the devices, where the session is (phase, run, block,
/// trial) and the one way to write an event or a warning. Holds no behaviour of its own.
/// </summary>
internal sealed class SessionContext
{
    /// <param name="abortConfirmed">The machine's guard for aborting (<see cref="OperatorCommands.Aborting"/>).</param>
    public SessionContext(Plan plan, SessionDevices devices, SessionOptions options, Func<bool> abortConfirmed)
    {
        Plan = plan;
        Paradigm = plan.Paradigm;
        Devices = devices;
        Options = options;
        Live = options.Live;
        Scenes = new SceneFactory(Paradigm, options.ParticipantPhoto);
        // The machine has this session's phases (a phase of another session, session: N, is not in the plan).
        Machine = new SessionMachine(Paradigm with { Phases = plan.Phases.Select(p => p.Spec).ToList() }, abortConfirmed);
        Random = new DetRandom(DetRandom.Derive(plan.Seed, "runner"));
    }

    public Plan Plan { get; }
    public ParadigmModel Paradigm { get; }
    public SessionDevices Devices { get; }
    public SessionOptions Options { get; }
    public LiveStatus Live { get; }
    public SceneFactory Scenes { get; }
    public SessionMachine Machine { get; }
    /// <summary>The runner's own draws (rating start values), in the order screens come.</summary>
    public DetRandom Random { get; }

    // Where the session is: every event written carries it.
    public int Run, Block, Trial;
    public string PhaseName = "";

    /// <summary>Participant responses taken, and screens that timed out without one.</summary>
    public int Responses, MissedResponses;

    /// <summary>The time base of events of run <see cref="T0Run"/>: its t0, ns on the run clock (set by
    /// <see cref="ScannerClock"/> at t0, kept after the run ended for the events that still carry its number, cleared
    /// when the next run waits for its scanner); <see cref="EventRecord.None"/> before the first t0.</summary>
    public long T0Ns = EventRecord.None;
    public int T0Run;

    public long Now => Devices.Clock.NowNs;

    /// <summary>Where the session is now, for an event that carries all of it.</summary>
    public EventPlace Place => new(Run, Block, Trial, PhaseName);

    /// <summary>Writes an event; one of the run in progress after its t0 gets its time from t0 (allocation-free).</summary>
    public void Write(in EventRecord e)
    {
        if (T0Ns != EventRecord.None && e.Run == T0Run && e.Run > 0 && e.SinceT0Ns == EventRecord.None)
            Devices.Sink.Write(e with { SinceT0Ns = e.TimeNs - T0Ns });
        else Devices.Sink.Write(e);
    }

    public void Warn(string text)
    {
        Live.Warnings++;
        Live.LastWarning = text;
        Write(SessionEvents.Warning(Now, Place, text));
    }

    public void CountMissedResponse()
    {
        MissedResponses++;
        Live.MissedResponses = MissedResponses;
    }
}
