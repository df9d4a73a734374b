using System.Collections.Generic;

namespace ImageOps.Formats.Disks.Storage;

/// <summary>Storage that knows which of its ranges hold data and which are holes (sparse files, memory).</summary>
public interface ISparseStorage
{
    /// <summary>
    /// Data and hole ranges covering [offset, offset+length) in order (holes as
    /// <see cref="AllocationKind.Zero"/>). May report data where there is none, never the reverse.
    /// </summary>
    IEnumerable<AllocationRange> MapData(long offset, long length);
}
