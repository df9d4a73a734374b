using System;
using System.Collections.Generic;
using System.IO;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Ntfs;

/// <summary>
/// One volume made by mkntfs and filled by ntfscp (the independent writer), built once for the
/// collection. Each test reads its own copy of the bytes, so patching tests cannot disturb others.
/// </summary>
public sealed class MkntfsVolumeFixture : IDisposable
{
    public const string Label = "IMAGEOPS";
    public const long VolumeBytes = 48L << 20;

    private readonly TempFolder _temp = new("ntfs-reader");

    public MkntfsVolumeFixture()
    {
        Mkntfs = External.Find("mkntfs");
        Ntfscp = External.Find("ntfscp");
        if (Mkntfs is null || Ntfscp is null)
        {
            return;
        }

        ImagePath = _temp.Combine("volume.img");
        using (var f = File.Create(ImagePath))
        {
            f.SetLength(VolumeBytes);
        }

        ProcessRunner.Run(Mkntfs, TimeSpan.FromSeconds(60), "-F", "-Q", "-q", "-c", "4096", "-L", Label, ImagePath).EnsureSuccess("mkntfs");
        var random = new Random(4242);
        Files["small.txt"] = System.Text.Encoding.ASCII.GetBytes("hello from ntfscp\n");
        Files["Big File.bin"] = Bytes(random, (3 << 20) + 123);
        Files["Ünïcödé-名前.dat"] = Bytes(random, 70000);
        Files["empty.txt"] = Array.Empty<byte>();
        for (var i = 0; i < 40; i++)
        {
            Files[$"many-{i:D3}.txt"] = Bytes(random, 10 + (i * 37));
        }

        foreach (var file in Files)
        {
            Copy(file.Value, "/" + file.Key);
        }

        NamedStream = Bytes(random, 5000);
        Copy(NamedStream, "/small.txt", "-N", "extra");
    }

    public string? Mkntfs { get; }

    public string? Ntfscp { get; }

    public string ImagePath { get; } = string.Empty;

    public Dictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);

    public byte[] NamedStream { get; } = Array.Empty<byte>();

    /// <summary>A fresh copy of the volume's bytes (skips, or fails under CI, without the tools).</summary>
    public byte[] Bytes()
    {
        External.Tool("mkntfs");
        External.Tool("ntfscp");
        return File.ReadAllBytes(ImagePath);
    }

    public void Dispose() => _temp.Dispose();

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private void Copy(byte[] content, string target, params string[] extra)
    {
        var source = _temp.Combine("src-" + Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(source, content);
        var args = new List<string> { "-q" };
        args.AddRange(extra);
        args.Add(ImagePath);
        args.Add(source);
        args.Add(target);
        ProcessRunner.Run(Ntfscp!, TimeSpan.FromSeconds(60), args.ToArray()).EnsureSuccess("ntfscp " + target);
        File.Delete(source);
    }
}
