namespace ExperimentRunner.Hardware;

/// <summary>
/// A device could not be opened or used. The message is for people (what, where, what to do) and is printed as it
/// is, without a stack trace. A malformed specification is Core's <see cref="Core.Vocabulary.DeviceSpecException"/>.
/// </summary>
public class HardwareException(string message, Exception? inner = null) : Exception(message, inner);
