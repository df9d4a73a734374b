using System;
using System.Diagnostics;
using System.IO;

namespace ImageOps.Cli.Infrastructure;

/// <summary>
/// With IMAGEOPS_STATS=1 the process reports its wall time and peak resident memory on stderr at
/// exit, so the benchmark measures exactly the process doing the work.
/// </summary>
internal static class RunStatistics
{
    public static bool Enabled => Environment.GetEnvironmentVariable("IMAGEOPS_STATS") == "1";

    public static void Report(Stopwatch clock)
    {
        Console.Error.WriteLine($"imageops-stats: wall-ms={clock.ElapsedMilliseconds} peak-rss-bytes={PeakResidentBytes()}");
    }

    private static long PeakResidentBytes()
    {
        // VmHWM is the kernel's high-water mark of resident memory; it covers native allocations too.
        const string status = "/proc/self/status";
        if (File.Exists(status))
        {
            foreach (var line in File.ReadLines(status))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kb = line.Substring(6).Trim().Split(' ')[0];
                    if (long.TryParse(kb, out var value))
                    {
                        return value * 1024;
                    }
                }
            }
        }

        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }
}
