using LiteDB;

namespace ExperimentRunner.Storage;

/// <summary>What a record's checksum says.</summary>
public enum SealState
{
    /// <summary>The checksum matches the record.</summary>
    Intact,
    /// <summary>No checksum: written by 0.1.0, which wrote none.</summary>
    Unsealed,
    /// <summary>The checksum does not match: a byte of the record changed after it was written.</summary>
    Broken,
}

/// <summary>
/// Per-record checksums (CRC-32, IEEE) of study documents: events, flip chunks, sessions and tallies carry a
/// <c>crc</c> field over every other field, names included, so a changed byte in a value or a name is found by every
/// reader. The checksummed bytes are the BSON of the record with its fields in ordinal name order (independent of the
/// order LiteDB hands them back in).
/// </summary>
public static class RecordSeal
{
    /// <summary>The field that holds a record's checksum (Int64 holding the unsigned CRC-32).</summary>
    public const string Field = "crc";

    /// <summary>Sets <see cref="Field"/> on <paramref name="d"/> to the checksum of its other fields.</summary>
    public static BsonDocument Seal(BsonDocument d)
    {
        d.Remove(Field);
        d[Field] = (long)Checksum(d);
        return d;
    }

    /// <summary>Whether <paramref name="d"/>'s checksum matches.</summary>
    public static SealState Check(BsonDocument d)
    {
        if (!d.TryGetValue(Field, out BsonValue stored)) return SealState.Unsealed;
        if (!stored.IsNumber) return SealState.Broken;
        try
        {
            return stored.AsInt64 == Checksum(d) ? SealState.Intact : SealState.Broken;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return SealState.Broken; // a damaged name or value that cannot even be written back
        }
    }

    private static uint Checksum(BsonDocument d)
    {
        // The same bytes as serializing a copy with the keys in ordinal order, without LINQ or a dictionary lookup per
        // key: this runs for every record every reader and every writer's open reads.
        var fields = new KeyValuePair<string, BsonValue>[d.Count];
        int n = 0;
        foreach (KeyValuePair<string, BsonValue> field in d)
            if (field.Key != Field) fields[n++] = field;
        Array.Sort(fields, 0, n, ByName);
        var canonical = new BsonDocument();
        for (int i = 0; i < n; i++) canonical.Add(fields[i].Key, fields[i].Value);
        byte[] bytes = BsonSerializer.Serialize(canonical);
        return Crc32.Compute(bytes);
    }

    private static readonly Comparer<KeyValuePair<string, BsonValue>> ByName =
        Comparer<KeyValuePair<string, BsonValue>>.Create((a, b) => string.CompareOrdinal(a.Key, b.Key));
}

/// <summary>CRC-32 (IEEE 802.3, reflected, as zlib computes it).</summary>
public static class Crc32
{
    private static readonly uint[] Table = MakeTable();

    private static uint[] MakeTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }

    public static uint Compute(ReadOnlySpan<byte> bytes)
    {
        uint[] table = Table;
        uint crc = 0xFFFFFFFFu;
        for (int i = 0; i < bytes.Length; i++) crc = table[(crc ^ bytes[i]) & 0xFF] ^ (crc >> 8);
        return crc ^ 0xFFFFFFFFu;
    }
}
