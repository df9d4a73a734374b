using System;
using System.Runtime.InteropServices;

namespace ImageOps.Formats.Disks;

/// <summary>Finds all-zero data, so conversions never write it (DESIGN.md §4).</summary>
public static class ZeroDetector
{
    /// <summary>True if every byte of <paramref name="data"/> is zero.</summary>
    public static bool IsAllZero(ReadOnlySpan<byte> data)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        var i = 0;

        // Four words per step: the OR chain is branch-light and the early exit rarely waits long,
        // because real data is non-zero within its first bytes.
        for (; i + 4 <= words.Length; i += 4)
        {
            if ((words[i] | words[i + 1] | words[i + 2] | words[i + 3]) != 0)
            {
                return false;
            }
        }

        for (; i < words.Length; i++)
        {
            if (words[i] != 0)
            {
                return false;
            }
        }

        for (var b = words.Length * sizeof(ulong); b < data.Length; b++)
        {
            if (data[b] != 0)
            {
                return false;
            }
        }

        return true;
    }
}
