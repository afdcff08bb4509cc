namespace ExperimentRunner.Hardware;

/// <summary>
/// A device could not be opened or used. The message is for people (what, where, what to do) and is printed as it
/// is, without a stack trace.
/// </summary>
public class HardwareException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A device specification on the command line (<c>serial:PATH</c>, <c>udp:HOST:PORT</c>…) is malformed.</summary>
public sealed class DeviceSpecException(string message) : HardwareException(message);
