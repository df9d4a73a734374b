using System;
using System.Collections.Generic;
using System.Globalization;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Vmdk;

/// <summary>
/// An open VMDK: its descriptor, its extents in disk order, and its parent for a delta disk. Only a
/// monolithic sparse disk (one sparse extent in the descriptor's own file) is writable; before the first
/// change after opening, the CID is replaced so that children made from the old content notice
/// (qemu <c>vmdk_write_cid</c>).
/// </summary>
internal sealed class VmdkDisk : VirtualDisk
{
    private readonly VmdkDescriptor? _descriptor;
    private readonly long[] _starts;
    private readonly IVmdkExtent[] _extents;
    private readonly SparseExtent? _writableExtent;
    private readonly long _capacity;
    private readonly UnallocatedReader _unallocated;
    private bool _cidUpdated;

    public VmdkDisk(IBlockStorage storage, VmdkDescriptor? descriptor, IReadOnlyList<IVmdkExtent> extents, string createType, SparseExtent? writableExtent, bool cidFresh)
        : base(storage)
    {
        _descriptor = descriptor;
        _extents = new IVmdkExtent[extents.Count];
        _starts = new long[extents.Count];
        long start = 0;
        for (var i = 0; i < extents.Count; i++)
        {
            _extents[i] = extents[i];
            _starts[i] = start;
            start += extents[i].Length;
        }

        _capacity = start;
        Subformat = createType;
        _writableExtent = writableExtent;
        _cidUpdated = cidFresh;
        _unallocated = ReadFromParent;
    }

    public override DiskFormat Format => DiskFormat.Vmdk;

    public override DiskVariant Variant
    {
        get
        {
            if (ParentLink is not null)
            {
                return DiskVariant.Differencing;
            }

            foreach (var extent in _extents)
            {
                if (extent is SparseExtent)
                {
                    return DiskVariant.Dynamic;
                }
            }

            return DiskVariant.Fixed;
        }
    }

    /// <summary>The createType: monolithicSparse, streamOptimized, monolithicFlat, twoGbMaxExtentFlat, ...</summary>
    public override string Subformat { get; }

    public override long Capacity => _capacity;

    public override int ClusterSize
    {
        get
        {
            foreach (var extent in _extents)
            {
                if (extent is SparseExtent sparse)
                {
                    return sparse.GrainBytes;
                }
            }

            return SparseExtentHeader.SectorSize;
        }
    }

    public override bool CanWrite => _writableExtent is not null;

    /// <summary>The CID, as children record it in parentCID.</summary>
    public override string? Identity => _descriptor?.Cid is { } cid ? VmdkDescriptor.FormatCid(cid) : null;

    public override long FileSize
    {
        get
        {
            var total = Storage.Length;
            var seen = new HashSet<IBlockStorage> { Storage };
            foreach (var extent in _extents)
            {
                if (extent.Storage is { } file && seen.Add(file))
                {
                    total += file.Length;
                }
            }

            return total;
        }
    }

    internal VmdkDescriptor? Descriptor => _descriptor;

    /// <summary>The sparse header version of the first sparse extent, or 0 for a flat disk.</summary>
    internal uint HeaderVersion => _extents.Length > 0 && _extents[0] is SparseExtent sparse ? sparse.Header.Version : 0;

    internal void AttachParent(VirtualDisk parent, ParentLink link)
    {
        Parent = parent;
        ParentLink = link;
    }

    internal void SetLink(ParentLink link) => ParentLink = link;

