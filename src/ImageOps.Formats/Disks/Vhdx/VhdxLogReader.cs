using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Vhdx;

/// <summary>One write a log entry makes: a 4 KiB data sector or a zeroed range (MS-VHDX 2.3.1.2-2.3.1.3).</summary>
internal readonly struct VhdxLogOperation
{
    public VhdxLogOperation(long target, long length, bool isZero, long logSectorOffset, ulong leadingBytes, uint trailingBytes)
    {
        Target = target;
        Length = length;
        IsZero = isZero;
        LogSectorOffset = logSectorOffset;
        LeadingBytes = leadingBytes;
        TrailingBytes = trailingBytes;
    }

    /// <summary>File offset written.</summary>
    public long Target { get; }

    /// <summary>Bytes written: 4096 for a data sector, the zero length otherwise.</summary>
    public long Length { get; }

    public bool IsZero { get; }

    /// <summary>File offset of the log data sector holding bytes 8-4091 (data operations).</summary>
    public long LogSectorOffset { get; }

    public ulong LeadingBytes { get; }

    public uint TrailingBytes { get; }
}

/// <summary>A log entry found valid while searching the log.</summary>
internal readonly struct VhdxLogEntryInfo
{
    public VhdxLogEntryInfo(long position, VhdxLogEntryHeader header)
    {
        Position = position;
        Header = header;
    }

    /// <summary>Offset of the entry within the log.</summary>
    public long Position { get; }

    public VhdxLogEntryHeader Header { get; }
}

/// <summary>
/// The active log sequence (MS-VHDX 2.3.3): the entries from the head entry's tail to the head, which
/// replay in order. Replay re-reads and re-validates each entry, so nothing proportional to the log is
/// kept in memory.
/// </summary>
internal sealed class VhdxLogSequence
{
    private readonly VhdxLogReader _reader;

    internal VhdxLogSequence(VhdxLogReader reader, IReadOnlyList<VhdxLogEntryInfo> entries)
    {
        _reader = reader;
        Entries = entries;
    }

    /// <summary>Tail first, head last.</summary>
    public IReadOnlyList<VhdxLogEntryInfo> Entries { get; }

    public VhdxLogEntryInfo Head => Entries[Entries.Count - 1];

    /// <summary>The size the file must have after replay (the head's LastFileOffset).</summary>
    public long LastFileOffset => (long)Head.Header.LastFileOffset;

    /// <summary>Calls <paramref name="apply"/> for every write of the sequence, in replay order.</summary>
    public void Replay(Action<VhdxLogOperation> apply)
    {
        foreach (var entry in Entries)
        {
            if (!_reader.ReadEntry(entry.Position, apply, out _))
            {
                throw _reader.Corrupt(entry.Position, "an entry of the active sequence no longer validates");
            }
        }
    }
}

/// <summary>
/// Reads the VHDX log (MS-VHDX 2.3): a circular buffer of 4 KiB sectors holding entries that may wrap
/// around its end. Finds the active sequence as MS-VHDX 2.3.3 describes: scan for runs of valid entries
/// with consecutive sequence numbers whose head's tail lies inside the run, and keep the run with the
/// largest head sequence number. Every offset and count is bounded, and the whole search reads at most
/// a fixed multiple of the log's size, so a hostile log cannot make it quadratic.
/// </summary>
internal sealed class VhdxLogReader
{
    private const int SectorSize = VhdxLogEntryHeader.SectorSize;

    private readonly IBlockStorage _storage;
    private readonly string _path;
    private readonly VhdxHeader _header;
    private readonly long _logOffset;
    private readonly long _logLength;
    private long _budget;

    public VhdxLogReader(IBlockStorage storage, string path, VhdxHeader header)
    {
        _storage = storage;
        _path = path;
        _header = header;
        _logOffset = (long)header.LogOffset;
        _logLength = header.LogLength;

        // A healthy log is read about twice (every entry once as part of its run, every other sector once
        // as a candidate start); eight times the log plus 1 MiB leaves ample room and still bounds the work.
        _budget = (8 * _logLength) + VhdxConstants.OneMiB;
    }

