using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using ImageOps.Engine.OfflineVolumes;
using ImageOps.Engine.Storage;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Partitions;
using ImageOps.Formats.Registry;

namespace ImageOps.Engine.Injection;

/// <summary>
/// Injection from any host into any format: the Windows volume of the new layer is mounted through
/// libntfs-3g (<see cref="Ntfs3gVolume"/>, writes land in the layer), the planned files are written
/// (content hashed as it is written and checked against the plan), and each edited hive is read from
/// the layer, checked to be the one planned from, edited in memory by one all-or-nothing
/// <see cref="RegistryEditPlan"/>, and written back whole. Atomicity across files and hives comes from
/// the layer: it is published only after all of them are written.
/// </summary>
internal sealed class OfflineRegistryStrategy : IInjectionStrategy
{
    public InjectionMethod Method => InjectionMethod.OfflineRegistry;

    public string? Unavailable(DiskFormat format)
    {
        try
        {
            Ntfs3gLibrary.EnsureAvailable();
            return null;
        }
        catch (ImageOpsException ex)
        {
            return ex.Message;
        }
    }

    public void Apply(InjectionPlan plan, ResultLayer layer, InjectionResult result, OperationContext context)
    {
        var partition = PartitionTable.Read(layer.Disk).Partitions.FirstOrDefault(p => p.Number == plan.Windows.PartitionNumber)
            ?? throw new InvalidStateException(InjectionErrorIds.ImageChangedSincePlan, $"The image no longer has partition {plan.Windows.PartitionNumber}.", plan.ImagePath);
        using var volume = Ntfs3gVolume.Open(layer.Disk, partition);
        foreach (var hive in plan.HiveEdits.Keys)
        {
            var path = HivePath(hive);
            if (DriverPackageSources.HashBytes(volume.ReadAllBytes(path)) != plan.HiveSources[hive])
            {
                throw new InvalidStateException(InjectionErrorIds.ImageChangedSincePlan, $"The {hive} hive differs from the one the plan was built from; plan again.", plan.ImagePath);
            }
        }

        var activity = $"Injecting drivers into {Path.GetFileName(plan.ImagePath)}";
        var total = plan.BytesToWrite;
        long done = 0;
        foreach (var file in plan.Files)
        {
            context.ThrowIfCancelled();
            switch (file.Action)
            {
                case PlannedFileAction.Write when file.Content is not null:
                    context.Report(activity, "Writing files", done, total, file.Path);
                    using (var source = file.Content())
                    using (var hashing = new HashingStream(source))
                    {
                        volume.WriteFile(file.Path, hashing);
                        if (file.Sha256 is not null && hashing.Sha256() != file.Sha256)
                        {
                            throw new InvalidStateException("DriverFileChanged", $"'{file.Source}' changed after the plan was made; nothing was published. Plan again.", file.Source);
                        }
                    }

                    result.FilesWritten++;
                    result.BytesWritten += file.SizeBytes;
                    done += file.SizeBytes;
                    break;
                case PlannedFileAction.Delete:
                    if (volume.GetEntryKind(file.Path) == OfflineEntryKind.File)
                    {
                        volume.DeleteFile(file.Path);
                        result.FilesDeleted++;
                    }

                    break;
                case PlannedFileAction.DeleteDirectory:
                    if (volume.GetEntryKind(file.Path) == OfflineEntryKind.Directory && volume.ListDirectory(file.Path).Count == 0)
                    {
                        volume.DeleteDirectory(file.Path);
                        result.FilesDeleted++;
                    }

                    break;
            }
        }

        FaultInjection.At("inject:files-written");
        context.Report(activity, "Editing the registry", done, total);
        foreach (var pair in plan.HiveEdits)
        {
            var path = HivePath(pair.Key);
            var hive = OpenForEdit(volume, path, plan.ReplayedHives.TryGetValue(pair.Key, out var logs) ? logs : null);
            var outcomes = hive.Apply(pair.Value);
            var shown = plan.RegistryEdits.Where(e => string.Equals(e.Hive, pair.Key, StringComparison.OrdinalIgnoreCase)).ToList();
            for (var i = 0; i < outcomes.Count && i < shown.Count; i++)
            {
                shown[i].Outcome = outcomes[i].Outcome.ToString();
            }

            result.RegistryChanges += outcomes.Count(o => o.Outcome is RegistryEditOutcome.Created or RegistryEditOutcome.Changed or RegistryEditOutcome.Deleted);
            using var buffer = new MemoryStream();
            hive.Save(buffer);
            volume.WriteAllBytes(path, buffer.ToArray());
            FaultInjection.At("inject:hive-written");
        }

        volume.Flush();
    }

    private static string HivePath(string hive) => string.Equals(hive, "SYSTEM", StringComparison.OrdinalIgnoreCase) ? WindowsImages.WindowsPaths.SystemHive : WindowsImages.WindowsPaths.SoftwareHive;

    private static RegistryHive OpenForEdit(IOfflineVolume volume, string path, System.Collections.Generic.Dictionary<string, byte[]>? logs)
    {
        var bytes = volume.ReadAllBytes(path);
        if (logs is null)
        {
            return RegistryHive.Open(bytes, new RegistryHiveOpenOptions { DisplayName = path });
        }

        // The logs were deleted from the layer above (they are merged into what is written); the plan kept their content.
        Stream? Log(string kind) => logs.TryGetValue(kind, out var content) ? new MemoryStream(content, writable: false) : null;
        return RegistryHive.Open(bytes, new RegistryHiveOpenOptions { DisplayName = path, Recovery = HiveRecoveryMode.ReplayLogs, Log = Log("LOG"), Log1 = Log("LOG1"), Log2 = Log("LOG2") });
    }

    /// <summary>Passes a stream through, hashing what is read.</summary>
    private sealed class HashingStream : Stream
    {
        private readonly Stream _inner;
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public HashingStream(Stream inner) => _inner = inner;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public string Sha256() => DriverPackageSources.Hex(_hash.GetHashAndReset());

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = _inner.Read(buffer, offset, count);
            if (n > 0)
            {
                _hash.AppendData(buffer, offset, n);
            }

            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
