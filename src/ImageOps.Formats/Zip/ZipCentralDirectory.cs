using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace ImageOps.Formats.Zip;

/// <summary>
/// Reads a ZIP archive's central directory (APPNOTE.TXT 4.3.12-4.3.16: end of central directory record,
/// ZIP64 locator and record, file headers with the ZIP64 extra field) without extracting anything. An
/// extractor uses it to see what System.IO.Compression does not expose on every platform: the external
/// attributes (links and devices), the host system, encryption flags and the declared sizes and CRCs.
/// <para>
/// Bounds (HOSTILE.md): the end record is searched only in the last 64 KiB + 22 bytes; the entry count is
/// checked against the directory size (46 bytes per header at least) and the directory against the file
/// before anything is allocated; a multi-disk archive is refused.
/// </para>
/// </summary>
public static class ZipCentralDirectory
{
    /// <summary>Id of an archive whose central directory is damaged.</summary>
    public const string CorruptErrorId = "ZipArchiveCorrupt";

    /// <summary>Id of an archive beyond the configured entry count or directory size.</summary>
    public const string TooLargeErrorId = "ZipArchiveTooLarge";

    /// <summary>Largest central directory read (far above any driver pack: 64 Ki entries of long names fit in 20 MiB).</summary>
    public const long MaxDirectoryBytes = 256L * 1024 * 1024;

    private const string Format = "ZIP";
    private const uint EndSignature = 0x06054b50;
    private const uint Zip64LocatorSignature = 0x07064b50;
    private const uint Zip64EndSignature = 0x06064b50;
    private const uint FileHeaderSignature = 0x02014b50;
    private const int EndSize = 22;
    private const int FileHeaderSize = 46;

    /// <summary>True if the stream starts with a local file header or an (empty archive's) end record.</summary>
    public static bool HasSignature(Stream stream)
    {
        var start = stream.Position;
        var b = new byte[4];
        var read = stream.Read(b, 0, 4);
        stream.Position = start;
        if (read < 4)
        {
            return false;
        }

        var sig = BitConverter.ToUInt32(b, 0);
        return sig == 0x04034b50 || sig == EndSignature;
    }

    /// <summary>Reads every central directory header.</summary>
    /// <exception cref="CorruptImageException">The directory is damaged (id <see cref="CorruptErrorId"/>).</exception>
    /// <exception cref="UnsupportedFeatureException">The archive spans several disks.</exception>
    public static IReadOnlyList<ZipEntryRecord> Read(Stream stream, string name, int maxEntries)
    {
        if (stream is null)
        {
            throw new ArgumentNullException(nameof(stream));
        }

        Exception Corrupt(long offset, string structure, string detail) => new CorruptImageException(name, Format, offset, structure, detail, CorruptErrorId);
        var length = stream.Length;
        if (length < EndSize)
        {
            throw Corrupt(0, "end of central directory", "the file is " + length + " bytes, too short for a ZIP archive");
        }

        var tailLength = (int)Math.Min(length, EndSize + 65535);
        var tail = new byte[tailLength];
        stream.Position = length - tailLength;
        ReadExactly(stream, tail, 0, tailLength, () => Corrupt(length - tailLength, "end of central directory", "the file cannot be read to its end"));
        var end = -1;
        for (var i = tailLength - EndSize; i >= 0; i--)
        {
            if (BitConverter.ToUInt32(tail, i) == EndSignature && i + EndSize + BitConverter.ToUInt16(tail, i + 20) <= tailLength)
            {
                end = i;
                break;
            }
        }

        if (end < 0)
        {
            throw Corrupt(length - tailLength, "end of central directory", "no end of central directory record was found");
        }

        var endOffset = length - tailLength + end;
        long disk = BitConverter.ToUInt16(tail, end + 4), directoryDisk = BitConverter.ToUInt16(tail, end + 6);
        long count = BitConverter.ToUInt16(tail, end + 10);
        long size = BitConverter.ToUInt32(tail, end + 12);
        long offset = BitConverter.ToUInt32(tail, end + 16);

        if (count == 0xFFFF || size == 0xFFFFFFFF || offset == 0xFFFFFFFF)
        {
            (disk, directoryDisk, count, size, offset) = ReadZip64End(stream, endOffset, Corrupt);
        }

        if (disk != 0 || directoryDisk != 0)
        {
            throw new UnsupportedFeatureException("multi-disk ZIP", "ZIP archive '" + name + "' spans several disks; join it into one archive first.", name, CorruptErrorId);
        }

        if (offset < 0 || size < 0 || offset + size > endOffset || count < 0 || count * FileHeaderSize > size)
        {
            throw Corrupt(endOffset, "end of central directory", string.Format(CultureInfo.InvariantCulture, "{0} entries in {1} bytes at offset {2} do not fit before the end record at {3}", count, size, offset, endOffset));
        }

        if (count > maxEntries || size > MaxDirectoryBytes)
        {
            throw new ImageOpsException(TooLargeErrorId, ErrorKind.LimitsExceeded, string.Format(CultureInfo.InvariantCulture, "ZIP archive '{0}' holds {1} entries in a {2}-byte directory; the limits are {3} entries and {4} bytes.", name, count, size, maxEntries, MaxDirectoryBytes), name);
        }

        var directory = new byte[(int)size];
        stream.Position = offset;
        ReadExactly(stream, directory, 0, directory.Length, () => Corrupt(offset, "central directory", "the directory is cut short"));
        var entries = new List<ZipEntryRecord>((int)count);
        var p = 0;
        for (var i = 0; i < count; i++)
        {
            var at = offset + p;
            if (p + FileHeaderSize > directory.Length || BitConverter.ToUInt32(directory, p) != FileHeaderSignature)
            {
                throw Corrupt(at, "central directory file header", "entry " + i + " has no file header signature");
            }

            int madeBy = BitConverter.ToUInt16(directory, p + 4);
            int flags = BitConverter.ToUInt16(directory, p + 8);
            int method = BitConverter.ToUInt16(directory, p + 10);
            var crc = BitConverter.ToUInt32(directory, p + 16);
            long compressed = BitConverter.ToUInt32(directory, p + 20);
            long uncompressed = BitConverter.ToUInt32(directory, p + 24);
            int nameLength = BitConverter.ToUInt16(directory, p + 28);
            int extraLength = BitConverter.ToUInt16(directory, p + 30);
            int commentLength = BitConverter.ToUInt16(directory, p + 32);
            int startDisk = BitConverter.ToUInt16(directory, p + 34);
            var external = BitConverter.ToUInt32(directory, p + 38);
            long local = BitConverter.ToUInt32(directory, p + 42);
            var next = p + FileHeaderSize + nameLength + extraLength + commentLength;
            if (next > directory.Length)
            {
                throw Corrupt(at, "central directory file header", "entry " + i + "'s name and fields run past the directory");
            }

            var rawName = new byte[nameLength];
            Buffer.BlockCopy(directory, p + FileHeaderSize, rawName, 0, nameLength);

            // ZIP64 extended information (header 0x0001) holds the real values of fields set to 0xFFFFFFFF, in order.
            var extra = p + FileHeaderSize + nameLength;
            var extraEnd = extra + extraLength;
            while (extra + 4 <= extraEnd)
            {
                int id = BitConverter.ToUInt16(directory, extra);
                int dataSize = BitConverter.ToUInt16(directory, extra + 2);
                var data = extra + 4;
                if (data + dataSize > extraEnd)
                {
                    throw Corrupt(at, "extra field", "entry " + i + "'s extra field runs past its header");
                }

                if (id == 1)
                {
                    var q = data;
                    long Next()
                    {
                        if (q + 8 > data + dataSize)
                        {
                            throw Corrupt(at, "ZIP64 extra field", "entry " + i + "'s ZIP64 field is too short");
                        }

                        var v = BitConverter.ToInt64(directory, q);
                        q += 8;
                        return v;
                    }

                    if (uncompressed == 0xFFFFFFFF)
                    {
                        uncompressed = Next();
                    }

                    if (compressed == 0xFFFFFFFF)
                    {
                        compressed = Next();
                    }

                    if (local == 0xFFFFFFFF)
                    {
                        local = Next();
                    }
                }

                extra = data + dataSize;
            }

            if (startDisk != 0 && startDisk != 0xFFFF)
            {
                throw new UnsupportedFeatureException("multi-disk ZIP", "ZIP archive '" + name + "' spans several disks; join it into one archive first.", name, CorruptErrorId);
            }

            if (uncompressed < 0 || compressed < 0 || local < 0 || local >= offset)
            {
                throw Corrupt(at, "central directory file header", "entry " + i + " has a size or local header offset outside the archive");
            }

            var decoded = (flags & 0x800) != 0 ? DecodeUtf8(rawName, () => Corrupt(at, "file name", "entry " + i + "'s name is marked UTF-8 but is not valid UTF-8")) : Inf.Windows1252.GetString(rawName, 0, rawName.Length);
            entries.Add(new ZipEntryRecord(i, decoded, rawName, madeBy, flags, method, crc, compressed, uncompressed, external, local, at));
            p = next;
        }

        return entries;
    }

