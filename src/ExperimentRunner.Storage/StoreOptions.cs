namespace ExperimentRunner.Storage;

/// <summary>How a <see cref="LiteDbStore"/> queues and commits. The defaults keep every event durable within 100 ms.</summary>
public sealed record StoreOptions
{
    /// <summary>Cells of the preallocated event ring (rounded up to a power of two; about 130 bytes each, so the
    /// default takes about 8 MB). 65,536 is 18 minutes of flips at 60 Hz, were the writer to stall that long.</summary>
    public int QueueCapacity { get; init; } = 1 << 16;

    /// <summary>How often the writer thread looks at the queue, in milliseconds. It never waits longer than this.</summary>
    public int WakeIntervalMs { get; init; } = 20;

    /// <summary>The writer commits once the oldest pending event it has seen has waited this long (ms), so the worst
    /// case from <see cref="LiteDbStore.Write"/> to the files is about WakeInterval + CommitDelay + WakeInterval + the
    /// commit itself. 0 (the default) commits at every wake that finds events: the shortest bound, at the price of up
    /// to 1000 / WakeInterval small transactions a second; raise it to batch more on slow disks.</summary>
    public int CommitDelayMs { get; init; }

    /// <summary>Most events in one transaction; more pending events commit in several transactions at once.</summary>
    public int MaxBatch { get; init; } = 8192;

    /// <summary>LiteDB copies its log into the data file once the log holds this many 8 KiB pages; 0 only at session
    /// end and close.</summary>
    public int CheckpointPages { get; init; } = 1000;

    /// <summary>After a commit that holds a BlockEnded event, copy the log into the data file (a checkpoint, which
    /// forces the data file to the disk): a completed block survives even a power cut that took the log's last
    /// pages, and the log stays short.</summary>
    public bool CheckpointAtBlockEnd { get; init; } = true;

    /// <summary>Force the log to the disk (fsync) after each commit: survives a power cut, not only a killed process.
    /// A second thread does it, so a slow disk never holds back the next commit: a commit is in the OS (safe from a
    /// killed process) when the writer finishes it, and on the disk when that thread's fsync returns.</summary>
    public bool FsyncLog { get; init; } = true;
}
