using System;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Disks.Vhd;
using static ImageOps.Formats.Tests.Disks.Vhd.VhdTestSupport;

namespace ImageOps.Formats.Tests.Disks.Vhd;

/// <summary>
/// Dynamic disks made by tools that keep partial sector bitmaps (Hyper-V, Virtual PC): a clear bit
/// reads as zeros whatever the block holds there (the spec; qemu ignores bitmaps and would return the
/// stored bytes), and a write sets the bits it covers.
/// </summary>
public class VhdSectorBitmapTests
{
    [Fact]
    public void Clear_bits_of_a_stored_block_read_as_zeros_and_writes_set_them()
    {
        var storage = NewDynamic(4L << 20);
        using (var disk = Open(storage, writable: true))
        {
            disk.Write(0, Pattern(2 << 20, 1));
        }

        // Clear the bits of sectors 8..15 (byte 1 of the bitmap) of block 0, as a partial block from Hyper-V.
        var bytes = storage.ToArray();
        var bitmapAt = (long)ReadBe32(bytes, 1536) * 512;
        bytes[bitmapAt + 1] = 0;
        var partial = new MemoryBlockStorage(bytes);
        var expected = Pattern(2 << 20, 1);
        Array.Clear(expected, 8 * 512, 8 * 512);
        using (var disk = Open(partial, writable: true))
        {
            var read = new byte[2 << 20];
            disk.Read(0, read);
            Assert.Equal(expected, read);
            Assert.Equal(new[] { (0L, 4096L, AllocationKind.Data), (4096L, 4096L, AllocationKind.Unallocated), (8192L, (2L << 20) - 8192, AllocationKind.Data) }, disk.GetAllocation(0, 2 << 20).Select(r => (r.Offset, r.Length, r.Kind)));

            disk.Write(5000, Pattern(10, 2));
            Pattern(10, 2).CopyTo(expected, 5000);
        }

        using var reopened = Open(partial);
        var after = new byte[2 << 20];
        reopened.Read(0, after);
        Assert.Equal(expected, after);
        Assert.Equal(new[] { (0L, 4096L, AllocationKind.Data), (4096L, 512L, AllocationKind.Unallocated), (4608L, 512L, AllocationKind.Data), (5120L, 3072L, AllocationKind.Unallocated) }, reopened.GetAllocation(0, 8192).Select(r => (r.Offset, r.Length, r.Kind)));
    }

    [Fact]
    public void Zeros_written_to_a_dynamic_disk_allocate_nothing_new()
    {
        var storage = NewDynamic(8L << 20);
        using var disk = Open(storage, writable: true);
        disk.Write(0, Pattern(512, 1));
        var length = storage.Length;
        disk.WriteZeros(2L << 20, 6L << 20);
        Assert.Equal(length, storage.Length);
        disk.WriteZeros(0, 512);
        var buffer = new byte[512];
        disk.Read(0, buffer);
        Assert.True(ZeroDetector.IsAllZero(buffer));
    }

    [Fact]
    public void Concurrent_reads_of_partial_blocks_agree()
    {
        var storage = NewDynamic(8L << 20, 512 << 10);
        using (var disk = Open(storage, writable: true))
        {
            disk.Write(0, Pattern(8 << 20, 3));
        }

        var bytes = storage.ToArray();
        for (var block = 0; block < 16; block++)
        {
            var bitmapAt = (long)ReadBe32(bytes, 1536 + (block * 4)) * 512;
            bytes[bitmapAt + (block % 8)] = 0x0F;
        }

        using var shared = Open(new MemoryBlockStorage(bytes));
        var reference = ReadAll(shared);
        System.Threading.Tasks.Parallel.For(0, 64, i =>
        {
            var buffer = new byte[70_000];
            var offset = (i * 123_457L) % ((8L << 20) - buffer.Length);
            shared.Read(offset, buffer);
            Assert.Equal(reference.AsSpan((int)offset, buffer.Length).ToArray(), buffer);
        });
    }
}
