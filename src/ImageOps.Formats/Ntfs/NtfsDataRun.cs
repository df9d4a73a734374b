namespace ImageOps.Formats.Ntfs;

/// <summary>One decoded data run: <see cref="Length"/> clusters from <see cref="Vcn"/> at <see cref="Lcn"/>, or sparse.</summary>
internal readonly struct NtfsDataRun
{
    public NtfsDataRun(long vcn, long length, long lcn)
    {
        Vcn = vcn;
        Length = length;
        Lcn = lcn;
    }

    /// <summary>First virtual cluster of the run within the attribute.</summary>
    public long Vcn { get; }

    /// <summary>Clusters in the run.</summary>
    public long Length { get; }

    /// <summary>First logical cluster on the volume, or -1 for a sparse run (reads as zeros).</summary>
    public long Lcn { get; }

    public bool IsSparse => Lcn < 0;

    public long EndVcn => Vcn + Length;
}
