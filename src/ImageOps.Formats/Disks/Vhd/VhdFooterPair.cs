using System;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Vhd;

/// <summary>
/// The footers a VHD file may carry: the one at the end (512 bytes, or 511 in images from Virtual
/// PC before 2004) and, for dynamic and differencing disks, the copy at offset 0. Reading them is
/// bounded (at most three sectors) and never throws for short files.
/// </summary>
internal sealed class VhdFooterPair
{
    private VhdFooterPair(VhdFooter? end, long endOffset, int endLength, VhdFooter? copy)
    {
        End = end;
        EndOffset = endOffset;
        EndLength = endLength;
        Copy = copy;
    }

    /// <summary>The footer at the end of the file if it carries the cookie (checksum not checked).</summary>
    public VhdFooter? End { get; }

    /// <summary>Offset of <see cref="End"/>, or -1.</summary>
    public long EndOffset { get; }

    /// <summary>512, or 511 for a legacy footer; 0 without one.</summary>
    public int EndLength { get; }

    /// <summary>The copy at offset 0 if it carries the cookie (checksum not checked).</summary>
    public VhdFooter? Copy { get; }

    /// <summary>True if either place carries the cookie.</summary>
    public bool AnyCookie => End is not null || Copy is not null;

    /// <summary>A valid (checksummed) footer of a fixed disk at the end.</summary>
    public VhdFooter? FixedFooter => End is { ChecksumValid: true, DiskType: VhdDiskType.Fixed } ? End : null;

    /// <summary>Reads both places.</summary>
    public static VhdFooterPair Read(IBlockStorage storage)
    {
        var length = storage.Length;
        Span<byte> sector = stackalloc byte[VhdFooter.Size];
        VhdFooter? copy = null;
        if (length >= VhdFooter.Size && TryRead(storage, 0, sector) && VhdFooter.HasCookie(sector))
        {
            copy = VhdFooter.Parse(sector);
        }

        if (length >= VhdFooter.Size && TryRead(storage, length - VhdFooter.Size, sector) && VhdFooter.HasCookie(sector))
        {
            return new VhdFooterPair(VhdFooter.Parse(sector), length - VhdFooter.Size, VhdFooter.Size, copy);
        }

        var legacy = sector.Slice(0, VhdFooter.LegacySize);
        if (length >= VhdFooter.LegacySize && TryRead(storage, length - VhdFooter.LegacySize, legacy) && VhdFooter.HasCookie(legacy))
        {
            return new VhdFooterPair(VhdFooter.Parse(legacy), length - VhdFooter.LegacySize, VhdFooter.LegacySize, copy);
        }

        return new VhdFooterPair(null, -1, 0, copy);
    }

    private static bool TryRead(IBlockStorage storage, long offset, Span<byte> buffer)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var n = storage.ReadAt(offset + done, buffer.Slice(done));
            if (n <= 0)
            {
                return false;
            }

            done += n;
        }

        return true;
    }
}
