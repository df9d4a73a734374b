using System;
using System.Diagnostics;

namespace ImageOps.Tests;

/// <summary>The outcome of running an external tool.</summary>
public sealed record ProcessResult(int ExitCode, string Out, string Err)
{
    public ProcessResult EnsureSuccess(string what)
    {
        if (ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException($"{what} exited {ExitCode}\nstdout: {Out}\nstderr: {Err}");
        }

        return this;
    }
}

/// <summary>Runs external tools with a timeout, capturing their output.</summary>
public static class ProcessRunner
{
    public static ProcessResult Run(string tool, TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit((int)timeout.TotalMilliseconds))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', args)} did not finish in {timeout}.");
        }

        process.WaitForExit();
        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
