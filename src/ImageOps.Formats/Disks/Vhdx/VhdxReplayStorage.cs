using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Vhdx;

/// <summary>
/// A read-only view of a VHDX file as it will be once its log is replayed, without writing anything
/// (MS-VHDX 2.3.3 requires replay before any read; qemu refuses read-only opens instead). Replayed data
/// sectors are not copied: the view remembers where each lives in the log and rebuilds it on read, so
/// memory stays proportional to the number of logged sectors, not their bytes. The result is immutable,
/// so reads are thread-safe.
/// </summary>
internal sealed class VhdxReplayStorage : IBlockStorage, ISparseStorage
{
    /// <summary>The most writes a read-only replay keeps (about 1 GiB of logged sectors); larger logs must be replayed in place.</summary>
    public const int MaxOperations = 1 << 18;

    private const int SectorSize = VhdxLogEntryHeader.SectorSize;

    private readonly IBlockStorage _base;
    private readonly long[] _dataTargets;
    private readonly VhdxLogOperation[] _data;
    private readonly long[] _zeroStarts;
    private readonly long[] _zeroEnds;

    private VhdxReplayStorage(IBlockStorage baseStorage, long length, long[] dataTargets, VhdxLogOperation[] data, long[] zeroStarts, long[] zeroEnds)
    {
        _base = baseStorage;
        Length = length;
        _dataTargets = dataTargets;
        _data = data;
        _zeroStarts = zeroStarts;
        _zeroEnds = zeroEnds;
    }

    /// <inheritdoc />
    public string Name => _base.Name;

    /// <inheritdoc />
    public long Length { get; }

    /// <inheritdoc />
    public bool CanWrite => false;

    /// <summary>Replays <paramref name="sequence"/> over <paramref name="baseStorage"/> in memory.</summary>
    public static VhdxReplayStorage Create(IBlockStorage baseStorage, VhdxLogSequence sequence, string path)
    {
        var data = new Dictionary<long, VhdxLogOperation>();
        var targets = new SortedSet<long>();
        var zeros = new List<(long Start, long End)>();
        var count = 0;
        sequence.Replay(operation =>
        {
            if (++count > MaxOperations)
            {
                throw new ImageOpsException("VhdxLogReplayRequired", ErrorKind.LimitsExceeded, string.Format(CultureInfo.InvariantCulture, "'{0}' has a log of more than {1} writes to replay, too many to replay in memory for a read-only open; open it for writing (or check it with repair) to replay the log in place.", path, MaxOperations), path);
            }

            if (operation.IsZero)
            {
                if (operation.Length == 0)
                {
                    return;
                }

                // Later zeros hide earlier data sectors; each sector is removed at most once, so this stays linear.
                var covered = targets.GetViewBetween(operation.Target, operation.Target + operation.Length - 1);
                var removed = new List<long>(covered);
                foreach (var target in removed)
                {
                    targets.Remove(target);
                    data.Remove(target);
                }

                zeros.Add((operation.Target, operation.Target + operation.Length));
            }
            else
            {
                targets.Add(operation.Target);
                data[operation.Target] = operation;
            }
        });

        var dataTargets = new long[targets.Count];
        targets.CopyTo(dataTargets);
        var dataOperations = new VhdxLogOperation[dataTargets.Length];
        for (var i = 0; i < dataTargets.Length; i++)
        {
            dataOperations[i] = data[dataTargets[i]];
        }

        zeros.Sort((a, b) => a.Start.CompareTo(b.Start));
        var starts = new List<long>();
        var ends = new List<long>();
        foreach (var (start, end) in zeros)
        {
            if (ends.Count > 0 && start <= ends[ends.Count - 1])
            {
                ends[ends.Count - 1] = Math.Max(ends[ends.Count - 1], end);
            }
            else
            {
                starts.Add(start);
                ends.Add(end);
            }
        }

        var length = Math.Max(baseStorage.Length, sequence.LastFileOffset);
        foreach (var target in dataTargets)
        {
            length = Math.Max(length, target + SectorSize);
        }

        return new VhdxReplayStorage(baseStorage, length, dataTargets, dataOperations, starts.ToArray(), ends.ToArray());
    }

    /// <inheritdoc />
    public int ReadAt(long offset, Span<byte> buffer)
    {
        if (offset < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(offset));
        }

        if (offset >= Length)
        {
            return 0;
        }

        var count = (int)Math.Min(buffer.Length, Length - offset);
        var span = buffer.Slice(0, count);
        _base.ReadOrZero(offset, span);
        var end = offset + count;