    /// <summary>
    /// The active sequence, or null when the log holds no valid sequence for the header's LogGuid
    /// (for example after a crash between setting the LogGuid and writing the first entry).
    /// </summary>
    public VhdxLogSequence? FindActiveSequence()
    {
        List<VhdxLogEntryInfo>? candidate = null;
        var candidateTail = 0;
        long position = 0;
        long previous;
        do
        {
            previous = position;
            var run = new List<VhdxLogEntryInfo>();
            long runBytes = 0;
            var next = position;
            while (runBytes < _logLength && ReadEntry(next, null, out var header)
                   && (run.Count == 0 || header.SequenceNumber == run[run.Count - 1].Header.SequenceNumber + 1))
            {
                run.Add(new VhdxLogEntryInfo(next, header));
                runBytes += header.EntryLength;
                next = (next + header.EntryLength) % _logLength;
            }

            if (run.Count > 0)
            {
                var head = run[run.Count - 1].Header;
                var tailIndex = run.FindIndex(e => e.Position == head.Tail);
                if (tailIndex >= 0 && (candidate is null || head.SequenceNumber > candidate[candidate.Count - 1].Header.SequenceNumber))
                {
                    candidate = run;
                    candidateTail = tailIndex;
                }

                position = (run[run.Count - 1].Position + SectorSize) % _logLength;
            }
            else
            {
                position = (position + SectorSize) % _logLength;
            }
        }
        while (position > previous);

        return candidate is null ? null : new VhdxLogSequence(this, candidate.GetRange(candidateTail, candidate.Count - candidateTail));
    }

    internal CorruptImageException Corrupt(long logPosition, string detail)
        => new(_path, VhdxConstants.FormatName, _logOffset + logPosition, "log entry", detail, "VhdxLogCorrupt");

