using System;
using System.Globalization;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Vhdx;

/// <summary>
/// Writes a new VHDX front to back (the conversion fast path). Payload blocks are placed in the order
/// they are first touched, right after the BAT; all-zero parts of a chunk are left as holes of the
/// sparse file; blocks the writer is told read as zeros become ZERO blocks (differencing output hides
/// the parent with them). A differencing output's partly covered blocks become PARTIALLY_PRESENT with a
/// sector bitmap, each bitmap block written once when the writer leaves its chunk. The BAT, metadata,
/// region tables and headers are written once, in <see cref="Complete"/>, headers last, with an empty
/// log (LogGuid zero): an interrupted file has no valid header.
/// </summary>
internal sealed class VhdxWriter : DiskWriter
{
    private readonly IBlockStorage? _storage;
    private readonly VhdxCreateParameters _parameters;
    private readonly VhdxGeometry _geometry;
    private readonly ulong[] _bat;
    private readonly bool _fixed;
    private long _next;
    private long _expected;
    private bool _completed;

    // The block being filled: its file offset once it holds data, and which chunks hold data or zeros.
    private long _block = -1;
    private long _blockOffset = -1;
    private ulong _dataChunks;
    private ulong _zeroChunks;

    // The sector bitmap block being filled (differencing output).
    private long _bitmapChunk = -1;
    private byte[]? _bitmap;

    /// <param name="storage">Empty storage to fill, or null to only measure.</param>
    /// <param name="options">The new disk.</param>
    /// <param name="name">The new file's name (anchors the parent's relative path).</param>
    public VhdxWriter(IBlockStorage? storage, DiskCreateOptions options, string name)
    {
        if (storage is not null && storage.Length != 0)
        {
            throw new ArgumentException($"'{storage.Name}' is not empty; a new VHDX is written only into empty storage.", nameof(storage));
        }

        _storage = storage;
        _parameters = VhdxCreateParameters.From(options, name);
        _geometry = _parameters.Geometry;
        _bat = new ulong[_geometry.TotalEntries];
        _fixed = _parameters.Variant == DiskVariant.Fixed;
        _next = _parameters.DataOffset;
        ChunkSize = Math.Min(_geometry.BlockSize, 4 << 20);
        if (_fixed)
        {
            for (long block = 0; block < _geometry.DataBlocks; block++)
            {
                _bat[_geometry.PayloadEntryIndex(block)] = VhdxBatEntry.Make((int)VhdxPayloadState.FullyPresent, FixedBlockOffset(block));
            }

            _next = _parameters.DataOffset + (_geometry.DataBlocks * _geometry.BlockSize);
        }
    }

    /// <summary>Whole blocks up to 4 MiB: large sequential writes, and fine enough to skip zero chunks.</summary>
    public override int ChunkSize { get; }

    /// <summary>The file size the finished image has (what Measure reports).</summary>
    public long FileLength => _next;

    /// <summary>The checked parameters and layout of the image being written.</summary>
    internal VhdxCreateParameters Parameters => _parameters;

    public override void Write(long offset, ReadOnlySpan<byte> payload, bool transformed)
    {
        if (transformed)
        {
            throw new InvalidOperationException("The VHDX writer does not transform chunks.");
        }

        CheckChunk(offset, payload.Length);
        var block = offset / _geometry.BlockSize;
        var blockOffset = Touch(block, offset - (block * _geometry.BlockSize), payload.Length, data: true);
        if (_storage is not null)
        {
            _storage.WriteSkippingZeros(blockOffset + (offset - (block * _geometry.BlockSize)), payload);
        }

        _expected = offset + payload.Length;
    }

    public override void WriteZeros(long offset, long length)
    {
        CheckChunk(offset, Math.Min(length, ChunkSize));
        if (length < 0 || offset > _geometry.Capacity - length)
        {
            throw new ArgumentOutOfRangeException(nameof(length));
        }

        Mark(offset, length, data: false);
        _expected = offset + length;
    }

    public override void Complete()
    {
        if (_completed)
        {
            return;
        }

        FinishBlock();
        FlushBitmap();
        _completed = true;
        if (_storage is null)
        {
            return;
        }

        _storage.SetLength(_next);
        VhdxCreator.WriteStructures(_storage, _parameters, _bat);
        _storage.Flush(durable: true);
    }

    /// <summary>Records [offset, offset+length) as data (or zeros) without storing bytes: Measure's dry run.</summary>
    internal void Mark(long offset, long length, bool data)
    {
        var end = offset + length;
        for (var position = offset; position < end;)
        {
            var block = position / _geometry.BlockSize;
            var inBlock = position - (block * _geometry.BlockSize);
            var n = Math.Min(end - position, _geometry.BlockSize - inBlock);
            Touch(block, inBlock, n, data);
            position += n;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _storage?.Dispose();
        }
    }

