using System.Collections.Concurrent;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Time;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ExperimentRunner.Cli.Operator;

/// <summary>
/// The operator's live view: phase, run/block/trial, condition, volumes, elapsed and remaining, missed frames, last
/// response, device faults, warnings. Takes its status, clock and devices' faults from outside, so a test can render
/// it to a string. Faults are read from the devices at each render (not through the frame loop), so a dead trigger
/// cable shows while the wait screen waits.
/// </summary>
public sealed class LiveView(LiveStatus status, IClock clock, DeviceFaults? faults = null)
{
    private static string S(long ns) => ns == EventRecord.None ? "–" : $"{Ns.ToSeconds(ns):0.0} s";

    /// <summary>Renders the status as it is now.</summary>
    public IRenderable Render()
    {
        long now = clock.NowNs;
        var t = new Table().Border(TableBorder.Rounded).HideHeaders().Title("[bold]ExperimentRunner — live[/]");
        t.AddColumn("what");
        t.AddColumn("now");
        string state = status.Finished ? "[green]finished[/]" : status.Paused ? "[yellow]PAUSED[/]" : status.AbortPending ? "[red]ABORT? press a again to confirm[/]"
            : status.WaitingForScanner ? "[yellow]waiting for the scanner[/]" : "[green]running[/]";
        t.AddRow("state", state);
        t.AddRow("where (state machine)", Markup.Escape(status.State.Length == 0 ? "–" : status.State));
        t.AddRow("phase", Markup.Escape(status.Phase) + (status.PreparePercent >= 0 ? $" [grey](preparing screens {status.PreparePercent}%)[/]" : ""));
        t.AddRow("run / block / trial", status.Run == 0 ? "–" : $"{status.Run} / {status.Block} of {status.Blocks} / {status.Trial}");
        t.AddRow("screen, condition", Markup.Escape($"{status.Screen}, {(status.Condition.Length == 0 ? "–" : status.Condition)}"));
        string volumes = status.VolumesExpected > 0 ? $"{status.VolumesReceived} of {status.VolumesExpected}" : status.VolumesReceived.ToString();
        t.AddRow("volumes", status.MissingPulses > 0 ? $"{volumes}, [red]{status.MissingPulses} missing[/]" : volumes);
        long runStart = status.RunStartNs;
        long elapsed = runStart == EventRecord.None ? EventRecord.None : now - runStart;
        long remaining = runStart == EventRecord.None ? EventRecord.None : Math.Max(0, status.RunDurationNs - elapsed);
        t.AddRow("run elapsed / remaining", $"{S(elapsed)} / {S(remaining)}");
        t.AddRow("session elapsed", S(now - status.SessionStartNs));
        t.AddRow("missed frames", status.MissedFrames == 0 ? "[green]0[/]" : $"[red]{status.MissedFrames}[/]");
        t.AddRow("responses (missed)", $"{status.Responses} ({status.MissedResponses})");
        t.AddRow("last response, RT", Markup.Escape(status.LastResponse.Length == 0 ? "–" : $"{status.LastResponse}, {(status.LastRtNs == EventRecord.None ? "–" : $"{Ns.ToMs(status.LastRtNs):0} ms")}"));
        if (faults != null)
            foreach (var fault in faults.Current()) t.AddRow("[red]device fault[/]", "[red]" + Markup.Escape(fault) + "[/]");
        t.AddRow("warnings", status.Warnings == 0 ? "0" : $"[yellow]{status.Warnings}[/]: {Markup.Escape(status.LastWarning)}");
        t.Caption("[grey]p pause/resume · a abort (twice) · m manual start · s stop[/]");
        return t;
    }
}

/// <summary>The operator's keys from the terminal, read on a background thread and drained once per frame.</summary>
public sealed class TerminalOperator : IOperatorControl, IDisposable
{
    private readonly ConcurrentQueue<OperatorCommand> _queue = new();
    private readonly CancellationTokenSource _stop = new();

    public TerminalOperator()
    {
        if (Console.IsInputRedirected) return;
        var thread = new Thread(Read) { IsBackground = true, Name = "operator keys" };
        thread.Start();
    }

    private bool _paused;

    private void Read()
    {
        while (!_stop.IsCancellationRequested)
        {
            if (!Console.KeyAvailable) { Thread.Sleep(20); continue; }
            var key = Console.ReadKey(intercept: true);
            switch (char.ToLowerInvariant(key.KeyChar))
            {
                case 'p': _queue.Enqueue((_paused = !_paused) ? OperatorCommand.Pause : OperatorCommand.Resume); break;
                case 'a': _queue.Enqueue(OperatorCommand.Abort); break;
                case 'm': _queue.Enqueue(OperatorCommand.ManualStart); break;
                case 's': _queue.Enqueue(OperatorCommand.Stop); break;
            }
        }
    }

    /// <summary>Two 'a' presses within the runner's window confirm; the runner tracks that.</summary>
    public OperatorCommand Poll(long nowNs)
    {
        if (!_queue.TryDequeue(out var cmd)) return OperatorCommand.None;
        if (cmd == OperatorCommand.Abort && _abortPending) { _abortPending = false; return OperatorCommand.ConfirmAbort; }
        if (cmd == OperatorCommand.Abort) _abortPending = true;
        return cmd;
    }

    private bool _abortPending;

    public void Dispose() => _stop.Cancel();
}
