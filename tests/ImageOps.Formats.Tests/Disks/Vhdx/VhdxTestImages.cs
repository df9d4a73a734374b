using System;
using System.IO;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Disks.Vhdx;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Disks.Vhdx;

/// <summary>Builders and comparisons shared by the VHDX tests.</summary>
internal static class VhdxTestImages
{
    public const long MiB = 1 << 20;

    public static IDiskFormat Format => DiskFormats.Get(DiskFormat.Vhdx);

    /// <summary>A new dynamic VHDX in memory.</summary>
    public static (MemoryBlockStorage Storage, VirtualDisk Disk) CreateInMemory(long capacity, int blockSize = 1 << 20, DiskVariant variant = DiskVariant.Dynamic, int logicalSector = 512, string name = "/memory/test.vhdx")
    {
        var storage = new MemoryBlockStorage(name);
        var disk = Format.Create(storage, new DiskCreateOptions { Capacity = capacity, ClusterSize = blockSize, Variant = variant, LogicalSectorSize = logicalSector });
        return (storage, disk);
    }

    /// <summary>Opens in-memory bytes as a VHDX (a fresh storage, so the test keeps the original).</summary>
    public static VirtualDisk Open(byte[] content, bool writable = false, string name = "/memory/test.vhdx")
        => DiskFormats.Open(new MemoryBlockStorage(content, name), new DiskOpenOptions { Writable = writable, Format = DiskFormat.Vhdx });

    public static VirtualDisk Open(MemoryBlockStorage storage, bool writable = false)
        => DiskFormats.Open(writable ? storage : storage.AsReadOnly(), new DiskOpenOptions { Writable = writable, Format = DiskFormat.Vhdx });

    /// <summary>Bytes <paramref name="seed"/> + i, so misplaced data shows.</summary>
    public static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 31) + seed + (i >> 12));
        }

        return bytes;
    }

    /// <summary>Asserts <paramref name="disk"/> reads exactly like the raw file <paramref name="rawPath"/>.</summary>
    public static void AssertSameAsRaw(VirtualDisk disk, string rawPath)
    {
        using var raw = FileBlockStorage.Open(rawPath, writable: false);
        Assert.Equal(raw.Length, disk.Capacity);
        AssertSame(disk, offset => raw.ReadOrZero(offset.Offset, offset.Buffer));
    }

    /// <summary>Asserts <paramref name="disk"/> reads exactly like <paramref name="expected"/> (a raw mirror).</summary>
    public static void AssertSame(VirtualDisk disk, MemoryBlockStorage expected)
    {
        Assert.Equal(expected.Length, disk.Capacity);
        AssertSame(disk, request => expected.ReadOrZero(request.Offset, request.Buffer));
    }

    public static string ConvertToRaw(string image, TempFolder dir)
    {
        var raw = dir.Combine(Path.GetFileName(image) + "." + Guid.NewGuid().ToString("N").Substring(0, 6) + ".raw");
        QemuImg.Convert(image, "vhdx", raw, "raw");
        return raw;
    }

    /// <summary>Writes <paramref name="mirror"/> as a raw file (for qemu-img compare).</summary>
    public static string WriteRaw(MemoryBlockStorage mirror, string path)
    {
        using var file = FileBlockStorage.Create(path);
        file.SetLength(mirror.Length);
        var buffer = new byte[MiB];
        for (var offset = 0L; offset < mirror.Length; offset += buffer.Length)
        {
            var span = buffer.AsSpan(0, (int)Math.Min(buffer.Length, mirror.Length - offset));
            mirror.ReadOrZero(offset, span);
            if (!ZeroDetector.IsAllZero(span))
            {
                file.WriteAt(offset, span);
            }
        }

        return path;
    }

    /// <summary>Saves in-memory storage to a file.</summary>
    public static string Save(MemoryBlockStorage storage, string path)
    {
        File.WriteAllBytes(path, storage.ToArray());
        return path;
    }

    public static void AssertQemuClean(string path)
    {
        var check = QemuImg.Check(path, "vhdx");
        Assert.True(check.ExitCode == 0, $"qemu-img check exited {check.ExitCode}: {check.Out} {check.Err}");
    }

    public static void AssertQemuSame(string image, string raw)
    {
        var compare = QemuImg.Compare(image, "vhdx", raw, "raw");
        Assert.True(compare.ExitCode == 0, $"qemu-img compare exited {compare.ExitCode}: {compare.Out} {compare.Err}");
    }

    private static void AssertSame(VirtualDisk disk, Action<(long Offset, byte[] Buffer)> readExpected)
    {
        var actual = new byte[4 * MiB];
        var expected = new byte[4 * MiB];
        for (var offset = 0L; offset < disk.Capacity; offset += actual.Length)
        {
            var n = (int)Math.Min(actual.Length, disk.Capacity - offset);
            if (n < actual.Length)
            {
                actual = new byte[n];
                expected = new byte[n];
            }

            disk.Read(offset, actual);
            readExpected((offset, expected));
            if (!actual.AsSpan().SequenceEqual(expected))
            {
                var at = 0;
                while (actual[at] == expected[at])
                {
                    at++;
                }

                Assert.Fail($"byte {offset + at} reads 0x{actual[at]:x2}, expected 0x{expected[at]:x2}");
            }
        }
    }
}
