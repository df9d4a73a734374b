using System;
using System.Globalization;

namespace ImageOps.Formats.Disks.Vhd;

/// <summary>
/// How a VHD is identified by its children: the footer's Unique Id and Time Stamp, which a
/// differencing disk records as Parent Unique Id and Parent Time Stamp (VHD spec, "Dynamic Disk
/// Header Format"). Windows refuses a chain when either differs (ERROR_VHD_CHILD_PARENT_ID_MISMATCH,
/// ERROR_VHD_CHILD_PARENT_TIMESTAMP_MISMATCH). ImageOps refreshes the time stamp when it first writes
/// to a disk, so a parent modified after its children were made no longer matches them.
/// </summary>
internal static class VhdIdentity
{
    /// <summary>The identity string: the id and the time stamp in UTC.</summary>
    public static string Format(Guid uniqueId, uint timeStamp)
        => string.Format(CultureInfo.InvariantCulture, "{0:D} {1:yyyy-MM-ddTHH:mm:ssZ}", uniqueId, VhdTime.ToDateTime(timeStamp));
}
