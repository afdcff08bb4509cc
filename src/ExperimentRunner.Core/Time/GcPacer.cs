using System.Runtime;

namespace ExperimentRunner.Core.Time;

/// <summary>
/// Moves the garbage collector's young-generation collections to the moment just after a flip (issue 17). The frame
/// loop allocates nothing, but other threads do (the store's writer turns events into documents), and a collection
/// they trigger stops every managed thread, the frame thread too, for 0.5–3 ms at a moment nobody chose: in the
/// pacing spin just before a deadline, that is a late onset. Called right after each flip, when a whole period lies
/// ahead of the frame thread, <see cref="AfterFlip"/> collects generation 0 itself once the bytes allocated since
/// the last collection reach <see cref="Fraction"/> of the budget the runtime was seen to use (learned from the
/// collections it started by itself), so the runtime seldom needs to start one in the middle of a frame. It takes
/// no privilege and no setting; <see cref="SwitchVariable"/>=0 turns it off. Allocation-free.
/// </summary>
public sealed class GcPacer
{
    /// <summary>Set to 0 to leave collections to the runtime.</summary>
    public const string SwitchVariable = "EXRUN_GC_PACING";

    /// <summary>False when <see cref="SwitchVariable"/> is 0.</summary>
    public static bool Enabled { get; } = Environment.GetEnvironmentVariable(SwitchVariable) != "0";

    /// <summary>Part of the observed gen-0 budget after which the pacer collects (after a flip).</summary>
    public double Fraction { get; init; } = 0.5;

    /// <summary>Bytes allocated between two collections the runtime started by itself, smallest seen; 0 until one was.</summary>
    public long BudgetBytes { get; private set; }

    /// <summary>Collections this pacer ran.</summary>
    public int Induced { get; private set; }

    /// <summary>Collections the runtime ran by itself (any generation) while the pacer watched.</summary>
    public int Unpaced { get; private set; }

    /// <summary>Collections the pacer runs at most: one every this many flips (a budget seen too small, after a large
    /// object forced a collection, must not make it collect every frame).</summary>
    public int MinFlipsBetween { get; init; } = 10;

    /// <summary>Smallest budget believed: intervals under this (collections for other reasons) are not a gen-0 budget.</summary>
    private const long MinBudgetBytes = 1 << 20;

    private int _count = -1, _flipsSince;
    private long _allocated;

    /// <summary>Call right after a flip (and its logging): collects generation 0 now if a collection is near.</summary>
    public void AfterFlip()
    {
        if (!Enabled) return;
        _flipsSince++;
        int count = GC.CollectionCount(0);
        long allocated = GC.GetTotalAllocatedBytes(precise: false);
        if (_count < 0)
        {
            (_count, _allocated) = (count, allocated);
            return;
        }
        if (count != _count)
        {
            // The runtime collected by itself since the last flip (every collection, ours too, starts a new budget):
            // what was allocated since the previous one is about its budget now.
            Unpaced += count - _count;
            long interval = allocated - _allocated;
            if (interval >= MinBudgetBytes) BudgetBytes = interval;
            (_count, _allocated) = (count, allocated);
            return;
        }
        if (BudgetBytes == 0 || _flipsSince < MinFlipsBetween || allocated - _allocated < (long)(BudgetBytes * Fraction)) return;
        GC.Collect(0, GCCollectionMode.Forced, blocking: true, compacting: false);
        Induced++;
        _flipsSince = 0;
        (_count, _allocated) = (GC.CollectionCount(0), GC.GetTotalAllocatedBytes(precise: false));
    }
}