    private void CheckChunk(long offset, long length)
    {
        if (_completed)
        {
            throw new InvalidOperationException("The VHDX writer has completed.");
        }

        if (offset < _expected || offset % ChunkSize != 0 || length <= 0 || length > ChunkSize || offset > _geometry.Capacity - length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), string.Format(CultureInfo.InvariantCulture, "Chunks must ascend on {0}-byte boundaries inside the disk: got {1}+{2} after {3}.", ChunkSize, offset, length, _expected));
        }
    }

    /// <summary>Notes that part of <paramref name="block"/> holds data or zeros; returns the block's file offset when it has one.</summary>
    private long Touch(long block, long inBlock, long length, bool data)
    {
        if (block != _block)
        {
            FinishBlock();
            _block = block;
            _blockOffset = _fixed ? FixedBlockOffset(block) : -1;
            _dataChunks = 0;
            _zeroChunks = 0;
        }

        var chunks = ChunkMask(inBlock, length);
        if (data)
        {
            _dataChunks |= chunks;
            if (_blockOffset < 0)
            {
                _blockOffset = _next;
                _next += _geometry.BlockSize;
            }
        }
        else
        {
            // Zeros need no bytes: a block of nothing but zeros becomes a ZERO block, and stored zeros are holes.
            _zeroChunks |= chunks;
        }

        return _blockOffset;
    }

    private void FinishBlock()
    {
        if (_block < 0)
        {
            return;
        }

        var index = _geometry.PayloadEntryIndex(_block);
        var all = ChunkMask(0, _geometry.BlockLengthInDisk(_block));
        var covered = _dataChunks | _zeroChunks;
        if (_fixed)
        {
            // Already fully present at its fixed place.
        }
        else if (_blockOffset < 0 && covered == all)
        {
            _bat[index] = VhdxBatEntry.Make((int)VhdxPayloadState.Zero, 0);
        }
        else if (_blockOffset < 0 && (!_geometry.HasParent || _zeroChunks == 0))
        {
            // Nothing stored; without a parent, partial zeros already read as zeros.
        }
        else
        {
            if (_blockOffset < 0)
            {
                // Zeros over part of a parent's block: the block holds them as holes, its bitmap hides the parent.
                // Blocks finish in order, so placing it now keeps the file in block order.
                _blockOffset = _next;
                _next += _geometry.BlockSize;
            }

            if (!_geometry.HasParent || covered == all)
            {
                _bat[index] = VhdxBatEntry.Make((int)VhdxPayloadState.FullyPresent, _blockOffset);
            }
            else
            {
                _bat[index] = VhdxBatEntry.Make((int)VhdxPayloadState.PartiallyPresent, _blockOffset);
                SetBitmapBits(covered);
            }
        }

        _block = -1;
    }

    /// <summary>The chunks of a block that [inBlock, inBlock+length) touches, one bit each (a block has at most 64).</summary>
    private ulong ChunkMask(long inBlock, long length)
    {
        var mask = 0UL;
        for (var chunk = inBlock / ChunkSize; chunk <= (inBlock + length - 1) / ChunkSize; chunk++)
        {
            mask |= 1UL << (int)chunk;
        }

        return mask;
    }

    private void SetBitmapBits(ulong covered)
    {
        var chunk = _block / _geometry.ChunkRatio;
        if (chunk != _bitmapChunk)
        {
            FlushBitmap();
            _bitmapChunk = chunk;
            _bitmap = _storage is null ? Array.Empty<byte>() : new byte[VhdxConstants.SectorBitmapBlockSize];
        }

        if (_storage is null)
        {
            return;
        }

        var sector = _geometry.LogicalSectorSize;
        var blockBit = (_block % _geometry.ChunkRatio) * _geometry.SectorsPerBlock;
        var inDisk = _geometry.BlockLengthInDisk(_block);
        for (var c = 0; c < 64; c++)
        {
            if ((covered & (1UL << c)) == 0)
            {
                continue;
            }

            var from = (long)c * ChunkSize;
            var to = Math.Min(from + ChunkSize, inDisk);
            for (var s = from / sector; s < (to + sector - 1) / sector; s++)
            {
                var bit = blockBit + s;
                _bitmap![bit >> 3] |= (byte)(1 << (int)(bit & 7));
            }
        }
    }

    private void FlushBitmap()
    {
        if (_bitmapChunk < 0)
        {
            return;
        }

        var offset = _next;
        _next += VhdxConstants.SectorBitmapBlockSize;
        _storage?.WriteAt(offset, _bitmap);
        _bat[_geometry.BitmapEntryIndex(_bitmapChunk)] = VhdxBatEntry.Make(VhdxBatEntry.BitmapPresent, offset);
        _bitmapChunk = -1;
        _bitmap = null;
    }

    private long FixedBlockOffset(long block) => _parameters.DataOffset + (block * _geometry.BlockSize);
}
