using System.CommandLine;
using System.Diagnostics;
using System.IO;
using Newtonsoft.Json.Linq;
using ImageOps.Tests;

namespace ImageOps.Cli.Tests;

/// <summary>A finished CLI run.</summary>
public sealed record CliResult(int ExitCode, string Out, string Err)
{
    public JToken Json => JToken.Parse(Out);

    public string? ErrorId => Json["error"]?["id"]?.ToString();
}

/// <summary>Runs the CLI in-process (fast) or as a real process (for races and kills).</summary>
public static class Cli
{
    public static CliResult Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = CliApp.Invoke(args, new InvocationConfiguration { Output = output, Error = error });
        return new CliResult(exit, output.ToString(), error.ToString());
    }

    public static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(RepoPaths.CliDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("IMAGEOPS_HOME");
        return Process.Start(info)!;
    }

    public static CliResult Finish(Process process)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
