using System.Runtime.ExceptionServices;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Presentation.Composition;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Gl;

// Preloading on every core (issue 17): screens are composed by worker threads, each with a composer and an image store
// of its own (a composer keeps per-call state, an image store is no concurrent dictionary), while the GL thread, the
// only one that may touch the context, uploads them in the order given as they become ready.
internal sealed partial class TextureCache
{
    /// <summary>Fewer screens than this per worker are composed on the calling thread (starting threads costs more).</summary>
    private const int MinScreensPerWorker = 4;

    private readonly Func<SceneComposer>? _newComposer;
    private readonly int _composeThreads;

    private sealed class Slot
    {
        public readonly ManualResetEventSlim Ready = new(false);
        public SKBitmap? Bitmap;
        public SceneLayout Layout = null!;
        public Analysis Analysis;
        public Exception? Error;
    }

    /// <summary>Composes and uploads <paramref name="missing"/> with worker threads; false (nothing done) when one thread
    /// would do, so the caller composes them itself.</summary>
    private bool ComposeInParallel(List<SceneSpec> missing, long each, IProgress<int>? progress, Action? betweenScenes)
    {
        int workers = _newComposer is null ? 1 : Math.Min(_composeThreads, missing.Count / MinScreensPerWorker);
        if (workers < 2) return false;
        var slots = new Slot[missing.Count];
        for (int i = 0; i < slots.Length; i++) slots[i] = new Slot();
        // Composed screens wait for the upload in memory (4 bytes a pixel each): at most two per worker at a time.
        using var room = new SemaphoreSlim(2 * workers);
        // Bitmaps go back for the next screens once uploaded: a fresh 3.5 MiB bitmap per screen cost its page faults
        // (and the kernel's zeroing) each time, on every worker at once. The room above bounds how many are made.
        var spare = new System.Collections.Concurrent.ConcurrentQueue<SKBitmap>();
        int next = -1;
        var abort = false;
        var threads = new Thread[workers];
        for (int w = 0; w < workers; w++)
        {
            threads[w] = new Thread(() =>
            {
                using SceneComposer composer = _newComposer!();
                using var images = new ImageStore();
                while (!Volatile.Read(ref abort))
                {
                    // Room first, then the next screen: the screens that hold room are always the oldest not yet uploaded.
                    if (!room.Wait(50)) continue;
                    int i = Interlocked.Increment(ref next);
                    if (i >= slots.Length || Volatile.Read(ref abort)) { room.Release(); break; }
                    Slot slot = slots[i];
                    if (!spare.TryDequeue(out SKBitmap? bitmap)) bitmap = composer.NewBitmap();
                    try
                    {
                        slot.Layout = composer.ComposeInto(bitmap, missing[i], images);
                        slot.Analysis = Analyse(bitmap);
                        slot.Bitmap = bitmap;
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        slot.Error = e;
                        spare.Enqueue(bitmap);
                    }
                    slot.Ready.Set();
                }
            }) { Name = $"exrun-compose-{w}", IsBackground = true };
            threads[w].Start();
        }

        try
        {
            for (int i = 0; i < slots.Length; i++)
            {
                Slot slot = slots[i];
                while (!slot.Ready.Wait(50)) betweenScenes?.Invoke();
                if (slot.Error is not null) ExceptionDispatchInfo.Capture(slot.Error).Throw();
                SKBitmap bitmap = slot.Bitmap!;
                slot.Bitmap = null;
                try { Add(missing[i].Key, bitmap, slot.Layout, slot.Analysis); }
                finally { spare.Enqueue(bitmap); }
                room.Release();
                betweenScenes?.Invoke();
                progress?.Report((int)(100L * (i + 1) / slots.Length));
            }
            progress?.Report(100);
        }
        finally
        {
            Volatile.Write(ref abort, true);
            foreach (Thread t in threads) t.Join();
            foreach (Slot slot in slots)
            {
                slot.Bitmap?.Dispose();
                slot.Ready.Dispose();
            }
            while (spare.TryDequeue(out SKBitmap? bitmap)) bitmap.Dispose();
        }
        return true;
    }
}
