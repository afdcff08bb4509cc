using ExperimentRunner.Presentation.Native;

namespace ExperimentRunner.Presentation;

/// <summary>
/// Settings SDL reads from the process environment (SDL_AUDIODRIVER, SDL_DISKAUDIOFILE, SDL_VIDEODRIVER…). On Unix,
/// <see cref="Environment.SetEnvironmentVariable(string, string)"/> changes only .NET's copy, which SDL never sees;
/// this sets both. Call before the display or audio that needs it is opened.
/// </summary>
public static class SdlEnvironment
{
    public static void Set(string name, string value)
    {
        Environment.SetEnvironmentVariable(name, value);
        if (Sdl.IsAvailable(out _)) Sdl.SetEnv(name, value, 1);
    }
}
