using System;

namespace ImageOps.Formats.Disks.Qcow2;

/// <summary>An internal snapshot of a qcow2 image, as <c>qemu-img snapshot -l</c> lists it.</summary>
public sealed class Qcow2Snapshot
{
    internal Qcow2Snapshot(Qcow2SnapshotEntry entry, long currentSize)
    {
        Id = entry.Id;
        Name = entry.Name;
        VirtualSize = entry.DiskSize ?? currentSize;
        Date = entry.Date;
        GuestClock = entry.GuestClock;
        VmStateSize = entry.VmStateSize;
        Entry = entry;
    }

    /// <summary>The snapshot's unique id (qemu numbers them "1", "2", ...).</summary>
    public string Id { get; }

    /// <summary>The snapshot's name (its tag).</summary>
    public string Name { get; }

    /// <summary>The virtual size of the disk when the snapshot was taken.</summary>
    public long VirtualSize { get; }

    /// <summary>When the snapshot was taken.</summary>
    public DateTimeOffset Date { get; }

    /// <summary>How long the guest had run when the snapshot was taken.</summary>
    public TimeSpan GuestClock { get; }

    /// <summary>Bytes of saved VM state (0 for a disk-only snapshot).</summary>
    public long VmStateSize { get; }

    internal Qcow2SnapshotEntry Entry { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Id} {Name} ({VirtualSize} bytes, {Date:u})";
}
