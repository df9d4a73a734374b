using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Chains;

namespace ImageOps.Engine.Disks.Operations;

/// <summary>
/// Compares the content two disks present, whatever their formats and chains (qemu-img compare's
/// rules: a larger disk's excess must read as zeros). Ranges that read as zero in both are skipped
/// without being read.
/// </summary>
internal static class DiskComparer
{
    private const int Window = 4 << 20;

    public static DiskComparison Compare(DiskOpener opener, string path, DiskFormat? format, string otherPath, DiskFormat? otherFormat, OperationContext context)
    {
        using var a = opener.Open(path, format: format);
        using var b = opener.Open(otherPath, format: otherFormat);
        var result = new DiskComparison
        {
            Path = Path.GetFullPath(a.Path),
            OtherPath = Path.GetFullPath(b.Path),
            CapacityBytes = a.Capacity,
            OtherCapacityBytes = b.Capacity,
        };

        var common = Math.Min(a.Capacity, b.Capacity);
        var total = Math.Max(a.Capacity, b.Capacity);
        var zeroA = ZeroSpans(a);
        var zeroB = ZeroSpans(b);
        var bufferA = ArrayPool<byte>.Shared.Rent(Window);
        var bufferB = ArrayPool<byte>.Shared.Rent(Window);
        var activity = $"Comparing {Path.GetFileName(a.Path)} and {Path.GetFileName(b.Path)}";
        try
        {
            for (var offset = 0L; offset < total; offset += Window)
            {
                context.ThrowIfCancelled();
                var length = (int)Math.Min(Window, total - offset);
                if (zeroA.Covers(offset, length) && zeroB.Covers(offset, length))
                {
                    continue;
                }

                var spanA = bufferA.AsSpan(0, length);
                var spanB = bufferB.AsSpan(0, length);
                ReadPadded(a, offset, spanA);
                ReadPadded(b, offset, spanB);
                result.BytesCompared += length;
                if (!spanA.SequenceEqual(spanB))
                {
                    var i = 0;
                    while (spanA[i] == spanB[i])
                    {
                        i++;
                    }

                    result.FirstDifferenceOffset = offset + i;
                    result.Identical = false;
                    context.Log.Verbose($"The images differ at byte {offset + i}{(offset + i >= common ? " (past the end of the smaller image, which reads as zeros)" : string.Empty)}.");
                    return result;
                }

                context.Report(activity, "Comparing", offset + length, total);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bufferA);
            ArrayPool<byte>.Shared.Return(bufferB);
        }

        result.Identical = true;
        return result;
    }

    private static void ReadPadded(VirtualDisk disk, long offset, Span<byte> buffer)
    {
        var inside = (int)Math.Max(0, Math.Min(buffer.Length, disk.Capacity - offset));
        if (inside > 0)
        {
            disk.Read(offset, buffer.Slice(0, inside));
        }

        buffer.Slice(inside).Clear();
    }

    private static ZeroMap ZeroSpans(VirtualDisk disk)
        => new(ChainAllocation.Coalesce(ChainAllocation.Flatten(disk, 0, disk.Capacity)).Where(r => r.Kind != AllocationKind.Data).ToList(), disk.Capacity);

    /// <summary>The ranges known to read as zeros (including everything past the end).</summary>
    private sealed class ZeroMap
    {
        private readonly List<AllocationRange> _zeros;
        private readonly long _capacity;

        public ZeroMap(List<AllocationRange> zeros, long capacity)
        {
            _zeros = zeros;
            _capacity = capacity;
        }

        public bool Covers(long offset, long length)
        {
            var end = offset + length;
            if (offset >= _capacity)
            {
                return true;
            }

            foreach (var range in _zeros)
            {
                if (range.Offset <= offset && range.End >= Math.Min(end, _capacity))
                {
                    return true;
                }

                if (range.Offset > offset)
                {
                    break;
                }
            }

            return false;
        }
    }
}
