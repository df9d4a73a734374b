using System;
using System.Buffers.Binary;
using System.Linq;
using ImageOps.Engine.OfflineVolumes.Windows;
using ImageOps.Engine.Tests.Platform;
using static ImageOps.Engine.Tests.Platform.CStructLayout;

namespace ImageOps.Engine.Tests.OfflineVolumes.Windows;

/// <summary>
/// The I/O control outputs, built byte by byte at the offsets worked out from winioctl.h (literal numbers
/// here, not the parser's constants), and the C rules confirming those offsets for x86 and x64.
/// </summary>
public class DiskBufferTests
{
    private static readonly Guid EspType = new("C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
    private static readonly Guid MsrType = new("E3C9E316-0B5C-4DB8-817D-F92DF00215AE");
    private static readonly Guid BasicDataType = new("EBD0A0A2-B9E5-4433-87C0-68B6B72699C7");
    private static readonly Guid RecoveryType = new("DE94BBA4-06D1-4D40-A16A-BFD50179D6AC");

    [Fact]
    public void DISK_EXTENT_is_24_bytes_with_its_LARGE_INTEGERs_at_8_and_16_on_both_architectures()
    {
        var (offsets, size) = Compute(new[] { Dword("DiskNumber"), Int64("StartingOffset"), Int64("ExtentLength") }, pack: 8);
        Assert.Equal((24, 8, 16), (size, offsets["StartingOffset"], offsets["ExtentLength"]));
        Assert.Equal(8, Compute(new[] { Dword("NumberOfDiskExtents"), Int64("Extents") }, pack: 8).Offsets["Extents"]);
    }

    [Fact]
    public void Volume_disk_extents_are_read_from_the_documented_offsets()
    {
        var buffer = new byte[8 + (2 * 24)];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, 2);
        WriteExtent(buffer, 8, 7, 1 << 20, 300L << 20);
        WriteExtent(buffer, 32, 3, 5L << 30, 1L << 40);

        var extents = VolumeDiskExtentsBuffer.Parse(buffer);

        Assert.Equal(2, extents.Count);
        Assert.Equal((7u, 1L << 20, 300L << 20), (extents[0].DiskNumber, extents[0].StartingOffset, extents[0].ExtentLength));
        Assert.Equal((3u, 5L << 30, 1L << 40), (extents[1].DiskNumber, extents[1].StartingOffset, extents[1].ExtentLength));
        Assert.Equal(32, VolumeDiskExtentsBuffer.SizeFor(1));
    }

