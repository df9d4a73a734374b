using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;

namespace ImageOps.Formats.Cab;

/// <summary>
/// Reads a Microsoft cabinet ([MS-CAB] "Cabinet File Format"): CFHEADER, the CFFOLDER table, the CFFILE
/// list, and each folder's CFDATA blocks, stored or MSZIP-compressed ([MS-MCI]). Quantum and LZX folders
/// and multi-cabinet sets are recognised and refused with <see cref="UnsupportedFeatureException"/>.
/// <para>
/// Hostile input (HOSTILE.md): every count is bounded by the file size before anything is allocated;
/// block headers are scanned and checked before any data is decoded, so a file's range must lie inside
/// its folder's declared data; files that overlap in their folder are refused (they would multiply the
/// output); checksums that are present must match; each block must expand to exactly its declared size
/// and never past 32 KiB. Names are returned as stored; callers decide whether a name is safe to use.
/// </para>
/// </summary>
public sealed class CabArchive
{
    /// <summary>Id of a cabinet whose structures are damaged.</summary>
    public const string CorruptErrorId = "CabinetCorrupt";

    /// <summary>Id of a cabinet that uses Quantum or LZX compression.</summary>
    public const string CompressionUnsupportedErrorId = "CabinetCompressionUnsupported";

    /// <summary>Id of a cabinet that is part of a multi-cabinet set.</summary>
    public const string SpanningUnsupportedErrorId = "CabinetSpanningUnsupported";

    /// <summary>Id of a cabinet beyond the configured limits.</summary>
    public const string TooLargeErrorId = "CabinetTooLarge";

    private const string Format = "CAB";

    private readonly Stream _stream;
    private readonly string _name;
    private readonly CabHeader _header;
    private readonly IReadOnlyList<CabFolderEntry> _folders;
    private readonly long _length;

    private CabArchive(Stream stream, string name, long length, CabHeader header, IReadOnlyList<CabFolderEntry> folders, IReadOnlyList<CabFile> files)
    {
        _stream = stream;
        _name = name;
        _length = length;
        _header = header;
        _folders = folders;
        Files = files;
    }

    /// <summary>The files, in CFFILE order.</summary>
    public IReadOnlyList<CabFile> Files { get; }

    /// <summary>The compression of each folder.</summary>
    public IReadOnlyList<CabCompression> FolderCompression => _folders.Select(f => f.Compression).ToArray();

    /// <summary>Sum of the files' sizes.</summary>
    public long TotalFileBytes => Files.Sum(f => (long)f.Size);

    /// <summary>True if the stream starts with the cabinet signature (the content probe; extensions are not trusted).</summary>
    public static bool HasSignature(Stream stream)
    {
        if (stream is null)
        {
            throw new ArgumentNullException(nameof(stream));
        }

        var buffer = new byte[4];
        var start = stream.Position;
        var read = ReadFully(stream, buffer, 0, 4);
        stream.Position = start;
        return read == 4 && buffer.SequenceEqual(CabHeader.Signature);
    }

