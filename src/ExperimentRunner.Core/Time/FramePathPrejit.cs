using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace ExperimentRunner.Core.Time;

/// <summary>
/// Compiles the project's own code before the session's first flip (issue 17). With tiered compilation a method is
/// compiled the first time it is called, on the calling thread: the first screen change of a session, the first
/// response, the first rating each ran a few dozen methods through the JIT inside a frame, and under load that made
/// the first transitions late (a missed frame at the first instruction page in a 60 s run under a nice-10 load).
/// Here every non-generic method of the ExperimentRunner assemblies is prepared once, after the display and the
/// store are open and before the session starts: about 6,000 methods in under a second of CPU. Methods of the
/// framework are precompiled (ReadyToRun) already; later tier-1 recompilation happens on the runtime's background
/// thread and does not block the frame loop.
/// </summary>
public static class FramePathPrejit
{
    /// <summary>Prepares every method it can of the assemblies; returns how many and how long it took.</summary>
    public static (int Methods, TimeSpan Took) Run(IEnumerable<Assembly> assemblies)
    {
        var watch = Stopwatch.StartNew();
        int prepared = 0;
        const BindingFlags all = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        foreach (var assembly in assemblies.Distinct())
        {
            Type[] types;
            try { types = assembly.GetTypes(); }
            catch (ReflectionTypeLoadException e) { types = e.Types.Where(t => t != null).ToArray()!; }
            foreach (var type in types)
            {
                if (type.ContainsGenericParameters) continue;
                foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
                {
                    if (method.IsAbstract || method.ContainsGenericParameters || method.GetMethodBody() == null) continue;
                    try
                    {
                        RuntimeHelpers.PrepareMethod(method.MethodHandle);
                        prepared++;
                    }
                    catch (Exception e) when (e is ArgumentException or BadImageFormatException or TypeLoadException or FileNotFoundException or MissingMethodException)
                    {
                        // A method the runtime cannot prepare ahead is compiled on first call, as without this step.
                    }
                }
            }
        }
        return (prepared, watch.Elapsed);
    }
}
