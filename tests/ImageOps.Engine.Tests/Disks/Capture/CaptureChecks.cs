using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using ImageOps.Engine.Samples;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Ntfs;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Disks.Capture;

/// <summary>What the capture tests check on an image: files, stale bytes, ntfsfix.</summary>
internal static class CaptureChecks
{
    /// <summary>Every file the filler kept reads back from the NTFS volume at [offset, +length) with the same bytes.</summary>
    public static void FilesEqual(VirtualDisk disk, long offset, long length, VolumeFillResult expected)
    {
        using var volume = NtfsVolume.Open(disk, offset, length);
        Assert.NotEmpty(expected.Files);
        foreach (var (path, hash) in expected.Files)
        {
            using var stream = volume.OpenRead(path);
            Assert.True(hash.AsSpan().SequenceEqual(SHA256.HashData(stream)), $"'{path}' differs from what was written");
        }
    }

    /// <summary>How many times the stale marker of deleted files occurs in [offset, +length) of the disk.</summary>
    public static int StaleMarkers(VirtualDisk disk, long offset, long length)
    {
        var marker = SampleVolumeFiller.StaleMarker;
        var buffer = new byte[1 << 20];
        var count = 0;
        for (var at = offset; at < offset + length; at += buffer.Length)
        {
            var n = (int)Math.Min(buffer.Length, offset + length - at);
            disk.Read(at, buffer.AsSpan(0, n));
            var span = buffer.AsSpan(0, n);
            for (var i = span.IndexOf(marker); i >= 0; i = span.IndexOf(marker))
            {
                count++;
                span = span.Slice(i + marker.Length);
            }
        }

        return count;
    }

    /// <summary>ntfsfix -n (check only, no change) accepts the volume at [offset, +length) of the image.</summary>
    public static void NtfsfixAccepts(VirtualDisk disk, long offset, long length, string folder)
    {
        var tool = External.Tool("ntfsfix");
        var file = Path.Combine(folder, "ntfsfix-" + Guid.NewGuid().ToString("N") + ".raw");
        try
        {
            Extract(disk, offset, length, file);
            var run = ProcessRunner.Run(tool, TimeSpan.FromMinutes(2), "-n", file);
            Assert.True(run.ExitCode == 0, $"ntfsfix -n exited {run.ExitCode}: {run.Out}{run.Err}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Copies [offset, +length) of a disk into a new sparse raw file.</summary>
    public static void Extract(VirtualDisk disk, long offset, long length, string target)
    {
        using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write);
        output.SetLength(length);
        var buffer = new byte[1 << 20];
        for (long done = 0; done < length;)
        {
            var n = (int)Math.Min(buffer.Length, length - done);
            disk.Read(offset + done, buffer.AsSpan(0, n));
            if (buffer.AsSpan(0, n).ContainsAnyExcept((byte)0))
            {
                output.Position = done;
                output.Write(buffer, 0, n);
            }

            done += n;
        }
    }

    public static void Extract(string source, long offset, long length, string target)
    {
        using var disk = DiskFormats.Open(source, new DiskOpenOptions { Format = DiskFormat.Raw });
        Extract(disk, offset, length, target);
    }

    /// <summary>The bytes of [offset, +length) of a disk.</summary>
    public static byte[] Bytes(VirtualDisk disk, long offset, int length)
    {
        var bytes = new byte[length];
        disk.Read(offset, bytes);
        return bytes;
    }
}
