using System;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Raw;

/// <summary>Writes a raw image front to back; ranges never written stay holes in a sparse file.</summary>
internal sealed class RawWriter : DiskWriter
{
    private readonly IBlockStorage _storage;
    private readonly long _capacity;

    public RawWriter(IBlockStorage storage, long capacity)
    {
        _storage = storage;
        _capacity = capacity;
    }

    public override int ChunkSize => 1 << 20;

    public override void Write(long offset, ReadOnlySpan<byte> payload, bool transformed) => _storage.WriteSkippingZeros(offset, payload);

    // A fresh file extended with SetLength reads as zeros already; raw has no parent to hide.
    public override void WriteZeros(long offset, long length)
    {
    }

    public override void Complete()
    {
        _storage.SetLength(_capacity);
        _storage.Flush(durable: true);
    }
}
