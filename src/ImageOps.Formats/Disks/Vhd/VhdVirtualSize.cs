using System;

namespace ImageOps.Formats.Disks.Vhd;

/// <summary>Where a disk's virtual size comes from.</summary>
internal enum VhdSizeSource
{
    /// <summary>The footer's Current Size (Hyper-V, Azure, Disk2vhd, newer qemu).</summary>
    CurrentSize,

    /// <summary>Cylinders x heads x sectors of the footer's geometry (Virtual PC, older qemu).</summary>
    Geometry,
}

/// <summary>
/// The virtual size of a VHD, decided exactly as qemu's block/vpc.c (vpc_open and
/// vpc_ignore_current_size, qemu 10.0) decides it. Virtual PC sized disks by their CHS geometry, which
/// rounds down, while Hyper-V and the others use Current Size; qemu tells them apart by the
/// creator application: only "vpc " (Virtual PC) and "qemu" (qemu before force_size) mean CHS, and a
/// disk with the maximum geometry (65535/16/255) always uses Current Size because CHS cannot express
/// its size. Known creators: "vpc " and "qemu" CHS; "win " (Hyper-V), "qem2", "d2v " (Disk2vhd),
/// "tap\0" (XenServer), "CTXS" (XenConverter), "wa\0\0" (Azure) Current Size.
/// </summary>
/// <remarks>
/// qemu up to 9.2 (Debian 12 ships 7.2) still listed the Current Size creators and used CHS for every
/// other one; the two rules agree on every creator named above and differ only for unknown creators,
/// where the newer rule (Current Size) is the one qemu adopted after Azure images were misread.
/// The result is the size in whole sectors; qemu too ignores a partial sector.
/// </remarks>
internal static class VhdVirtualSize
{
    /// <summary>Largest virtual size qemu and Hyper-V accept: 2040 GiB (qemu's VHD_MAX_SECTORS, 0xff000000 sectors).</summary>
    public const long MaxCapacity = 0xff000000L * 512;

    /// <summary>Which field gives the virtual size of a disk with this footer.</summary>
    public static VhdSizeSource SourceOf(VhdFooter footer)
    {
        var creator = footer.CreatorApplicationBytes;
        var chsCreator = creator.SequenceEqual("vpc "u8) || creator.SequenceEqual("qemu"u8);
        return chsCreator && !footer.Geometry.IsMaximum ? VhdSizeSource.Geometry : VhdSizeSource.CurrentSize;
    }

    /// <summary>The virtual size in bytes (a multiple of 512; may exceed <see cref="MaxCapacity"/>: callers refuse that).</summary>
    public static ulong Of(VhdFooter footer)
        => SourceOf(footer) == VhdSizeSource.Geometry
            ? (ulong)footer.Geometry.TotalSectors * 512
            : footer.CurrentSize / 512 * 512;

    /// <summary>
    /// Whether a footer whose creator is <paramref name="footer"/>'s would present exactly
    /// <paramref name="capacity"/> once Current Size and the geometry are set for it.
    /// </summary>
    public static bool Presents(VhdFooter footer, long capacity)
    {
        var probe = footer.Clone();
        probe.CurrentSize = (ulong)capacity;
        probe.Geometry = VhdDiskGeometry.FromCapacity(capacity);
        return Of(probe) == (ulong)capacity;
    }
}
