using System;
using System.Collections.Generic;
using System.Text;
using Newtonsoft.Json.Linq;

namespace ImageOps.Engine.Injection;

/// <summary>
/// One line of the first-boot result log (<c>Windows\ImageOps\FirstBoot\log.jsonl</c>): a JSON object
/// per line, UTF-8 without BOM, <c>\n</c>-terminated, appended by the installer, with the fields
/// <c>time</c> (UTC, ISO 8601), <c>boot</c> (a GUID per run), <c>event</c> (start, deferred,
/// pendingRebootIgnored, installed, installedRebootRequired, noDevice, failed, quarantined,
/// quarantineFailed, missing, stubRemovalFailed, completed), <c>package</c> (staging folder name or ""),
/// <c>inf</c>, <c>attempt</c> (0 when not an attempt), <c>exitCode</c> (pnputil's, or null; -1 for a
/// timeout) and <c>message</c> (pnputil's output or an explanation).
/// </summary>
public sealed class FirstBootLogEntry
{
    /// <summary>When.</summary>
    public DateTimeOffset? Time { get; set; }

    /// <summary>Which run.</summary>
    public string Boot { get; set; } = string.Empty;

    /// <summary>What happened.</summary>
    public string Event { get; set; } = string.Empty;

    /// <summary>The package's staging folder name, or "".</summary>
    public string Package { get; set; } = string.Empty;

    /// <summary>The INF.</summary>
    public string Inf { get; set; } = string.Empty;

    /// <summary>The attempt number.</summary>
    public int Attempt { get; set; }

    /// <summary>pnputil's exit code.</summary>
    public int? ExitCode { get; set; }

    /// <summary>Output or explanation.</summary>
    public string Message { get; set; } = string.Empty;

    /// <summary>One line.</summary>
    public override string ToString() => $"{Time:u} {Event} {Package} {ExitCode} {Message}";
}

/// <summary>Reads the first-boot result log offline.</summary>
public static class FirstBootLog
{
    /// <summary>Longest log read (a log that grew past this is read up to it).</summary>
    public const int MaxBytes = 16 << 20;

    /// <summary>Parses the log; lines that are not JSON objects (a line cut by a power loss) are skipped.</summary>
    public static IReadOnlyList<FirstBootLogEntry> Parse(byte[]? content)
    {
        var entries = new List<FirstBootLogEntry>();
        if (content is null)
        {
            return entries;
        }

        var text = Encoding.UTF8.GetString(content, 0, Math.Min(content.Length, MaxBytes));
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] != '{')
            {
                continue;
            }

            try
            {
                var o = JObject.Parse(line);
                entries.Add(new FirstBootLogEntry
                {
                    Time = DateTimeOffset.TryParse((string?)o["time"], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? t : null,
                    Boot = (string?)o["boot"] ?? string.Empty,
                    Event = (string?)o["event"] ?? string.Empty,
                    Package = (string?)o["package"] ?? string.Empty,
                    Inf = (string?)o["inf"] ?? string.Empty,
                    Attempt = o["attempt"]?.Type == JTokenType.Integer ? (int)o["attempt"]! : 0,
                    ExitCode = o["exitCode"]?.Type == JTokenType.Integer ? (int)o["exitCode"]! : null,
                    Message = (string?)o["message"] ?? string.Empty,
                });
            }
            catch (Newtonsoft.Json.JsonException)
            {
                // A torn last line: the rest of the log is still worth reading.
            }
        }

        return entries;
    }
}
