using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ImageOps.Engine.Platform;
using ImageOps.Engine.Storage;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Qcow2;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Engine.Injection;

/// <summary>
/// The new differencing layer an injection writes, over an image that is only ever opened read-only.
/// It is created under a temp name beside its destination (<see cref="TempFiles"/>: a killed run's
/// file is recognised and removed by the next run in that folder), written, flushed, made durable with
/// one fsync, and only then renamed into place; until <see cref="Publish"/> nothing under the real name
/// exists. Disposing an unpublished layer deletes it.
/// </summary>
internal sealed class ResultLayer : IDisposable
{
    private readonly LayerStorage _storage;
    private readonly bool _overwrite;
    private bool _closed;
    private bool _published;

    private ResultLayer(string destination, string tempPath, LayerStorage storage, VirtualDisk disk, bool overwrite)
    {
        Destination = destination;
        TempPath = tempPath;
        _storage = storage;
        Disk = disk;
        _overwrite = overwrite;
    }

    /// <summary>The final name.</summary>
    public string Destination { get; }

    /// <summary>The temp name it is written under.</summary>
    public string TempPath { get; }

    /// <summary>The layer, open for writing, with the image as its (read-only) parent.</summary>
    public VirtualDisk Disk { get; }

    /// <summary>The format a layer over <paramref name="baseFormat"/> gets, and why when it differs.</summary>
    public static DiskFormat FormatFor(DiskFormat baseFormat, out string? note)
    {
        note = null;
        if (DiskFormats.Get(baseFormat).Capabilities.Variants.Contains(DiskVariant.Differencing))
        {
            return baseFormat;
        }

        note = $"{baseFormat} has no differencing form, so the layer is QCOW2 (backing file: the {baseFormat} image); convert it with Convert-DiskFile, or ask for a flat copy, to get another format";
        return DiskFormat.Qcow2;
    }

    /// <summary>Creates the layer over <paramref name="parent"/> (which the layer then owns) under a temp name beside <paramref name="destination"/>.</summary>
    public static ResultLayer Create(VirtualDisk parent, string destination, DiskFormat format, bool overwrite, string? finalName = null)
    {
        var folder = Path.GetDirectoryName(destination)!;
        TempFiles.SweepAbandoned(folder);
        var temp = TempFiles.NewPathFor(destination);
        var storage = new LayerStorage(FileBlockStorage.Create(temp), finalName ?? destination);
        VirtualDisk disk;
        try
        {
            disk = DiskFormats.Get(format).Create(storage, new DiskCreateOptions
            {
                Capacity = parent.Capacity,
                Variant = DiskVariant.Differencing,
                Parent = parent,
                ParentReference = PathRules.RelativePath(folder, Path.GetFullPath(parent.Path)),
                LogicalSectorSize = parent.LogicalSectorSize,
            });
        }
        catch
        {
            storage.Close();
            File.Delete(temp);
            throw;
        }

        // Written under a name nobody opens: the qcow2 ordering fsyncs protect nothing here (a crash
        // discards the file); one fsync before the rename does.
        if (disk is Qcow2Disk qcow2)
        {
            qcow2.DurableOrdering = false;
        }

        FaultInjection.At("inject:layer-created");
        return new ResultLayer(destination, temp, storage, disk, overwrite);
    }

    /// <summary>Flushes and closes the layer, then makes the file durable (one fsync).</summary>
    public void Close()
    {
        if (_closed)
        {
            return;
        }

        Disk.Flush();
        Disk.Dispose();
        FaultInjection.At("inject:layer-closed");
        _storage.FlushDurably();
        _storage.Close();
        _closed = true;
        FaultInjection.At("inject:layer-durable");
    }

    /// <summary>Flushes the closed layer file to the device again (after another writer, such as a native attach, wrote it).</summary>
    public void FlushFileDurably()
    {
        using var file = new FileStream(TempPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        file.Flush(flushToDisk: true);
    }

    /// <summary>Renames the finished layer into place (atomically replacing an old file only when allowed).</summary>
    public void Publish()
    {
        Close();
        if (File.Exists(Destination))
        {
            if (!_overwrite)
            {
                throw new ObjectExistsException("DiskFileExists", $"'{Destination}' appeared while the layer was being written; the new layer was discarded.", Destination);
            }

            File.Replace(TempPath, Destination, null);
        }
        else
        {
            File.Move(TempPath, Destination);
        }

        _published = true;
        FaultInjection.At("inject:published");
    }

    /// <summary>Closes and deletes an unpublished layer (the image underneath is untouched either way).</summary>
    public void Dispose()
    {
        if (_published)
        {
            return;
        }

        try
        {
            if (!_closed)
            {
                try
                {
                    Disk.Dispose();
                }
                finally
                {
                    _storage.Close();
                    _closed = true;
                }
            }
        }
        finally
        {
            try
            {
                File.Delete(TempPath);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                // Left for the next sweep of the folder.
            }
        }
    }

    /// <summary>
    /// The layer file under its temp name: presents the final name (formats that record their own file
    /// name record that), turns the formats' durable barriers into plain flushes (see above), stays open
    /// until <see cref="Close"/> so the fsync comes after the format's last write, and is where fault
    /// tests "kill" the process at the N-th write (<c>inject:layer-write</c>).
    /// </summary>
    private sealed class LayerStorage : IBlockStorage, ISparseStorage
    {
        private readonly IBlockStorage _inner;

        public LayerStorage(IBlockStorage inner, string finalName)
        {
            _inner = inner;
            Name = finalName;
        }

        public string Name { get; }

        public long Length => _inner.Length;

        public bool CanWrite => _inner.CanWrite;

        public int ReadAt(long offset, Span<byte> buffer) => _inner.ReadAt(offset, buffer);

        public void WriteAt(long offset, ReadOnlySpan<byte> data)
        {
            FaultInjection.At("inject:layer-write");
            _inner.WriteAt(offset, data);
        }

        public void SetLength(long length) => _inner.SetLength(length);

        public void Flush(bool durable) => _inner.Flush(durable: false);

        public void FlushDurably() => _inner.Flush(durable: true);

        public IEnumerable<AllocationRange> MapData(long offset, long length)
            => _inner is ISparseStorage sparse ? sparse.MapData(offset, length) : new[] { new AllocationRange(offset, length, AllocationKind.Data) };

        public void Dispose()
        {
            // The disk disposes its storage; the real close is Close(), after the fsync.
        }

        public void Close() => _inner.Dispose();
    }
}