    public override void WriteZeros(long offset, long length)
    {
        ThrowIfDisposed();
        if (!CanWrite)
        {
            throw new InvalidOperationException($"'{Path}' is open read-only.");
        }

        CheckRange(offset, length);
        if (length == 0)
        {
            return;
        }

        EnsureCidUpdated();
        var extent = _writableExtent!;
        var grainBytes = extent.GrainBytes;
        var end = offset + length;
        var zeros = new byte[Math.Min(length, 1 << 20)];
        while (offset < end)
        {
            var grain = offset / grainBytes;
            var grainStart = grain * grainBytes;
            var grainEnd = Math.Min(grainStart + grainBytes, _capacity);
            var n = Math.Min(end, grainEnd) - offset;
            var whole = offset == grainStart && offset + n == grainEnd;
            if (!whole || !extent.TryZeroGrain(grain, Parent is not null))
            {
                // Partial grains, and whole ones of a delta disk without zeroed-grain entries, get real zeros.
                for (var done = 0L; done < n; done += zeros.Length)
                {
                    extent.Write(offset + done, zeros.AsSpan(0, (int)Math.Min(zeros.Length, n - done)), 0, _unallocated);
                }
            }

            offset += n;
        }
    }

    public override void Flush()
    {
        // No disposed check: the base class flushes from Dispose after marking itself disposed.
        if (CanWrite)
        {
            _writableExtent!.FlushMetadata();
            Storage.Flush(durable: true);
        }
    }

    protected override void ReadCore(long offset, Span<byte> buffer)
    {
        var index = FindExtent(offset);
        while (buffer.Length > 0)
        {
            var extent = _extents[index];
            var inExtent = offset - _starts[index];
            var n = (int)Math.Min(buffer.Length, extent.Length - inExtent);
            extent.Read(inExtent, buffer.Slice(0, n), _starts[index], _unallocated);
            offset += n;
            buffer = buffer.Slice(n);
            index++;
        }
    }

    protected override void WriteCore(long offset, ReadOnlySpan<byte> data)
    {
        EnsureCidUpdated();
        _writableExtent!.Write(offset, data, 0, _unallocated);
    }

    protected override IEnumerable<AllocationRange> GetAllocationCore(long offset, long length)
    {
        var end = offset + length;
        for (var index = FindExtent(offset); offset < end; index++)
        {
            var inExtent = offset - _starts[index];
            var n = Math.Min(end - offset, _extents[index].Length - inExtent);
            foreach (var range in _extents[index].Map(inExtent, n))
            {
                yield return new AllocationRange(range.Offset + _starts[index], range.Length, range.Kind);
            }

            offset += n;
        }
    }

    protected override void Dispose(bool disposing)
    {
        try
        {
            base.Dispose(disposing);
        }
        finally
        {
            if (disposing)
            {
                foreach (var extent in _extents)
                {
                    extent.Dispose();
                }
            }
        }
    }

    /// <summary>Replaces the CID before the first change (and makes it durable first, so a crash can only leave a changed CID over unchanged data).</summary>
    private void EnsureCidUpdated()
    {
        if (_cidUpdated || _descriptor is null)
        {
            return;
        }

        var extent = _writableExtent!;
        var text = _descriptor.WithCid(VmdkDescriptor.NewCid());
        if (text.Length > extent.DescriptorAreaBytes)
        {
            throw new ImageOpsException("VmdkDescriptorFull", ErrorKind.LimitsExceeded, $"The descriptor of '{Path}' no longer fits its {extent.DescriptorAreaBytes}-byte area.", Path);
        }

        var area = new byte[extent.DescriptorAreaBytes];
        text.CopyTo(area, 0);
        Storage.WriteAt(extent.DescriptorOffset, area);
        Storage.Flush(durable: true);
        _cidUpdated = true;
    }

    private int FindExtent(long offset)
    {
        var index = Array.BinarySearch(_starts, offset);
        return index >= 0 ? index : ~index - 1;
    }

    private void CheckRange(long offset, long length)
    {
        if (offset < 0 || length < 0 || offset > _capacity - length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), string.Format(CultureInfo.InvariantCulture, "The range [{0}, {0}+{1}) is outside the disk '{2}' of {3} bytes.", offset, length, Path, _capacity));
        }
    }
}
