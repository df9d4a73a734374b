using System;
using System.Collections.Generic;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Raw;

/// <summary>
/// A raw image: byte N of the file is byte N of the disk; holes of a sparse file read as zeros. A file
/// whose length is not a whole number of sectors is a disk of the next whole sector, the missing tail
/// reading as zeros, as qemu's raw driver presents it: a disk has sectors, and every format ImageOps
/// writes stores whole sectors.
/// </summary>
internal sealed class RawDisk : VirtualDisk
{
    private readonly bool _writable;
    private long _capacity;

    public RawDisk(IBlockStorage storage, bool writable)
        : base(storage)
    {
        _writable = writable && storage.CanWrite;
        _capacity = Alignment.RoundUp(storage.Length, 512);
    }

    public override DiskFormat Format => DiskFormat.Raw;

    public override DiskVariant Variant => DiskVariant.Fixed;

    public override long Capacity => _capacity;

    public override int ClusterSize => 512;

    public override bool CanWrite => _writable;

    public override void Resize(long newCapacity)
    {
        ThrowIfDisposed();
        if (!CanWrite)
        {
            throw new InvalidOperationException($"'{Path}' is open read-only.");
        }

        Storage.SetLength(newCapacity);
        _capacity = newCapacity;
    }

    protected override void ReadCore(long offset, Span<byte> buffer) => Storage.ReadOrZero(offset, buffer);

    protected override void WriteCore(long offset, ReadOnlySpan<byte> data) => Storage.WriteAt(offset, data);

    protected override IEnumerable<AllocationRange> GetAllocationCore(long offset, long length)
        => Storage is ISparseStorage sparse
            ? sparse.MapData(offset, length)
            : new[] { new AllocationRange(offset, length, AllocationKind.Data) };
}