    /// <summary>
    /// Reads and validates the entry at <paramref name="position"/> (MS-VHDX 2.3.1): header fields, the
    /// LogGuid, every descriptor and data sector, and the checksum over the whole entry. With
    /// <paramref name="apply"/>, also checks each write's target and reports it.
    /// </summary>
    internal bool ReadEntry(long position, Action<VhdxLogOperation>? apply, out VhdxLogEntryHeader header)
    {
        header = default;
        var sector = ArrayPool<byte>.Shared.Rent(SectorSize);
        try
        {
            var first = sector.AsSpan(0, SectorSize);
            ReadLogSector(position, first);
            if (!VhdxLogEntryHeader.HasSignature(first))
            {
                return false;
            }

            header = VhdxLogEntryHeader.Parse(first);
            var sectors = header.EntryLength / SectorSize;
            if (header.EntryLength % SectorSize != 0 || sectors == 0 || header.EntryLength > _logLength
                || header.SequenceNumber == 0 || header.LogGuid != _header.LogGuid
                || header.Tail % SectorSize != 0 || header.Tail >= _logLength)
            {
                return false;
            }

            var descriptorSectors = VhdxLogEntryHeader.DescriptorSectors(header.DescriptorCount);
            if (descriptorSectors > sectors)
            {
                return false;
            }

            // Only an entry that validates is replayed, so its writes are reported after the checksum.
            List<VhdxLogOperation>? operations = apply is null ? null : new List<VhdxLogOperation>();
            var crc = Crc32C.Append(uint.MaxValue, first.Slice(0, VhdxLogEntryHeader.ChecksumOffset));
            crc = Crc32C.Append(crc, stackalloc byte[4]);
            crc = Crc32C.Append(crc, first.Slice(VhdxLogEntryHeader.ChecksumOffset + 4));

            var dataDescriptors = new List<VhdxLogDescriptor>();
            long descriptorIndex = 0;
            for (long s = 0; s < sectors; s++)
            {
                var current = sector.AsSpan(0, SectorSize);
                var at = (position + (s * SectorSize)) % _logLength;
                if (s > 0)
                {
                    ReadLogSector(at, current);
                    crc = Crc32C.Append(crc, current);
                }

                if (s < descriptorSectors)
                {
                    for (var offset = s == 0 ? VhdxLogEntryHeader.Size : 0; offset < SectorSize && descriptorIndex < header.DescriptorCount; offset += VhdxLogDescriptor.Size, descriptorIndex++)
                    {
                        if (VhdxLogDescriptor.TryParse(current.Slice(offset, VhdxLogDescriptor.Size)) is not { } descriptor
                            || descriptor.SequenceNumber != header.SequenceNumber
                            || descriptor.FileOffset % SectorSize != 0
                            || (descriptor.IsZero && descriptor.LeadingBytesOrZeroLength % SectorSize != 0))
                        {
                            return false;
                        }

                        if (descriptor.IsZero)
                        {
                            operations?.Add(new VhdxLogOperation(Clamp(descriptor.FileOffset), Clamp(descriptor.LeadingBytesOrZeroLength), true, 0, 0, 0));
                        }
                        else
                        {
                            if (descriptorSectors + dataDescriptors.Count >= sectors)
                            {
                                return false;
                            }

                            dataDescriptors.Add(descriptor);

                            // A placeholder: the data sector's log offset is known once the descriptors are counted.
                            operations?.Add(default);
                        }
                    }
                }
                else
                {
                    var dataIndex = s - descriptorSectors;
                    if (dataIndex < dataDescriptors.Count && !VhdxLogDataSector.Matches(current, header.SequenceNumber))
                    {
                        return false;
                    }
                }
            }

            if (~crc != header.Checksum)
            {
                return false;
            }

            if (operations is not null)
            {
                ReportOperations(position, header, descriptorSectors, dataDescriptors, operations, apply!);
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(sector);
        }
    }

    private void ReportOperations(long position, VhdxLogEntryHeader header, long descriptorSectors, List<VhdxLogDescriptor> dataDescriptors, List<VhdxLogOperation> operations, Action<VhdxLogOperation> apply)
    {
        if ((long)header.FlushedFileOffset > _storage.Length)
        {
            throw new CorruptImageException(_path, VhdxConstants.FormatName, _logOffset + position, "log entry", string.Format(CultureInfo.InvariantCulture, "it was written when the file held {0} bytes, but the file now has {1}: the file was truncated", header.FlushedFileOffset, _storage.Length), "ImageTruncated");
        }

        if (header.LastFileOffset > VhdxConstants.MaxFileOffset)
        {
            throw Corrupt(position, string.Format(CultureInfo.InvariantCulture, "its last file offset {0} is beyond any VHDX file", header.LastFileOffset));
        }

        var data = 0;
        foreach (var operation in operations)
        {
            var result = operation;
            if (!operation.IsZero)
            {
                var descriptor = dataDescriptors[data];
                var logSector = (position + ((descriptorSectors + data) * SectorSize)) % _logLength;
                result = new VhdxLogOperation(Clamp(descriptor.FileOffset), SectorSize, false, _logOffset + logSector, descriptor.LeadingBytesOrZeroLength, descriptor.TrailingBytes);
                data++;
            }

            CheckTarget(position, result);
            apply(result);
        }
    }

    /// <summary>Keeps an untrusted 64-bit offset in long range; CheckTarget refuses anything that large.</summary>
    private static long Clamp(ulong value) => (long)Math.Min(value, (ulong)long.MaxValue);

    private void CheckTarget(long position, VhdxLogOperation operation)
    {
        if (operation.Target < VhdxConstants.FirstLoggableOffset || operation.Target > VhdxConstants.MaxFileOffset
            || operation.Length > VhdxConstants.MaxFileOffset || operation.Target + operation.Length > VhdxConstants.MaxFileOffset)
        {
            throw Corrupt(position, string.Format(CultureInfo.InvariantCulture, "it writes [{0}, +{1}), into the file identifier or headers or beyond any VHDX file", operation.Target, operation.Length));
        }

        if (operation.Target < _logOffset + _logLength && _logOffset < operation.Target + operation.Length)
        {
            throw Corrupt(position, string.Format(CultureInfo.InvariantCulture, "it writes [{0}, +{1}), inside the log itself", operation.Target, operation.Length));
        }
    }

    private void ReadLogSector(long position, Span<byte> sector)
    {
        _budget -= SectorSize;
        if (_budget < 0)
        {
            throw Corrupt(position, "the log is too damaged to search: no consistent sequence within a bounded amount of reading");
        }

        _storage.ReadExactly(_logOffset + position, sector, VhdxConstants.FormatName, "log sector");
    }
}
