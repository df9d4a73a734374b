using System;
using System.Collections.Generic;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Chains;

namespace ImageOps.Engine.Disks.Conversion;

/// <summary>
/// Turns an allocation map into the chunk-aligned items the pipeline copies (DESIGN.md §4: unallocated
/// and all-zero ranges are never written).
/// </summary>
internal static class CopyPlan
{
    /// <summary>
    /// Flattening a whole chain into a standalone disk: copy every chunk that holds data anywhere in
    /// the chain; zero ranges need nothing (a new disk reads zeros there).
    /// </summary>
    public static List<CopyItem> Flatten(VirtualDisk source, int chunk, out long dataBytes)
        => Build(ChainAllocation.Coalesce(ChainAllocation.Flatten(source, 0, source.Capacity)), source.Capacity, chunk, keepZeros: false, out dataBytes);

    /// <summary>
    /// Converting only the top layer onto a backing: copy the layer's data, record its explicit zeros
    /// as zeros, and leave unallocated ranges to the backing.
    /// </summary>
    public static List<CopyItem> TopLayer(VirtualDisk source, int chunk, out long dataBytes)
        => Build(source.GetAllocation(0, source.Capacity), source.Capacity, chunk, keepZeros: true, out dataBytes);

    private static List<CopyItem> Build(IEnumerable<AllocationRange> ranges, long capacity, int chunk, bool keepZeros, out long dataBytes)
    {
        // A chunk holding any data (or, for a top layer, any explicit zero next to data) is copied
        // whole, read through the chain; a chunk that is entirely an explicit zero becomes a zero
        // record; everything else is skipped.
        var kinds = new List<(long Start, long End, bool Zero)>();
        foreach (var range in ranges)
        {
            if (range.Kind == AllocationKind.Unallocated || (range.Kind == AllocationKind.Zero && !keepZeros))
            {
                continue;
            }

            var zero = range.Kind == AllocationKind.Zero;
            var start = range.Offset / chunk * chunk;
            var end = Math.Min(capacity, (range.End + chunk - 1) / chunk * chunk);
            if (zero)
            {
                // Only whole chunks stay zero records; partial ones are merged into neighbouring data below.
                var whole = (range.Offset + chunk - 1) / chunk * chunk;
                var wholeEnd = range.End == capacity ? capacity : range.End / chunk * chunk;
                if (wholeEnd > whole)
                {
                    Add(kinds, whole, wholeEnd, zero: true);
                }

                if (whole > range.Offset)
                {
                    Add(kinds, start, Math.Min(whole, end), zero: false);
                }

                if (wholeEnd < range.End && wholeEnd >= whole)
                {
                    Add(kinds, wholeEnd, end, zero: false);
                }

                continue;
            }

            Add(kinds, start, end, zero: false);
        }

        var items = new List<CopyItem>(kinds.Count);
        dataBytes = 0;
        foreach (var (start, end, zero) in kinds)
        {
            items.Add(new CopyItem(start, end - start, zero));
            if (!zero)
            {
                dataBytes += end - start;
            }
        }

        return items;
    }

    /// <summary>Appends [start, end), merging with the previous item; data wins over a zero record it overlaps.</summary>
    private static void Add(List<(long Start, long End, bool Zero)> items, long start, long end, bool zero)
    {
        if (end <= start)
        {
            return;
        }

        while (items.Count > 0)
        {
            var last = items[items.Count - 1];
            if (last.End < start || (last.End == start && last.Zero != zero))
            {
                break;
            }

            if (last.Zero == zero)
            {
                items[items.Count - 1] = (last.Start, Math.Max(last.End, end), zero);
                return;
            }

            // Overlap of a zero record and data: the data chunk is read whole, so trim the zero record.
            if (last.Zero)
            {
                items.RemoveAt(items.Count - 1);
                if (start > last.Start)
                {
                    items.Add((last.Start, start, true));
                }

                continue;
            }

            start = last.End;
            if (end <= start)
            {
                return;
            }

            break;
        }

        items.Add((start, end, zero));
    }
}
