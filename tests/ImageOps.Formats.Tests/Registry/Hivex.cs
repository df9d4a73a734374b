using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using ImageOps.Formats.Registry;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Registry;

/// <summary>A key's values as (type, bytes) by name.</summary>
internal sealed class RegValues : Dictionary<string, (uint Type, byte[] Data)>
{
    public RegValues()
        : base(StringComparer.Ordinal)
    {
    }
}

/// <summary>
/// Drives hivex's tools (libhivex-bin, libwin-hivex-perl) and reads their output into a model that can be
/// compared with ours: key path ("\" for the root, "\A\B" below it) to values.
/// </summary>
internal static class Hivex
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>hivexregedit --export of the whole hive, parsed.</summary>
    public static Dictionary<string, RegValues> Export(string hive)
    {
        var result = ProcessRunner.Run(External.Tool("hivexregedit"), Timeout, "--export", hive, "\\").EnsureSuccess("hivexregedit --export");
        return ParseReg(result.Out);
    }

    /// <summary>hivexregedit --merge of a .reg text (UTF-8) into the hive file.</summary>
    public static void Merge(string hive, string reg, TempFolder folder)
    {
        var file = folder.Combine("merge-" + Guid.NewGuid().ToString("N").Substring(0, 8) + ".reg");
        File.WriteAllText(file, reg, new UTF8Encoding(false));
        ProcessRunner.Run(External.Tool("hivexregedit"), Timeout, "--merge", hive, file).EnsureSuccess("hivexregedit --merge");
    }

    /// <summary>Runs a hivexsh script (-w to allow writes) and returns its output.</summary>
    public static string Sh(string hive, bool write, TempFolder folder, params string[] commands)
    {
        var script = folder.Combine("script-" + Guid.NewGuid().ToString("N").Substring(0, 8) + ".txt");
        File.WriteAllText(script, string.Join("\n", commands) + "\n", new UTF8Encoding(false));
        var args = new List<string>();
        if (write)
        {
            args.Add("-w");
        }

        args.AddRange(new[] { "-f", script, hive });
        return ProcessRunner.Run(External.Tool("hivexsh"), Timeout, args.ToArray()).EnsureSuccess("hivexsh").Out;
    }

    /// <summary>hivexget's printout of one value.</summary>
    public static string Get(string hive, string key, string value)
        => ProcessRunner.Run(External.Tool("hivexget"), Timeout, hive, key, value).EnsureSuccess("hivexget").Out.TrimEnd('\n');

    /// <summary>Our reading of a hive in the same model.</summary>
    public static Dictionary<string, RegValues> Model(RegistryHive hive, bool asHivexPrintsNames = false)
    {
        var model = new Dictionary<string, RegValues>(StringComparer.Ordinal);
        foreach (var key in hive.EnumerateKeys())
        {
            var values = new RegValues();
            foreach (var value in key.GetValues())
            {
                values[asHivexPrintsNames ? AsHivexPrints(value.Name) : value.Name] = ((uint)value.Type, value.GetData());
            }

            var path = "\\" + key.Path;
            model[asHivexPrintsNames ? string.Join("\\", path.Split('\\').Select(AsHivexPrints)) : path] = values;
        }

        return model;
    }

    /// <summary>
    /// hivex 1.3.23 prints a compressed (Latin-1) name's bytes as they are, which are not UTF-8 for
    /// characters 0x80-0xFF; decoded as UTF-8 each becomes U+FFFD. Names with wider characters are
    /// stored as UTF-16 and printed correctly.
    /// </summary>
    public static string AsHivexPrints(string name)
        => name.Any(c => c > 0xFF) ? name : new string(name.Select(c => c >= 0x80 ? '\uFFFD' : c).ToArray());

    public static void AssertSame(Dictionary<string, RegValues> expected, Dictionary<string, RegValues> actual)
    {
        var missing = expected.Keys.Except(actual.Keys, StringComparer.Ordinal).Take(5).ToList();
        var extra = actual.Keys.Except(expected.Keys, StringComparer.Ordinal).Take(5).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0, $"keys only expected: [{string.Join(" | ", missing)}]; keys only actual: [{string.Join(" | ", extra)}]");
        foreach (var (path, values) in expected)
        {
            var other = actual[path];
            Assert.True(values.Keys.OrderBy(k => k, StringComparer.Ordinal).SequenceEqual(other.Keys.OrderBy(k => k, StringComparer.Ordinal)), $"values of {path}: [{string.Join(",", values.Keys)}] vs [{string.Join(",", other.Keys)}]");
            foreach (var (name, (type, data)) in values)
            {
                Assert.True(type == other[name].Type, $"{path} [{name}] type {type} vs {other[name].Type}");
                Assert.True(data.SequenceEqual(other[name].Data), $"{path} [{name}] data differs ({data.Length} vs {other[name].Data.Length} bytes)");
            }
        }
    }

    /// <summary>Parses regedit format as hivexregedit --export writes it.</summary>
    public static Dictionary<string, RegValues> ParseReg(string text)
    {
        var model = new Dictionary<string, RegValues>(StringComparer.Ordinal);
        RegValues? current = null;
        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            while (line.EndsWith("\\", StringComparison.Ordinal) && i + 1 < lines.Length && line.Contains('='))
            {
                line = line.Substring(0, line.Length - 1) + lines[++i].TrimStart();
            }

            if (line.StartsWith("[", StringComparison.Ordinal) && line.EndsWith("]", StringComparison.Ordinal))
            {
                var path = line.Substring(1, line.Length - 2);
                current = new RegValues();
                model[path] = current;
                continue;
            }

            if (current is null || line.Length == 0 || !(line[0] == '"' || line[0] == '@'))
            {
                continue;
            }

            string name;
            int at;
            if (line[0] == '@')
            {
                name = string.Empty;
                at = 1;
            }
            else
            {
                var sb = new StringBuilder();
                at = 1;
                while (line[at] != '"')
                {
                    if (line[at] == '\\')
                    {
                        at++;
                    }

                    sb.Append(line[at++]);
                }

                name = sb.ToString();
                at++;
            }

            Assert.Equal('=', line[at]);
            current[name] = ParseData(line.Substring(at + 1));
        }

        return model;
    }

    private static (uint, byte[]) ParseData(string text)
    {
        if (text.StartsWith("dword:", StringComparison.Ordinal))
        {
            return (4, BitConverter.GetBytes(uint.Parse(text.Substring(6), NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
        }

        uint type = 3;
        string hex;
        if (text.StartsWith("hex(", StringComparison.Ordinal))
        {
            var close = text.IndexOf(')');
            type = uint.Parse(text.Substring(4, close - 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            hex = text.Substring(close + 2);
        }
        else if (text.StartsWith("hex:", StringComparison.Ordinal))
        {
            hex = text.Substring(4);
        }
        else
        {
            throw new FormatException("Unexpected value format: " + text.Substring(0, Math.Min(40, text.Length)));
        }

        var bytes = hex.Length == 0 ? Array.Empty<byte>() : hex.Split(',').Select(b => byte.Parse(b.Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
        return (type, bytes);
    }

    /// <summary>A .reg value line for hivexregedit --merge.</summary>
    public static string RegLine(string name, uint type, byte[] data)
    {
        var quoted = name.Length == 0 ? "@" : "\"" + name.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        var hex = string.Join(",", data.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        return $"{quoted}=hex({type:x}):{hex}";
    }
}
