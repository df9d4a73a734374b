namespace ImageOps.Engine.OfflineVolumes.Windows;

/// <summary>
/// One <c>DISK_EXTENT</c> of a volume (winioctl.h): the disk number and the byte range of that disk the
/// volume occupies.
/// </summary>
internal readonly struct DiskExtent
{
    public DiskExtent(uint diskNumber, long startingOffset, long extentLength)
    {
        DiskNumber = diskNumber;
        StartingOffset = startingOffset;
        ExtentLength = extentLength;
    }

    public uint DiskNumber { get; }

    public long StartingOffset { get; }

    public long ExtentLength { get; }
}