    /// <summary>Reads the header, folder table and file list of the cabinet in <paramref name="stream"/> (seekable; not closed).</summary>
    /// <param name="stream">The cabinet, positioned anywhere; it is read from offset 0.</param>
    /// <param name="name">A name for messages (never opened).</param>
    /// <param name="limits">Bounds; defaults if null.</param>
    /// <exception cref="CorruptImageException">A structure is damaged (id <see cref="CorruptErrorId"/>).</exception>
    /// <exception cref="UnsupportedFeatureException">Quantum/LZX compression or a multi-cabinet set.</exception>
    /// <exception cref="ImageOpsException">The cabinet exceeds a limit (id <see cref="TooLargeErrorId"/>).</exception>
    public static CabArchive Open(Stream stream, string name, CabLimits? limits = null)
    {
        if (stream is null)
        {
            throw new ArgumentNullException(nameof(stream));
        }

        if (!stream.CanSeek || !stream.CanRead)
        {
            throw new ArgumentException("A cabinet is read from a seekable stream.", nameof(stream));
        }

        limits ??= CabLimits.Default;
        name ??= string.Empty;
        var length = stream.Length;
        Exception Corrupt(long offset, string structure, string detail) => new CorruptImageException(name, Format, offset, structure, detail, CorruptErrorId);

        // The header with its largest possible reserve (65,535 bytes) and four names of 256 bytes.
        var headBytes = new byte[(int)Math.Min(length, CabHeader.FixedSize + 4 + 65535 + (4 * 256))];
        stream.Position = 0;
        var headLength = ReadFully(stream, headBytes, 0, headBytes.Length);
        var header = CabHeader.Read(headBytes, headLength, Corrupt);

        if (header.IsPartOfSet)
        {
            throw new UnsupportedFeatureException("multi-cabinet set", "Cabinet '" + name + "' is part of a multi-cabinet set (cabinet " + header.CabinetIndex + " of set " + header.SetId + "); join the set or extract it with expand.exe or cabextract first.", name, SpanningUnsupportedErrorId);
        }

        if (header.CabinetSize > length)
        {
            throw Corrupt(8, "CFHEADER.cbCabinet", string.Format(CultureInfo.InvariantCulture, "the header says the cabinet is {0} bytes, but the file is {1} bytes (truncated)", header.CabinetSize, length));
        }

        if (header.FileCount > limits.MaxFiles)
        {
            throw new ImageOpsException(TooLargeErrorId, ErrorKind.LimitsExceeded, string.Format(CultureInfo.InvariantCulture, "Cabinet '{0}' holds {1} files; the limit is {2}.", name, header.FileCount, limits.MaxFiles), name);
        }

        var folders = ReadFolders(stream, header, length, name, Corrupt);
        var files = ReadFiles(stream, header, length, Corrupt);
        var archive = new CabArchive(stream, name, length, header, folders, files);
        archive.Validate(limits, Corrupt);
        return archive;
    }

    /// <summary>
    /// Extracts every file whose target <paramref name="open"/> returns (null skips the file). Folders are
    /// decoded once, front to back; each target stream receives exactly the file's bytes and is disposed
    /// when the file is complete.
    /// </summary>
    /// <exception cref="CorruptImageException">A block is damaged or does not expand to its declared size.</exception>
    public void Extract(Func<CabFile, Stream?> open, CancellationToken cancellation = default)
    {
        if (open is null)
        {
            throw new ArgumentNullException(nameof(open));
        }

        Exception Corrupt(long offset, string structure, string detail) => new CorruptImageException(_name, Format, offset, structure, detail, CorruptErrorId);
        for (var folderIndex = 0; folderIndex < _folders.Count; folderIndex++)
        {
            var wanted = new List<(CabFile File, Stream Target)>();
            foreach (var file in Files.Where(f => f.FolderIndex == folderIndex).OrderBy(f => f.FolderOffset))
            {
                var target = open(file);
                if (target is not null)
                {
                    wanted.Add((file, target));
                }
            }

            try
            {
                if (wanted.Count > 0)
                {
                    ExtractFolder(_folders[folderIndex], wanted, Corrupt, cancellation);
                }
            }
            finally
            {
                foreach (var (_, target) in wanted)
                {
                    target.Dispose();
                }
            }
        }
    }

