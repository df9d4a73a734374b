using System;
using System.Text;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Ntfs;

namespace ImageOps.Engine.Inventory;

/// <summary>
/// Names the file system a volume's first sector shows, from the boot sector's OEM id or file system
/// type field (Microsoft "FAT: General Overview of On-Disk Format", offsets 3, 0x36 and 0x52; exFAT and
/// NTFS carry their name at offset 3). Only a label for the inventory: nothing is mounted.
/// </summary>
internal static class FileSystemProbe
{
    public const string Ntfs = "NTFS";

    private const int SectorSize = 512;

    public static string? Identify(VirtualDisk disk, long offset, long length)
    {
        if (offset < 0 || length < SectorSize || offset > disk.Capacity - SectorSize)
        {
            return null;
        }

        if (NtfsVolume.IsNtfs(disk, offset))
        {
            return Ntfs;
        }

        var sector = new byte[SectorSize];
        disk.Read(offset, sector);
        if (sector[510] != 0x55 || sector[511] != 0xAA)
        {
            return null;
        }

        if (Ascii(sector, 3, 8) == "EXFAT   ")
        {
            return "exFAT";
        }

        if (Ascii(sector, 0x52, 8) == "FAT32   ")
        {
            return "FAT32";
        }

        return Ascii(sector, 0x36, 8) switch
        {
            "FAT12   " => "FAT12",
            "FAT16   " => "FAT16",
            "FAT     " => "FAT",
            _ => null,
        };
    }

    private static string Ascii(byte[] data, int offset, int length) => Encoding.ASCII.GetString(data, offset, length);
}
