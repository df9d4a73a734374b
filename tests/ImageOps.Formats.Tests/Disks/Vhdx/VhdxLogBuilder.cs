using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Disks.Vhdx;

namespace ImageOps.Formats.Tests.Disks.Vhdx;

/// <summary>Crafts log entries and header changes in a VHDX, for log and hostile tests.</summary>
internal sealed class VhdxLogBuilder
{
    private const int Sector = 4096;
    private readonly IBlockStorage _storage;

    public VhdxLogBuilder(IBlockStorage storage)
    {
        _storage = storage;
        Header = VhdxFile.ReadHeaders(storage, storage.Name).Current;
    }

    public VhdxHeader Header { get; private set; }

    public long LogOffset => (long)Header.LogOffset;

    public long LogLength => Header.LogLength;

    /// <summary>Rewrites both headers with <paramref name="change"/> applied (valid checksums).</summary>
    public VhdxLogBuilder SetHeader(Action<VhdxHeader> change)
    {
        var next = Header.Clone();
        change(next);
        var bytes = new byte[VhdxHeader.Size];
        next.SequenceNumber = Header.SequenceNumber + 1;
        next.WriteTo(bytes);
        _storage.WriteAt(VhdxConstants.Header1Offset, bytes);
        next.SequenceNumber++;
        next.WriteTo(bytes);
        _storage.WriteAt(VhdxConstants.Header2Offset, bytes);
        Header = next;
        return this;
    }

    /// <summary>Writes one entry at <paramref name="position"/> (wrapping around the end of the log) and returns its length.</summary>
    public long WriteEntry(long position, ulong sequence, long tail, IReadOnlyList<(long Target, byte[] Data)> data, IReadOnlyList<(long Target, long Length)>? zeros = null, Guid? logGuid = null, bool corruptChecksum = false, ulong? flushed = null, ulong? last = null)
    {
        zeros ??= Array.Empty<(long, long)>();
        var count = data.Count + zeros.Count;
        var descriptorSectors = VhdxLogEntryHeader.DescriptorSectors(count);
        var length = (descriptorSectors + data.Count) * Sector;
        var entry = new byte[length];
        var header = new VhdxLogEntryHeader
        {
            EntryLength = (uint)length,
            Tail = (uint)tail,
            SequenceNumber = sequence,
            DescriptorCount = (uint)count,
            LogGuid = logGuid ?? Header.LogGuid,
            FlushedFileOffset = flushed ?? (ulong)_storage.Length,
            LastFileOffset = last ?? (ulong)_storage.Length,
        };
        header.WriteTo(entry);
        var index = 0;
        foreach (var (target, zeroLength) in zeros)
        {
            new VhdxLogDescriptor { IsZero = true, LeadingBytesOrZeroLength = (ulong)zeroLength, FileOffset = (ulong)target, SequenceNumber = sequence }
                .WriteTo(entry.AsSpan(VhdxLogEntryHeader.Size + (index++ * VhdxLogDescriptor.Size)));
        }

        for (var i = 0; i < data.Count; i++)
        {
            var descriptor = new VhdxLogDescriptor { IsZero = false, FileOffset = (ulong)data[i].Target, SequenceNumber = sequence };
            VhdxLogDataSector.Encode(data[i].Data, sequence, entry.AsSpan((int)((descriptorSectors + i) * Sector), Sector), ref descriptor);
            descriptor.WriteTo(entry.AsSpan(VhdxLogEntryHeader.Size + (index++ * VhdxLogDescriptor.Size)));
        }

        var checksum = Crc32C.Compute(entry);
        BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(VhdxLogEntryHeader.ChecksumOffset), corruptChecksum ? ~checksum : checksum);
        for (var s = 0L; s < length; s += Sector)
        {
            _storage.WriteAt(LogOffset + ((position + s) % LogLength), entry.AsSpan((int)s, Sector));
        }

        return length;
    }

    public static byte[] Fill(byte value)
    {
        var sector = new byte[Sector];
        sector.AsSpan().Fill(value);
        return sector;
    }
}
