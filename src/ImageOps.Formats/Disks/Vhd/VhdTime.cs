using System;

namespace ImageOps.Formats.Disks.Vhd;

/// <summary>VHD time stamps: seconds since January 1, 2000 00:00:00 UTC (VHD spec, "Time Stamp").</summary>
internal static class VhdTime
{
    /// <summary>The epoch of VHD time stamps.</summary>
    public static readonly DateTime Epoch = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The time stamp of <paramref name="utc"/>, clamped to the field's range.</summary>
    public static uint FromDateTime(DateTime utc)
    {
        var seconds = (utc.ToUniversalTime() - Epoch).TotalSeconds;
        return seconds <= 0 ? 0 : seconds >= uint.MaxValue ? uint.MaxValue : (uint)seconds;
    }

    /// <summary>The time stamp for now.</summary>
    public static uint Now() => FromDateTime(DateTime.UtcNow);

    /// <summary>The UTC time of a time stamp.</summary>
    public static DateTime ToDateTime(uint timeStamp) => Epoch.AddSeconds(timeStamp);
}
