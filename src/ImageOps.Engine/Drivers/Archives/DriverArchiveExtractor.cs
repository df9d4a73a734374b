using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Threading;
using ImageOps.Formats.Cab;
using ImageOps.Formats.Inf;
using ImageOps.Formats.Zip;

namespace ImageOps.Engine.Drivers;

/// <summary>Bounds on what one archive may make an import extract (HOSTILE.md: archives and compressed data).</summary>
public sealed record DriverArchiveLimits
{
    /// <summary>The defaults.</summary>
    public static DriverArchiveLimits Default { get; } = new();

    /// <summary>Most entries. Default 100,000.</summary>
    public int MaxEntries { get; init; } = 100_000;

    /// <summary>Most bytes all entries may expand to. Default 16 GiB.</summary>
    public long MaxTotalBytes { get; init; } = 16L * 1024 * 1024 * 1024;

    /// <summary>
    /// Largest ratio of extracted bytes to archive bytes once more than <see cref="RatioThresholdBytes"/>
    /// have been extracted. Driver files compress 2:1 to 10:1; a deflate bomb reaches 1000:1. Default 100.
    /// </summary>
    public int MaxCompressionRatio { get; init; } = 100;

    /// <summary>Extracted bytes below which the ratio is not checked (small archives of text compress well). Default 64 MiB.</summary>
    public long RatioThresholdBytes { get; init; } = 64L * 1024 * 1024;
}

/// <summary>
/// Extracts a .zip or .cab driver archive into a staging folder so it can be imported like a folder. The
/// format is recognised by content, not by extension. Every entry is checked before anything is written:
/// <list type="bullet">
/// <item>names: no <c>..</c>, no absolute, drive, UNC or stream paths, no device names or characters
/// Windows forbids (the INF reader's own rules), no names that differ from another only in case, no
/// duplicates;</item>
/// <item>types: symbolic links, devices and other special entries are refused, as are encrypted entries
/// and compression methods other than stored and deflate (zip) or stored and MSZIP (cab);</item>
/// <item>sizes: the entry count, the total and the ratio of output to archive size are bounded, each
/// entry must produce exactly its declared size (and CRC for zip), so a bomb stops at its first excess byte.</item>
/// </list>
/// </summary>
internal static class DriverArchiveExtractor
{
    private const int BufferSize = 1 << 16;

    public enum Kind
    {
        Zip,
        Cab,
    }

    /// <summary>The archive kind by content, or null if the file is neither.</summary>
    public static Kind? Recognize(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (CabArchive.HasSignature(stream))
        {
            return Kind.Cab;
        }

        return ZipCentralDirectory.HasSignature(stream) ? Kind.Zip : null;
    }

    /// <summary>Extracts <paramref name="archivePath"/> into the empty folder <paramref name="destination"/>; returns the number of files.</summary>
    public static int Extract(string archivePath, Kind kind, string destination, DriverArchiveLimits limits, OperationContext context)
    {
        using var stream = new FileStream(archivePath, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize);
        var budget = new Budget(archivePath, stream.Length, limits);
        return kind == Kind.Cab
            ? ExtractCab(stream, archivePath, destination, budget, limits, context)
            : ExtractZip(stream, archivePath, destination, budget, limits, context);
    }

    private static int ExtractCab(Stream stream, string archivePath, string destination, Budget budget, DriverArchiveLimits limits, OperationContext context)
    {
        var cab = CabArchive.Open(stream, archivePath, new CabLimits { MaxFiles = Math.Min(limits.MaxEntries, 65_535), MaxTotalBytes = limits.MaxTotalBytes });
        var names = new Names(archivePath);
        var targets = new Dictionary<int, string>();
        foreach (var file in cab.Files)
        {
            targets[file.Index] = names.Accept(file.Name, isDirectory: false);
        }

        budget.Declare(cab.TotalFileBytes);
        long done = 0;
        var total = cab.TotalFileBytes;
        cab.Extract(
            file =>
            {
                context.Report("Extracting " + Path.GetFileName(archivePath), "Extracting", done, total, file.Name);
                done += file.Size;
                return Create(destination, targets[file.Index], budget);
            },
            context.Cancellation);
        return cab.Files.Count;
    }