        for (var i = FirstEndingAfter(_zeroEnds, offset); i < _zeroStarts.Length && _zeroStarts[i] < end; i++)
        {
            var from = Math.Max(offset, _zeroStarts[i]);
            var to = Math.Min(end, _zeroEnds[i]);
            span.Slice((int)(from - offset), (int)(to - from)).Clear();
        }

        var first = FirstAtOrAfter(_dataTargets, offset - SectorSize + 1);
        if (first < _dataTargets.Length && _dataTargets[first] < end)
        {
            var logSector = ArrayPool<byte>.Shared.Rent(SectorSize * 2);
            try
            {
                for (var i = first; i < _dataTargets.Length && _dataTargets[i] < end; i++)
                {
                    var operation = _data[i];
                    var raw = logSector.AsSpan(0, SectorSize);
                    var content = logSector.AsSpan(SectorSize, SectorSize);
                    _base.ReadExactly(operation.LogSectorOffset, raw, VhdxConstants.FormatName, "log data sector");
                    VhdxLogDataSector.Decode(raw, operation.LeadingBytes, operation.TrailingBytes, content);
                    var from = Math.Max(offset, operation.Target);
                    var to = Math.Min(end, operation.Target + SectorSize);
                    content.Slice((int)(from - operation.Target), (int)(to - from)).CopyTo(span.Slice((int)(from - offset)));
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(logSector);
            }
        }

        return count;
    }

    /// <inheritdoc />
    public IEnumerable<AllocationRange> MapData(long offset, long length)
    {
        // Replayed ranges are reported as data (allowed: "may report data where there is none").
        var end = offset + length;
        var position = offset;
        var baseMap = _base as ISparseStorage;
        while (position < end)
        {
            var next = NextReplayed(position, end);
            if (next.Start > position)
            {
                if (baseMap is null || position >= _base.Length)
                {
                    yield return new AllocationRange(position, next.Start - position, baseMap is null ? AllocationKind.Data : AllocationKind.Zero);
                }
                else
                {
                    var baseEnd = Math.Min(next.Start, _base.Length);
                    foreach (var range in baseMap.MapData(position, baseEnd - position))
                    {
                        yield return range;
                    }

                    if (next.Start > baseEnd)
                    {
                        yield return new AllocationRange(baseEnd, next.Start - baseEnd, AllocationKind.Zero);
                    }
                }
            }

            if (next.End > next.Start)
            {
                yield return new AllocationRange(next.Start, next.End - next.Start, AllocationKind.Data);
            }

            position = next.End;
        }
    }

    /// <inheritdoc />
    public void WriteAt(long offset, ReadOnlySpan<byte> data) => throw new InvalidOperationException($"'{Name}' is a read-only view of a replayed log.");

    /// <inheritdoc />
    public void SetLength(long length) => throw new InvalidOperationException($"'{Name}' is a read-only view of a replayed log.");

    /// <inheritdoc />
    public void Flush(bool durable)
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The base storage belongs to the disk.
    }

    /// <summary>The first replayed range at or after <paramref name="position"/>, clipped to <paramref name="end"/>; (end, end) if none.</summary>
    private (long Start, long End) NextReplayed(long position, long end)
    {
        var best = (Start: end, End: end);
        var z = FirstEndingAfter(_zeroEnds, position);
        if (z < _zeroStarts.Length && _zeroStarts[z] < end)
        {
            best = (Math.Max(position, _zeroStarts[z]), Math.Min(end, _zeroEnds[z]));
        }

        var d = FirstAtOrAfter(_dataTargets, position - SectorSize + 1);
        if (d < _dataTargets.Length && _dataTargets[d] < end)
        {
            var candidate = (Start: Math.Max(position, _dataTargets[d]), End: Math.Min(end, _dataTargets[d] + SectorSize));
            if (candidate.Start < best.Start || (candidate.Start == best.Start && candidate.End > best.End))
            {
                best = candidate;
            }
        }

        return best;
    }

    private static int FirstAtOrAfter(long[] sorted, long value)
    {
        var index = Array.BinarySearch(sorted, value);
        return index >= 0 ? index : ~index;
    }

    private static int FirstEndingAfter(long[] sortedEnds, long value)
    {
        // Merged zero ranges are disjoint and sorted, so their ends are sorted too.
        var index = Array.BinarySearch(sortedEnds, value);
        return index >= 0 ? index + 1 : ~index;
    }
}
