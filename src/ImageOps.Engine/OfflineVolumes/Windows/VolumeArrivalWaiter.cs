using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace ImageOps.Engine.OfflineVolumes.Windows;

/// <summary>
/// Waits for the volumes of a just-attached disk: AttachVirtualDisk returns once the disk exists, while
/// its volumes arrive afterwards through Plug and Play and the mount manager. The wait ends when every
/// partition that should carry a volume has one (matched by offset), on timeout, or on cancellation.
/// </summary>
internal sealed class VolumeArrivalWaiter
{
    private const string Phase = "Waiting for the disk's volumes";
    private readonly IWindowsStorage _storage;
    private readonly VirtualDiskAttachTiming _timing;

    public VolumeArrivalWaiter(IWindowsStorage storage, VirtualDiskAttachTiming timing)
    {
        _storage = storage;
        _timing = timing;
    }

    /// <summary>
    /// The disk's volumes once all expected ones arrived; on timeout those that did (with a warning), or
    /// <c>NativeVirtualDiskVolumesNotArrived</c> when none did although some were expected.
    /// </summary>
    public IReadOnlyList<AttachedVolume> Wait(uint diskNumber, IReadOnlyList<DiskPartitionEntry> partitions, string imagePath, OperationContext context)
    {
        var activity = "Attaching " + imagePath;
        var expected = partitions.Count(p => p.ExpectsVolume);
        var start = _timing.Now();
        while (true)
        {
            context.ThrowIfCancelled();
            var arrived = Probe(diskNumber);
            var missing = AttachedVolumeMapper.Missing(partitions, arrived);
            context.Report(activity, Phase, expected - missing.Count, expected);
            if (missing.Count == 0)
            {
                return arrived;
            }

            if (_timing.Now() - start >= _timing.VolumeTimeout)
            {
                var list = string.Join(", ", missing.Select(p => string.Format(CultureInfo.InvariantCulture, "partition {0} at offset {1}", p.Number, p.Offset)));
                if (arrived.Count == 0)
                {
                    throw new ImageOpsException(
                        NativeVirtualDiskErrorIds.NativeVirtualDiskVolumesNotArrived,
                        ErrorKind.ResourceUnavailable,
                        string.Format(CultureInfo.InvariantCulture, "'{0}' attached as disk {1}, but none of its volumes appeared within {2:0} s ({3}). Windows may not recognise the file systems, or volume mounting is disabled (mountvol /N).", imagePath, diskNumber, _timing.VolumeTimeout.TotalSeconds, list),
                        imagePath);
                }

                context.Log.Warning(string.Format(CultureInfo.InvariantCulture, "'{0}' attached as disk {1}; {2} of {3} volumes appeared within {4:0} s, missing {5}.", imagePath, diskNumber, arrived.Count, expected, _timing.VolumeTimeout.TotalSeconds, list));
                return arrived;
            }

            _timing.Delay(_timing.PollInterval, context.Cancellation);
        }
    }

    private IReadOnlyList<AttachedVolume> Probe(uint diskNumber)
        => AttachedVolumeMapper.OnDisk(diskNumber, _storage.ListVolumes().Select(v => (v, _storage.GetVolumeExtents(v))));
}
