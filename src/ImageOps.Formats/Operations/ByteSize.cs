using System;
using System.Globalization;

namespace ImageOps;

/// <summary>Byte counts for people (binary units: KiB, MiB, GiB…). Objects and JSON always carry raw bytes.</summary>
public static class ByteSize
{
    private static readonly string[] Units = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };

    /// <summary>Formats <paramref name="bytes"/> with one decimal, for example <c>1.5 GiB</c>.</summary>
    public static string Format(long bytes, IFormatProvider? culture = null)
    {
        culture ??= CultureInfo.CurrentCulture;
        double value = bytes;
        var unit = 0;
        while (System.Math.Abs(value) >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Format(culture, "{0} B", bytes)
            : string.Format(culture, "{0:0.0} {1}", value, Units[unit]);
    }
}
