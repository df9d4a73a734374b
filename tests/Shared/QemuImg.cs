using System;
using System.Globalization;
using System.Text.Json;

namespace ImageOps.Tests;

/// <summary>
/// qemu-img and qemu-io, the independent reference for disk formats. Under CI a missing tool fails
/// the test (External.Tool).
/// </summary>
public static class QemuImg
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public static ProcessResult Run(params string[] args) => ProcessRunner.Run(External.Tool("qemu-img"), Timeout, args);

    public static ProcessResult Io(string format, string path, params string[] commands)
    {
        var args = new System.Collections.Generic.List<string> { "-f", format };
        foreach (var command in commands)
        {
            args.Add("-c");
            args.Add(command);
        }

        args.Add(path);
        return ProcessRunner.Run(External.Tool("qemu-io"), Timeout, args.ToArray());
    }

    /// <summary>Creates an image: <c>qemu-img create -f FORMAT [-o OPTIONS] PATH SIZE</c>.</summary>
    public static void Create(string format, string path, long size, string? options = null)
    {
        var args = options is null
            ? new[] { "create", "-q", "-f", format, path, size.ToString(CultureInfo.InvariantCulture) }
            : new[] { "create", "-q", "-f", format, "-o", options, path, size.ToString(CultureInfo.InvariantCulture) };
        Run(args).EnsureSuccess("qemu-img create");
    }

    /// <summary><c>qemu-img info --output=json</c>, parsed.</summary>
    public static JsonElement Info(string path, string? format = null)
    {
        var result = format is null
            ? Run("info", "--output=json", path)
            : Run("info", "--output=json", "-f", format, path);
        result.EnsureSuccess("qemu-img info");
        return JsonDocument.Parse(result.Out).RootElement.Clone();
    }

    /// <summary><c>qemu-img check</c>: 0 clean, 2 corrupt, 3 leaks, 63 not supported.</summary>
    public static ProcessResult Check(string path, string format) => Run("check", "-f", format, path);

    /// <summary><c>qemu-img compare</c>: 0 identical, 1 different.</summary>
    public static ProcessResult Compare(string a, string formatA, string b, string formatB) => Run("compare", "-f", formatA, "-F", formatB, a, b);

    /// <summary><c>qemu-img convert</c> between formats.</summary>
    public static void Convert(string source, string sourceFormat, string destination, string destinationFormat, params string[] extra)
    {
        var args = new System.Collections.Generic.List<string> { "convert", "-f", sourceFormat, "-O", destinationFormat };
        args.AddRange(extra);
        args.Add(source);
        args.Add(destination);
        Run(args.ToArray()).EnsureSuccess("qemu-img convert");
    }
}
