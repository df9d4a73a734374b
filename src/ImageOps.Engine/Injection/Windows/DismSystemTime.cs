using System;
using System.Runtime.InteropServices;

namespace ImageOps.Engine.Injection.Windows;

/// <summary>
/// <c>SYSTEMTIME</c> (minwinbase.h): eight WORDs — year, month, day of week, day, hour, minute, second,
/// milliseconds — 16 bytes, 2-aligned, the same on every architecture.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct DismSystemTime
{
    public const int Size = 16;

    public ushort Year;
    public ushort Month;
    public ushort DayOfWeek;
    public ushort Day;
    public ushort Hour;
    public ushort Minute;
    public ushort Second;
    public ushort Milliseconds;

    /// <summary>
    /// The date and time, with no time zone (a driver date has none); null when DISM left it empty
    /// (year 0) or any field is out of range, rather than a made-up date.
    /// </summary>
    public DateTime? ToDateTime()
    {
        if (Year < 1 || Year > 9999 || Month < 1 || Month > 12 || Day < 1 || Day > DateTime.DaysInMonth(Year, Month)
            || Hour > 23 || Minute > 59 || Second > 59 || Milliseconds > 999)
        {
            return null;
        }

        return new DateTime(Year, Month, Day, Hour, Minute, Second, Milliseconds, DateTimeKind.Unspecified);
    }
}
