using System.Buffers.Binary;
using System.Text;
using LiteDB;

namespace ExperimentRunner.Storage;

/// <summary>
/// The checksum of a record's canonical BSON (<see cref="RecordSeal"/>) without LiteDB's serializer: the fields are
/// encoded as the BSON specification (and LiteDB) does into a buffer reused per thread, instead of copying them into a
/// second document and serializing that into a new array for every event and flip chunk (issue 17). Only plain values
/// (numbers, strings, null, booleans, binary) are encoded here; a record holding anything else (a session's nested
/// provenance, a date) is left to the serializer. The first use compares both ways on a record of every handled type
/// and keeps to the serializer if they ever differ (a LiteDB that encodes differently).
/// </summary>
internal static class CanonicalBson
{
    [ThreadStatic] private static byte[]? _buffer;

    /// <summary>UTF-8 that throws on a lone surrogate, as LiteDB's does (such a record cannot be stored or sealed).</summary>
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Buffers above this are not kept for the next record (a large stimulus file's record).</summary>
    private const int KeepBytes = 1 << 20;

    private static readonly bool Agrees = SelfCheck();

    /// <summary>The CRC-32 of the BSON of a document holding <paramref name="fields"/> in that order; false when a value
    /// is not a plain one (the caller then serializes).</summary>
    public static bool TryChecksum(ReadOnlySpan<KeyValuePair<string, BsonValue>> fields, out uint crc)
    {
        crc = 0;
        return Agrees && TryChecksumUnchecked(fields, out crc);
    }

    private static bool TryChecksumUnchecked(ReadOnlySpan<KeyValuePair<string, BsonValue>> fields, out uint crc)
    {
        crc = 0;
        int length = 4 + 1; // the document's length, its closing zero
        foreach (var (key, value) in fields)
        {
            // A name with a zero byte cannot be written as BSON: leave it to the serializer (and its exception).
            if (key.Contains('\0')) return false;
            int size = ValueSize(value);
            if (size < 0) return false;
            length += 1 + Utf8.GetByteCount(key) + 1 + size;
        }
        byte[] buffer = _buffer is { } b && b.Length >= length ? b : new byte[Math.Max(length, 4096)];
        var span = buffer.AsSpan(0, length);
        BinaryPrimitives.WriteInt32LittleEndian(span, length);
        int at = 4;
        foreach (var (key, value) in fields)
        {
            span[at++] = TypeCode(value.Type);
            at += Utf8.GetBytes(key, span[at..]);
            span[at++] = 0;
            at += WriteValue(value, span[at..]);
        }
        span[at++] = 0;
        if (at != length) return false; // cannot happen; never seal with a wrong length
        crc = Crc32.Compute(span);
        if (buffer.Length <= KeepBytes) _buffer = buffer;
        return true;
    }

    /// <summary>Bytes of the value's encoding after its name, or -1 for a type not encoded here.</summary>
    private static int ValueSize(BsonValue value) => value.Type switch
    {
        BsonType.Int32 => 4,
        BsonType.Int64 or BsonType.Double => 8,
        BsonType.Boolean => 1,
        BsonType.Null => 0,
        BsonType.String => 4 + Utf8.GetByteCount(value.AsString) + 1,
        BsonType.Binary => 4 + 1 + value.AsBinary.Length,
        _ => -1,
    };

    private static byte TypeCode(BsonType type) => type switch
    {
        BsonType.Double => 0x01,
        BsonType.String => 0x02,
        BsonType.Binary => 0x05,
        BsonType.Boolean => 0x08,
        BsonType.Null => 0x0A,
        BsonType.Int32 => 0x10,
        BsonType.Int64 => 0x12,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    private static int WriteValue(BsonValue value, Span<byte> to)
    {
        switch (value.Type)
        {
            case BsonType.Int32:
                BinaryPrimitives.WriteInt32LittleEndian(to, value.AsInt32);
                return 4;
            case BsonType.Int64:
                BinaryPrimitives.WriteInt64LittleEndian(to, value.AsInt64);
                return 8;
            case BsonType.Double:
                BinaryPrimitives.WriteDoubleLittleEndian(to, value.AsDouble);
                return 8;
            case BsonType.Boolean:
                to[0] = value.AsBoolean ? (byte)1 : (byte)0;
                return 1;
            case BsonType.Null:
                return 0;
            case BsonType.String:
            {
                int n = Utf8.GetBytes(value.AsString, to[4..]);
                BinaryPrimitives.WriteInt32LittleEndian(to, n + 1);
                to[4 + n] = 0;
                return 4 + n + 1;
            }
            case BsonType.Binary:
            {
                byte[] bytes = value.AsBinary;
                BinaryPrimitives.WriteInt32LittleEndian(to, bytes.Length);
                to[4] = 0; // subtype 0: generic binary
                bytes.CopyTo(to[5..]);
                return 5 + bytes.Length;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(value), value.Type, null);
        }
    }

    /// <summary>Whether this encoding and LiteDB's serializer agree on a record of every type handled here.</summary>
    private static bool SelfCheck()
    {
        try
        {
            var sample = new KeyValuePair<string, BsonValue>[]
            {
                new("_id", 1234567890123L), new("binary", new BsonValue(new byte[] { 0, 1, 2, 250, 255 })), new("code", -7),
                new("empty", ""), new("false", false), new("nan", double.NaN), new("none", BsonValue.Null),
                new("text", "Grüße, 名前 \U0001F600"), new("true", true), new("value", -0.125),
            };
            return TryChecksumUnchecked(sample, out uint fast) && fast == RecordSeal.SerializedChecksum(sample);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
    }
}
