using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Disks;

public class StorageTests
{
    [Fact]
    public void File_storage_uses_positional_io_on_this_runtime()
        => Assert.True(FileBlockStorage.UsesPositionalIo);

    [Fact]
    public void File_storage_reads_concurrently_without_mixing_positions()
    {
        using var dir = new TempFolder();
        var path = dir.Combine("f.bin");
        var content = new byte[4 << 20];
        for (var i = 0; i < content.Length; i++)
        {
            content[i] = (byte)(i / 4096);
        }

        File.WriteAllBytes(path, content);
        using var storage = FileBlockStorage.Open(path, writable: false);
        Parallel.For(0, 1024, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var block = i % 1024;
            var buffer = new byte[4096];
            Assert.Equal(4096, storage.ReadAt(block * 4096L, buffer));
            Assert.All(buffer, b => Assert.Equal((byte)block, b));
        });
    }

    [Fact]
    public void Sparse_writes_leave_zero_pieces_as_holes_and_store_every_data_byte()
    {
        using var dir = new TempFolder();
        var path = dir.Combine("sparse.bin");
        var payload = new byte[4 << 20];
        var random = new Random(7);

        // Data at 0-64 KiB, a 4-byte island inside the third 64 KiB piece, and the last 128 KiB.
        random.NextBytes(payload.AsSpan(0, 64 << 10));
        payload[(128 << 10) + 5] = 1;
        random.NextBytes(payload.AsSpan(payload.Length - (128 << 10)));
        using (var storage = FileBlockStorage.Create(path))
        {
            storage.WritePieces(1 << 20, payload, ChunkPieces.Scan(payload));
            storage.SetLength((1 << 20) + payload.Length + (1 << 20));
        }

        Assert.Equal(new byte[1 << 20].Concat(payload).Concat(new byte[1 << 20]).ToArray(), File.ReadAllBytes(path));
        using var handle = File.OpenHandle(path);
        var data = SparseFileMap.Map(handle, RandomAccess.GetLength(handle), 0, RandomAccess.GetLength(handle))
            .Where(r => r.Kind == AllocationKind.Data)
            .Sum(r => r.Length);

        // Three 64 KiB pieces hold data and 128 KiB at the end; the file system may round to its block.
        Assert.InRange(data, 256 << 10, 320 << 10);
    }

    [Fact]
    public void File_storage_writes_extend_and_set_length_truncates()
    {
        using var dir = new TempFolder();
        using var storage = FileBlockStorage.Create(dir.Combine("new.bin"));
        storage.WriteAt(1000, new byte[] { 1, 2, 3 });
        Assert.Equal(1003, storage.Length);
        storage.SetLength(1001);
        storage.Flush(durable: true);
        Assert.Equal(new byte[] { 0, 1 }, File.ReadAllBytes(dir.Combine("new.bin")).Skip(999).ToArray());
        Assert.Throws<IOException>(() => FileBlockStorage.Create(dir.Combine("new.bin")));
    }

    [Fact]
    public void Sparse_files_report_their_holes()
    {
        using var dir = new TempFolder();
        var path = dir.Combine("sparse.raw");
        using (var f = new FileStream(path, FileMode.CreateNew))
        {
            f.SetLength(64L << 20);
            f.Position = 16L << 20;
            f.Write(new byte[1 << 20].Select(_ => (byte)1).ToArray());
        }

        using var storage = FileBlockStorage.Open(path, writable: false);
        var map = storage.MapData(0, storage.Length).ToList();
        Assert.Equal(0, map[0].Offset);
        Assert.Equal(storage.Length, map[^1].End);
        var data = map.Where(r => r.Kind == AllocationKind.Data).ToList();
        Assert.NotEmpty(data);
        Assert.True(data.Sum(r => r.Length) < 8L << 20, "a 64 MiB file with 1 MiB of data should not be mapped as mostly data");
        Assert.Contains(data, r => r.Offset <= 16L << 20 && r.End >= 17L << 20);
    }

    [Fact]
    public void Memory_storage_is_sparse_even_for_huge_sizes()
    {
        var storage = new MemoryBlockStorage();
        storage.SetLength(1L << 50);
        storage.WriteAt((1L << 50) - 4, new byte[] { 9, 9, 9, 9 });
        Assert.Equal(1L << 50, storage.Length);
        Assert.True(storage.AllocatedBytes <= 64 * 1024);
        var buffer = new byte[8];
        Assert.Equal(8, storage.ReadAt((1L << 50) - 8, buffer));
        Assert.Equal(new byte[] { 0, 0, 0, 0, 9, 9, 9, 9 }, buffer);
    }

    [Fact]
    public void A_window_cannot_reach_outside_itself()
    {
        var inner = new MemoryBlockStorage(Enumerable.Range(0, 100).Select(i => (byte)i).ToArray());
        var window = new SubBlockStorage(inner, 10, 20);
        var buffer = new byte[30];
        Assert.Equal(20, window.ReadAt(0, buffer));
        Assert.Equal(10, buffer[0]);
        Assert.Equal(0, window.ReadAt(20, buffer));
        Assert.Throws<ArgumentOutOfRangeException>(() => window.WriteAt(15, new byte[10]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SubBlockStorage(inner, long.MaxValue - 5, 10));
    }

    [Fact]
    public void An_exact_read_past_the_end_names_the_structure()
    {
        var storage = new MemoryBlockStorage(new byte[100], "image.vhdx");
        var ex = Assert.Throws<CorruptImageException>(() => storage.ReadExactly(90, new byte[20], "VHDX", "region table"));
        Assert.Equal("ImageTruncated", ex.ErrorId);
        Assert.Equal("region table", ex.Structure);
        Assert.Equal(90, ex.Offset);
        Assert.Throws<CorruptImageException>(() => storage.ReadExactly(-1, new byte[1], "VHDX", "header"));
        Assert.Throws<CorruptImageException>(() => storage.ReadExactly(long.MaxValue, new byte[1], "VHDX", "header"));
    }

    [Fact]
    public void Zero_detection_finds_any_non_zero_byte()
    {
        Assert.True(ZeroDetector.IsAllZero(new byte[65536]));
        Assert.True(ZeroDetector.IsAllZero(ReadOnlySpan<byte>.Empty));
        foreach (var position in new[] { 0, 7, 8, 31, 32, 65535, 65530 })
        {
            var data = new byte[65536];
            data[position] = 1;
            Assert.False(ZeroDetector.IsAllZero(data), "byte " + position);
        }

        var odd = new byte[13];
        odd[12] = 1;
        Assert.False(ZeroDetector.IsAllZero(odd));
    }

    [Fact]
    public void A_length_the_file_system_cannot_hold_is_a_typed_error_not_an_argument_exception()
    {
        using var dir = new TempFolder();
        using var storage = FileBlockStorage.Create(dir.Combine("huge.img"));
        const long Huge = long.MaxValue - 511;

        // ext4 (the CI machine's file system) stops at 16 TiB and refuses; a file system that can hold
        // 8 EiB sparse may accept it, and then the storage must report the length it was given.
        try
        {
            storage.SetLength(Huge);
            Assert.Equal(Huge, storage.Length);
        }
        catch (ImageOpsException ex)
        {
            Assert.Equal("FileTooLarge", ex.ErrorId);
            Assert.Equal(ErrorKind.LimitsExceeded, ex.Kind);
            Assert.Equal(0, storage.Length);
        }
    }
}
