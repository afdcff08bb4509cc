using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
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
        // Records of plain values (every event, flip chunk and tally) are encoded here into a reused buffer (issue 17);
        // anything else (a session's nested provenance) goes through LiteDB's serializer. Both give the same bytes.
        if (CanonicalBson.TryChecksum(fields.AsSpan(0, n), out uint crc)) return crc;
        return SerializedChecksum(fields.AsSpan(0, n));
    }

    /// <summary>The checksum through LiteDB's serializer: a copy of the fields, in the given order, serialized.</summary>
    internal static uint SerializedChecksum(ReadOnlySpan<KeyValuePair<string, BsonValue>> sortedFields)
    {
        var canonical = new BsonDocument();
        foreach (var field in sortedFields) canonical.Add(field.Key, field.Value);
        byte[] bytes = BsonSerializer.Serialize(canonical);
        return Crc32.Compute(bytes);
    }

    private static readonly Comparer<KeyValuePair<string, BsonValue>> ByName =
        Comparer<KeyValuePair<string, BsonValue>>.Create((a, b) => string.CompareOrdinal(a.Key, b.Key));
}

/// <summary>CRC-32 (IEEE 802.3, reflected, as zlib computes it).</summary>
public static class Crc32
{
    // Slicing-by-8 (eight bytes a step through eight tables): the same values as the byte-at-a-time table, about four
    // times faster on the 14 KB flip chunks every commit seals (issue 17).
    private static readonly uint[] Table = MakeTables();

    private static uint[] MakeTables()
    {
        var t = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        for (int s = 1; s < 8; s++)
            for (int n = 0; n < 256; n++)
                t[s * 256 + n] = (t[(s - 1) * 256 + n] >> 8) ^ t[t[(s - 1) * 256 + n] & 0xFF];
        return t;
    }

    public static uint Compute(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFFu;
        if (Pclmulqdq.IsSupported && Sse2.IsSupported && bytes.Length >= 64)
        {
            int whole = bytes.Length & ~15;
            crc = Folded(crc, bytes[..whole]);
            bytes = bytes[whole..];
        }
        return Table8(crc, bytes) ^ 0xFFFFFFFFu;
    }

    private static uint Table8(uint crc, ReadOnlySpan<byte> bytes)
    {
        uint[] t = Table;
        int i = 0;
        for (; i + 8 <= bytes.Length; i += 8)
        {
            uint lo = crc ^ System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes[i..]);
            uint hi = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes[(i + 4)..]);
            crc = t[7 * 256 + (lo & 0xFF)] ^ t[6 * 256 + ((lo >> 8) & 0xFF)] ^ t[5 * 256 + ((lo >> 16) & 0xFF)] ^ t[4 * 256 + (lo >> 24)]
                ^ t[3 * 256 + (hi & 0xFF)] ^ t[2 * 256 + ((hi >> 8) & 0xFF)] ^ t[256 + ((hi >> 16) & 0xFF)] ^ t[hi >> 24];
        }
        for (; i < bytes.Length; i++) crc = t[(crc ^ bytes[i]) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    // Carry-less multiplication (PCLMULQDQ), folding 64 bytes a step (Intel's "Fast CRC Computation for Generic
    // Polynomials Using PCLMULQDQ", the reflected constants of CRC-32): the same values, some ten times faster on the
    // 14 KB flip chunks every commit seals (issue 17). A whole number of 16-byte blocks, at least 64 bytes.
    private static uint Folded(uint crc, ReadOnlySpan<byte> bytes)
    {
        ref byte at = ref MemoryMarshal.GetReference(bytes);
        int length = bytes.Length;
        Vector128<ulong> x1 = Vector128.LoadUnsafe(ref at).AsUInt64();
        Vector128<ulong> x2 = Vector128.LoadUnsafe(ref at, 16).AsUInt64();
        Vector128<ulong> x3 = Vector128.LoadUnsafe(ref at, 32).AsUInt64();
        Vector128<ulong> x4 = Vector128.LoadUnsafe(ref at, 48).AsUInt64();
        x1 ^= Vector128.CreateScalar(crc).AsUInt64();
        at = ref Unsafe.Add(ref at, 64);
        length -= 64;
        Vector128<ulong> k = Vector128.Create(0x0154442bd4UL, 0x01c6e41596UL);
        while (length >= 64)
        {
            x1 = Fold(Vector128.LoadUnsafe(ref at).AsUInt64(), x1, k);
            x2 = Fold(Vector128.LoadUnsafe(ref at, 16).AsUInt64(), x2, k);
            x3 = Fold(Vector128.LoadUnsafe(ref at, 32).AsUInt64(), x3, k);
            x4 = Fold(Vector128.LoadUnsafe(ref at, 48).AsUInt64(), x4, k);
            at = ref Unsafe.Add(ref at, 64);
            length -= 64;
        }
        k = Vector128.Create(0x01751997d0UL, 0x00ccaa009eUL);
        x1 = Fold(x2, x1, k);
        x1 = Fold(x3, x1, k);
        x1 = Fold(x4, x1, k);
        while (length >= 16)
        {
            x1 = Fold(Vector128.LoadUnsafe(ref at).AsUInt64(), x1, k);
            at = ref Unsafe.Add(ref at, 16);
            length -= 16;
        }
        // 128 bits to 64, then Barrett reduction to 32.
        Vector128<ulong> mask = Vector128.Create(~0u, 0u, ~0u, 0u).AsUInt64();
        x1 = Sse2.ShiftRightLogical128BitLane(x1, 8) ^ Pclmulqdq.CarrylessMultiply(x1, Vector128.CreateScalar(0x00ccaa009eUL), 0x00);
        x1 = Pclmulqdq.CarrylessMultiply(x1 & mask, Vector128.CreateScalar(0x0163cd6124UL), 0x00) ^ Sse2.ShiftRightLogical128BitLane(x1, 4);
        k = Vector128.Create(0x01db710641UL, 0x01f7011641UL);
        Vector128<ulong> x2b = Pclmulqdq.CarrylessMultiply(x1 & mask, k, 0x10) & mask;
        x2b = Pclmulqdq.CarrylessMultiply(x2b, k, 0x00);
        x1 ^= x2b;
        return x1.AsUInt32().GetElement(1);
    }

    private static Vector128<ulong> Fold(Vector128<ulong> next, Vector128<ulong> acc, Vector128<ulong> k) =>
        next ^ Pclmulqdq.CarrylessMultiply(acc, k, 0x11) ^ Pclmulqdq.CarrylessMultiply(acc, k, 0x00);
}
