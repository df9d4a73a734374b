using System;

namespace ImageOps.Formats.Ntfs;

/// <summary>FILETIME (100 ns ticks since 1601-01-01 UTC) to <see cref="DateTime"/>; out-of-range values clamp.</summary>
internal static class NtfsTime
{
    private static readonly long MaxFileTime = DateTime.MaxValue.ToFileTimeUtc();

    public static DateTime FromFileTime(long value)
        => value <= 0 ? DateTime.FromFileTimeUtc(0) : DateTime.FromFileTimeUtc(Math.Min(value, MaxFileTime));
}
