using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Tests;
using static ImageOps.Formats.Tests.Disks.Vmdk.VmdkTestSupport;

namespace ImageOps.Formats.Tests.Disks.Vmdk;

/// <summary>Check (corruptions as qemu-img check counts them, plus overlaps and leaks), repair, and crash consistency of writes.</summary>
public sealed class VmdkCheckTests : IDisposable
{
    private const int Gd = 26 * 512;          // qemu's layout for disks up to 32 MiB: directory at sector 26,
    private const int Gt = 27 * 512;          // its first table right after,
    private const int FirstGrain = 128 * 512; // grains from sector 128.
    private readonly TempFolder _dir = new("vmdk-check");

    public void Dispose() => _dir.Dispose();

    private static DiskCheckReport Check(string path, bool repair = false)
    {
        using var storage = FileBlockStorage.Open(path, writable: repair);
        return Format.Check(storage, new DiskCheckOptions { Repair = repair });
    }

    private string QemuImage(string name = "disk.vmdk")
    {
        var path = _dir.Combine(name);
        QemuImg.Create("vmdk", path, 4L << 20);
        QemuIo(path, "write -P 0x11 0 64k", "write -P 0x22 1M 64k", "write -P 0x33 2M 64k");
        return path;
    }

    private static void Patch(string path, int offset, uint value)
    {
        using var file = File.OpenWrite(path);
        file.Position = offset;
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        file.Write(bytes);
    }

    [SkippableTheory]
    [InlineData("monolithicSparse")]
    [InlineData("streamOptimized")]
    [InlineData("monolithicFlat")]
    [InlineData("twoGbMaxExtentSparse")]
    public void Images_qemu_writes_check_clean(string subformat)
    {
        var source = RawSource(_dir, "source.raw", 3L << 20, "write -P 0x11 0 100k", "write -P 0x22 2M 64k");
        var path = _dir.Combine("disk.vmdk");
        QemuImg.Convert(source, "raw", path, "vmdk", "-o", "subformat=" + subformat);
        var report = Check(path);
        Assert.True(report.Status == DiskCheckStatus.Clean, string.Join("\n", report.Problems));
        if (subformat != "monolithicFlat")
        {
            Assert.Equal(48, report.TotalClusters);
            Assert.Equal(3, report.AllocatedClusters);
        }
    }

    [SkippableFact]
    public void A_grain_pointing_past_the_end_is_a_corruption_for_qemu_and_for_us_and_repair_clears_it()
    {
        var path = QemuImage();
        Patch(path, Gt + 16 * 4, 0x00FFFFFF);
        // qemu stops at the first such entry: "cluster offset for sector N points after EOF", "Check failed" (exit 1).
        Assert.True(QemuImg.Check(path, "vmdk").ExitCode is 1 or 2);
        var report = Check(path);
        Assert.Equal(DiskCheckStatus.Corrupt, report.Status);
        Assert.Contains(report.Problems, p => p.Kind == DiskProblemKind.Corruption && p.Offset == Gt + 16 * 4 && p.Message.Contains("after the end"));

        // The grain the entry used to reach is now referred to by nothing: a leak inside the file remains.
        var repaired = Check(path, repair: true);
        Assert.Equal(DiskCheckStatus.LeaksOnly, repaired.Status);
        Assert.All(repaired.Problems.Where(p => p.Kind == DiskProblemKind.Corruption), p => Assert.True(p.Repaired));
        Assert.Equal(0, QemuImg.Check(path, "vmdk").ExitCode);
        Assert.Equal(DiskCheckStatus.LeaksOnly, Check(path).Status);
        QemuIo(path, "read -P 0x11 0 64k", "read -P 0 1M 64k", "read -P 0x33 2M 64k");
    }

    [SkippableFact]
    public void Grains_inside_the_metadata_or_overlapping_each_other_are_corruptions()
    {
        var path = QemuImage();
        Patch(path, Gt + 32 * 4, 26);
        var report = Check(path);
        Assert.Equal(DiskCheckStatus.Corrupt, report.Status);
        Assert.Contains(report.Problems, p => p.Message.Contains("inside the metadata"));

        var overlap = QemuImage("overlap.vmdk");
        Patch(overlap, Gt + 32 * 4, 128);
        var overlapReport = Check(overlap);
        Assert.Equal(DiskCheckStatus.Corrupt, overlapReport.Status);
        Assert.Contains(overlapReport.Problems, p => p.Message.Contains("overlaps"));

        var gd = QemuImage("gd.vmdk");
        Patch(gd, Gd, 0x7FFFFFFF);
        Assert.Contains(Check(gd).Problems, p => p.Structure == "grain directory" && p.Kind == DiskProblemKind.Corruption);
    }

