using System;
using System.Collections.Generic;

namespace ImageOps.Formats.Disks.Chains;

/// <summary>
/// The allocation map of a whole chain as one disk: each range is <see cref="AllocationKind.Data"/>
/// (some layer stores it) or <see cref="AllocationKind.Zero"/> (it reads as zeros). Conversions
/// that flatten a chain copy only the Data ranges.
/// </summary>
public static class ChainAllocation
{
    /// <summary>The flattened map of <paramref name="disk"/> over [offset, offset+length).</summary>
    public static IEnumerable<AllocationRange> Flatten(VirtualDisk disk, long offset, long length)
    {
        foreach (var range in disk.GetAllocation(offset, length))
        {
            if (range.Kind != AllocationKind.Unallocated)
            {
                yield return range;
                continue;
            }

            var parent = disk.Parent;
            var inParent = parent is null ? 0 : Math.Max(0, Math.Min(range.End, parent.Capacity) - range.Offset);
            if (inParent > 0)
            {
                foreach (var below in Flatten(parent!, range.Offset, inParent))
                {
                    yield return below;
                }
            }

            if (range.Length > inParent)
            {
                yield return new AllocationRange(range.Offset + inParent, range.Length - inParent, AllocationKind.Zero);
            }
        }
    }

    /// <summary>Merges adjacent ranges of the same kind (Flatten's output is contiguous but not minimal).</summary>
    public static IEnumerable<AllocationRange> Coalesce(IEnumerable<AllocationRange> ranges)
    {
        AllocationRange? pending = null;
        foreach (var range in ranges)
        {
            if (pending is { } p && p.Kind == range.Kind && p.End == range.Offset)
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

        if (pending is { } last)
        {
            yield return last;
        }
    }
}
