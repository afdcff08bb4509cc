namespace ExperimentRunner.Storage;

/// <summary>Counters of a store since it opened. Events: handed to <see cref="LiteDbStore.Write"/>, committed (in the
/// files as the OS holds them: safe from a killed process), durable (forced to the disk). Times in nanoseconds.</summary>
public readonly record struct StoreStats(
    long EventsWritten, long EventsCommitted, long EventsDurable, long Commits, long CommitNsTotal, long CommitNsMax,
    long Fsyncs, long FsyncNsTotal, long FsyncNsMax, long OverflowEvents, string? Fault);
