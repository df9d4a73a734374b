using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Injection;

/// <summary>
/// Reads <c>hivexregedit --export</c> output (regedit format) into (key, value) → (type, bytes), so the
/// values ImageOps wrote are compared byte for byte with what an independent reader finds.
/// </summary>
internal static class RegExport
{
    public static Dictionary<(string Key, string Value), (int Type, byte[] Data)> Export(string hiveFile, string key = "\\")
    {
        var result = ProcessRunner.Run(External.Tool("hivexregedit"), TimeSpan.FromMinutes(1), "--export", hiveFile, key).EnsureSuccess("hivexregedit --export");
        return Parse(result.Out);
    }

    public static Dictionary<(string Key, string Value), (int Type, byte[] Data)> Parse(string text)
    {
        var values = new Dictionary<(string, string), (int, byte[])>(new KeyComparer());
        var joined = text.Replace("\\\r\n", string.Empty).Replace("\\\n", string.Empty).Replace("\r\n", "\n");
        string? key = null;
        foreach (var raw in joined.Split('\n'))
        {
            var line = raw.TrimStart();
            if (line.StartsWith("[", StringComparison.Ordinal) && line.EndsWith("]", StringComparison.Ordinal))
            {
                key = line.Substring(1, line.Length - 2).TrimStart('\\');
                continue;
            }

            if (key is null || line.Length == 0 || line.StartsWith(";", StringComparison.Ordinal) || line.StartsWith("Windows Registry", StringComparison.Ordinal))
            {
                continue;
            }

            string name;
            string spec;
            if (line.StartsWith("@=", StringComparison.Ordinal))
            {
                name = string.Empty;
                spec = line.Substring(2);
            }
            else
            {
                var end = ClosingQuote(line, 1);
                name = Unescape(line.Substring(1, end - 1));
                spec = line.Substring(end + 2);
            }

            values[(key, name)] = Decode(spec);
        }

        return values;
    }

    private static (int, byte[]) Decode(string spec)
    {
        if (spec.StartsWith("\"", StringComparison.Ordinal))
        {
            var text = Unescape(spec.Substring(1, ClosingQuote(spec, 1) - 1));
            return (1, Encoding.Unicode.GetBytes(text + "\0"));
        }

        if (spec.StartsWith("dword:", StringComparison.Ordinal))
        {
            return (4, BitConverter.GetBytes(uint.Parse(spec.Substring(6), NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
        }

        var colon = spec.IndexOf(':');
        var head = spec.Substring(0, colon);
        var type = head == "hex" ? 3 : int.Parse(head.Substring(4, head.Length - 5), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var hex = spec.Substring(colon + 1).Replace(" ", string.Empty);
        var bytes = hex.Length == 0 ? Array.Empty<byte>() : hex.Split(',').Select(h => byte.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
        return (type, bytes);
    }

    private static int ClosingQuote(string text, int from)
    {
        for (var i = from; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == '"')
            {
                return i;
            }
        }

        throw new FormatException("Unterminated string in: " + text);
    }

    private static string Unescape(string text) => text.Replace("\\\"", "\"").Replace("\\\\", "\\");

    private sealed class KeyComparer : IEqualityComparer<(string, string)>
    {
        public bool Equals((string, string) x, (string, string) y)
            => string.Equals(x.Item1, y.Item1, StringComparison.OrdinalIgnoreCase) && string.Equals(x.Item2, y.Item2, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode((string, string) obj)
            => StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Item1) ^ StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Item2);
    }
}
