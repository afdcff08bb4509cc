using System.Buffers.Binary;

namespace ExperimentRunner.Hardware.ResponseBoxes;

/// <summary>
/// The parts of Cedrus's XID protocol (as Cedrus documents it for developers) a response box session uses. A key event
/// is six bytes: <c>'k'</c>, an info byte (bits 0–3 the port, bit 4 set for a press and clear for a release, bits 5–7
/// the key number 0–7), then the box's reaction-time timer in milliseconds, four bytes little-endian. Commands are
/// ASCII: <c>_c1</c> asks the protocol (the box answers <c>_xid0</c> in XID mode), <c>_d1</c> the product name,
/// <c>_d2</c> the product id, <c>e5</c> resets the reaction-time timer to 0 (no answer), <c>e1</c> the base timer,
/// and <c>e3</c> (XID 2 boxes) asks the base timer: the answer is <c>e3</c> and the timer in ms, four bytes
/// little-endian. Both timers are reset together at alignment, so a query reads the clock key events carry.
/// </summary>
public static class XidProtocol
{
    public const byte KeyEvent = (byte)'k';
    public const int KeyEventLength = 6;

    public static ReadOnlySpan<byte> QueryProtocol => "_c1"u8;
    public static ReadOnlySpan<byte> XidModeAnswer => "_xid"u8;
    public static ReadOnlySpan<byte> QueryProductName => "_d1"u8;
    public static ReadOnlySpan<byte> QueryProductId => "_d2"u8;
    public static ReadOnlySpan<byte> ResetRtTimer => "e5"u8;
    public static ReadOnlySpan<byte> ResetBaseTimer => "e1"u8;
    public static ReadOnlySpan<byte> ResetBothTimers => "e1e5"u8;
    public static ReadOnlySpan<byte> QueryBaseTimer => "e3"u8;
    public const byte TimerAnswer = (byte)'e';
    public const int TimerAnswerLength = 6;

    /// <summary>Writes a key event into <paramref name="packet"/> (six bytes).</summary>
    public static void EncodeKey(Span<byte> packet, int port, int key, bool pressed, uint timerMs)
    {
        packet[0] = KeyEvent;
        packet[1] = (byte)((port & 0x0F) | (pressed ? 0x10 : 0) | ((key & 0x07) << 5));
        BinaryPrimitives.WriteUInt32LittleEndian(packet[2..], timerMs);
    }

    /// <summary>Reads a key event (six bytes starting with 'k'); false when the first byte is not 'k'.</summary>
    public static bool TryDecodeKey(ReadOnlySpan<byte> packet, out int port, out int key, out bool pressed, out uint timerMs)
    {
        port = key = 0;
        pressed = false;
        timerMs = 0;
        if (packet.Length < KeyEventLength || packet[0] != KeyEvent) return false;
        byte info = packet[1];
        port = info & 0x0F;
        pressed = (info & 0x10) != 0;
        key = (info >> 5) & 0x07;
        timerMs = BinaryPrimitives.ReadUInt32LittleEndian(packet[2..]);
        return true;
    }

    /// <summary>What a product id (the answer to <c>_d2</c>) names.</summary>
    public static string ProductName(byte id) => id switch
    {
        (byte)'0' => "Lumina",
        (byte)'1' => "SV-1 voice key",
        (byte)'2' => "RB-series response pad",
        (byte)'4' => "c-pod",
        (byte)'S' => "StimTracker",
        _ => $"unknown product id 0x{id:X2}",
    };
}
