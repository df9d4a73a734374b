using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ImageOps.Bench;

/// <summary>One timed run of an external command.</summary>
internal sealed record TimedRun(TimeSpan Wall, int ExitCode, string Out, string Err, long? PeakRssBytes)
{
    public static TimedRun Of(string tool, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        clock.Stop();
        var err = stderr.Result;
        var peak = Regex.Match(err, @"peak-rss-bytes=(\d+)");
        return new TimedRun(clock.Elapsed, process.ExitCode, stdout.Result, err, peak.Success ? long.Parse(peak.Groups[1].Value) : null);
    }

    public TimedRun EnsureSuccess(string what)
        => ExitCode == 0 ? this : throw new InvalidOperationException($"{what} failed ({ExitCode}): {Err}{Out}");
}