    private void ExtractFolder(CabFolderEntry folder, List<(CabFile File, Stream Target)> files, Func<long, string, string, Exception> corrupt, CancellationToken cancellation)
    {
        var decoder = folder.Compression == CabCompression.MsZip ? new MsZipDecoder() : null;
        var reserve = _header.DataReserve;
        var block = new byte[CabDataBlock.FixedSize + reserve + CabDataBlock.MaxCompressed];
        long position = folder.DataOffset;
        long folderOffset = 0;
        var next = 0;

        var lastNeeded = files.Max(f => (long)f.File.FolderOffset + f.File.Size);
        for (var i = 0; i < folder.BlockCount && folderOffset < lastNeeded; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var headerSize = CabDataBlock.FixedSize + reserve;
            _stream.Position = position;
            if (ReadFully(_stream, block, 0, headerSize) != headerSize)
            {
                throw corrupt(position, "CFDATA", "the block header is cut short");
            }

            var checksum = CabHeader.U32(block, CabDataBlock.OffsetChecksum);
            var compressed = CabHeader.U16(block, CabDataBlock.OffsetCompressedSize);
            var uncompressed = CabHeader.U16(block, CabDataBlock.OffsetUncompressedSize);
            if (ReadFully(_stream, block, headerSize, compressed) != compressed)
            {
                throw corrupt(position, "CFDATA", "the block data is cut short");
            }

            if (checksum != 0)
            {
                var computed = CabChecksum.Compute(block, CabDataBlock.OffsetCompressedSize, 4 + reserve, CabChecksum.Compute(block, headerSize, compressed, 0));
                if (computed != checksum)
                {
                    throw corrupt(position, "CFDATA.csum", string.Format(CultureInfo.InvariantCulture, "the checksum is 0x{0:X8}, the data gives 0x{1:X8}", checksum, computed));
                }
            }

            ArraySegment<byte> data;
            if (decoder is null)
            {
                data = new ArraySegment<byte>(block, headerSize, compressed);
            }
            else
            {
                try
                {
                    data = decoder.DecodeBlock(block, headerSize, compressed, uncompressed);
                }
                catch (InvalidDataException ex)
                {
                    throw corrupt(position, "CFDATA (MSZIP)", ex.Message);
                }
            }

            // Hand each file the part of this block that falls inside it.
            var blockStart = folderOffset;
            var blockEnd = folderOffset + data.Count;
            for (var f = next; f < files.Count; f++)
            {
                var (file, target) = files[f];
                long fileStart = file.FolderOffset, fileEnd = fileStart + file.Size;
                if (fileStart >= blockEnd)
                {
                    break;
                }

                var from = Math.Max(fileStart, blockStart);
                var to = Math.Min(fileEnd, blockEnd);
                if (to > from)
                {
                    target.Write(data.Array!, data.Offset + (int)(from - blockStart), (int)(to - from));
                }

                if (fileEnd <= blockEnd && f == next)
                {
                    next++;
                }
            }

            folderOffset = blockEnd;
            position += headerSize + compressed;
        }

        if (folderOffset < lastNeeded)
        {
            throw corrupt(folder.EntryOffset, "CFFOLDER", "the folder's blocks end before its files do");
        }
    }

    private static List<CabFolderEntry> ReadFolders(Stream stream, CabHeader header, long length, string name, Func<long, string, string, Exception> corrupt)
    {
        var entrySize = CabFolderEntry.FixedSize + header.FolderReserve;
        if (header.FoldersOffset + ((long)header.FolderCount * entrySize) > length)
        {
            throw corrupt(26, "CFHEADER.cFolders", header.FolderCount + " folder entries do not fit in the file");
        }

        var bytes = new byte[header.FolderCount * entrySize];
        stream.Position = header.FoldersOffset;
        if (ReadFully(stream, bytes, 0, bytes.Length) != bytes.Length)
        {
            throw corrupt(header.FoldersOffset, "CFFOLDER", "the folder table is cut short");
        }

        var folders = new List<CabFolderEntry>(header.FolderCount);
        for (var i = 0; i < header.FolderCount; i++)
        {
            var offset = header.FoldersOffset + ((long)i * entrySize);
            var folder = CabFolderEntry.Read(bytes, i * entrySize, offset);
            if (folder.Compression is CabCompression.Lzx or CabCompression.Quantum)
            {
                throw new UnsupportedFeatureException(
                    folder.Compression + " compression",
                    "Cabinet '" + name + "' uses " + folder.Compression + " compression, which ImageOps does not decode (it reads stored and MSZIP cabinets). Extract it with expand.exe or cabextract and add the folder instead.",
                    name,
                    CompressionUnsupportedErrorId);
            }

            if (folder.Compression != CabCompression.None && folder.Compression != CabCompression.MsZip)
            {
                throw corrupt(offset + 6, "CFFOLDER.typeCompress", "compression type " + (int)folder.Compression + " is not defined");
            }

            if (folder.DataOffset < header.FoldersOffset || folder.DataOffset > length
                || folder.DataOffset + ((long)folder.BlockCount * (CabDataBlock.FixedSize + header.DataReserve)) > length)
            {
                throw corrupt(offset, "CFFOLDER.coffCabStart", string.Format(CultureInfo.InvariantCulture, "{0} blocks at offset {1} do not fit in the file", folder.BlockCount, folder.DataOffset));
            }

            folders.Add(folder);
        }

        return folders;
    }

