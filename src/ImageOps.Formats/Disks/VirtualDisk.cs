using System;
using System.Collections.Generic;
using System.Globalization;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks;

/// <summary>
/// One open virtual disk in any format: its geometry, a byte-addressed view of its content (including
/// what a parent supplies), and its allocation map. Differencing disks own their opened parent chain.
/// </summary>
/// <remarks>
/// Threading contract, relied on by parallel conversion: <see cref="Read"/> and
/// <see cref="GetAllocation"/> may be called from several threads at once; <see cref="Write"/>,
/// <see cref="Flush"/> and <see cref="Resize"/> must not run concurrently with anything else.
/// Offsets and lengths are in bytes and need not be sector-aligned; formats read-modify-write where
/// their granularity needs it.
/// </remarks>
public abstract class VirtualDisk : IDisposable
{
    private bool _disposed;

    /// <summary>Creates the disk over <paramref name="storage"/>, which it owns.</summary>
    protected VirtualDisk(IBlockStorage storage)
    {
        Storage = storage ?? throw new ArgumentNullException(nameof(storage));
    }

    /// <summary>The bytes under the disk (the image file).</summary>
    public IBlockStorage Storage { get; }

    /// <summary>The image file's name, for messages.</summary>
    public string Path => Storage.Name;

    /// <summary>The container format.</summary>
    public abstract DiskFormat Format { get; }

    /// <summary>Fixed, dynamic or differencing.</summary>
    public abstract DiskVariant Variant { get; }

    /// <summary>Format-specific detail, for example <c>streamOptimized</c> or <c>v3</c>.</summary>
    public virtual string Subformat => Variant.ToString().ToLowerInvariant();

    /// <summary>The virtual size in bytes.</summary>
    public abstract long Capacity { get; }

    /// <summary>The logical sector size guests see.</summary>
    public virtual int LogicalSectorSize => 512;

    /// <summary>The physical sector size reported to guests.</summary>
    public virtual int PhysicalSectorSize => LogicalSectorSize;

    /// <summary>The allocation unit: qcow2 cluster, VHD/VHDX block, VMDK grain; for raw, the sector.</summary>
    public abstract int ClusterSize { get; }

    /// <summary>True if the disk was opened (or created) for writing.</summary>
    public abstract bool CanWrite { get; }

    /// <summary>The opened parent (backing) disk of a differencing disk, or null.</summary>
    public VirtualDisk? Parent { get; protected set; }

    /// <summary>How this disk names its parent, and whether the one found matches; null without a parent.</summary>
    public ParentLink? ParentLink { get; protected set; }

    /// <summary>This disk's identity as its children record it, or null if the format records none.</summary>
    public virtual string? Identity => null;

    /// <summary>Bytes of the image file (what the disk takes on the host).</summary>
    public virtual long FileSize => Storage.Length;

    /// <summary>
    /// Reads <c>buffer.Length</c> bytes at <paramref name="offset"/>: this layer's data, else the
    /// parent's, else zeros. Throws if the range leaves the disk.
    /// </summary>
    public void Read(long offset, Span<byte> buffer)
    {
        ThrowIfDisposed();
        CheckRange(offset, buffer.Length);
        if (buffer.Length > 0)
        {
            ReadCore(offset, buffer);
        }
    }

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/> into this layer.</summary>
    public void Write(long offset, ReadOnlySpan<byte> data)
    {
        ThrowIfDisposed();
        if (!CanWrite)
        {
            throw new InvalidOperationException($"'{Path}' is open read-only.");
        }

        CheckRange(offset, data.Length);
        if (data.Length > 0)
        {
            WriteCore(offset, data);
        }
    }

    /// <summary>
    /// The allocation map of this layer over [offset, offset+length): contiguous ranges that cover it
    /// exactly, adjacent ranges of the same kind merged. Parents are not consulted; see
    /// <see cref="Chains.ChainAllocation"/> for the flattened view.
    /// </summary>
    public IEnumerable<AllocationRange> GetAllocation(long offset, long length)
    {
        ThrowIfDisposed();
        CheckRange(offset, length);
        return Merge(GetAllocationCore(offset, length), offset, length);
    }