    [SkippableFact]
    public void Space_nothing_refers_to_is_a_leak_and_repair_truncates_it_at_the_end()
    {
        var path = QemuImage();
        using (var file = new FileStream(path, FileMode.Append))
        {
            file.Write(new byte[65536]);
        }

        var report = Check(path);
        Assert.Equal(DiskCheckStatus.LeaksOnly, report.Status);
        Assert.Single(report.Problems);
        Assert.Equal(DiskCheckStatus.Clean, Check(path, repair: true).Status);
        Assert.Equal(0, QemuImg.Check(path, "vmdk").ExitCode);

        // A grain no table refers to any more: a leak inside the file, reported but not reclaimable.
        Patch(path, Gt + 16 * 4, 0);
        var inner = Check(path, repair: true);
        Assert.Equal(DiskCheckStatus.LeaksOnly, inner.Status);
        Assert.Contains(inner.Problems, p => p.Kind == DiskProblemKind.Leak && !p.Repaired);
    }

    [SkippableFact]
    public void Stream_markers_that_disagree_with_the_table_are_corruptions()
    {
        var source = RawSource(_dir, "source.raw", 3L << 20, "write -P 0x11 0 100k");
        var path = _dir.Combine("stream.vmdk");
        using (var src = DiskFormats.Open(source, new DiskOpenOptions { Format = DiskFormat.Raw }))
        using (var writer = Format.CreateWriter(FileBlockStorage.Create(path), new DiskCreateOptions { Capacity = 3L << 20, Compress = true }))
        {
            Copy(src, writer);
        }

        Assert.Equal(DiskCheckStatus.Clean, Check(path).Status);
        Patch(path, FirstGrain, 77);
        var report = Check(path);
        Assert.Equal(DiskCheckStatus.Corrupt, report.Status);
        Assert.Contains(report.Problems, p => p.Structure == "grain marker");
        Assert.Equal(DiskCheckStatus.Corrupt, Check(path, repair: true).Status);   // streams are not repaired
    }

    [SkippableFact]
    public void A_descriptor_file_checks_its_extents()
    {
        var source = RawSource(_dir, "source.raw", 2L << 20, "write -P 0x11 0 100k");
        var path = _dir.Combine("flat.vmdk");
        QemuImg.Convert(source, "raw", path, "vmdk", "-o", "subformat=monolithicFlat");
        Assert.Equal(DiskCheckStatus.Clean, Check(path).Status);
        using (var flat = new FileStream(_dir.Combine("flat-flat.vmdk"), FileMode.Open))
        {
            flat.SetLength(1 << 20);
        }

        Assert.Equal(DiskCheckStatus.Corrupt, Check(path).Status);
        File.Delete(_dir.Combine("flat-flat.vmdk"));
        Assert.Contains(Check(path).Problems, p => p.Message.Contains("cannot be opened"));
    }

    /// <summary>
    /// A process killed in the middle of writes leaves the writes issued so far: every prefix of the
    /// write sequence must check clean or with leaks only (HOSTILE.md faults), in qemu-img too.
    /// </summary>
    [SkippableFact]
    public void A_write_session_killed_after_any_write_leaves_a_consistent_image()
    {
        var path = TwoTableImageWithoutSecondTable();
        var initial = File.ReadAllBytes(path);
        var recorder = new RecordingStorage(new MemoryBlockStorage(initial, path));
        using (var disk = DiskFormats.Open(recorder, new DiskOpenOptions { Writable = true }))
        {
            disk.Write(100, Pattern(1000, 1));              // allocated grain: in place
            disk.Write(3L << 20, Pattern(70_000, 2));       // two new grains (copy-on-write of the rest)
            disk.Flush();
            disk.Write((1L << 20) + 65536, Pattern(65536, 3));
            disk.Write(40L << 20, Pattern(5000, 4));        // a grain under a directory entry without a table: a new table
        }

        Assert.True(recorder.Operations.Count > 5);
        var victim = _dir.Combine("victim.vmdk");
        for (var n = 0; n <= recorder.Operations.Count; n++)
        {
            var state = new MemoryBlockStorage(initial, victim);
            foreach (var operation in recorder.Operations.Take(n))
            {
                operation(state);
            }

            File.WriteAllBytes(victim, state.ToArray());
            var report = Check(victim);
            Assert.True(report.Status is DiskCheckStatus.Clean or DiskCheckStatus.LeaksOnly, $"after {n} writes: {string.Join("; ", report.Problems)}");
            Assert.Equal(0, QemuImg.Check(victim, "vmdk").ExitCode);
            using var reopened = DiskFormats.Open(victim);
            ReadAll(reopened);
        }
    }

