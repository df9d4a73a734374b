namespace ImageOps.Engine.OfflineVolumes.Windows;

/// <summary><c>PARTITION_STYLE</c> (winioctl.h).</summary>
internal enum DiskPartitionStyle
{
    Mbr = 0,
    Gpt = 1,
    Raw = 2,
}
