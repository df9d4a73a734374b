using System;
using System.Collections.Generic;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Vmdk;

/// <summary>Reads a range a layer does not hold (from the parent, or zeros): absolute disk offset and destination.</summary>
internal delegate void UnallocatedReader(long diskOffset, Span<byte> buffer);

/// <summary>One extent of a VMDK: a run of the virtual disk stored in one file (or nowhere, for ZERO).</summary>
internal interface IVmdkExtent : IDisposable
{
    /// <summary>Bytes of the virtual disk the extent covers.</summary>
    long Length { get; }

    /// <summary>The file holding the extent, or null for a ZERO extent.</summary>
    IBlockStorage? Storage { get; }

    /// <summary>Reads extent-relative <paramref name="offset"/>; unallocated parts go to <paramref name="unallocated"/> at <paramref name="diskBase"/> + offset.</summary>
    void Read(long offset, Span<byte> buffer, long diskBase, UnallocatedReader unallocated);

    /// <summary>The allocation of extent-relative [offset, offset+length), contiguous, in order.</summary>
    IEnumerable<AllocationRange> Map(long offset, long length);
}

/// <summary>A FLAT or VMFS extent: a window of a raw file (VMware "Virtual Disk Format 5.0", "Extent Descriptions").</summary>
internal sealed class FlatExtent : IVmdkExtent
{
    private readonly SubBlockStorage _window;
    private readonly IBlockStorage _file;

    public FlatExtent(IBlockStorage file, long start, long length)
    {
        _file = file;
        _window = new SubBlockStorage(file, start, length, $"{file.Name} [{start}+{length}]");
        Start = start;
    }

    public long Length => _window.Length;

    public long Start { get; }

    public IBlockStorage? Storage => _file;

    public void Read(long offset, Span<byte> buffer, long diskBase, UnallocatedReader unallocated)
        => _window.ReadExactly(offset, buffer, "VMDK", "flat extent");

    public IEnumerable<AllocationRange> Map(long offset, long length)
    {
        // Holes of a sparse flat file read as zeros; report them so conversions skip them.
        if (_file is ISparseStorage sparse)
        {
            foreach (var range in sparse.MapData(Start + offset, length))
            {
                yield return new AllocationRange(range.Offset - Start, range.Length, range.Kind == AllocationKind.Data ? AllocationKind.Data : AllocationKind.Zero);
            }

            yield break;
        }

        yield return new AllocationRange(offset, length, AllocationKind.Data);
    }

    public void Dispose() => _file.Dispose();
}

/// <summary>A ZERO extent: reads as zeros, stores nothing.</summary>
internal sealed class ZeroExtent : IVmdkExtent
{
    public ZeroExtent(long length) => Length = length;

    public long Length { get; }

    public IBlockStorage? Storage => null;

    public void Read(long offset, Span<byte> buffer, long diskBase, UnallocatedReader unallocated) => buffer.Clear();

    public IEnumerable<AllocationRange> Map(long offset, long length) => new[] { new AllocationRange(offset, length, AllocationKind.Zero) };

    public void Dispose()
    {
    }
}
