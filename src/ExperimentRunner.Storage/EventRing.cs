using System.Runtime.InteropServices;
using ExperimentRunner.Core.Events;

namespace ExperimentRunner.Storage;

/// <summary>
/// A bounded, preallocated ring of events: many producers (the frame loop, device threads) and one consumer (the
/// writer thread). Each cell carries a turn number, so a producer claims a cell with one compare-and-swap and never
/// waits or allocates; a full ring makes <see cref="TryEnqueue"/> return false at once.
/// </summary>
internal sealed class EventRing
{
    [StructLayout(LayoutKind.Auto)]
    private struct Cell
    {
        /// <summary>Equals the claim position when free for that position; position + 1 once filled.</summary>
        public long Turn;
        public long Seq;
        public EventRecord Item;
    }

    private readonly Cell[] _cells;
    private readonly long _mask;
    // The producers' and the consumer's positions each on a cache line of its own: side by side (and beside the fields
    // both read) they bounced between the two cores at every event (issue 17).
    private Padded _enqueue;
    private Padded _dequeue; // only the consumer touches it

    [StructLayout(LayoutKind.Explicit, Size = 136)]
    private struct Padded
    {
        [FieldOffset(64)] public long Pos;
    }

    /// <param name="capacity">Cells; rounded up to a power of two, at least 16.</param>
    public EventRing(int capacity)
    {
        int size = 16;
        while (size < capacity) size <<= 1;
        _cells = new Cell[size];
        for (int i = 0; i < size; i++) _cells[i].Turn = i;
        _mask = size - 1;
    }

    public int Capacity => _cells.Length;

    /// <summary>Producers: puts one event in, or returns false at once when the ring is full.</summary>
    public bool TryEnqueue(long seq, in EventRecord item)
    {
        while (true)
        {
            long pos = Volatile.Read(ref _enqueue.Pos);
            ref Cell cell = ref _cells[pos & _mask];
            long turn = Volatile.Read(ref cell.Turn);
            long diff = turn - pos;
            if (diff == 0)
            {
                if (Interlocked.CompareExchange(ref _enqueue.Pos, pos + 1, pos) == pos)
                {
                    cell.Seq = seq;
                    cell.Item = item;
                    Volatile.Write(ref cell.Turn, pos + 1);
                    return true;
                }
            }
            else if (diff < 0)
            {
                return false; // the consumer has not freed this cell yet: full
            }
            // else another producer took this position; look again
        }
    }

    /// <summary>The consumer only: whether the oldest event is ready (then <see cref="Oldest"/> is it, in its cell,
    /// until <see cref="Release"/>), and its sequence number. Reads it in place: no copy.</summary>
    public bool TryPeek(out long seq)
    {
        ref Cell cell = ref _cells[_dequeue.Pos & _mask];
        if (Volatile.Read(ref cell.Turn) != _dequeue.Pos + 1)
        {
            seq = 0;
            return false;
        }
        seq = cell.Seq;
        return true;
    }

    /// <summary>The consumer only: the oldest event, after <see cref="TryPeek"/> returned true.</summary>
    public ref readonly EventRecord Oldest => ref _cells[_dequeue.Pos & _mask].Item;

    /// <summary>The consumer only: frees the oldest event's cell for the producers.</summary>
    public void Release()
    {
        long pos = _dequeue.Pos;
        ref Cell cell = ref _cells[pos & _mask];
        cell.Item = default; // let strings go
        Volatile.Write(ref cell.Turn, pos + _mask + 1);
        _dequeue.Pos = pos + 1;
    }
}