    /// <summary>
    /// Makes [offset, offset+length) read as zeros. The default writes zeros; formats with zero
    /// clusters or blocks override it to record the zeros without storing them.
    /// </summary>
    public virtual void WriteZeros(long offset, long length)
    {
        var zeros = new byte[(int)Math.Min(length, 1 << 20)];
        for (var done = 0L; done < length; done += zeros.Length)
        {
            Write(offset + done, zeros.AsSpan(0, (int)Math.Min(zeros.Length, length - done)));
        }
    }

    /// <summary>Changes the virtual size. Formats that cannot resize throw <see cref="UnsupportedFeatureException"/>.</summary>
    public virtual void Resize(long newCapacity)
        => throw new UnsupportedFeatureException($"{Format} resize", $"Resizing {Format} ({Subformat}) disks is not supported.", Path);

    /// <summary>Writes metadata and data to the image file durably.</summary>
    public virtual void Flush()
    {
        if (CanWrite)
        {
            Storage.Flush(durable: true);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Reads in-range bytes (range already checked, length &gt; 0).</summary>
    protected abstract void ReadCore(long offset, Span<byte> buffer);

    /// <summary>Writes in-range bytes (range and writability already checked, length &gt; 0).</summary>
    protected abstract void WriteCore(long offset, ReadOnlySpan<byte> data);

    /// <summary>This layer's allocation over an in-range span; need not merge or be minimal.</summary>
    protected abstract IEnumerable<AllocationRange> GetAllocationCore(long offset, long length);

    /// <summary>Reads from the parent, or zeros when there is none: the fallback for unallocated ranges.</summary>
    protected void ReadFromParent(long offset, Span<byte> buffer)
    {
        if (Parent is null || offset >= Parent.Capacity)
        {
            buffer.Clear();
            return;
        }

        // A parent smaller than its child (after the child was grown) reads as zeros beyond its end.
        var fromParent = (int)Math.Min(buffer.Length, Parent.Capacity - offset);
        Parent.Read(offset, buffer.Slice(0, fromParent));
        buffer.Slice(fromParent).Clear();
    }

    /// <summary>Releases the storage and the parent chain.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (disposing)
        {
            try
            {
                if (CanWrite)
                {
                    Flush();
                }
            }
            finally
            {
                Parent?.Dispose();
                Storage.Dispose();
            }
        }
    }

    /// <summary>Throws if the disk was disposed.</summary>
    protected void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw new ObjectDisposedException(GetType().Name, $"'{Path}' is closed.");
        }
    }

    private void CheckRange(long offset, long length)
    {
        if (offset < 0 || length < 0 || offset > Capacity - length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), string.Format(CultureInfo.InvariantCulture, "The range [{0}, {0}+{1}) is outside the disk '{2}' of {3} bytes.", offset, length, Path, Capacity));
        }
    }

    private static IEnumerable<AllocationRange> Merge(IEnumerable<AllocationRange> ranges, long offset, long length)
    {
        var expected = offset;
        AllocationRange? pending = null;
        foreach (var range in ranges)
        {
            if (range.Length == 0)
            {
                continue;
            }

            if (range.Offset != expected)
            {
                throw new InvalidOperationException($"Allocation ranges are not contiguous: expected {expected}, got {range}.");
            }

            expected = range.End;
            if (pending is { } p && p.Kind == range.Kind)
            {
                pending = new AllocationRange(p.Offset, p.Length + range.Length, p.Kind);
                continue;
            }

            if (pending is { } done)
            {
                yield return done;
            }

            pending = range;
        }

        if (expected != offset + length)
        {
            throw new InvalidOperationException($"Allocation ranges end at {expected}, expected {offset + length}.");
        }

        if (pending is { } last)
        {
            yield return last;
        }
    }
}
