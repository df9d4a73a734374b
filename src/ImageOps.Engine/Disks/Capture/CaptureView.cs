using System;
using System.Collections.Generic;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Chains;
using ImageOps.Formats.Ntfs;

namespace ImageOps.Engine.Disks.Capture;

/// <summary>
/// What a capture copies, as a read-only disk the conversion pipeline reads like any other: a window of
/// the source (the whole disk or one partition) in which the free clusters of the NTFS volumes chosen
/// for a used-only capture read as zeros and are mapped as <see cref="AllocationKind.Zero"/>, so they are
/// neither read nor written and no stale data of deleted files is carried into the image. Everything
/// else — partition tables (MBR, EBRs, both GPT copies), gaps, other file systems, the NTFS boot sector
/// and its backup past the last cluster — reads as the source and is mapped as the source's chain maps it.
/// </summary>
/// <remarks>
/// Thread-safe for reads (the pipeline reads with several workers): the source disk's reads are, and the
/// cluster bitmap is read per call into a buffer of that call.
/// </remarks>
internal sealed class CaptureView : VirtualDisk
{
    /// <summary>
    /// Free runs shorter than this between used clusters are read along with them and cleared after,
    /// rather than split into many small reads (a fragmented volume alternates used and free clusters).
    /// </summary>
    internal const int MergeGapBytes = 128 << 10;

    private readonly VirtualDisk _source;
    private readonly long _start;
    private readonly long _length;
    private readonly IReadOnlyList<UsedClusterRegion> _regions;

    /// <param name="source">The disk captured (its full chain); it stays the caller's.</param>
    /// <param name="start">First byte of the window on <paramref name="source"/>.</param>
    /// <param name="length">Bytes in the window: the capacity of the view.</param>
    /// <param name="regions">NTFS volumes whose free clusters are left out, in view offsets, ascending, disjoint.</param>
    /// <param name="name">What to call the view in messages.</param>
    public CaptureView(VirtualDisk source, long start, long length, IReadOnlyList<UsedClusterRegion> regions, string name)
        : base(new DiskWindowStorage(source, start, length, name))
    {
        _source = source;
        _start = start;
        _length = length;
        _regions = regions;
        for (var i = 0; i < regions.Count; i++)
        {
            var r = regions[i];
            if (r.Start < 0 || r.ClustersEnd > r.End || r.End > length || (i > 0 && regions[i - 1].End > r.Start))
            {
                throw new ArgumentException($"Region {i} [{r.Start}, {r.End}) is outside the window or overlaps the one before.", nameof(regions));
            }
        }
    }

    public override DiskFormat Format => _source.Format;

    public override DiskVariant Variant => _source.Variant;

    public override long Capacity => _length;

    public override int LogicalSectorSize => _source.LogicalSectorSize;

    public override int PhysicalSectorSize => _source.PhysicalSectorSize;

    public override int ClusterSize => _source.ClusterSize;

    public override bool CanWrite => false;

    protected override void ReadCore(long offset, Span<byte> buffer)
    {
        var end = offset + buffer.Length;
        var position = offset;
        foreach (var region in _regions)
        {
            if (region.ClustersEnd <= position || region.Start == region.ClustersEnd)
            {
                continue;
            }

            if (region.Start >= end)
            {
                break;
            }

            if (region.Start > position)
            {
                ReadSource(position, buffer.Slice((int)(position - offset), (int)(region.Start - position)));
                position = region.Start;
            }

            var filteredEnd = Math.Min(end, region.ClustersEnd);
            ReadUsed(region, position, buffer.Slice((int)(position - offset), (int)(filteredEnd - position)));
            position = filteredEnd;
        }

        if (position < end)
        {
            ReadSource(position, buffer.Slice((int)(position - offset)));
        }
    }

    protected override void WriteCore(long offset, ReadOnlySpan<byte> data)
        => throw new InvalidOperationException($"'{Path}' is read-only.");

