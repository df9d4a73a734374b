using System;
using System.Threading;

namespace ImageOps.Tests;

/// <summary>
/// The HOSTILE.md contract for parsers: any input ends in success or a typed ImageOpsException,
/// never another exception type, a hang, or an allocation the input does not justify.
/// </summary>
public static class Hostile
{
    /// <summary>
    /// Runs <paramref name="action"/> on its own thread (so a stack overflow-prone recursion or a
    /// hang is bounded) and returns the ImageOpsException it threw, or null if it succeeded.
    /// </summary>
    public static ImageOpsException? Survives(Action action, long maxAllocatedBytes = 64L << 20, int timeoutSeconds = 20)
    {
        Exception? failure = null;
        long allocated = 0;
        var thread = new Thread(
            () =>
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    action();
                }
                catch (Exception ex)
                {
                    failure = ex;
                }

                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            },
            16 << 20);
        thread.Start();
        if (!thread.Join(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            throw new Xunit.Sdk.XunitException($"The operation did not finish within {timeoutSeconds} s (a hang or an unbounded loop).");
        }

        if (allocated > maxAllocatedBytes)
        {
            throw new Xunit.Sdk.XunitException($"The operation allocated {allocated:N0} bytes, more than the {maxAllocatedBytes:N0} its input justifies.");
        }

        return failure switch
        {
            null => null,
            ImageOpsException typed => typed,
            _ => throw new Xunit.Sdk.XunitException($"Expected success or an ImageOpsException, got {failure.GetType().FullName}: {failure}"),
        };
    }

    /// <summary>Like <see cref="Survives"/>, but the input must be refused with a typed error.</summary>
    public static ImageOpsException Refused(Action action, long maxAllocatedBytes = 64L << 20, int timeoutSeconds = 20)
        => Survives(action, maxAllocatedBytes, timeoutSeconds)
           ?? throw new Xunit.Sdk.XunitException("Expected the input to be refused with an ImageOpsException, but it was accepted.");
}
