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
        catch (ExperimentRunner.Core.Engine.SessionCrashedException e)
        {
            // Stored as crashed, with everything before it (simulate and run say how to resume; this is for the rest).
            Console.Error.WriteLine($"exrun: error: {e.Message}. Everything recorded up to the crash is kept (exrun resume continues it)");
            return ExitCodes.Failure;
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
        catch (ExperimentRunner.Core.Vocabulary.DeviceSpecException e)
        {
            Console.Error.WriteLine($"exrun: error: {e.Message}");
            return ExitCodes.Invalid;
        }
        catch (ExperimentRunner.Hardware.HardwareException e)
        {
            Console.Error.WriteLine($"exrun: error: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is InvalidDataException or Core.Files.ConfinedFileException)
        {
            // A stimulus file that cannot be used (damaged, a FIFO, too large): the input is invalid.
            Console.Error.WriteLine($"exrun: error: {e.Message}");
            return ExitCodes.Invalid;
        }
        catch (System.Text.DecoderFallbackException)
        {
            Console.Error.WriteLine("exrun: error: a file that should be UTF-8 text is not (save it as UTF-8)");
            return ExitCodes.Invalid;
        }
        catch (OutOfMemoryException)
        {
            Console.Error.WriteLine("exrun: error: out of memory (an input far larger than expected?); nothing more was written");
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The disk or permissions: the message names the file.
            Console.Error.WriteLine($"exrun: error: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception e)
        {
            // A bug: say what, not where in our code, nor the exception's type name.
            Console.Error.WriteLine($"exrun: error: unexpected failure: {e.Message}");
            Console.Error.WriteLine("  (this is a bug in exrun; run again with EXRUN_DEBUG=1 to see where, and report it)");
            if (Environment.GetEnvironmentVariable("EXRUN_DEBUG") == "1") Console.Error.WriteLine(e);
            return ExitCodes.Failure;
        }
    }
}
