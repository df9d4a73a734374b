using System;
using System.Globalization;

namespace ImageOps.Formats.Inf;

/// <summary>
/// A DriverVer directive: <c>DriverVer=mm/dd/yyyy[,w.x.y.z]</c>. The date is month/day/year with
/// <c>/</c> or <c>-</c> between; each version part is 0-65535. Windows treats a missing or invalid
/// date as 00/00/0000 when it ranks drivers. Source: "INF DriverVer Directive" (learn.microsoft.com).
/// </summary>
public sealed class InfDriverVersion
{
    private InfDriverVersion(string rawDate, string? rawVersion, int line, int column)
    {
        RawDate = rawDate;
        RawVersion = rawVersion;
        Line = line;
        Column = column;
    }

    /// <summary>The date as written.</summary>
    public string RawDate { get; }

    /// <summary>The version as written, or null if absent.</summary>
    public string? RawVersion { get; }

    /// <summary>The date, or null if it is not a valid month/day/year.</summary>
    public DateTime? Date { get; private set; }

    /// <summary>The four-part version, or null if absent or invalid.</summary>
    public Version? Version { get; private set; }

    /// <summary>True if the date is valid and the version is absent or valid.</summary>
    public bool IsValid { get; private set; }

    /// <summary>What is wrong, or null.</summary>
    public string? Problem { get; private set; }

    /// <summary>1-based line of the directive.</summary>
    public int Line { get; }

    /// <summary>1-based column of the directive.</summary>
    public int Column { get; }

    /// <summary>Reads the two fields of a DriverVer entry; never throws.</summary>
    public static InfDriverVersion Parse(string rawDate, string? rawVersion, int line = 0, int column = 0)
    {
        var result = new InfDriverVersion(rawDate?.Trim() ?? string.Empty, string.IsNullOrWhiteSpace(rawVersion) ? null : rawVersion!.Trim(), line, column);
        result.Date = ParseDate(result.RawDate, out var dateProblem);
        string? versionProblem = null;
        if (result.RawVersion is not null)
        {
            result.Version = ParseVersion(result.RawVersion, out versionProblem);
        }

        result.Problem = dateProblem ?? versionProblem;
        result.IsValid = result.Problem is null;
        return result;
    }

    /// <summary>For example <c>06/21/2006,10.0.19041.1</c>.</summary>
    public override string ToString() => RawVersion is null ? RawDate : RawDate + "," + RawVersion;

    private static DateTime? ParseDate(string text, out string? problem)
    {
        problem = null;
        var parts = text.Split('/', '-');
        if (parts.Length != 3)
        {
            problem = "the date '" + text + "' is not mm/dd/yyyy";
            return null;
        }

        if (!Digits(parts[0], 1, 2, out var month) || !Digits(parts[1], 1, 2, out var day) || !Digits(parts[2], 4, 4, out var year))
        {
            problem = "the date '" + text + "' is not mm/dd/yyyy with numeric fields and a four-digit year";
            return null;
        }

        if (month < 1 || month > 12 || year < 1 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            problem = "the date '" + text + "' is not a calendar date";
            return null;
        }

        return new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Unspecified);
    }

    private static Version? ParseVersion(string text, out string? problem)
    {
        problem = null;
        var parts = text.Split('.');
        if (parts.Length > 4)
        {
            problem = "the version '" + text + "' has more than four parts";
            return null;
        }

        var numbers = new int[4];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!Digits(parts[i], 1, 5, out numbers[i]) || numbers[i] > 65535)
            {
                problem = "the version '" + text + "' has a part that is not a number from 0 to 65535";
                return null;
            }
        }

        return new Version(numbers[0], numbers[1], numbers[2], numbers[3]);
    }

    private static bool Digits(string s, int minLength, int maxLength, out int value)
    {
        value = 0;
        s = s.Trim();
        if (s.Length < minLength || s.Length > maxLength)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (c < '0' || c > '9')
            {
                return false;
            }
        }

        return int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
