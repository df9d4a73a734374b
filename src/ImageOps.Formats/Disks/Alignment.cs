namespace ImageOps.Formats.Disks;

/// <summary>Rounding of sizes and offsets to a format's unit (sector, cluster, grain, MiB): one copy for every format.</summary>
internal static class Alignment
{
    /// <summary>The smallest multiple of <paramref name="multiple"/> at or above <paramref name="value"/> (both non-negative).</summary>
    public static long RoundUp(long value, long multiple) => (value + multiple - 1) / multiple * multiple;
}
