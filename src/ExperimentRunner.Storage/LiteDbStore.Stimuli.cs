using LiteDB;

namespace ExperimentRunner.Storage;

// Per-session stimuli (a partner's photo given with --stimulus): a copy of each file in the study, by its dataset name.
public sealed partial class LiteDbStore
{
    /// <summary>
    /// Stores copies of per-session stimulus files in the study (collection <see cref="StudyLayout.Stimuli"/>: <c>_id</c>
    /// the file's dataset path <c>session/&lt;sha256&gt;.&lt;ext&gt;</c>, <c>data</c> its bytes), so exports carry them
    /// without the original. A file already stored is kept. Blocks until stored; call before the session starts.
    /// </summary>
    public void StoreStimuli(IReadOnlyList<(string StimFile, byte[] Data)> files)
    {
        if (files.Count == 0) return;
        RunControl(new ControlOp(null, null) { Files = files });
    }

    private void StoreStimulusFiles(IReadOnlyList<(string StimFile, byte[] Data)> files)
    {
        ILiteCollection<BsonDocument> stimuli = _db.GetCollection(StudyLayout.Stimuli);
        foreach ((string stimFile, byte[] data) in files)
            if (stimuli.FindById(stimFile) is null)
                stimuli.Insert(RecordSeal.Seal(new BsonDocument { ["_id"] = stimFile, ["data"] = data }));
        _db.Checkpoint();
    }
}

public sealed partial class StudyReader
{
    /// <summary>The stored copy of a per-session stimulus by its dataset path (<c>session/…</c>), or null.</summary>
    public byte[]? StoredStimulus(string stimFile)
    {
        try
        {
            return _db.GetCollection(StudyLayout.Stimuli).FindById(stimFile) is { } d && d.TryGetValue("data", out BsonValue v) && v.IsBinary ? v.AsBinary : null;
        }
        catch (LiteException) { return null; }
    }
}