    [Fact]
    public void Extent_counts_the_buffer_cannot_hold_are_refused()
    {
        var buffer = new byte[32];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, 2);
        Assert.Equal(2, VolumeDiskExtentsBuffer.DeclaredCount(buffer));
        Assert.Throws<ArgumentException>(() => VolumeDiskExtentsBuffer.Parse(buffer));
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, uint.MaxValue);
        Assert.Throws<ArgumentException>(() => VolumeDiskExtentsBuffer.Parse(buffer));
    }

    [Fact]
    public void PARTITION_INFORMATION_EX_is_144_bytes_with_the_union_at_32()
    {
        var gpt = Compute(new[] { Guid("PartitionType"), Guid("PartitionId"), Int64("Attributes"), new CMember("Name", 72, 2) }, pack: 8);
        Assert.Equal(112, gpt.Size);
        Assert.Equal(32, gpt.Offsets["Attributes"]);
        var entry = Compute(new[] { Dword("PartitionStyle"), Int64("StartingOffset"), Int64("PartitionLength"), Dword("PartitionNumber"), Byte("RewritePartition"), Byte("IsServicePartition"), new CMember("Union", gpt.Size, 8) }, pack: 8);
        Assert.Equal(144, entry.Size);
        Assert.Equal((8, 16, 24, 32), (entry.Offsets["StartingOffset"], entry.Offsets["PartitionLength"], entry.Offsets["PartitionNumber"], entry.Offsets["Union"]));

        var mbr = Compute(new[] { Byte("PartitionType"), Byte("BootIndicator"), Byte("RecognizedPartition"), Dword("HiddenSectors"), Guid("PartitionId") }, pack: 8);
        Assert.Equal((2, 24), (mbr.Offsets["RecognizedPartition"], mbr.Size));

        var layoutGpt = Compute(new[] { Guid("DiskId"), Int64("StartingUsableOffset"), Int64("UsableLength"), Dword("MaxPartitionCount") }, pack: 8);
        var layout = Compute(new[] { Dword("PartitionStyle"), Dword("PartitionCount"), new CMember("Union", layoutGpt.Size, 8), new CMember("PartitionEntry", 144, 8) }, pack: 8);
        Assert.Equal(48, layout.Offsets["PartitionEntry"]);
        Assert.Equal(48 + (3 * 144), DriveLayoutBuffer.SizeFor(3));
    }

    [Fact]
    public void A_GPT_layout_expects_volumes_for_every_entry_but_the_reserved_and_hidden_ones()
    {
        var buffer = GptLayout(
            (EspType, 1L << 20, 100L << 20, 0),
            (MsrType, 101L << 20, 16L << 20, 0),
            (BasicDataType, 117L << 20, 40L << 30, 0),
            (RecoveryType, 41L << 30, 600L << 20, 0x8000000000000001UL),
            (BasicDataType, 42L << 30, 1L << 30, 0x4000000000000000UL));

        var (style, partitions) = DriveLayoutBuffer.Parse(buffer);

        Assert.Equal(DiskPartitionStyle.Gpt, style);
        Assert.Equal(new[] { 1, 2, 3, 4, 5 }, partitions.Select(p => p.Number));
        Assert.Equal(new[] { EspType, MsrType, BasicDataType, RecoveryType, BasicDataType }, partitions.Select(p => p.GptType));
        Assert.Equal(0x8000000000000001UL, partitions[3].GptAttributes);
        Assert.Equal(new[] { true, false, true, true, false }, partitions.Select(p => p.ExpectsVolume));
        Assert.Equal(117L << 20, partitions[2].Offset);
        Assert.Equal(40L << 30, partitions[2].Length);
    }

    [Fact]
    public void An_MBR_layout_skips_unused_entries_and_the_extended_container()
    {
        // Windows reports MBR layouts in multiples of four entries, unused ones with type 0.
        var buffer = new byte[48 + (4 * 144)];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(0), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(4), 4);
        WriteMbrEntry(buffer, 0, 1, 1 << 20, 500L << 20, 0x07, recognized: true);
        WriteMbrEntry(buffer, 1, 2, 501L << 20, 20L << 30, 0x07, recognized: true);
        WriteMbrEntry(buffer, 2, 3, 21L << 30, 5L << 30, 0x0F, recognized: false);
        WriteMbrEntry(buffer, 3, 0, 0, 0, 0x00, recognized: false);

        var (style, partitions) = DriveLayoutBuffer.Parse(buffer);

        Assert.Equal(DiskPartitionStyle.Mbr, style);
        Assert.Equal(new[] { true, true, false, false }, partitions.Select(p => p.ExpectsVolume));
        Assert.Equal(0x07, partitions[1].MbrType);
    }

    [Fact]
    public void Layouts_whose_count_exceeds_the_buffer_are_refused()
    {
        var buffer = new byte[48 + 144];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(4), 2);
        Assert.Throws<ArgumentException>(() => DriveLayoutBuffer.Parse(buffer));
        Assert.Throws<ArgumentException>(() => DriveLayoutBuffer.Parse(new byte[40]));
    }

    [Fact]
    public void The_disk_number_comes_from_STORAGE_DEVICE_NUMBER_or_the_physical_drive_path()
    {
        Assert.Equal(12, Compute(new[] { Dword("DeviceType"), Dword("DeviceNumber"), Dword("PartitionNumber") }, pack: 8).Size);
        var buffer = new byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(0), 7);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(4), 42);
        Assert.Equal(42u, StorageDeviceNumberBuffer.DeviceNumber(buffer));
        Assert.Throws<ArgumentException>(() => StorageDeviceNumberBuffer.DeviceNumber(new byte[8]));

        Assert.Equal(3u, StorageDeviceNumberBuffer.FromPhysicalDrivePath(@"\\.\PhysicalDrive3"));
        Assert.Equal(12u, StorageDeviceNumberBuffer.FromPhysicalDrivePath(@"\\.\PHYSICALDRIVE12"));
        Assert.Null(StorageDeviceNumberBuffer.FromPhysicalDrivePath(@"\\.\PhysicalDrive"));
        Assert.Null(StorageDeviceNumberBuffer.FromPhysicalDrivePath(@"\\.\PhysicalDrive-1"));
        Assert.Null(StorageDeviceNumberBuffer.FromPhysicalDrivePath(@"\\?\Volume{x}"));
    }

    private static void WriteExtent(byte[] buffer, int at, uint disk, long offset, long length)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(at), disk);
        BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(at + 8), offset);
        BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(at + 16), length);
    }

    private static byte[] GptLayout(params (Guid Type, long Offset, long Length, ulong Attributes)[] partitions)
    {
        var buffer = new byte[48 + (partitions.Length * 144)];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(0), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(4), (uint)partitions.Length);
        for (var i = 0; i < partitions.Length; i++)
        {
            var at = 48 + (i * 144);
            BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(at), 1);
            BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(at + 8), partitions[i].Offset);
            BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(at + 16), partitions[i].Length);
            BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(at + 24), (uint)(i + 1));
            partitions[i].Type.ToByteArray().CopyTo(buffer, at + 32);
            System.Guid.NewGuid().ToByteArray().CopyTo(buffer, at + 48);
            BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(at + 64), partitions[i].Attributes);
        }

        return buffer;
    }

    private static void WriteMbrEntry(byte[] buffer, int index, int number, long offset, long length, byte type, bool recognized)
    {
        var at = 48 + (index * 144);
        BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(at + 8), offset);
        BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(at + 16), length);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(at + 24), (uint)number);
        buffer[at + 32] = type;
        buffer[at + 34] = recognized ? (byte)1 : (byte)0;
    }
}
