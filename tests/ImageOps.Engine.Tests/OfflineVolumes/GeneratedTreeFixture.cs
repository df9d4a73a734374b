using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using ImageOps.Engine.OfflineVolumes;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Partitions;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.OfflineVolumes;

/// <summary>
/// One GPT raw disk whose NTFS partition (formatted by mkntfs) is filled through Ntfs3gVolume with a
/// generated tree: deep directories, a directory of thousands of names (several index levels), a large
/// fragmented file, sparse files, compressed files, Unicode and case-only names, 8.3 aliases, named
/// streams. Built once for the collection; <see cref="Expected"/> holds what was written, and the
/// partition is also extracted to a plain file for ntfs-3g's tools.
/// </summary>
public sealed class GeneratedTreeFixture : IDisposable
{
    public const long DiskBytes = 384L << 20;
    public const int BigDirectoryCount = 2500;
    public const int Depth = 14;

    private readonly TempFolder _temp = new("ntfs-tree");

    public GeneratedTreeFixture()
    {
        if (!NtfsTooling.Available)
        {
            return;
        }

        DiskPath = _temp.Combine("disk.raw");
        using (var file = File.Create(DiskPath))
        {
            file.SetLength(DiskBytes);
        }

        using (var disk = DiskFormats.Open(DiskPath, new DiskOpenOptions { Writable = true }))
        {
            var table = PartitionTableWriter.WriteGpt(disk, new[] { new PartitionSpec { Kind = PartitionKind.BasicData, SizeBytes = DiskBytes - (4 << 20), Name = "Windows" } });
            Partition = table.Partitions.Single();
            NtfsVolumeFormatter.Format(disk, Partition, new NtfsFormatOptions { Label = "GENTREE" });
            using var volume = Ntfs3gVolume.Open(disk, Partition, new Ntfs3gOpenOptions { CaseSensitive = true });
            Fill(volume);
        }

        VolumePath = _temp.Combine("volume.raw");
        Extract(DiskPath, Partition!.Offset, Partition.Length, VolumePath);
        Ready = true;
    }

    public bool Ready { get; }

    public string DiskPath { get; } = string.Empty;

    /// <summary>The NTFS partition alone, as a file ntfsls/ntfscat/ntfsfix can open.</summary>
    public string VolumePath { get; } = string.Empty;

    public Partition? Partition { get; }

    /// <summary>Every file written (path with <c>\</c>, from the root) and its bytes.</summary>
    public Dictionary<string, byte[]> Expected { get; } = new(StringComparer.Ordinal);

    /// <summary>Named streams written: (file, stream) and bytes.</summary>
    public Dictionary<(string File, string Stream), byte[]> Streams { get; } = new();

    /// <summary>Every directory created (path with <c>\</c>) and the names it holds.</summary>
    public Dictionary<string, SortedSet<string>> Directories { get; } = new(StringComparer.Ordinal);

    /// <summary>8.3 aliases given: path and short name.</summary>
    public Dictionary<string, string> ShortNames { get; } = new(StringComparer.Ordinal);

    public string DeepPath { get; private set; } = string.Empty;

    public void Require()
    {
        NtfsTooling.Require();
        Skip.IfNot(Ready, "the fixture's volume was not built");
    }

    public void Dispose() => _temp.Dispose();

