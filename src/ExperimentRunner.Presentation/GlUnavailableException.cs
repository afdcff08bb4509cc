namespace ExperimentRunner.Presentation;

/// <summary>
/// OpenGL (or SDL's window/context behind it) is not usable here; the message says why and what to do. Thrown by the
/// SDL video layer (Native) and the GL renderer (Gl) alike, so it lives beside both.
/// </summary>
public sealed class GlUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
