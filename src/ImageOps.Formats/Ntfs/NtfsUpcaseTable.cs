using System;

namespace ImageOps.Formats.Ntfs;

/// <summary>
/// The volume's $UpCase table (libfsntfs, "The metadata files": MFT entry 10; "Collation type": COLLATION_FILENAME): the upper-case mapping
/// of every UTF-16 code unit, used by the file-name collation of $I30 indexes. Names compare by upcased
/// code unit, so lookups must use the volume's table, not the host's culture rules.
/// </summary>
internal sealed class NtfsUpcaseTable
{
    public const int Entries = 65536;
    public const int Size = Entries * 2;

    private readonly char[] _map;

    private NtfsUpcaseTable(char[] map)
    {
        _map = map;
    }

    public static NtfsUpcaseTable FromBytes(ReadOnlySpan<byte> bytes)
    {
        var map = new char[Entries];
        var count = Math.Min(Entries, bytes.Length / 2);
        for (var i = 0; i < count; i++)
        {
            map[i] = (char)(bytes[2 * i] | (bytes[(2 * i) + 1] << 8));
        }

        // A short table leaves the rest unmapped (identity), as ntfs-3g does.
        for (var i = count; i < Entries; i++)
        {
            map[i] = (char)i;
        }

        return new NtfsUpcaseTable(map);
    }

    public char Upcase(char c) => _map[c];

    /// <summary>NTFS's file-name collation: upcased code units, ordinal.</summary>
    public int CompareIgnoreCase(string a, string b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var x = _map[a[i]];
            var y = _map[b[i]];
            if (x != y)
            {
                return x < y ? -1 : 1;
            }
        }

        return a.Length.CompareTo(b.Length);
    }

    /// <summary>The full collation ntfs-3g keeps POSIX names in: ignoring case first, then ordinal.</summary>
    public int CompareFull(string a, string b)
    {
        var c = CompareIgnoreCase(a, b);
        return c != 0 ? c : string.CompareOrdinal(a, b);
    }
}