    protected override IEnumerable<AllocationRange> GetAllocationCore(long offset, long length)
        => Intersect(SourceMap(offset, length), FilterMap(offset, length));

    /// <summary>Data only where both maps say data: the source stores it and the file system uses it.</summary>
    internal static IEnumerable<AllocationRange> Intersect(IEnumerable<AllocationRange> a, IEnumerable<AllocationRange> b)
    {
        using var left = a.GetEnumerator();
        using var right = b.GetEnumerator();
        if (!left.MoveNext() || !right.MoveNext())
        {
            yield break;
        }

        var l = left.Current;
        var r = right.Current;
        var position = Math.Max(l.Offset, r.Offset);
        while (true)
        {
            var stop = Math.Min(l.End, r.End);
            if (stop > position)
            {
                var kind = l.Kind == AllocationKind.Data && r.Kind == AllocationKind.Data ? AllocationKind.Data : AllocationKind.Zero;
                yield return new AllocationRange(position, stop - position, kind);
                position = stop;
            }

            if (l.End <= position && !left.MoveNext())
            {
                yield break;
            }

            if (r.End <= position && !right.MoveNext())
            {
                yield break;
            }

            l = left.Current;
            r = right.Current;
        }
    }

    private IEnumerable<AllocationRange> SourceMap(long offset, long length)
    {
        foreach (var range in ChainAllocation.Flatten(_source, _start + offset, length))
        {
            yield return new AllocationRange(range.Offset - _start, range.Length, range.Kind == AllocationKind.Data ? AllocationKind.Data : AllocationKind.Zero);
        }
    }

    /// <summary>Data outside the regions' cluster areas; inside them, data for used clusters and zero for free ones.</summary>
    private IEnumerable<AllocationRange> FilterMap(long offset, long length)
    {
        var end = offset + length;
        var position = offset;
        foreach (var region in _regions)
        {
            if (region.ClustersEnd <= position || region.Start == region.ClustersEnd)
            {
                continue;
            }

            if (region.Start >= end)
            {
                break;
            }

            if (region.Start > position)
            {
                yield return new AllocationRange(position, region.Start - position, AllocationKind.Data);
                position = region.Start;
            }

            var filteredEnd = Math.Min(end, region.ClustersEnd);
            foreach (var used in region.UsedSpans(position, filteredEnd))
            {
                if (used.Start > position)
                {
                    yield return new AllocationRange(position, used.Start - position, AllocationKind.Zero);
                }

                yield return new AllocationRange(used.Start, used.End - used.Start, AllocationKind.Data);
                position = used.End;
            }

            if (filteredEnd > position)
            {
                yield return new AllocationRange(position, filteredEnd - position, AllocationKind.Zero);
                position = filteredEnd;
            }
        }

        if (end > position)
        {
            yield return new AllocationRange(position, end - position, AllocationKind.Data);
        }
    }

    private void ReadSource(long offset, Span<byte> buffer) => _source.Read(_start + offset, buffer);

    /// <summary>Reads the used clusters of [offset, offset+buffer.Length) and zeros the free ones.</summary>
    private void ReadUsed(UsedClusterRegion region, long offset, Span<byte> buffer)
    {
        buffer.Clear();
        var spans = new List<(long Start, long End)>(region.UsedSpans(offset, offset + buffer.Length));
        for (var i = 0; i < spans.Count; i++)
        {
            var first = i;
            while (i + 1 < spans.Count && spans[i + 1].Start - spans[i].End < MergeGapBytes)
            {
                i++;
            }

            var start = spans[first].Start;
            ReadSource(start, buffer.Slice((int)(start - offset), (int)(spans[i].End - start)));

            // The short free runs read along with their neighbours are cleared again.
            for (var k = first; k < i; k++)
            {
                buffer.Slice((int)(spans[k].End - offset), (int)(spans[k + 1].Start - spans[k].End)).Clear();
            }
        }
    }
}