    private static (long Disk, long DirectoryDisk, long Count, long Size, long Offset) ReadZip64End(Stream stream, long endOffset, Func<long, string, string, Exception> corrupt)
    {
        var locatorOffset = endOffset - 20;
        if (locatorOffset < 0)
        {
            throw corrupt(endOffset, "ZIP64 locator", "the end record asks for ZIP64 values but there is no room for the locator");
        }

        var locator = new byte[20];
        stream.Position = locatorOffset;
        ReadExactly(stream, locator, 0, 20, () => corrupt(locatorOffset, "ZIP64 locator", "cut short"));
        if (BitConverter.ToUInt32(locator, 0) != Zip64LocatorSignature)
        {
            throw corrupt(locatorOffset, "ZIP64 locator", "the end record asks for ZIP64 values but no ZIP64 locator precedes it");
        }

        var recordOffset = BitConverter.ToInt64(locator, 8);
        if (recordOffset < 0 || recordOffset + 56 > locatorOffset)
        {
            throw corrupt(locatorOffset, "ZIP64 locator", "the ZIP64 end record offset is outside the archive");
        }

        var record = new byte[56];
        stream.Position = recordOffset;
        ReadExactly(stream, record, 0, 56, () => corrupt(recordOffset, "ZIP64 end record", "cut short"));
        if (BitConverter.ToUInt32(record, 0) != Zip64EndSignature)
        {
            throw corrupt(recordOffset, "ZIP64 end record", "no ZIP64 end record signature");
        }

        return (BitConverter.ToUInt32(record, 16), BitConverter.ToUInt32(record, 20), BitConverter.ToInt64(record, 32), BitConverter.ToInt64(record, 40), BitConverter.ToInt64(record, 48));
    }

    private static string DecodeUtf8(byte[] bytes, Func<Exception> corrupt)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw corrupt();
        }
    }

    private static void ReadExactly(Stream stream, byte[] buffer, int offset, int count, Func<Exception> cutShort)
    {
        var total = 0;
        while (total < count)
        {
            var read = stream.Read(buffer, offset + total, count - total);
            if (read <= 0)
            {
                throw cutShort();
            }

            total += read;
        }
    }
}
