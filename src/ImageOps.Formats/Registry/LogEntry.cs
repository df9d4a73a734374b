using System;
using System.Buffers.Binary;
using ImageOps.Formats.Checksums;

namespace ImageOps.Formats.Registry;

/// <summary>
/// A log entry ("HvLE") of a new-format transaction log (Windows 8.1 and later): a 40-byte header,
/// dirty page references (offset, size) and the pages themselves, protected by two Marvin32 hashes.
/// "Windows registry file format specification", Format of transaction log files, New format, Log
/// entries; libyal libregf, "Windows NT Registry File (REGF) format", §5 Transaction log.
/// </summary>
internal sealed class LogEntry
{
    /// <summary>Size of the header, before the dirty page references.</summary>
    public const int HeaderSize = 40;

    /// <summary>Log entries start at, and are sized in, multiples of this.</summary>
    public const int Alignment = 512;

    /// <summary>Size of one dirty page reference.</summary>
    public const int PageReferenceSize = 8;

    public const uint SignatureValue = 0x454C7648; // "HvLE"

    public const int SizeOffset = 4;
    public const int FlagsOffset = 8;
    public const int SequenceNumberOffset = 12;
    public const int HiveBinsDataSizeOffset = 16;
    public const int DirtyPageCountOffset = 20;
    public const int Hash1Offset = 24;
    public const int Hash2Offset = 32;

    /// <summary>Bytes covered by hash 2 (the header up to and including hash 1).</summary>
    public const int Hash2Length = 32;

    public uint Size { get; set; }

    public uint Flags { get; set; }

    public uint SequenceNumber { get; set; }

    public uint HiveBinsDataSize { get; set; }

    public uint DirtyPageCount { get; set; }

    public ulong Hash1 { get; set; }

    public ulong Hash2 { get; set; }

    /// <summary>(offset from the start of the hive bins data, size) of each dirty page, in storage order.</summary>
    public (uint Offset, uint Size)[] Pages { get; set; } = Array.Empty<(uint, uint)>();

    /// <summary>Offset within the entry of the first page's bytes.</summary>
    public int PagesDataOffset => HeaderSize + (int)(DirtyPageCount * PageReferenceSize);

    /// <summary>
    /// Reads and checks the entry at the start of <paramref name="data"/> (which runs to the end of the log
    /// file). Returns null with the reason when it is not a valid entry: wrong signature, a size that is
    /// not a multiple of 512 or leaves the file, bad hashes, a hive bins size that is not a multiple of
    /// 4096, or page references that do not fit the entry.
    /// </summary>
    public static LogEntry? TryParse(ReadOnlySpan<byte> data, out string? problem)
    {
        problem = null;
        if (data.Length < HeaderSize)
        {
            problem = "fewer bytes remain than a log entry header";
            return null;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(data) != SignatureValue)
        {
            problem = "no 'HvLE' signature";
            return null;
        }

        var entry = new LogEntry
        {
            Size = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(SizeOffset)),
            Flags = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(FlagsOffset)),
            SequenceNumber = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(SequenceNumberOffset)),
            HiveBinsDataSize = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(HiveBinsDataSizeOffset)),
            DirtyPageCount = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(DirtyPageCountOffset)),
            Hash1 = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(Hash1Offset)),
            Hash2 = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(Hash2Offset)),
        };

        if (entry.Size < Alignment || entry.Size % Alignment != 0 || entry.Size > (uint)data.Length)
        {
            problem = $"its size {entry.Size} is not a multiple of {Alignment} within the {data.Length} bytes left in the log";
            return null;
        }

        if (entry.HiveBinsDataSize < HiveBin.Alignment || entry.HiveBinsDataSize % HiveBin.Alignment != 0)
        {
            problem = $"its hive bins data size {entry.HiveBinsDataSize} is not a positive multiple of {HiveBin.Alignment}";
            return null;
        }

        if (entry.DirtyPageCount == 0 || entry.DirtyPageCount > (entry.Size - HeaderSize) / PageReferenceSize)
        {
            problem = $"its dirty page count {entry.DirtyPageCount} does not fit the entry";
            return null;
        }

        var body = data.Slice(0, (int)entry.Size);
        if (Marvin32.Compute(body.Slice(0, Hash2Length)) != entry.Hash2)
        {
            problem = "hash 2 (over the header) does not match";
            return null;
        }

        if (Marvin32.Compute(body.Slice(HeaderSize)) != entry.Hash1)
        {
            problem = "hash 1 (over the references and pages) does not match";
            return null;
        }

        entry.Pages = new (uint, uint)[entry.DirtyPageCount];
        long pageBytes = 0;
        for (var i = 0; i < entry.DirtyPageCount; i++)
        {
            var reference = body.Slice(HeaderSize + (i * PageReferenceSize));
            var offset = BinaryPrimitives.ReadUInt32LittleEndian(reference);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(reference.Slice(4));
            if ((long)offset + size > entry.HiveBinsDataSize)
            {
                problem = $"dirty page {i} ({size} bytes at {offset}) lies outside the {entry.HiveBinsDataSize}-byte hive bins data";
                return null;
            }

            entry.Pages[i] = (offset, size);
            pageBytes += size;
        }

        if (entry.PagesDataOffset + pageBytes > entry.Size)
        {
            problem = $"its {entry.DirtyPageCount} dirty pages ({pageBytes} bytes) do not fit the {entry.Size}-byte entry";
            return null;
        }

        return entry;
    }

    /// <summary>Writes a complete entry (header, references, pages, hashes) for tests and tools that make logs.</summary>
    public static byte[] Build(uint sequenceNumber, uint hiveBinsDataSize, uint flags, (uint Offset, byte[] Data)[] pages)
    {
        long length = HeaderSize + (pages.Length * PageReferenceSize);
        foreach (var page in pages)
        {
            length += page.Data.Length;
        }

        var size = (int)((length + Alignment - 1) / Alignment * Alignment);
        var entry = new byte[size];
        BinaryPrimitives.WriteUInt32LittleEndian(entry, SignatureValue);
        BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(SizeOffset), (uint)size);
        BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(FlagsOffset), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(SequenceNumberOffset), sequenceNumber);
        BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(HiveBinsDataSizeOffset), hiveBinsDataSize);
        BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(DirtyPageCountOffset), (uint)pages.Length);
        var at = HeaderSize + (pages.Length * PageReferenceSize);
        for (var i = 0; i < pages.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(HeaderSize + (i * PageReferenceSize)), pages[i].Offset);
            BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(HeaderSize + (i * PageReferenceSize) + 4), (uint)pages[i].Data.Length);
            pages[i].Data.CopyTo(entry, at);
            at += pages[i].Data.Length;
        }

        BinaryPrimitives.WriteUInt64LittleEndian(entry.AsSpan(Hash1Offset), Marvin32.Compute(entry.AsSpan(HeaderSize)));
        BinaryPrimitives.WriteUInt64LittleEndian(entry.AsSpan(Hash2Offset), Marvin32.Compute(entry.AsSpan(0, Hash2Length)));
        return entry;
    }
}
