using LiteDB;

namespace ExperimentRunner.Storage;

/// <summary>
/// A self-contained copy of a study: the data file with everything committed in its log copied in (a killed writer's
/// last commits live only in <c>-log.db</c> until the next writer opens the study, so copying <c>study.db</c> alone
/// would lose them). The study itself is not changed.
/// </summary>
public static class StudyBackup
{
    /// <summary>Copies <paramref name="path"/> to <paramref name="outPath"/> (which must not exist), merging the log,
    /// and checks the copy. Holds the writer's lock while copying, so no session writes meanwhile.</summary>
    public static StudyCheckReport Copy(string path, string outPath, string? password)
    {
        path = Path.GetFullPath(path);
        outPath = Path.GetFullPath(outPath);
        if (File.Exists(outPath) || Directory.Exists(outPath))
            throw new StudyOpenException(StudyOpenFailure.Damaged, $"{outPath} exists already; a backup goes to a new file");
        using (StudyReader.Open(path, password)) { } // a plain answer for what is not a study, before anything else
        (FileStream lockFile, bool created) = StudyFiles.TakeLock(path);
        string temp = outPath + ".partial";
        string tempLog = StudyFiles.LogPathFor(temp);
        try
        {
            try
            {
                StudyFiles.EnsureFolder(Path.GetDirectoryName(outPath) ?? "");
                using (var target = new FileStream(temp, StudyFiles.WriteOptions(FileMode.CreateNew, FileShare.None)))
                using (var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
                    source.CopyTo(target);
                string log = StudyFiles.LogPathFor(path);
                using (var target = new FileStream(tempLog, StudyFiles.WriteOptions(FileMode.CreateNew, FileShare.None)))
                {
                    if (File.Exists(log))
                    {
                        using var source = new WholePagesReadStream(new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
                        source.CopyTo(target);
                    }
                }
                using (var data = new FileStream(temp, StudyFiles.WriteOptions(FileMode.Open, FileShare.None)))
                using (var logStream = new FileStream(tempLog, StudyFiles.WriteOptions(FileMode.Open, FileShare.None)))
                using (LiteDatabase db = StudyFiles.OpenDatabase(data, logStream, password, readOnly: false, StudyFiles.Mapper))
                {
                    // The copy holds what the writer committed: it is closed, whatever the original's writer did.
                    db.GetCollection(StudyLayout.Meta).Upsert(RecordSeal.Seal(new BsonDocument
                    {
                        ["_id"] = "writer", ["open"] = false, ["session"] = BsonValue.Null,
                    }));
                    db.Checkpoint();
                }
                File.Delete(tempLog);
                File.Move(temp, outPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or LiteException)
            {
                StudyFiles.TryDelete(temp);
                StudyFiles.TryDelete(tempLog);
                throw e is LiteException ? StudyFiles.Explain(e, path, password is not null) : StudyFiles.ExplainWrite(e, outPath);
            }
        }
        finally
        {
            if (created) StudyFiles.TryDelete(StudyFiles.LockPathFor(path));
            lockFile.Dispose();
        }
        return StudyCheck.Run(outPath, password);
    }
}
