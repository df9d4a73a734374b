using System;
using System.Globalization;
using System.IO;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Partitions;

namespace ImageOps.Engine.OfflineVolumes;

/// <summary>
/// Formats a partition of any <see cref="VirtualDisk"/> as NTFS, for fixtures and synthetic images.
/// </summary>
/// <remarks>
/// libntfs-3g has no mkfs entry point, and mkntfs writes only to a file or device, so: mkntfs formats a
/// sparse temporary raw file the size of the partition (quick format: only metadata is written, a few
/// MiB, and the file takes no more on the host), with the partition's real start sector and geometry in
/// the boot sector as Windows expects; then the temporary file's non-zero blocks are copied into the
/// partition through <see cref="VirtualDisk.Write"/>. That works for every disk format and layer, keeps
/// sparse formats sparse, and uses the same formatter the reader is verified against.
/// </remarks>
public static class NtfsVolumeFormatter
{
    private const int Block = 1 << 20;

    /// <summary>Formats <paramref name="partition"/> of <paramref name="disk"/>.</summary>
    public static void Format(VirtualDisk disk, Partition partition, NtfsFormatOptions? options = null)
        => Format(disk, partition.Offset, partition.Length, options);

    /// <summary>Formats <paramref name="length"/> bytes at <paramref name="offset"/> of <paramref name="disk"/>.</summary>
    public static void Format(VirtualDisk disk, long offset, long length, NtfsFormatOptions? options = null)
    {
        if (disk is null)
        {
            throw new ArgumentNullException(nameof(disk));
        }

        options ??= new NtfsFormatOptions();
        var sector = options.SectorSizeBytes ?? disk.LogicalSectorSize;
        if (offset < 0 || length < (1 << 20) || offset > disk.Capacity - length || offset % sector != 0)
        {
            throw new InvalidRequestException("InvalidArgument", $"[{offset}, {offset}+{length}) is not a sector-aligned range of at least 1 MiB inside '{disk.Path}'.", disk.Path);
        }

        if (!disk.CanWrite)
        {
            throw new InvalidStateException(OfflineVolumeErrorIds.DiskReadOnly, $"'{disk.Path}' is open read-only.", disk.Path);
        }

        var mkntfs = FindMkntfs();
        var temp = Path.Combine(Path.GetTempPath(), "imageops-mkntfs-" + Guid.NewGuid().ToString("N") + ".img");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                file.SetLength(length);
            }

            Run(mkntfs, temp, offset / sector, sector, options);
            CopyInto(temp, disk, offset, length);
        }
        finally
        {
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
                // A temp file left behind is in the temp folder, not in any image; not worth failing for.
            }
        }
    }

    private static string FindMkntfs()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, "mkntfs")))
            {
                return Path.Combine(dir, "mkntfs");
            }
        }

        foreach (var candidate in new[] { "/usr/sbin/mkntfs", "/sbin/mkntfs" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new ImageOpsException(OfflineVolumeErrorIds.MkntfsNotAvailable, ErrorKind.NotInstalled, "Formatting NTFS needs mkntfs (Debian/Ubuntu: apt-get install ntfs-3g).", "mkntfs");
    }

    private static void Run(string mkntfs, string target, long startSector, int sector, NtfsFormatOptions options)
    {
        var arguments = string.Format(
            CultureInfo.InvariantCulture,
            "-F -Q -q -s {0} -c {1} -p {2} -H 255 -S 63 -L \"{3}\" \"{4}\"",
            sector,
            options.ClusterSizeBytes,
            startSector,
            options.Label.Replace("\"", string.Empty),
            target);
        var info = new System.Diagnostics.ProcessStartInfo(mkntfs, arguments)
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = System.Diagnostics.Process.Start(info)
            ?? throw new ImageOpsException(OfflineVolumeErrorIds.MkntfsFailed, ErrorKind.DeviceError, "mkntfs could not be started.", mkntfs);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill();
            throw new ImageOpsException(OfflineVolumeErrorIds.MkntfsFailed, ErrorKind.DeviceError, "mkntfs did not finish within 2 minutes.", mkntfs);
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new ImageOpsException(OfflineVolumeErrorIds.MkntfsFailed, ErrorKind.DeviceError, $"mkntfs exited {process.ExitCode}: {stderr.Result.Trim()} {stdout.Result.Trim()}", mkntfs);
        }
    }

    private static void CopyInto(string temp, VirtualDisk disk, long offset, long length)
    {
        var buffer = new byte[Block];
        var existing = new byte[Block];
        using var source = new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        for (long done = 0; done < length;)
        {
            var n = (int)Math.Min(Block, length - done);
            var read = 0;
            while (read < n)
            {
                var r = source.Read(buffer, read, n - read);
                if (r <= 0)
                {
                    throw new ImageOpsException(OfflineVolumeErrorIds.MkntfsFailed, ErrorKind.DeviceError, "mkntfs left a shorter file than the partition.", temp);
                }

                read += r;
            }

            if (!IsZero(buffer, n))
            {
                disk.Write(offset + done, buffer.AsSpan(0, n));
            }
            else
            {
                // Zeros are written only over old content, so an empty sparse target stays sparse.
                disk.Read(offset + done, existing.AsSpan(0, n));
                if (!IsZero(existing, n))
                {
                    disk.Write(offset + done, buffer.AsSpan(0, n));
                }
            }

            done += n;
        }

        disk.Flush();
    }

    private static bool IsZero(byte[] buffer, int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (buffer[i] != 0)
            {
                return false;
            }
        }

        return true;
    }
}
