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
    private long _enqueuePos;
    private long _dequeuePos; // only the consumer touches it

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
            long pos = Volatile.Read(ref _enqueuePos);
            ref Cell cell = ref _cells[pos & _mask];
            long turn = Volatile.Read(ref cell.Turn);
            long diff = turn - pos;
            if (diff == 0)
            {
                if (Interlocked.CompareExchange(ref _enqueuePos, pos + 1, pos) == pos)
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

    /// <summary>The consumer only: takes the oldest event, or returns false when none is ready.</summary>
    public bool TryDequeue(out long seq, out EventRecord item)
    {
        long pos = _dequeuePos;
        ref Cell cell = ref _cells[pos & _mask];
        if (Volatile.Read(ref cell.Turn) != pos + 1)
        {
            seq = 0;
            item = default;
            return false;
        }
        seq = cell.Seq;
        item = cell.Item;
        cell.Item = default; // let strings go
        Volatile.Write(ref cell.Turn, pos + _mask + 1);
        _dequeuePos = pos + 1;
        return true;
    }
}
