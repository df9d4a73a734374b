using System;
using System.IO;

namespace ImageOps.Tests;

/// <summary>A fresh folder under the system temp directory, deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder(string? label = null)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "imageops-tests", (label ?? "t") + "-" + Guid.NewGuid().ToString("N").Substring(0, 12));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine(Path, System.IO.Path.Combine(parts));

    /// <summary>A sparse raw image of <paramref name="size"/> bytes in this folder, with runs of one byte value written.</summary>
    public string SparseRaw(string name, long size, params (long Offset, byte Value, int Length)[] writes)
    {
        var path = Combine(name);
        using var f = new FileStream(path, FileMode.CreateNew);
        f.SetLength(size);
        foreach (var (offset, value, length) in writes)
        {
            f.Position = offset;
            var bytes = new byte[length];
            Array.Fill(bytes, value);
            f.Write(bytes);
        }

        return path;
    }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
        catch (IOException)
        {
            // A test that leaves a file open fails elsewhere; do not mask it here.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