    /// <summary>
    /// A 64 MiB qemu image whose second directory entry (and its redundant copy) is 0: no grain table,
    /// as tools other than qemu may leave it. Layout: rgd at 21, its 2 tables, gd at 30, its tables, grains from 128.
    /// </summary>
    private string TwoTableImageWithoutSecondTable()
    {
        var path = _dir.Combine("two-tables.vmdk");
        QemuImg.Create("vmdk", path, 64L << 20);
        QemuIo(path, "write -P 0x11 0 64k", "write -P 0x22 1M 64k");
        Patch(path, 21 * 512 + 4, 0);
        Patch(path, 30 * 512 + 4, 0);
        return path;
    }

    [SkippableFact]
    public void Writing_under_a_directory_entry_without_a_table_allocates_one_at_the_end()
    {
        var path = TwoTableImageWithoutSecondTable();
        Assert.Equal(DiskCheckStatus.Clean, Check(path).Status);
        var before = new FileInfo(path).Length;
        using (var disk = DiskFormats.Open(path, new DiskOpenOptions { Writable = true }))
        {
            Assert.Equal(AllocationKind.Unallocated, disk.GetAllocation(32L << 20, 32L << 20).Single().Kind);
            disk.Write(40L << 20, Enumerable.Repeat((byte)0x44, 4096).ToArray());
        }

        Assert.Equal(before + 65536 + 2 * 2048, new FileInfo(path).Length);
        Assert.Equal(0, QemuImg.Check(path, "vmdk").ExitCode);
        Assert.Equal(DiskCheckStatus.Clean, Check(path).Status);
        QemuIo(path, "read -P 0x11 0 64k", "read -P 0x22 1M 64k", "read -P 0x44 40M 4k", "read -P 0 41947136 1M");
    }

    [SkippableFact]
    public void Measure_agrees_with_the_files_qemu_and_imageops_write()
    {
        const long size = 5L << 20;
        var source = RawSource(_dir, "source.raw", size, "write -P 0x11 0 100k", "write -P 0x22 2M 64k", "write -P 0x33 4M 1M");
        var qemu = _dir.Combine("qemu.vmdk");
        QemuImg.Convert(source, "raw", qemu, "vmdk");
        var content = File.ReadAllBytes(source);
        var ranges = new List<AllocationRange>();
        for (var offset = 0; offset < content.Length; offset += 4096)
        {
            if (!ZeroDetector.IsAllZero(content.AsSpan(offset, 4096)))
            {
                ranges.Add(new AllocationRange(offset, 4096, AllocationKind.Data));
            }
        }

        var sparse = Format.Measure(new DiskCreateOptions { Capacity = size }, ranges);
        Assert.Equal(new FileInfo(qemu).Length, sparse.RequiredBytes);

        File.WriteAllBytes(source, Enumerable.Repeat((byte)0xEE, (int)size).ToArray());
        var full = _dir.Combine("full.vmdk");
        QemuImg.Convert(source, "raw", full, "vmdk");
        Assert.Equal(new FileInfo(full).Length, sparse.FullyAllocatedBytes);

        // streamOptimized: an upper bound that incompressible data nearly reaches.
        var random = new byte[size];
        new Random(5).NextBytes(random);
        File.WriteAllBytes(source, random);
        var stream = _dir.Combine("stream.vmdk");
        using (var src = DiskFormats.Open(source, new DiskOpenOptions { Format = DiskFormat.Raw }))
        using (var writer = Format.CreateWriter(FileBlockStorage.Create(stream), new DiskCreateOptions { Capacity = size, Compress = true }))
        {
            Copy(src, writer);
        }

        var bound = Format.Measure(new DiskCreateOptions { Capacity = size, Compress = true }, new[] { new AllocationRange(0, size, AllocationKind.Data) });
        var actual = new FileInfo(stream).Length;
        Assert.InRange(bound.RequiredBytes - actual, 0, 2 * 65536);
        Assert.Equal(bound.RequiredBytes, bound.FullyAllocatedBytes);
    }

    /// <summary>Storage that records every change so a kill after any of them can be replayed.</summary>
    private sealed class RecordingStorage : IBlockStorage
    {
        private readonly MemoryBlockStorage _inner;

        public RecordingStorage(MemoryBlockStorage inner) => _inner = inner;

        public List<Action<MemoryBlockStorage>> Operations { get; } = new();

        public string Name => _inner.Name;

        public long Length => _inner.Length;

        public bool CanWrite => true;

        public int ReadAt(long offset, Span<byte> buffer) => _inner.ReadAt(offset, buffer);

        public void WriteAt(long offset, ReadOnlySpan<byte> data)
        {
            var copy = data.ToArray();
            Operations.Add(s => s.WriteAt(offset, copy));
            _inner.WriteAt(offset, data);
        }

        public void SetLength(long length)
        {
            Operations.Add(s => s.SetLength(length));
            _inner.SetLength(length);
        }

        public void Flush(bool durable)
        {
        }

        public void Dispose()
        {
        }
    }
}
