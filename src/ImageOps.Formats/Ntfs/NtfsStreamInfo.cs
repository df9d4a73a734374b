using System.Linq;

namespace ImageOps.Formats.Ntfs;

/// <summary>One $DATA stream of a file: its size and how NTFS stores it.</summary>
public sealed class NtfsStreamInfo
{
    internal NtfsStreamInfo(NtfsAttributeData data, int clusterSize)
    {
        Name = data.Name;
        Length = data.DataSize;
        IsResident = !data.NonResident;
        IsCompressed = data.IsCompressed;
        IsSparse = data.IsSparse;
        IsEncrypted = data.IsEncrypted;
        CompressionUnitClusters = data.CompressionUnit == 0 ? 0 : 1 << data.CompressionUnit;
        AllocatedOnDisk = IsResident ? 0 : data.Runs.Where(r => !r.IsSparse).Sum(r => r.Length) * clusterSize;
        RunCount = data.Runs.Count;
        FragmentCount = data.Runs.Count(r => !r.IsSparse);
    }

    /// <summary>The stream name; empty for the unnamed (main) stream.</summary>
    public string Name { get; }

    /// <summary>Bytes in the stream.</summary>
    public long Length { get; }

    /// <summary>True if the bytes live inside the MFT record.</summary>
    public bool IsResident { get; }

    /// <summary>True if the attribute is LZNT1-compressed (attribute flag 0x0001).</summary>
    public bool IsCompressed { get; }

    /// <summary>True if the attribute is sparse (attribute flag 0x8000).</summary>
    public bool IsSparse { get; }

    /// <summary>True if the attribute is EFS-encrypted (attribute flag 0x4000; content not readable offline).</summary>
    public bool IsEncrypted { get; }

    /// <summary>Clusters per compression unit (16 on compressed files), 0 if none.</summary>
    public int CompressionUnitClusters { get; }

    /// <summary>Bytes of clusters actually allocated (sparse and compressed-away clusters excluded).</summary>
    public long AllocatedOnDisk { get; }

    /// <summary>Runs in the run list (sparse runs included).</summary>
    public int RunCount { get; }

    /// <summary>Allocated runs: 1 for a contiguous stream, more when fragmented.</summary>
    public int FragmentCount { get; }
}