    private static List<CabFile> ReadFiles(Stream stream, CabHeader header, long length, Func<long, string, string, Exception> corrupt)
    {
        if (header.FilesOffset < header.FoldersOffset || header.FilesOffset + ((long)header.FileCount * (CabFileEntry.FixedSize + 1)) > length)
        {
            throw corrupt(16, "CFHEADER.coffFiles", string.Format(CultureInfo.InvariantCulture, "{0} file entries at offset {1} do not fit in the file", header.FileCount, header.FilesOffset));
        }

        var span = (int)Math.Min(length - header.FilesOffset, (long)header.FileCount * (CabFileEntry.FixedSize + CabFileEntry.MaxNameBytes));
        var bytes = new byte[span];
        stream.Position = header.FilesOffset;
        var available = ReadFully(stream, bytes, 0, span);
        var files = new List<CabFile>(header.FileCount);
        var p = 0;
        var utf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);
        for (var i = 0; i < header.FileCount; i++)
        {
            var entryOffset = header.FilesOffset + p;
            if (p + CabFileEntry.FixedSize > available)
            {
                throw corrupt(entryOffset, "CFFILE", "the file list is cut short");
            }

            var size = CabHeader.U32(bytes, p + CabFileEntry.OffsetSize);
            var folderStart = CabHeader.U32(bytes, p + CabFileEntry.OffsetFolderStart);
            int folderIndex = CabHeader.U16(bytes, p + CabFileEntry.OffsetFolder);
            var date = CabHeader.U16(bytes, p + CabFileEntry.OffsetDate);
            var time = CabHeader.U16(bytes, p + CabFileEntry.OffsetTime);
            var attributes = CabHeader.U16(bytes, p + CabFileEntry.OffsetAttributes);
            var nameStart = p + CabFileEntry.FixedSize;
            var nameEnd = nameStart;
            while (nameEnd < available && nameEnd - nameStart < CabFileEntry.MaxNameBytes && bytes[nameEnd] != 0)
            {
                nameEnd++;
            }

            if (nameEnd >= available || bytes[nameEnd] != 0)
            {
                throw corrupt(entryOffset + CabFileEntry.FixedSize, "CFFILE.szName", "the name is not terminated within 256 bytes");
            }

            if (nameEnd == nameStart)
            {
                throw corrupt(entryOffset + CabFileEntry.FixedSize, "CFFILE.szName", "the name is empty");
            }

            string name;
            if ((attributes & CabFileEntry.AttributeNameIsUtf8) != 0)
            {
                try
                {
                    name = utf8.GetString(bytes, nameStart, nameEnd - nameStart);
                }
                catch (DecoderFallbackException)
                {
                    throw corrupt(entryOffset + CabFileEntry.FixedSize, "CFFILE.szName", "the name is marked UTF-8 but is not valid UTF-8");
                }
            }
            else
            {
                name = Inf.Windows1252.GetString(bytes, nameStart, nameEnd - nameStart);
            }

            if (folderIndex >= CabFileEntry.ContinuedFromPrevious)
            {
                throw new UnsupportedFeatureException("multi-cabinet set", "File '" + name + "' continues into another cabinet of a set; extract the set with expand.exe or cabextract first.", name, SpanningUnsupportedErrorId);
            }

            files.Add(new CabFile(i, name, size, folderStart, folderIndex, DosDate(date, time), attributes, entryOffset));
            p = nameEnd + 1;
        }

