using System;
using System.Collections.Generic;
using System.Linq;
using ImageOps.Engine.OfflineVolumes.Windows;

namespace ImageOps.Engine.Tests.OfflineVolumes.Windows;

/// <summary>
/// A host's volumes as a test scripts them: each volume appears at a given poll (counted by
/// <see cref="ListVolumes"/> calls), with its extents.
/// </summary>
internal sealed class FakeWindowsStorage : IWindowsStorage
{
    private readonly List<(string Path, int FromPoll, IReadOnlyList<DiskExtent>? Extents)> _volumes = new();

    public int Polls { get; private set; }

    public uint DiskNumber { get; set; } = 7;

    public List<DiskPartitionEntry> Partitions { get; } = new();

    public FakeWindowsStorage Volume(string guid, int fromPoll, params DiskExtent[] extents)
    {
        _volumes.Add((@"\\?\Volume{" + guid + @"}\", fromPoll, extents.Length == 0 ? null : extents));
        return this;
    }

    public IReadOnlyList<string> ListVolumes()
    {
        Polls++;
        return _volumes.Where(v => v.FromPoll <= Polls).Select(v => v.Path).ToList();
    }

    public IReadOnlyList<DiskExtent>? GetVolumeExtents(string volumeGuidPath)
        => _volumes.First(v => string.Equals(v.Path, volumeGuidPath, StringComparison.Ordinal)).Extents;

    public uint GetDiskNumber(string physicalDrivePath) => DiskNumber;

    public IReadOnlyList<DiskPartitionEntry> GetPartitions(string physicalDrivePath) => Partitions;
}
