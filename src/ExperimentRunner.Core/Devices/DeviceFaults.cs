namespace ExperimentRunner.Core.Devices;

/// <summary>
/// The faults of a session's devices (its trigger source, marker outputs and response box), read from the devices themselves.
/// Two readers: the runner asks <see cref="TryTakeChange"/> at screen boundaries and writes each new fault as a
/// Warning event (allocation-free while nothing changed); the operator's live view asks <see cref="Current"/> on its
/// own thread, so a fault shows even while one screen waits for minutes (a dead trigger cable on the wait screen).
/// </summary>
public sealed class DeviceFaults
{
    private readonly (string Label, Func<string?> Read)[] _devices;
    private readonly string?[] _reported;
    private readonly string?[] _seen;

    /// <param name="input">The session's input: its fault is a response box's (<see cref="IInput.Fault"/>).</param>
    public DeviceFaults(ITriggerSource trigger, IReadOnlyList<IMarkerOutput> markers, IInput? input = null)
    {
        var devices = new List<(string, Func<string?>)> { ("scanner trigger", () => trigger.Fault) };
        foreach (var m in markers) devices.Add(("marker output", () => m.Fault));
        if (input != null) devices.Add(("response box", () => input.Fault));
        _devices = [.. devices];
        _reported = new string?[_devices.Length];
        _seen = new string?[_devices.Length];
    }

    /// <summary>
    /// The next device whose fault changed to a new problem since the last call, as a warning for the session's log
    /// ("marker output: serial /dev/ttyUSB0: …"); false when none. Allocates only for a change. A fault that clears
    /// is noted without a warning (and its return is reported again). Call from one thread (the runner's).
    /// </summary>
    public bool TryTakeChange(out string warning)
    {
        for (int i = 0; i < _devices.Length; i++)
        {
            string? fault = _devices[i].Read();
            if (ReferenceEquals(fault, _seen[i])) continue;
            _seen[i] = fault;
            if (fault is null)
            {
                _reported[i] = null; // cleared: the same problem coming back is news again
                continue;
            }
            if (fault == _reported[i]) continue;
            _reported[i] = fault;
            warning = $"{_devices[i].Label}: {fault}";
            return true;
        }
        warning = "";
        return false;
    }

    /// <summary>Every device's present fault, one line each ("scanner trigger: …"); empty when all are well. Allocates: not for the frame loop.</summary>
    public IReadOnlyList<string> Current()
    {
        var lines = new List<string>();
        foreach (var (label, read) in _devices)
            if (read() is { } fault) lines.Add($"{label}: {fault}");
        return lines;
    }
}
