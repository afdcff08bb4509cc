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

    public long Now => Devices.Clock.NowNs;

    public void Write(in EventRecord e) => Devices.Sink.Write(e);

    public void Warn(string text)
    {
        Live.Warnings++;
        Live.LastWarning = text;
        Write(new EventRecord { Kind = EventKind.Warning, TimeNs = Now, Run = Run, Block = Block, Trial = Trial, Phase = PhaseName, Text = text });
    }

    public void CountMissedResponse()
    {
        MissedResponses++;
        Live.MissedResponses = MissedResponses;
    }
}
