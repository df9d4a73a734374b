using System;
using System.Globalization;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Vhd;

/// <summary>
/// Fills a new VHD front to back (the conversion fast path). Fixed: data at its own offset, holes
/// for skipped chunks, the footer at the end. Dynamic and differencing: blocks laid down in
/// ascending order after the metadata area (each bitmap just before a 4 KiB boundary), chunks never
/// written stay unallocated, and the BAT, header, locators and both footers are written once, in
/// <see cref="Complete"/>. One chunk is one block (up to 64 MiB), so each block costs two writes.
/// </summary>
internal sealed class VhdWriter : DiskWriter
{
    private const int FixedChunkSize = 4 << 20;
    private const int MaxChunkSize = 64 << 20;

    private readonly IBlockStorage _storage;
    private readonly long _capacity;
    private readonly VhdFooter _footer;
    private readonly VhdLayout? _layout;
    private readonly VhdDynamicHeader? _header;
    private readonly VhdBlockAllocationTable? _bat;
    private readonly bool _differencing;
    private readonly int _chunkSize;
    private readonly byte[]? _fullBitmap;
    private readonly byte[]? _bitmap;
    private long _cursor;
    private int _block = -1;
    private long _bitmapOffset;
    private long _next;
    private bool _completed;

    public VhdWriter(IBlockStorage storage, long capacity, VhdFooter footer, VhdLayout? layout, VhdDynamicHeader? header)
    {
        _storage = storage;
        _capacity = capacity;
        _footer = footer;
        _layout = layout;
        _header = header;
        if (layout is null)
        {
            _chunkSize = FixedChunkSize;
            return;
        }

        _chunkSize = Math.Min(layout.BlockSize, MaxChunkSize);
        _bat = VhdBlockAllocationTable.CreateEmpty((int)layout.Entries);
        _differencing = footer.DiskType == VhdDiskType.Differencing;
        _cursor = layout.MetadataEnd;
        if (_differencing)
        {
            _bitmap = new byte[layout.BitmapSize];
        }
        else
        {
            // Every sector of a stored block is "in this file" (unwritten ones are the zeros of the
            // sparse file), as qemu writes them.
            _fullBitmap = new byte[layout.BitmapSize];
            VhdSectorBitmap.SetRange(_fullBitmap, 0, layout.BlockSize / VhdDisk.SectorSize);
        }
    }

    public override int ChunkSize => _chunkSize;

    public override void Write(long offset, ReadOnlySpan<byte> payload, bool transformed)
    {
        CheckChunk(offset, payload.Length);
        if (transformed)
        {
            throw new InvalidOperationException("A VHD stores chunks as they are; it never transforms them.");
        }

        // Zeros need no storage outside a differencing disk (there they hide the parent). Real data
        // fails this test in its first bytes, so the engine's own zero check is not paid twice.
        if (!_differencing && ZeroDetector.IsAllZero(payload))
        {
            return;
        }

        if (_layout is null)
        {
            _storage.WriteSkippingZeros(offset, payload);
            return;
        }

        var inBlock = StartBlock(offset);
        // Zero runs inside the block stay holes of the sparse file: they read as zeros, which is
        // what a present sector of zeros must read.
        _storage.WriteSkippingZeros(_bitmapOffset + _layout.BitmapSize + inBlock, payload);
        MarkStored(inBlock, payload.Length);
    }

    public override void WriteZeros(long offset, long length)
    {
        CheckChunk(offset, (int)Math.Min(length, _chunkSize));
        if (length <= 0 || offset > _capacity - length)
        {
            throw new ArgumentOutOfRangeException(nameof(length), string.Format(CultureInfo.InvariantCulture, "Zeros at {0}+{1} leave the disk of {2} bytes.", offset, length, _capacity));
        }

        if (!_differencing)
        {
            // Unallocated ranges of a fixed (sparse file) or dynamic VHD read as zeros already.
            _next = offset + length;
            return;
        }

        // Zeros hide the parent only if stored: each block is allocated with its data left as
        // holes of the sparse file, and the range marked present in its bitmap.
        var end = offset + length;
        for (var position = offset; position < end;)
        {
            var inBlock = StartBlock(position);
            var n = (int)Math.Min(end - position, (long)_layout!.BlockSize - inBlock);
            MarkStored(inBlock, n);
            position += n;
        }

        _next = end;
    }

    public override void Complete()
    {
        if (_completed)
        {
            return;
        }

        if (_layout is null)
        {
            _storage.SetLength(_capacity);
            _storage.WriteAt(_capacity, _footer.ToBytes());
        }
        else
        {
            FinishBlock();
            _storage.WriteAt(VhdLayout.TableOffset, _bat!.ToPaddedBytes(_layout.BatBytes));
            foreach (var locator in _layout.Locators)
            {
                _storage.WriteAt((long)locator.Entry.PlatformDataOffset, locator.PaddedData);
            }

            _storage.WriteAt(VhdLayout.HeaderOffset, _header!.ToBytes());
            var footer = _footer.ToBytes();
            _storage.WriteAt(_cursor, footer);
            _storage.WriteAt(0, footer);
        }

        _storage.Flush(durable: true);
        _completed = true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _storage.Dispose();
        }
    }

    private void CheckChunk(long offset, int length)
    {
        if (_completed)
        {
            throw new InvalidOperationException("The VHD writer has completed.");
        }

        if (offset < _next || offset % _chunkSize != 0 || length > _chunkSize || offset > _capacity - length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), string.Format(CultureInfo.InvariantCulture, "Chunks must ascend, start on {0}-byte boundaries and stay inside the disk of {1} bytes; got {2} bytes at {3} after {4}.", _chunkSize, _capacity, length, offset, _next));
        }

        _next = offset + length;
    }

    /// <summary>Makes the block holding <paramref name="position"/> the current one (allocating it) and returns the offset within it.</summary>
    private int StartBlock(long position)
    {
        var blockSize = _layout!.BlockSize;
        var index = (int)(position / blockSize);
        if (index != _block)
        {
            FinishBlock();
            _bitmapOffset = VhdLayout.PlaceBlock(_cursor, _layout.BitmapSize);
            _cursor = _bitmapOffset + _layout.BitmapSize + blockSize;
            _bat![index] = (uint)(_bitmapOffset / VhdDisk.SectorSize);
            _block = index;
            if (_fullBitmap is not null)
            {
                _storage.WriteAt(_bitmapOffset, _fullBitmap);
            }
            else
            {
                Array.Clear(_bitmap!, 0, _bitmap!.Length);
            }
        }

        return (int)(position % blockSize);
    }

    private void MarkStored(int inBlock, int length)
    {
        if (_bitmap is not null)
        {
            VhdSectorBitmap.SetRange(_bitmap, inBlock / VhdDisk.SectorSize, (length + VhdDisk.SectorSize - 1) / VhdDisk.SectorSize);
        }
    }

    private void FinishBlock()
    {
        if (_bitmap is not null && _block >= 0)
        {
            _storage.WriteAt(_bitmapOffset, _bitmap);
        }
    }
}