    private static int ExtractZip(Stream stream, string archivePath, string destination, Budget budget, DriverArchiveLimits limits, OperationContext context)
    {
        IReadOnlyList<ZipEntryRecord> records;
        try
        {
            records = ZipCentralDirectory.Read(stream, archivePath, limits.MaxEntries);
        }
        catch (ImageOpsException ex) when (ex.ErrorId == ZipCentralDirectory.TooLargeErrorId)
        {
            throw new ImageOpsException(ErrorIds.DriverArchiveTooLarge, ErrorKind.LimitsExceeded, ex.Message, archivePath, ex);
        }

        var names = new Names(archivePath);
        var targets = new string?[records.Count];
        foreach (var record in records)
        {
            var type = record.UnixType;
            if (type == ZipEntryRecord.UnixSymbolicLink)
            {
                throw Refused(archivePath, record.Name, "it is a symbolic link");
            }

            if (type != 0 && type != ZipEntryRecord.UnixRegularFile && type != ZipEntryRecord.UnixDirectory)
            {
                throw Refused(archivePath, record.Name, string.Format(CultureInfo.InvariantCulture, "it is a special file (Unix type 0x{0:X4}), not a regular file", type));
            }

            if (record.IsEncrypted)
            {
                throw new ImageOpsException(ErrorIds.DriverArchiveUnsupported, ErrorKind.NotImplemented, "Entry '" + record.Name + "' of '" + archivePath + "' is encrypted; extract it with the password first.", archivePath);
            }

            if (record.Method != 0 && record.Method != 8)
            {
                throw new ImageOpsException(ErrorIds.DriverArchiveUnsupported, ErrorKind.NotImplemented, string.Format(CultureInfo.InvariantCulture, "Entry '{0}' of '{1}' uses compression method {2}; ImageOps reads stored (0) and deflate (8) entries. Re-pack the archive with deflate.", record.Name, archivePath, record.Method), archivePath);
            }

            targets[record.Index] = names.Accept(record.Name, record.IsDirectory);
        }

        budget.Declare(records.Sum(r => r.UncompressedSize));
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException ex)
        {
            throw new ImageOpsException(ErrorIds.DriverArchiveCorrupt, ErrorKind.InvalidData, "'" + archivePath + "' is not a readable ZIP archive: " + ex.Message, archivePath, ex);
        }