    internal static void Extract(string source, long offset, long length, string target)
    {
        using var input = new FileStream(source, FileMode.Open, FileAccess.Read);
        using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write);
        output.SetLength(length);
        input.Position = offset;
        var buffer = new byte[1 << 20];
        for (long done = 0; done < length;)
        {
            var n = input.Read(buffer, 0, (int)Math.Min(buffer.Length, length - done));
            if (!buffer.AsSpan(0, n).ContainsAnyExcept((byte)0))
            {
                output.Seek(n, SeekOrigin.Current);
            }
            else
            {
                output.Write(buffer, 0, n);
            }

            done += n;
        }
    }

    private static byte[] Random(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private void Directory(Ntfs3gVolume volume, string path)
    {
        volume.CreateDirectory(path);
        var parts = path.Trim('\\').Split('\\');
        var current = "\\";
        foreach (var part in parts)
        {
            Note(current, part);
            current = current == "\\" ? "\\" + part : current + "\\" + part;
            if (!Directories.ContainsKey(current))
            {
                Directories[current] = new SortedSet<string>(StringComparer.Ordinal);
            }
        }
    }

    private void Note(string directory, string name)
    {
        if (!Directories.TryGetValue(directory, out var names))
        {
            names = new SortedSet<string>(StringComparer.Ordinal);
            Directories[directory] = names;
        }

        names.Add(name);
    }

    private void Write(Ntfs3gVolume volume, string path, byte[] content, bool sparse = false)
    {
        using (var stream = new MemoryStream(content, writable: false))
        {
            if (sparse)
            {
                volume.WriteSparseFile(path, stream);
            }
            else
            {
                volume.WriteFile(path, stream);
            }
        }

        Expected[path] = content;
        var cut = path.LastIndexOf('\\');
        Note(cut == 0 ? "\\" : path.Substring(0, cut), path.Substring(cut + 1));
    }

    private void Fill(Ntfs3gVolume volume)
    {
        var random = new Random(31337);
        Directories["\\"] = new SortedSet<string>(StringComparer.Ordinal);

        // Deep: 14 levels.
        DeepPath = string.Join(string.Empty, Enumerable.Range(1, Depth).Select(i => $"\\level{i:D2}"));
        Directory(volume, DeepPath);
        Write(volume, DeepPath + "\\leaf.txt", Encoding.UTF8.GetBytes("fourteen levels down\n"));

        // A directory of 2,500 names: several levels of index records.
        Directory(volume, "\\big");
        for (var i = 0; i < BigDirectoryCount; i++)
        {
            Write(volume, $"\\big\\entry-{i:D5}-{(i * 7919) % 10007:D5}.dat", Random(random, random.Next(0, 600)));
        }

        // Fragmentation: fill the volume with 1 MiB files, free every other one, then write a file
        // larger than the free space left at the end, so its runs must use the holes.
        Directory(volume, "\\fill");
        for (var i = 0; i < 290; i++)
        {
            Write(volume, $"\\fill\\f{i:D3}.bin", Random(random, 1 << 20));
        }

        for (var i = 0; i < 290; i += 2)
        {
            volume.DeleteFile($"\\fill\\f{i:D3}.bin");
            Expected.Remove($"\\fill\\f{i:D3}.bin");
            Directories["\\fill"].Remove($"f{i:D3}.bin");
        }

        Write(volume, "\\large.bin", Random(random, (72 << 20) + 4321));

        // Sparse: holes in the middle and at the end.
        var sparse = new byte[8 << 20];
        random.NextBytes(sparse.AsSpan(0, 64 << 10));
        random.NextBytes(sparse.AsSpan(4 << 20, 100_000));
        Write(volume, "\\sparse-middle-and-end.bin", sparse, sparse: true);
        var leadingHole = new byte[3 << 20];
        random.NextBytes(leadingHole.AsSpan((2 << 20) + 12345, 5000));
        Write(volume, "\\sparse-leading-hole.bin", leadingHole, sparse: true);

        // Compressed: files created in a directory marked compressed are LZNT1-compressed by ntfs-3g.
        Directory(volume, "\\compressed");
        volume.SetAttributes("\\compressed", FileAttributes.Compressed);
        var text = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 40000).Select(i => $"line {i % 97} of a compressible file\n")));
        Write(volume, "\\compressed\\text.txt", text);
        Write(volume, "\\compressed\\random.bin", Random(random, 300_000));
        var mixed = new byte[(1 << 20) + 777];
        random.NextBytes(mixed.AsSpan(200_000, 70_000));
        Write(volume, "\\compressed\\mixed-with-zeros.bin", mixed);

        // Unicode, surrogate pairs, names differing only in case.
        Directory(volume, "\\unicode");
        foreach (var name in new[] { "café-naïve-Ærøskøbing.txt", "中文名字と日本語.txt", "emoji-😀-🚀.txt", "Ελληνικά.txt", "Case.txt", "case.txt", "CASE.TXT" })
        {
            Write(volume, "\\unicode\\" + name, Encoding.UTF8.GetBytes(name + " content"));
        }

        // 8.3 aliases.
        Directory(volume, "\\Program Files");
        Write(volume, "\\Program Files\\Long File Name Example.txt", Encoding.ASCII.GetBytes("long name"));
        volume.SetShortName("\\Program Files\\Long File Name Example.txt", "LONGFI~1.TXT");
        ShortNames["\\Program Files\\Long File Name Example.txt"] = "LONGFI~1.TXT";
        volume.SetShortName("\\Program Files", "PROGRA~1");
        ShortNames["\\Program Files"] = "PROGRA~1";

        // Named streams.
        Directory(volume, "\\streams");
        Write(volume, "\\streams\\host.exe", Random(random, 2000));
        var zone = Encoding.ASCII.GetBytes("[ZoneTransfer]\r\nZoneId=3\r\n");
        volume.WriteNamedStream("\\streams\\host.exe", "Zone.Identifier", new MemoryStream(zone));
        Streams[("\\streams\\host.exe", "Zone.Identifier")] = zone;
        var bigStream = Random(random, 300_000);
        volume.WriteNamedStream("\\streams\\host.exe", "big.stream", new MemoryStream(bigStream));
        Streams[("\\streams\\host.exe", "big.stream")] = bigStream;

        // Replace: the second write wins.
        Write(volume, "\\replaced.txt", Encoding.ASCII.GetBytes("first version, longer than the second"));
        Write(volume, "\\replaced.txt", Encoding.ASCII.GetBytes("second"));
        Write(volume, "\\empty.txt", Array.Empty<byte>());
    }
}
