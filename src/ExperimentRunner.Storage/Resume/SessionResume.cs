using System.Security.Cryptography;
using ExperimentRunner.Core.Engine;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Core.Planning;
using ExperimentRunner.Storage.Export;

namespace ExperimentRunner.Storage.Resume;

/// <summary>A session that cannot be resumed as asked (unknown, complete, its paradigm missing or changed): a message
/// for people; invalid input (exit 2).</summary>
public sealed class ResumeException(string message) : Exception(message);

/// <summary>Where an interrupted session continues: its record, its paradigm (the file, unchanged since it started) and
/// plan, and the point to continue at. A null <see cref="Point"/>: the session starts again from its beginning under the
/// same id (the first attempt stays recorded).</summary>
public sealed record ResumePlan(StoredSession Session, string ParadigmPath, Plan Plan, ResumePoint? Point, string Explanation);

/// <summary>
/// The resume algorithm: from what a session's record holds, where it continues. The paradigm is found by its SHA-256
/// (a changed file is refused); the session continues at the first (run, block) without a BlockEnded event in any
/// acquisition, with the selections it recorded. Each continuation into a run is a new acquisition of that run, with its
/// own t0 (see <see cref="SessionAssembly"/>).
/// </summary>
public static class SessionResume
{
    /// <summary>Plans the resume of <paramref name="sessionId"/>. <paramref name="paradigmPath"/>: the paradigm file, or
    /// null to look in <paramref name="paradigmsFolder"/> for the file with the session's SHA-256. <paramref name="load"/>
    /// loads a paradigm (and reports its problems its own way). Throws <see cref="ResumeException"/>.</summary>
    public static ResumePlan Find(StudyReader reader, string sessionId, string? paradigmPath, string paradigmsFolder, Func<string, ParadigmModel> load)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(load);
        StoredSession session = reader.Session(sessionId) ?? throw new ResumeException(
            $"no session '{sessionId}' in {reader.DatabasePath}; sessions: {string.Join(", ", reader.Sessions().Select(s => s.SessionId).Take(10))}");
        if (session.Status == "completed")
            throw new ResumeException($"session {sessionId} is complete; there is nothing to resume");
        SessionInfo info = session.Info;
        string path = paradigmPath ?? FindParadigm(paradigmsFolder, info.ParadigmSha256)
            ?? throw new ResumeException($"the paradigm of session {sessionId} ({info.ParadigmName}, sha256 {Short(info.ParadigmSha256)}…) was not found in {paradigmsFolder}; give it with --paradigm FILE");
        string sha;
        try { sha = Sha256Of(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ResumeException($"cannot read the paradigm {path}: {e.Message}");
        }
        if (sha != info.ParadigmSha256)
            throw new ResumeException($"{path} has changed since session {sessionId} started (sha256 {Short(sha)}… ≠ {Short(info.ParadigmSha256)}…); resume with the file as it was");
        Plan plan = Planner.Make(load(path), new SessionFacts(info.ParticipantId, info.SessionLabel, info.Seed));
        var (point, explanation) = Continuation(plan, reader.Assemble(sessionId));
        return new ResumePlan(session, path, plan, point, explanation);
    }

    /// <summary>Where a session of <paramref name="plan"/> whose record is <paramref name="record"/> continues, and why
    /// (for the operator). Null point: start again from the beginning.</summary>
    public static (ResumePoint? Point, string Explanation) Continuation(Plan plan, SessionAssembly record)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(record);
        PlannedPhase? selectionPhase = plan.Phases.FirstOrDefault(p => p.Spec is SelectionPhase);
        List<(string, string?)> selections = selectionPhase is null ? [] : SelectionRecord.Of(record.Events.Select(e => e.Event), selectionPhase.Spec.Name);
        bool selectionDone = selectionPhase is null || selections.Count >= selectionPhase.ProfileOrder.Count;
        foreach (PlannedRun run in plan.Runs)
        {
            int block = run.Blocks.Select(b => b.Index).FirstOrDefault(b => !record.CompletedBlocks.Contains((run.Index, b)));
            if (block == 0 || record.RunFinished(run.Index)) continue;
            if (!selectionDone && !record.Acquisitions.Any(a => a.HasT0))
                return (null, "interrupted before the selection was finished: the session starts again from its beginning (the first attempt stays recorded)");
            return (new ResumePoint(run.Index, block, selections),
                block == 1 ? $"continues with run {run.Index} from its start" : $"continues run {run.Index} at block {block} (blocks before it are complete)");
        }
        // Every block is done: what remains are the phases after the last run (ratings, end).
        PlannedRun? last = plan.Runs.LastOrDefault();
        if (last is null) return (null, "the paradigm has no scan run: the session starts again from its beginning");
        return (new ResumePoint(last.Index, last.Blocks.Count + 1, selections), "every block is complete: continues with the phases after the last run");
    }

    private static string? FindParadigm(string folder, string sha)
    {
        if (!Directory.Exists(folder)) return null;
        foreach (string file in Directory.GetFiles(folder, "*.yaml").Order(StringComparer.Ordinal))
        {
            try
            {
                if (Sha256Of(file) == sha) return file;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // An unreadable file is not the paradigm we look for.
            }
        }
        return null;
    }

    /// <summary>A regular file's SHA-256, read bounded (a FIFO or device named *.yaml must not hang the search).</summary>
    private static string Sha256Of(string path) =>
        Convert.ToHexStringLower(SHA256.HashData(ExperimentRunner.Core.Files.RegularFile.ReadAllBytes(path, ExperimentRunner.Core.Paradigm.YamlTree.MaxBytes)));

    private static string Short(string sha) => sha.Length > 12 ? sha[..12] : sha;
}
