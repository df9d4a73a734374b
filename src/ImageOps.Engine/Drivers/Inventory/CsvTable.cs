using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace ImageOps.Engine.Drivers;

/// <summary>
/// A CSV reader for what Export-Csv and spreadsheet tools write (RFC 4180): quoted fields with doubled
/// quotes and embedded line breaks; a byte order mark; Windows PowerShell's <c>#TYPE</c> first line; comma,
/// semicolon (Export-Csv -UseCulture in many locales) or tab, chosen from the header line. Rows and fields
/// are bounded so a hostile file cannot exhaust memory.
/// </summary>
internal static class CsvTable
{
    public const int MaxFieldLength = 1 << 20;

    public static (IReadOnlyList<string> Header, IEnumerable<IReadOnlyList<string>> Rows) Read(TextReader reader, string path)
    {
        var first = ReadRecord(reader, ',', path, out var rawFirst);
        while (first is not null && (rawFirst.StartsWith("#TYPE", StringComparison.OrdinalIgnoreCase) || rawFirst.StartsWith("#", StringComparison.Ordinal) && first.Count == 1 || IsBlank(first)))
        {
            first = ReadRecord(reader, ',', path, out rawFirst);
        }

        if (first is null)
        {
            throw new InvalidRequestException(ErrorIds.DriverInventoryInvalid, $"The inventory '{path}' is empty.", path);
        }

        // The header decides the delimiter: the one that splits it into the most fields.
        var delimiter = ',';
        var best = Split(rawFirst, ',').Count;
        foreach (var candidate in new[] { ';', '\t' })
        {
            var count = Split(rawFirst, candidate).Count;
            if (count > best)
            {
                best = count;
                delimiter = candidate;
            }
        }

        var header = delimiter == ',' ? first : Split(rawFirst, delimiter);
        return (header, Rows(reader, delimiter, path));
    }

    private static IEnumerable<IReadOnlyList<string>> Rows(TextReader reader, char delimiter, string path)
    {
        while (true)
        {
            var record = ReadRecord(reader, delimiter, path, out _);
            if (record is null)
            {
                yield break;
            }

            if (!IsBlank(record))
            {
                yield return record;
            }
        }
    }

    private static bool IsBlank(IReadOnlyList<string> record) => record.Count == 1 && record[0].Trim().Length == 0;

    private static List<string> Split(string line, char delimiter)
    {
        using var reader = new StringReader(line);
        return ReadRecord(reader, delimiter, string.Empty, out _) ?? new List<string>();
    }

    /// <summary>One record (which may span lines inside quotes), or null at the end.</summary>
    private static List<string>? ReadRecord(TextReader reader, char delimiter, string path, out string raw)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var rawText = new StringBuilder();
        var inQuotes = false;
        var any = false;
        while (true)
        {
            var c = reader.Read();
            if (c < 0)
            {
                raw = rawText.ToString();
                if (!any)
                {
                    return null;
                }

                fields.Add(field.ToString());
                return fields;
            }

            any = true;
            var ch = (char)c;
            if (rawText.Length < MaxFieldLength)
            {
                rawText.Append(ch);
            }

            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    field.Append(ch);
                }
            }
            else if (ch == '"')
            {
                inQuotes = true;
            }
            else if (ch == delimiter)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (ch == '\r' || ch == '\n')
            {
                if (ch == '\r' && reader.Peek() == '\n')
                {
                    reader.Read();
                }

                raw = rawText.ToString().TrimEnd('\r', '\n');
                fields.Add(field.ToString());
                return fields;
            }
            else
            {
                field.Append(ch);
            }

            if (field.Length > MaxFieldLength || fields.Count > 4096)
            {
                throw new InvalidRequestException(ErrorIds.DriverInventoryInvalid, $"The inventory '{path}' has a field longer than {MaxFieldLength} characters or a row of more than 4096 fields (an unterminated quote?).", path);
            }
        }
    }
}
