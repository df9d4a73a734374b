using System;
using System.IO;
using System.Linq;
using System.Text;

namespace ImageOps.Bench;

/// <summary>
/// The benchmark input: a sparse raw image of the given virtual size holding the given amount of data
/// in 1 MiB extents at random positions, half random bytes and half compressible text.
/// Deterministic for a seed, so runs are comparable.
/// </summary>
internal static class SourceImage
{
    public static void Create(string path, long virtualBytes, long dataBytes, int seed = 20261121)
    {
        const int Extent = 1 << 20;
        var slots = (int)(virtualBytes / Extent);
        var count = (int)(dataBytes / Extent);
        var random = new Random(seed);
        var chosen = Enumerable.Range(0, slots).OrderBy(_ => random.Next()).Take(count).OrderBy(i => i).ToArray();
        var text = Compressible(Extent);
        var buffer = new byte[Extent];
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        file.SetLength(virtualBytes);
        for (var i = 0; i < chosen.Length; i++)
        {
            if (i % 2 == 0)
            {
                random.NextBytes(buffer);
            }
            else
            {
                // Text-like data: compresses about 4-6x with deflate.
                Buffer.BlockCopy(text, 0, buffer, 0, Extent);
                BitConverter.TryWriteBytes(buffer.AsSpan(i % 1000 * 8), i);
            }

            file.Position = (long)chosen[i] * Extent;
            file.Write(buffer, 0, Extent);
        }
    }

    private static byte[] Compressible(int length)
    {
        var words = new[] { "driver", "image", "desktop", "gold", "pool", "vhdx", "qcow2", "deploy", "model", "device", "storage", "network", "boot", "windows", "update", "registry" };
        var random = new Random(7);
        var sb = new StringBuilder(length + 256);
        var line = 0;
        while (sb.Length < length)
        {
            sb.Append("2026-11-21T08:").Append((line % 60).ToString("D2")).Append(" INFO ");
            for (var w = 0; w < 8; w++)
            {
                sb.Append(words[random.Next(words.Length)]).Append(' ');
            }

            sb.Append(random.Next(100000)).Append('\n');
            line++;
        }

        return Encoding.ASCII.GetBytes(sb.ToString(0, length));
    }
}