        using (zip)
        {
            if (zip.Entries.Count != records.Count)
            {
                throw new ImageOpsException(ErrorIds.DriverArchiveCorrupt, ErrorKind.InvalidData, "'" + archivePath + "' lists " + records.Count + " entries but reads as " + zip.Entries.Count + ".", archivePath);
            }

            var files = 0;
            long done = 0;
            var total = records.Sum(r => r.UncompressedSize);
            for (var i = 0; i < records.Count; i++)
            {
                context.ThrowIfCancelled();
                var record = records[i];
                if (targets[i] is not { } relative || record.IsDirectory)
                {
                    continue;
                }

                context.Report("Extracting " + Path.GetFileName(archivePath), "Extracting", done, total, record.Name);
                using (var output = Create(destination, relative, budget))
                {
                    CopyZipEntry(zip.Entries[i], record, output, archivePath, context.Cancellation);
                }

                done += record.UncompressedSize;
                files++;
            }

            return files;
        }
    }

    private static void CopyZipEntry(ZipArchiveEntry entry, ZipEntryRecord record, Stream output, string archivePath, CancellationToken cancellation)
    {
        var crc = new Crc32();
        long written = 0;
        try
        {
            using var input = entry.Open();
            var buffer = new byte[BufferSize];
            int read;

            // Read at most one byte past the declared size: enough to know the entry lies.
            while ((read = input.Read(buffer, 0, (int)Math.Min(buffer.Length, record.UncompressedSize - written + 1))) > 0)
            {
                cancellation.ThrowIfCancellationRequested();
                written += read;
                if (written > record.UncompressedSize)
                {
                    throw new ImageOpsException(ErrorIds.DriverArchiveTooLarge, ErrorKind.LimitsExceeded, string.Format(CultureInfo.InvariantCulture, "Entry '{0}' of '{1}' expands past its declared {2} bytes; the archive is refused as a possible bomb.", record.Name, archivePath, record.UncompressedSize), archivePath);
                }

                crc.Append(buffer, 0, read);
                output.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new ImageOpsException(ErrorIds.DriverArchiveCorrupt, ErrorKind.InvalidData, "Entry '" + record.Name + "' of '" + archivePath + "' cannot be decompressed: " + ex.Message, archivePath, ex);
        }

        if (written != record.UncompressedSize || crc.Value != record.Crc32)
        {
            throw new ImageOpsException(ErrorIds.DriverArchiveCorrupt, ErrorKind.InvalidData, string.Format(CultureInfo.InvariantCulture, "Entry '{0}' of '{1}' gave {2} bytes with CRC 0x{3:X8}; its header says {4} bytes with CRC 0x{5:X8}.", record.Name, archivePath, written, crc.Value, record.UncompressedSize, record.Crc32), archivePath);
        }
    }

    private static Stream Create(string destination, string relative, Budget budget)
    {
        var path = Path.Combine(destination, relative.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return new BudgetStream(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize), budget);
    }

    private static ImageOpsException Refused(string archive, string entry, string why)
        => new(ErrorIds.DriverArchiveEntryRefused, ErrorKind.SecurityError, "Entry '" + entry + "' of '" + archive + "' is refused: " + why + "; nothing was imported from the archive.", archive);

    /// <summary>Entry names: checked, normalised to '/', and unique without regard to case.</summary>
    private sealed class Names
    {
        private readonly string _archive;
        private readonly Dictionary<string, string> _seen = new(StringComparer.OrdinalIgnoreCase);

        public Names(string archive)
        {
            _archive = archive;
        }

        public string Accept(string raw, bool isDirectory)
        {
            var name = raw.Replace('\\', '/');
            if (name.StartsWith("/", StringComparison.Ordinal))
            {
                throw Refused(_archive, raw, "it is an absolute path");
            }

            if (name.Length >= 2 && name[1] == ':')
            {
                throw Refused(_archive, raw, "it names a drive");
            }

            if (name.Split('/').Any(p => p == ".."))
            {
                throw Refused(_archive, raw, "'..' would leave the extraction folder");
            }

            if (!InfPackagePath.TryNormalizeFolder(name, out var normalized, out var problem))
            {
                throw Refused(_archive, raw, problem ?? "it is not a valid path");
            }

            if (normalized.Length == 0)
            {
                if (isDirectory)
                {
                    return string.Empty;
                }

                throw Refused(_archive, raw, "it names no file");
            }

            // Folders keep the spelling of their first appearance, so entries that spell a folder in
            // another case land in one folder on every file system.
            var parts = normalized.Split('/');
            var canonical = string.Empty;
            for (var i = 0; i < parts.Length - 1; i++)
            {
                var folder = canonical.Length == 0 ? parts[i] : canonical + "/" + parts[i];
                if (_seen.TryGetValue(folder, out var known))
                {
                    if (!known.EndsWith("/", StringComparison.Ordinal))
                    {
                        throw Refused(_archive, raw, "'" + known + "' is a file in the archive, so nothing can be inside it");
                    }

                    canonical = known.TrimEnd('/');
                }
                else
                {
                    _seen[folder] = folder + "/";
                    canonical = folder;
                }
            }

            var full = canonical.Length == 0 ? parts[parts.Length - 1] : canonical + "/" + parts[parts.Length - 1];
            if (_seen.TryGetValue(full, out var earlier))
            {
                var earlierIsFolder = earlier.EndsWith("/", StringComparison.Ordinal);
                if (isDirectory && earlierIsFolder)
                {
                    return earlier.TrimEnd('/');
                }

                throw Refused(_archive, raw, earlierIsFolder != isDirectory
                    ? "it is both a file and a folder in the archive"
                    : string.Equals(earlier, full, StringComparison.Ordinal)
                        ? "the archive holds it twice"
                        : "it differs only in case from '" + earlier.TrimEnd('/') + "', which Windows cannot hold beside it");
            }

            _seen[full] = isDirectory ? full + "/" : full;
            return full;
        }
    }

    /// <summary>Counts bytes as they are written and stops at the total and ratio limits.</summary>
    private sealed class Budget
    {
        private readonly string _archive;
        private readonly long _archiveBytes;
        private readonly DriverArchiveLimits _limits;
        private long _written;

        public Budget(string archive, long archiveBytes, DriverArchiveLimits limits)
        {
            _archive = archive;
            _archiveBytes = Math.Max(1, archiveBytes);
            _limits = limits;
        }

        public void Declare(long total)
        {
            Check(total, "declares");
        }

        public void Add(long bytes)
        {
            _written += bytes;
            Check(_written, "expands to");
        }

        private void Check(long bytes, string verb)
        {
            if (bytes > _limits.MaxTotalBytes)
            {
                throw new ImageOpsException(ErrorIds.DriverArchiveTooLarge, ErrorKind.LimitsExceeded, string.Format(CultureInfo.InvariantCulture, "'{0}' {1} more than {2} bytes, the limit for one archive.", _archive, verb, _limits.MaxTotalBytes), _archive);
            }

            if (bytes > _limits.RatioThresholdBytes && bytes / _archiveBytes > _limits.MaxCompressionRatio)
            {
                throw new ImageOpsException(ErrorIds.DriverArchiveTooLarge, ErrorKind.LimitsExceeded, string.Format(CultureInfo.InvariantCulture, "'{0}' ({1} bytes) {2} {3} bytes, more than {4} times its size; it is refused as a possible decompression bomb.", _archive, _archiveBytes, verb, bytes, _limits.MaxCompressionRatio), _archive);
            }
        }
    }

    private sealed class BudgetStream : Stream
    {
        private readonly Stream _inner;
        private readonly Budget _budget;

        public BudgetStream(Stream inner, Budget budget)
        {
            _inner = inner;
            _budget = budget;
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _inner.Length;

        public override long Position { get => _inner.Position; set => throw new NotSupportedException(); }

        public override void Flush() => _inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            _budget.Add(count);
            _inner.Write(buffer, offset, count);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
