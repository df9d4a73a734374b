using System;
using System.IO;

namespace ImageOps.Engine.Storage;

/// <summary>What a test's fault hook makes happen at a named step.</summary>
internal enum FaultAction
{
    /// <summary>Carry on.</summary>
    None,

    /// <summary>Fail like a full disk or a lost share: an <see cref="IOException"/>, cleanup runs.</summary>
    IOError,

    /// <summary>Stop dead like a killed process: no cleanup, no catch blocks of ours run.</summary>
    Crash,
}

/// <summary>
/// Thrown by a <see cref="FaultAction.Crash"/> fault. Storage code never catches it, so the files
/// are left exactly as a killed process would leave them (HOSTILE.md, faults).
/// </summary>
internal sealed class SimulatedCrashException : Exception
{
    public SimulatedCrashException(string step)
        : base("Simulated process kill at " + step)
    {
    }
}

/// <summary>
/// The storage layer's fault shim: tests set <see cref="Hook"/> to fail or "kill" at the N-th step.
/// Production never sets it. Steps are named <c>component:step</c>.
/// </summary>
internal static class FaultInjection
{
    [ThreadStatic]
    private static Func<string, FaultAction>? _hook;

    /// <summary>The hook for the current thread (tests run in parallel, so it is per thread).</summary>
    internal static Func<string, FaultAction>? Hook
    {
        get => _hook;
        set => _hook = value;
    }

    internal static void At(string step)
    {
        var hook = _hook;
        if (hook is null)
        {
            return;
        }

        switch (hook(step))
        {
            case FaultAction.IOError:
                throw new IOException("Injected I/O error at " + step);
            case FaultAction.Crash:
                throw new SimulatedCrashException(step);
        }
    }
}