        return files;
    }

    private void Validate(CabLimits limits, Func<long, string, string, Exception> corrupt)
    {
        long total = 0;
        foreach (var file in Files)
        {
            if (file.FolderIndex >= _folders.Count)
            {
                throw corrupt(file.EntryOffset + CabFileEntry.OffsetFolder, "CFFILE.iFolder", "file '" + file.Name + "' names folder " + file.FolderIndex + " of " + _folders.Count);
            }

            total += file.Size;
        }

        if (total > limits.MaxTotalBytes)
        {
            throw new ImageOpsException(TooLargeErrorId, ErrorKind.LimitsExceeded, string.Format(CultureInfo.InvariantCulture, "Cabinet '{0}' declares {1} bytes of files; the limit is {2}.", _name, total, limits.MaxTotalBytes), _name);
        }

        // Scan block headers (no decoding) so every file's range can be checked against real data.
        for (var i = 0; i < _folders.Count; i++)
        {
            if (Files.Any(f => f.FolderIndex == i))
            {
                _folders[i].UncompressedSize = ScanBlocks(_folders[i], corrupt);
            }
        }

        foreach (var group in Files.GroupBy(f => f.FolderIndex))
        {
            var folder = _folders[group.Key];
            long previousEnd = 0;
            CabFile? previous = null;
            foreach (var file in group.OrderBy(f => f.FolderOffset))
            {
                var end = (long)file.FolderOffset + file.Size;
                if (end > folder.UncompressedSize)
                {
                    throw corrupt(file.EntryOffset, "CFFILE.uoffFolderStart", string.Format(CultureInfo.InvariantCulture, "file '{0}' ends at {1}, past its folder's {2} bytes of data", file.Name, end, folder.UncompressedSize));
                }

                if (file.Size == 0)
                {
                    continue;
                }

                if (previous is not null && file.FolderOffset < previousEnd)
                {
                    throw corrupt(file.EntryOffset, "CFFILE.uoffFolderStart", "files '" + previous.Name + "' and '" + file.Name + "' overlap in their folder");
                }

                previousEnd = end;
                previous = file;
            }
        }
    }

    private long ScanBlocks(CabFolderEntry folder, Func<long, string, string, Exception> corrupt)
    {
        var headerSize = CabDataBlock.FixedSize + _header.DataReserve;
        var head = new byte[headerSize];
        long position = folder.DataOffset;
        long total = 0;
        for (var i = 0; i < folder.BlockCount; i++)
        {
            _stream.Position = position;
            if (ReadFully(_stream, head, 0, headerSize) != headerSize)
            {
                throw corrupt(position, "CFDATA", "block " + i + " of the folder at " + folder.EntryOffset + " starts past the end of the file");
            }

            var compressed = CabHeader.U16(head, CabDataBlock.OffsetCompressedSize);
            var uncompressed = CabHeader.U16(head, CabDataBlock.OffsetUncompressedSize);
            if (uncompressed == 0)
            {
                throw new UnsupportedFeatureException("multi-cabinet set", "Cabinet '" + _name + "' has a data block continued in the next cabinet of a set; extract the set with expand.exe or cabextract first.", _name, SpanningUnsupportedErrorId);
            }

            if (uncompressed > CabDataBlock.MaxUncompressed || compressed > CabDataBlock.MaxCompressed)
            {
                throw corrupt(position + CabDataBlock.OffsetCompressedSize, "CFDATA", string.Format(CultureInfo.InvariantCulture, "block sizes {0} -> {1} exceed the format's 32 KiB blocks", compressed, uncompressed));
            }

            if (folder.Compression == CabCompression.None && compressed != uncompressed)
            {
                throw corrupt(position + CabDataBlock.OffsetCompressedSize, "CFDATA", string.Format(CultureInfo.InvariantCulture, "a stored block's sizes differ ({0} and {1})", compressed, uncompressed));
            }

            position += headerSize + compressed;
            if (position > _length)
            {
                throw corrupt(position - compressed, "CFDATA", "the block's data runs past the end of the file");
            }

            total += uncompressed;
        }

        return total;
    }

    private static DateTime? DosDate(ushort date, ushort time)
    {
        int year = 1980 + (date >> 9), month = (date >> 5) & 0xF, day = date & 0x1F;
        int hour = time >> 11, minute = (time >> 5) & 0x3F, second = (time & 0x1F) * 2;
        if (month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return null;
        }

        return new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
    }

    private static int ReadFully(Stream stream, byte[] buffer, int offset, int count)
    {
        var total = 0;
        while (total < count)
        {
            var read = stream.Read(buffer, offset + total, count - total);
            if (read <= 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}
