namespace ExperimentRunner.Core.Devices;

/// <summary>An edge a light sensor saw: when (ns, run clock, stamped on arrival) and which way.</summary>
/// <param name="Light">True: dark→light (the patch turned white); false: light→dark.</param>
public readonly record struct LightEdge(long TimeNs, bool Light);

/// <summary>
/// A light sensor over the photodiode patch: a serial device sending a byte per edge, a button-box input the sensor is
/// wired to, or the simulated twin. Polled from the frame-loop thread; edges are stamped on arrival by the device.
/// </summary>
public interface IPhotodiode : IDisposable
{
    /// <summary>What it is, for the record ("serial /dev/ttyACM0 115200 baud", "sim lag=4.5ms jitter=0.2ms").</summary>
    string Description { get; }

    /// <summary>Told after each flip what the patch showed (the simulated twin makes its edges from this; real sensors ignore it).</summary>
    void Flipped(long flipNs, bool light) { }

    /// <summary>Copies the edges that arrived since the last poll; returns how many. Never blocks.</summary>
    int Poll(Span<LightEdge> edges);

    /// <summary>The device's problem (vanished, out-of-protocol bytes), or null while all is well.</summary>
    string? Fault => null;

    /// <summary>Bytes received that are not edges of its protocol.</summary>
    long Garbage => 0;
}
