using System.Diagnostics;
using ExperimentRunner.Benchmarks;

// dotnet run -c Release --project tests/ExperimentRunner.Benchmarks -- [all|frames|preload|simulation|logging|clock|sleep|memory|design|cards|session|keys] [--quick] [--flips N] [--load] [--full-redraw] [--seconds S]
var benchmarks = new (string Name, string What, Action<BenchContext> Run)[]
{
    // Memory first in "all": its peak is cleanest in a process that has not yet held textures or a large heap.
    ("memory", "peak working set of a whole simulated session with 300 profiles", SimulationBenchmarks.Memory),
    ("simulation", "simulated minutes per CPU second, ~60-minute PET session, real LiteDbStore", SimulationBenchmarks.Speed),
    ("logging", "write-to-durable latency and throughput, log fsynced per batch", LoggingBenchmark.Run),
    ("clock", "cost and resolution of the run clock (BenchmarkDotNet)", ClockBenchmark.Run),
    ("sleep", "how late the frame loop's pacing sleep wakes, before and after issue 17, without and with a nice-10 load", SleepBenchmark.Run),
    ("preload", "300 profile cards composed and uploaded (GlDisplay.Prepare, offscreen)", PreloadBenchmark.Run),
    ("frames", "frame-deadline precision, offscreen real time, store logging every flip", FramesBenchmark.Run),
    ("design", "exrun design of the shipped fMRI paradigm for 100 participants (issue 16)", DesignBenchmark.Run),
    ("cards", "a new screen's first flip, the first use of its texture, against a later one (issue 17)", CardsBenchmark.Run),
    ("session", "exrun run offscreen for --seconds S (default 60), missed frames from its database; --load: with a nice-10 load (issue 17)", SessionBenchmark.Run),
    ("keys", "key stamp - XTEST injection and phase in the frame: XInput2 reader vs SDL frame-polled (under X or an own Xvfb)", KeysBenchmark.Run),
};

string which = "all";
bool quick = false, child = false;
int? flips = null;
for (int i = 0; i < args.Length; i++)
{
    string a = args[i];
    if (a == "--quick") quick = true;
    else if (a == "--child") child = true;
    else if (a == "--load") Environment.SetEnvironmentVariable(FramesBenchmark.LoadVariable, "1");
    else if (a == "--seconds" && i + 1 < args.Length && int.TryParse(args[i + 1], out int sec) && sec > 0) { Environment.SetEnvironmentVariable(SessionBenchmark.SecondsVariable, args[i + 1]); i++; }
    else if (a == "--full-redraw") Environment.SetEnvironmentVariable(FramesBenchmark.FullRedrawVariable, "1");
    else if (a == "--flips" && i + 1 < args.Length && int.TryParse(args[i + 1], out int n) && n > 0) { flips = n; i++; }
    else if (a is "-h" or "--help")
    {
        Usage();
        return 0;
    }
    else if (!a.StartsWith('-') && (a == "all" || benchmarks.Any(b => b.Name == a))) which = a;
    else
    {
        Console.Error.WriteLine($"unknown argument '{a}'");
        Usage();
        return 2;
    }
}

#if DEBUG
Console.WriteLine("warning: a Debug build; figures are only meaningful with -c Release");
#endif
if (!child)
{
    Machine.PrintHeader();
    Console.WriteLine($"  command      {which}{(quick ? " --quick" : "")}{(flips is int f ? $" --flips {f}" : "")}{(Environment.GetEnvironmentVariable(FramesBenchmark.LoadVariable) == "1" ? " --load" : "")}{(Environment.GetEnvironmentVariable(FramesBenchmark.FullRedrawVariable) == "1" ? " --full-redraw" : "")}");
}
var ctx = new BenchContext(quick, flips);
// "all" runs each benchmark in a process of its own, so none inherits another's heap, JIT state, GL driver state or
// peak working set; the profiles are generated once and handed to the children.
bool isolate = which == "all" && !child && Environment.ProcessPath is not null
    && !Path.GetFileNameWithoutExtension(Environment.ProcessPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
if (isolate) Environment.SetEnvironmentVariable(Scenario.ProfilesVariable, Scenario.GeneratedProfilesDir);
int failed = 0;
var total = Stopwatch.StartNew();
foreach (var (name, what, run) in benchmarks)
{
    if (which != "all" && which != name) continue;
    if (!child)
    {
        Console.WriteLine();
        Console.WriteLine($"== {name}: {what}{(isolate ? " (own process)" : "")}");
        Console.WriteLine($"  load before  {Machine.Load()}");
    }
    var watch = Stopwatch.StartNew();
    try
    {
        if (!isolate) run(ctx);
        else if (!ChildProcess.Run(name, quick, flips, ctx)) failed++;
    }
    catch (Exception e) when (e is not OutOfMemoryException)
    {
        failed++;
        Console.WriteLine($"  FAILED: {e.GetType().Name}: {e.Message}");
        ctx.Figures.Add(new Figure(name, "(did not run)", e.Message.Split('\n')[0], "", false));
    }
    if (!child) Console.WriteLine($"  load after   {Machine.Load()}; took {watch.Elapsed.TotalSeconds:0.0} s");
}

if (child)
{
    foreach (var fig in ctx.Figures) Console.WriteLine(ChildProcess.Encode(fig));
    return failed > 0 ? 1 : 0;
}

Console.WriteLine();
Console.WriteLine($"== summary ({total.Elapsed.TotalSeconds:0} s; load {Machine.Load()})");
int w1 = Math.Max(9, ctx.Figures.Max(f => f.Benchmark.Length));
int w2 = Math.Max(6, ctx.Figures.Max(f => f.Name.Length));
int w3 = Math.Max(5, ctx.Figures.Max(f => f.Value.Length));
int w4 = Math.Max(6, ctx.Figures.Max(f => f.Target.Length));
Console.WriteLine($"| {"benchmark".PadRight(w1)} | {"figure".PadRight(w2)} | {"value".PadRight(w3)} | {"target".PadRight(w4)} | result |");
Console.WriteLine($"| {new string('-', w1)} | {new string('-', w2)} | {new string('-', w3)} | {new string('-', w4)} | ------ |");
foreach (var fig in ctx.Figures)
    Console.WriteLine($"| {fig.Benchmark.PadRight(w1)} | {fig.Name.PadRight(w2)} | {fig.Value.PadRight(w3)} | {fig.Target.PadRight(w4)} | {fig.Verdict.PadRight(6)} |");
// Figures are reported, not asserted: a missed target does not fail the command; a benchmark that could not run does.
return failed > 0 ? 1 : 0;

static void Usage() => Console.WriteLine(
    "usage: dotnet run -c Release --project tests/ExperimentRunner.Benchmarks -- [all|frames|preload|simulation|logging|clock|sleep|memory|design|cards|session|keys] [--quick] [--flips N] [--load] [--full-redraw] [--seconds S]\n" +
    "  --quick     short runs (each benchmark about 10 s or less)\n" +
    "  --flips N   flips for the frames benchmark (default 10000, about 167 s at 60 Hz; --quick 600)\n" +
    "  --load      frames: measure again with a competing load (one busy process per core at nice 10)\n" +
    "  --full-redraw  frames: draw every flip in full (as before issue 17), for comparison\n" +
    "  --seconds S    session: how long exrun run runs (default 60)");
