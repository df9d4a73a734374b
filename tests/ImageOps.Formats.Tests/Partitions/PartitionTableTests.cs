using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using ImageOps.Formats.Checksums;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Partitions;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Partitions;

public sealed class PartitionTableTests : IDisposable
{
    private readonly TempFolder _dir = new("partitions");

    public void Dispose() => _dir.Dispose();

    private string NewRaw(string name, long size)
    {
        var path = _dir.Combine(name);
        using (var f = File.Create(path))
        {
            f.SetLength(size);
        }

        return path;
    }

    private static JsonElement Sfdisk(string path)
    {
        var result = ProcessRunner.Run(External.Tool("sfdisk"), TimeSpan.FromMinutes(1), "--json", path).EnsureSuccess("sfdisk --json");
        return JsonDocument.Parse(result.Out).RootElement.GetProperty("partitiontable");
    }

    private static void SfdiskWrite(string path, string script, params string[] extra)
    {
        var input = Path.GetTempFileName();
        File.WriteAllText(input, script);
        try
        {
            var args = extra.Concat(new[] { "--no-reread", "--no-tell-kernel", "-q", path }).ToArray();
            var info = new System.Diagnostics.ProcessStartInfo(External.Tool("sfdisk")) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args)
            {
                info.ArgumentList.Add(a);
            }

            using var p = System.Diagnostics.Process.Start(info)!;
            p.StandardInput.Write(script);
            p.StandardInput.Close();
            var err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, "sfdisk failed: " + err);
        }
        finally
        {
            File.Delete(input);
        }
    }

    [Fact]
    public void Structures_have_their_specification_sizes()
    {
        Assert.Equal(92, GptHeader.Size);
        Assert.Equal(128, GptEntry.Size);
        Assert.Equal(512, MbrRecord.Size);
        Assert.Equal(0x1BE, MbrRecord.EntriesOffset);
    }

    [Fact]
    public void Crc32_matches_the_standard_check_value()
        => Assert.Equal(0xCBF43926u, Crc32.Compute(System.Text.Encoding.ASCII.GetBytes("123456789")));

    [SkippableFact]
    public void A_gpt_we_write_is_read_by_sfdisk_as_windows_lays_it_out()
    {
        var path = NewRaw("gpt.img", 256L << 20);
        using (var disk = DiskFormats.Open(path, new DiskOpenOptions { Writable = true }))
        {
            var table = PartitionTableWriter.WriteGpt(disk, new[]
            {
                new PartitionSpec { Kind = PartitionKind.EfiSystem, SizeBytes = 100L << 20, Name = "EFI system partition" },
                new PartitionSpec { Kind = PartitionKind.MicrosoftReserved, SizeBytes = 16L << 20, Name = "Microsoft reserved partition" },
                new PartitionSpec { Kind = PartitionKind.BasicData, SizeBytes = 100L << 20, Name = "Basic data partition" },
                new PartitionSpec { Kind = PartitionKind.WindowsRecovery, SizeBytes = 0, Attributes = 0x8000000000000001 },
            });
            Assert.Equal(PartitionScheme.Gpt, table.Scheme);
            Assert.Empty(table.Problems);
            Assert.Equal(4, table.Partitions.Count);
        }

        var sfdisk = Sfdisk(path);
        Assert.Equal("gpt", sfdisk.GetProperty("label").GetString());
        var parts = sfdisk.GetProperty("partitions").EnumerateArray().ToList();
        Assert.Equal(4, parts.Count);
        Assert.Equal(2048, parts[0].GetProperty("start").GetInt64());
        Assert.Equal(204800, parts[0].GetProperty("size").GetInt64());
        Assert.Equal("C12A7328-F81F-11D2-BA4B-00A0C93EC93B", parts[0].GetProperty("type").GetString());
        Assert.Equal("EFI system partition", parts[0].GetProperty("name").GetString());
        Assert.Equal("E3C9E316-0B5C-4DB8-817D-F92DF00215AE", parts[1].GetProperty("type").GetString());
        Assert.Equal("EBD0A0A2-B9E5-4433-87C0-68B6B72699C7", parts[2].GetProperty("type").GetString());
        Assert.Equal("DE94BBA4-06D1-4D40-A16A-BFD50179D6AC", parts[3].GetProperty("type").GetString());
        Assert.Equal(0, parts.Skip(1).Select(p => p.GetProperty("start").GetInt64() % 2048).Sum());

        var verify = ProcessRunner.Run(External.Tool("sfdisk"), TimeSpan.FromMinutes(1), "--verify", path);
        Assert.True(verify.ExitCode == 0, verify.Out + verify.Err);
    }

    [SkippableFact]
    public void An_mbr_we_write_is_read_by_sfdisk()
    {
        var path = NewRaw("mbr.img", 64L << 20);
        using (var disk = DiskFormats.Open(path, new DiskOpenOptions { Writable = true }))
        {
            PartitionTableWriter.WriteMbr(disk, new[]
            {
                new PartitionSpec { Kind = PartitionKind.BasicData, SizeBytes = 16L << 20, Active = true },
                new PartitionSpec { Kind = PartitionKind.WindowsRecovery, SizeBytes = 0 },
            }, signature: 0x12345678);
        }

        var sfdisk = Sfdisk(path);
        Assert.Equal("dos", sfdisk.GetProperty("label").GetString());
        Assert.Equal("0x12345678", sfdisk.GetProperty("id").GetString());
        var parts = sfdisk.GetProperty("partitions").EnumerateArray().ToList();
        Assert.Equal("7", parts[0].GetProperty("type").GetString());
        Assert.True(parts[0].GetProperty("bootable").GetBoolean());
        Assert.Equal(2048, parts[0].GetProperty("start").GetInt64());
        Assert.Equal("27", parts[1].GetProperty("type").GetString());
    }

    [SkippableFact]
    public void We_read_a_gpt_that_sfdisk_wrote()
    {
        var path = NewRaw("sfdisk-gpt.img", 128L << 20);
        SfdiskWrite(path, "label: gpt\nlabel-id: 01234567-89AB-CDEF-0123-456789ABCDEF\nsize=32MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name=\"ESP\"\ntype=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, name=\"Windows\"\n");
        using var disk = DiskFormats.Open(path);
        var table = PartitionTable.Read(disk);
        Assert.Equal(PartitionScheme.Gpt, table.Scheme);
        Assert.Equal(new Guid("01234567-89AB-CDEF-0123-456789ABCDEF"), table.DiskGuid);
        Assert.Empty(table.Problems);
        var sfdisk = Sfdisk(path).GetProperty("partitions").EnumerateArray().ToList();
        Assert.Equal(sfdisk.Count, table.Partitions.Count);
        for (var i = 0; i < sfdisk.Count; i++)
        {
            Assert.Equal(sfdisk[i].GetProperty("start").GetInt64() * 512, table.Partitions[i].Offset);
            Assert.Equal(sfdisk[i].GetProperty("size").GetInt64() * 512, table.Partitions[i].Length);
            Assert.Equal(new Guid(sfdisk[i].GetProperty("uuid").GetString()!), table.Partitions[i].UniqueGuid);
            Assert.Equal(sfdisk[i].GetProperty("name").GetString(), table.Partitions[i].Name);
        }

        Assert.Equal(PartitionKind.EfiSystem, table.Partitions[0].Kind);
        Assert.Equal(PartitionKind.BasicData, table.Partitions[1].Kind);
    }

    [SkippableFact]
    public void We_read_logical_partitions_in_an_extended_partition_that_sfdisk_wrote()
    {
        var path = NewRaw("sfdisk-mbr.img", 128L << 20);
        // sfdisk fills the primary slots first, so the extended partition is the fourth and the rest are logical.
        SfdiskWrite(path, "label: dos\nsize=16MiB, type=7, bootable\nsize=8MiB, type=83\nsize=8MiB, type=7\nsize=64MiB, type=5\nsize=8MiB, type=83\nsize=8MiB, type=7\nsize=8MiB, type=c\n");
        using var disk = DiskFormats.Open(path);
        var table = PartitionTable.Read(disk);
        Assert.Equal(PartitionScheme.Mbr, table.Scheme);
        Assert.Empty(table.Problems);
        var sfdisk = Sfdisk(path).GetProperty("partitions").EnumerateArray().ToList();
        Assert.Equal(sfdisk.Count, table.Partitions.Count);
        foreach (var expected in sfdisk)
        {
            var node = expected.GetProperty("node").GetString()!;
            var number = int.Parse(node.Substring(node.LastIndexOf('g') + 1));
            var ours = table.Partitions.Single(p => p.Number == number);
            Assert.Equal(expected.GetProperty("start").GetInt64() * 512, ours.Offset);
            Assert.Equal(expected.GetProperty("size").GetInt64() * 512, ours.Length);
            Assert.Equal(Convert.ToByte(expected.GetProperty("type").GetString(), 16), ours.MbrType);
        }

        Assert.Equal(new[] { 5, 6, 7 }, table.Partitions.Where(p => p.IsLogical).Select(p => p.Number));
        Assert.True(table.Partitions.Single(p => p.Number == 1).Active);
    }

    [Fact]
    public void A_gpt_on_4096_byte_sectors_puts_every_structure_where_the_spec_says()
    {
        // sfdisk 2.38 cannot fake a sector size on an image file, so this checks the on-disk offsets directly.
        using var disk = new FourKDisk(64L << 20);
        var table = PartitionTableWriter.WriteGpt(disk, new[] { new PartitionSpec { Kind = PartitionKind.BasicData, SizeBytes = 16L << 20, Name = "data" } });
        Assert.Equal(4096, table.SectorSize);
        var part = Assert.Single(table.Partitions);
        Assert.Equal(1L << 20, part.Offset);
        Assert.Equal(16L << 20, part.Length);

        var header = new byte[92];
        disk.Read(4096, header);
        Assert.Equal("EFI PART", System.Text.Encoding.ASCII.GetString(header, 0, 8));
        Assert.Equal(2UL, BitConverter.ToUInt64(header, 72));
        Assert.Equal(6UL, BitConverter.ToUInt64(header, 40));
        var backup = new byte[92];
        disk.Read(disk.Capacity - 4096, backup);
        Assert.Equal("EFI PART", System.Text.Encoding.ASCII.GetString(backup, 0, 8));
        var entry = new byte[128];
        disk.Read(2 * 4096, entry);
        Assert.Equal(PartitionTypes.BasicData, new Guid(entry.AsSpan(0, 16).ToArray()));
        Assert.Equal(256UL, BitConverter.ToUInt64(entry, 32));
        var mbr = new byte[512];
        disk.Read(0, mbr);
        Assert.Equal(0xEE, mbr[0x1BE + 4]);
        Assert.Equal(0x55, mbr[510]);

        Assert.Equal(PartitionScheme.Gpt, PartitionTable.Read(disk).Scheme);
        Assert.Empty(PartitionTable.Read(disk).Problems);
    }

    private sealed class FourKDisk : VirtualDisk
    {
        private readonly long _capacity;

        public FourKDisk(long capacity)
            : base(new ImageOps.Formats.Disks.Storage.MemoryBlockStorage())
        {
            _capacity = capacity;
            Storage.SetLength(capacity);
        }

        public override DiskFormat Format => DiskFormat.Raw;

        public override DiskVariant Variant => DiskVariant.Fixed;

        public override long Capacity => _capacity;

        public override int LogicalSectorSize => 4096;

        public override int ClusterSize => 4096;

        public override bool CanWrite => true;

        protected override void ReadCore(long offset, Span<byte> buffer) => Storage.ReadAt(offset, buffer);

        protected override void WriteCore(long offset, ReadOnlySpan<byte> data) => Storage.WriteAt(offset, data);

        protected override System.Collections.Generic.IEnumerable<AllocationRange> GetAllocationCore(long offset, long length)
        {
            yield return new AllocationRange(offset, length, AllocationKind.Data);
        }
    }

    [Fact]
    public void A_blank_or_tiny_disk_has_no_table()
    {
        using var blank = DiskFormats.Open(new ImageOps.Formats.Disks.Storage.MemoryBlockStorage(new byte[1 << 20]));
        Assert.Equal(PartitionScheme.None, PartitionTable.Read(blank).Scheme);
        using var tiny = DiskFormats.Open(new ImageOps.Formats.Disks.Storage.MemoryBlockStorage(new byte[100]));
        Assert.Equal(PartitionScheme.None, PartitionTable.Read(tiny).Scheme);
    }
}
