namespace ExperimentRunner.Cli.Commands;

/// <summary>Exit codes of every verb, and the one place that turns an unexpected exception into a message.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>Any failure other than invalid input (a device, the disk, a bug).</summary>
    public const int Failure = 1;
    /// <summary>The input (paradigm, database, arguments) is invalid.</summary>
    public const int Invalid = 2;
    /// <summary>The operator aborted the session; data up to the abort is kept.</summary>
    public const int Aborted = 3;
}

/// <summary>A failure with a message for people: printed as it is, never with a stack trace.</summary>
public sealed class UserFacingException(string message, int exitCode = ExitCodes.Failure) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

public static class CliErrors
{
    public static int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (UserFacingException e)
        {
            Console.Error.WriteLine($"exrun: error: {e.Message}");
            return e.ExitCode;
        }
        catch (ExperimentRunner.Storage.StudyOpenException e)
        {
            Console.Error.WriteLine($"exrun: error: {e.Message}");
            return StorageCommands.Explain(e).ExitCode;
        }
        catch (ExperimentRunner.Storage.StudyDamageException e)
        {
            // A reader found a damaged record: stop rather than hand on wrong or partial data.
            Console.Error.WriteLine($"exrun: error: {e.Message}; see `exrun db check`");
            return ExitCodes.Invalid;
        }
        catch (ExperimentRunner.Hardware.DeviceSpecException e)
        {
            Console.Error.WriteLine($"exrun: error: {e.Message}");
            return ExitCodes.Invalid;
        }
        catch (ExperimentRunner.Hardware.HardwareException e)
        {
            Console.Error.WriteLine($"exrun: error: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception e)
        {
            // A bug or an environment failure: say what, not where in our code.
            Console.Error.WriteLine($"exrun: error: {e.GetType().Name}: {e.Message}");
            if (Environment.GetEnvironmentVariable("EXRUN_DEBUG") == "1") Console.Error.WriteLine(e);
            return ExitCodes.Failure;
        }
    }
}
