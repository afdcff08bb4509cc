using ExperimentRunner.Core.Devices;

namespace ExperimentRunner.Hardware.ResponseBoxes;

/// <summary>The keyboard (or any input) and an XID box together: each poll takes the keys, then the box's presses.</summary>
public sealed class ResponseBoxInput(IInput keys, XidResponseBox box) : IInput
{
    public XidResponseBox Box => box;

    /// <summary>The keyboard's: the box's presses carry their own times and say so (<see cref="InputEvent.Device"/>).</summary>
    public string Timing => keys.Timing;

    public string? Fault => box.Fault ?? keys.Fault;

    public int Poll(Span<InputEvent> buffer)
    {
        int n = keys.Poll(buffer);
        return n + box.Poll(buffer[n..]);
    }

    public void SceneShown(SceneSpec scene, long onsetNs, long timeLimitNs, double cursorStart) =>
        keys.SceneShown(scene, onsetNs, timeLimitNs, cursorStart);
}
