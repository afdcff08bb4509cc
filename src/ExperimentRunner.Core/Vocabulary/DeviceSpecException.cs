namespace ExperimentRunner.Core.Vocabulary;

/// <summary>
/// A device specification (<c>--scanner</c>, <c>--markers</c>, <c>--display</c>, a paradigm's <c>scanner.trigger</c>)
/// or a key name is malformed. The message is for people (what is wrong, what to write instead) and is printed as it
/// is; the command line answers it with exit code 2 (invalid arguments), the paradigm validator at the value's
/// file:line:col.
/// </summary>
public sealed class DeviceSpecException(string message) : Exception(message);
