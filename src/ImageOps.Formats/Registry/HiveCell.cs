namespace ImageOps.Formats.Registry;

/// <summary>
/// A cell: a signed 32-bit size (negative when allocated, positive when free, always a multiple of 8
/// and including the size field) followed by the cell data. Cells tile each hive bin after its header.
/// libyal libregf, "Windows NT Registry File (REGF) format", §3.1 Cell; "Windows registry file format
/// specification", Cell.
/// </summary>
internal static class HiveCell
{
    /// <summary>The size field.</summary>
    public const int HeaderSize = 4;

    /// <summary>Cell sizes are multiples of this.</summary>
    public const int Alignment = 8;

    /// <summary>The smallest cell (a free cell must hold its size and a free-list link).</summary>
    public const int MinSize = 8;

    /// <summary>HCELL_NIL: "no cell" in any offset field.</summary>
    public const uint Nil = 0xFFFFFFFF;

    /// <summary>The cell size (header included) that holds <paramref name="dataLength"/> bytes of data.</summary>
    public static int SizeFor(int dataLength)
    {
        var size = (dataLength + HeaderSize + Alignment - 1) & ~(Alignment - 1);
        return size < MinSize ? MinSize : size;
    }
}
