using System;
using System.Collections.Generic;

namespace ImageOps.Formats.Ntfs;

/// <summary>
/// The data run list of a non-resident attribute (libfsntfs, "Data runs"): each run starts with a
/// byte whose low nibble is the size of the length field and high nibble the size of the offset field;
/// offsets are signed deltas from the previous run's cluster; no offset field means a sparse run.
/// </summary>
internal static class NtfsRunList
{
    public static IReadOnlyList<NtfsDataRun> Decode(ReadOnlySpan<byte> span, long firstVcn, long lastVcn, NtfsSource source, long volumeOffset, string structure)
    {
        var runs = new List<NtfsDataRun>();
        var vcn = firstVcn;
        var lcn = 0L;
        var position = 0;
        while (true)
        {
            if (position >= span.Length)
            {
                throw source.Corrupt(NtfsSource.At(volumeOffset, position), structure, "the run list has no terminator", "NtfsRunListInvalid");
            }

            var header = span[position];
            if (header == 0)
            {
                break;
            }

            var lengthSize = header & 0x0F;
            var offsetSize = header >> 4;
            if (lengthSize == 0 || lengthSize > 8 || offsetSize > 8 || position + 1 + lengthSize + offsetSize > span.Length)
            {
                throw source.Corrupt(NtfsSource.At(volumeOffset, position), structure, $"the run header 0x{header:X2} has field sizes that are not valid or leave the attribute", "NtfsRunListInvalid");
            }

            var length = ReadSigned(span.Slice(position + 1, lengthSize));
            if (length <= 0 || vcn > long.MaxValue - length)
            {
                throw source.Corrupt(NtfsSource.At(volumeOffset, position), structure, $"the run length {length} is not positive or overflows", "NtfsRunListInvalid");
            }

            long runLcn = -1;
            if (offsetSize > 0)
            {
                var delta = ReadSigned(span.Slice(position + 1 + lengthSize, offsetSize));
                lcn += delta;
                if (lcn < 0 || (delta > 0 && lcn < delta))
                {
                    throw source.Corrupt(NtfsSource.At(volumeOffset, position), structure, $"the run offset delta {delta} gives a negative cluster", "NtfsRunListInvalid");
                }

                runLcn = lcn;
            }

            runs.Add(new NtfsDataRun(vcn, length, runLcn));
            vcn += length;
            position += 1 + lengthSize + offsetSize;
        }

        if (vcn != lastVcn + 1 && !(runs.Count == 0 && lastVcn < firstVcn))
        {
            throw source.Corrupt(volumeOffset, structure, $"the runs cover VCNs [{firstVcn}, {vcn}) but the attribute declares [{firstVcn}, {lastVcn}]", "NtfsRunListInvalid");
        }

        return runs;
    }

    /// <summary>A little-endian two's complement integer of 1 to 8 bytes.</summary>
    public static long ReadSigned(ReadOnlySpan<byte> bytes)
    {
        long value = (sbyte)bytes[bytes.Length - 1];
        for (var i = bytes.Length - 2; i >= 0; i--)
        {
            value = (value << 8) | bytes[i];
        }

        return value;
    }
}
