using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Ntfs;

/// <summary>
/// An index record in $INDEX_ALLOCATION (libfsntfs, "The index entry header", signature "INDX"): a
/// multi-sector record with fix-ups whose node header follows its 24-byte header.
/// </summary>
internal static class NtfsIndexRecord
{
    public const uint Signature = 0x58444E49; // "INDX"
    public const int HeaderSize = 24;

    private const int VcnOffset = 16;

    /// <summary>Checks the signature and VCN, applies fix-ups, and returns the node (from its header on).</summary>
    public static Span<byte> Open(Span<byte> raw, long expectedVcn, NtfsSource source, long volumeOffset, string structure)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(raw) != Signature)
        {
            throw source.Corrupt(volumeOffset, structure, "the signature is not 'INDX'", "NtfsIndexInvalid");
        }

        NtfsUpdateSequence.Apply(raw, source, volumeOffset, structure);
        var vcn = BinaryPrimitives.ReadInt64LittleEndian(raw.Slice(VcnOffset));
        if (vcn != expectedVcn)
        {
            throw source.Corrupt(NtfsSource.At(volumeOffset, VcnOffset), structure, $"the record says it is VCN {vcn}, but it was reached as VCN {expectedVcn}", "NtfsIndexInvalid");
        }

        return raw.Slice(HeaderSize);
    }
}
