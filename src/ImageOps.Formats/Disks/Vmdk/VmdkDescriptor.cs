using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ImageOps.Formats.Disks.Vmdk;

/// <summary>
/// The text descriptor of a VMDK: a standalone file (monolithicFlat, twoGbMaxExtent*, vmfs) or the
/// area a sparse extent embeds at <c>descriptorOffset</c>. VMware "Virtual Disk Format 5.0",
/// "The Descriptor File": header lines (<c>version</c>, <c>CID</c>, <c>parentCID</c>,
/// <c>createType</c>, <c>parentFileNameHint</c>), extent lines, and the disk database
/// (<c>ddb.key = "value"</c>).
/// </summary>
/// <remarks>
/// The grammar is parsed strictly (HOSTILE.md): every line is blank, a comment, <c>key = value</c>
/// or an extent line; anything else, control characters, invalid UTF-8, duplicate keys and numbers
/// that overflow are refused. qemu's parser is a series of <c>strstr</c>/<c>sscanf</c> calls that
/// accept more; nothing VMware or qemu writes is refused here.
/// </remarks>
internal sealed class VmdkDescriptor
{
    /// <summary>Largest descriptor read (qemu <c>vmdk_read_desc</c> caps at 1 MiB too).</summary>
    public const int MaxSize = 1 << 20;

    /// <summary>Largest number of extent lines: 4096 extents of 2 GB (twoGbMaxExtent*) cover 8 TiB, beyond any hosted disk.</summary>
    public const int MaxExtents = 4096;

    /// <summary>The parentCID of a disk without a parent.</summary>
    public const uint NoParentCid = 0xFFFFFFFF;

    private const string Format = "VMDK";

    private readonly List<string> _lines;
    private readonly Dictionary<string, Entry> _entries;

    private VmdkDescriptor(List<string> lines, Dictionary<string, Entry> entries, List<VmdkExtentDescriptor> extents, string newline)
    {
        _lines = lines;
        _entries = entries;
        Extents = extents;
        NewLine = newline;
    }

    /// <summary>The extent lines, in order.</summary>
    public IReadOnlyList<VmdkExtentDescriptor> Extents { get; }

    /// <summary>The line ending the descriptor uses ("\n" or "\r\n"), kept when it is rewritten.</summary>
    public string NewLine { get; }

    /// <summary>The content ID: changes whenever the disk's data changes; children record it as parentCID.</summary>
    public uint? Cid { get; private set; }

    /// <summary>The parent's CID as recorded when this child was made, or <see cref="NoParentCid"/>.</summary>
    public uint ParentCid { get; private set; } = NoParentCid;

    public string? CreateType => Get("createType");

    public string? ParentFileNameHint => Get("parentFileNameHint");

    /// <summary>The value of a header or disk-database key, or null.</summary>
    public string? Get(string key) => _entries.TryGetValue(key, out var entry) ? entry.Value : null;

    /// <summary>
    /// Parses a descriptor. <paramref name="embedded"/>: the area inside a sparse extent, which ends at the
    /// first NUL (the rest of the area is zero padding); a standalone file must not contain NULs.
    /// </summary>
    public static VmdkDescriptor Parse(ReadOnlySpan<byte> data, string path, long fileOffset, bool embedded)
    {
        if (data.Length > MaxSize)
        {
            throw Corrupt(path, fileOffset, $"it is {data.Length} bytes, more than the {MaxSize} a descriptor may take", "VmdkDescriptorTooLarge");
        }

        var nul = data.IndexOf((byte)0);
        if (nul >= 0)
        {
            // qemu-img convert leaves a descriptor file padded with NULs to a sector; text after a NUL is refused.
            if (!embedded && !ZeroDetector.IsAllZero(data.Slice(nul)))
            {
                throw Corrupt(path, fileOffset + nul, "a text descriptor contains a NUL byte followed by more text");
            }

            data = data.Slice(0, nul);
        }

        var text = Decode(data, path, fileOffset);
        var lines = new List<string>(text.Split('\n'));
        var newline = "\n";
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].EndsWith("\r", StringComparison.Ordinal))
            {
                lines[i] = lines[i].Substring(0, lines[i].Length - 1);
                newline = "\r\n";
            }
        }

        // A trailing newline leaves an empty last element that is not a line of its own.
        if (lines.Count > 0 && lines[lines.Count - 1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        var entries = new Dictionary<string, Entry>(StringComparer.OrdinalIgnoreCase);
        var extents = new List<VmdkExtentDescriptor>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            foreach (var c in line)
            {
                if (char.IsControl(c) && c != '\t')
                {
                    throw Corrupt(path, fileOffset, $"line {i + 1} contains the control character U+{(int)c:X4}");
                }
            }

            var trimmed = line.Trim(' ', '\t');
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                continue;
            }

            if (TryParseExtent(trimmed, i + 1, path, fileOffset, out var extent))
            {
                if (extents.Count == MaxExtents)
                {
                    throw Corrupt(path, fileOffset, $"it lists more than {MaxExtents} extents", "VmdkDescriptorTooLarge");
                }

                extents.Add(extent);
                continue;
            }

            var (key, value) = ParseKeyValue(trimmed, i + 1, path, fileOffset);
            if (entries.ContainsKey(key))
            {
                throw Corrupt(path, fileOffset, $"line {i + 1} sets '{key}' a second time");
            }

            entries[key] = new Entry(value, i);
        }

        var descriptor = new VmdkDescriptor(lines, entries, extents, newline);
        descriptor.Validate(path, fileOffset);
        return descriptor;
    }

    /// <summary>Sets the CID and returns the descriptor's new text (qemu <c>vmdk_write_cid</c> rewrites it the same way).</summary>
    public byte[] WithCid(uint cid)
    {
        if (!_entries.TryGetValue("CID", out var entry))
        {
            throw new InvalidOperationException("The descriptor has no CID line to update.");
        }

        Cid = cid;
        _lines[entry.Line] = "CID=" + FormatCid(cid);
        _entries["CID"] = new Entry(FormatCid(cid), entry.Line);
        var builder = new StringBuilder();
        foreach (var line in _lines)
        {
            builder.Append(line).Append(NewLine);
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary>A CID as VMDK writes it: eight lowercase hex digits.</summary>
    public static string FormatCid(uint cid) => cid.ToString("x8", CultureInfo.InvariantCulture);

    /// <summary>A fresh random CID; never 0xFFFFFFFF or 0xFFFFFFFE, which some software reads as "no parent" (open-vmdk avoids them too).</summary>
    public static uint NewCid()
    {
        var bytes = new byte[4];
        using var rng = System.Security.Cryptography.RandomNumberGenerator.Create();
        uint cid;
        do
        {
            rng.GetBytes(bytes);
            cid = BitConverter.ToUInt32(bytes, 0);
        }
        while (cid >= 0xFFFFFFFE);
        return cid;
    }

    private void Validate(string path, long fileOffset)
    {
        var version = Get("version");
        if (version is not null && version != "1" && version != "2" && version != "3")
        {
            throw new UnsupportedFeatureException($"VMDK descriptor version {version}", $"The descriptor of '{path}' has version {version}; descriptor versions 1 to 3 are supported (as in qemu).", path, "VmdkVersionNotSupported");
        }

        Cid = ParseCid("CID", path, fileOffset);
        ParentCid = ParseCid("parentCID", path, fileOffset) ?? NoParentCid;
    }

    private uint? ParseCid(string key, string path, long fileOffset)
    {
        var text = Get(key);
        if (text is null)
        {
            return null;
        }

        if (text.Length == 0 || text.Length > 8 || !uint.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            throw Corrupt(path, fileOffset, $"{key} '{text}' is not a 32-bit hexadecimal number");
        }

        return value;
    }

    private static string Decode(ReadOnlySpan<byte> data, string path, long fileOffset)
    {
        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        try
        {
            var text = strict.GetString(data.ToArray());
            return text.Length > 0 && text[0] == '\uFEFF' ? text.Substring(1) : text;
        }
        catch (DecoderFallbackException)
        {
            // The encoding key is ASCII, so a Latin-1 view finds it whatever the real encoding.
            var latin = Encoding.GetEncoding(28591).GetString(data.ToArray());
            var at = latin.IndexOf("encoding", StringComparison.OrdinalIgnoreCase);
            if (at >= 0)
            {
                var end = latin.IndexOf('\n', at);
                var declared = latin.Substring(at, (end < 0 ? latin.Length : end) - at);
                if (declared.IndexOf("UTF-8", StringComparison.OrdinalIgnoreCase) < 0)
                {
                    throw new UnsupportedFeatureException("VMDK descriptor encoding", $"The descriptor of '{path}' uses a non-UTF-8 encoding ({declared.Trim()}) with non-ASCII text; only UTF-8 descriptors are read.", path, "VmdkDescriptorEncodingNotSupported");
                }
            }

            throw Corrupt(path, fileOffset, "it is not valid UTF-8 text");
        }
    }

    private static bool TryParseExtent(string line, int lineNumber, string path, long fileOffset, out VmdkExtentDescriptor extent)
    {
        extent = null!;
        var position = 0;
        var accessWord = NextWord(line, ref position);
        VmdkExtentAccess access;
        switch (accessWord)
        {
            case "RW":
                access = VmdkExtentAccess.ReadWrite;
                break;
            case "RDONLY":
                access = VmdkExtentAccess.ReadOnly;
                break;
            case "NOACCESS":
                access = VmdkExtentAccess.NoAccess;
                break;
            default:
                return false;
        }

        // From here on the line is an extent line and must be well formed.
        var sectors = ParseNumber(NextWord(line, ref position), "sector count", lineNumber, path, fileOffset);
        if (sectors <= 0)
        {
            throw Corrupt(path, fileOffset, $"the extent on line {lineNumber} has {sectors} sectors");
        }

        var typeWord = NextWord(line, ref position);
        VmdkExtentType type = typeWord switch
        {
            "FLAT" => VmdkExtentType.Flat,
            "SPARSE" => VmdkExtentType.Sparse,
            "ZERO" => VmdkExtentType.Zero,
            "VMFS" => VmdkExtentType.Vmfs,
            "VMFSSPARSE" => VmdkExtentType.VmfsSparse,
            "VMFSRDM" => VmdkExtentType.VmfsRdm,
            "VMFSRAW" => VmdkExtentType.VmfsRaw,
            "SESPARSE" => VmdkExtentType.SeSparse,
            "VSANSPARSE" => VmdkExtentType.VsanSparse,
            _ => throw Corrupt(path, fileOffset, $"line {lineNumber} names the unknown extent type '{typeWord}'"),
        };

        SkipBlanks(line, ref position);
        string? fileName = null;
        if (position < line.Length)
        {
            if (line[position] != '"')
            {
                throw Corrupt(path, fileOffset, $"the file name of the extent on line {lineNumber} is not quoted");
            }

            var close = line.IndexOf('"', position + 1);
            if (close < 0)
            {
                throw Corrupt(path, fileOffset, $"the file name of the extent on line {lineNumber} has no closing quote");
            }

            fileName = line.Substring(position + 1, close - position - 1);
            position = close + 1;
            if (fileName.Length == 0)
            {
                throw Corrupt(path, fileOffset, $"the extent on line {lineNumber} names an empty file");
            }
        }

        var offsetWord = NextWord(line, ref position);
        long offset = 0;
        var hasOffset = offsetWord.Length > 0;
        if (hasOffset)
        {
            offset = ParseNumber(offsetWord, "offset", lineNumber, path, fileOffset);
        }

        if (NextWord(line, ref position).Length > 0)
        {
            throw Corrupt(path, fileOffset, $"the extent on line {lineNumber} has text after its last field");
        }

        // qemu: FLAT needs an offset, every other type must not have one; ZERO has no file.
        if (type == VmdkExtentType.Zero ? fileName is not null || hasOffset : fileName is null)
        {
            throw Corrupt(path, fileOffset, type == VmdkExtentType.Zero ? $"the ZERO extent on line {lineNumber} names a file" : $"the extent on line {lineNumber} names no file");
        }

        if (type == VmdkExtentType.Flat != hasOffset && type != VmdkExtentType.Zero)
        {
            throw Corrupt(path, fileOffset, type == VmdkExtentType.Flat ? $"the FLAT extent on line {lineNumber} has no offset" : $"the {typeWord} extent on line {lineNumber} has an offset, which only FLAT extents take");
        }

        extent = new VmdkExtentDescriptor(access, sectors, type, fileName, offset, lineNumber);
        return true;
    }

    private static (string Key, string Value) ParseKeyValue(string line, int lineNumber, string path, long fileOffset)
    {
        var equals = line.IndexOf('=');
        if (equals <= 0)
        {
            throw Corrupt(path, fileOffset, $"line {lineNumber} is neither a comment, an extent nor 'key = value'");
        }

        var key = line.Substring(0, equals).TrimEnd(' ', '\t');
        if (key.Length == 0 || !char.IsLetter(key[0]) || !IsAsciiLetter(key[0]))
        {
            throw Corrupt(path, fileOffset, $"line {lineNumber} has the malformed key '{key}'");
        }

        foreach (var c in key)
        {
            if (!(IsAsciiLetter(c) || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            {
                throw Corrupt(path, fileOffset, $"line {lineNumber} has the malformed key '{key}'");
            }
        }

        var value = line.Substring(equals + 1).Trim(' ', '\t');
        if (value.Length > 0 && value[0] == '"')
        {
            if (value.Length < 2 || value[value.Length - 1] != '"' || value.IndexOf('"', 1) != value.Length - 1)
            {
                throw Corrupt(path, fileOffset, $"the value of '{key}' on line {lineNumber} is not one quoted string");
            }

            return (key, value.Substring(1, value.Length - 2));
        }

        if (value.IndexOf('"') >= 0 || value.IndexOf(' ') >= 0 || value.IndexOf('\t') >= 0)
        {
            throw Corrupt(path, fileOffset, $"the unquoted value of '{key}' on line {lineNumber} contains quotes or blanks");
        }

        return (key, value);
    }

    private static bool IsAsciiLetter(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

    private static long ParseNumber(string word, string what, int lineNumber, string path, long fileOffset)
    {
        // 18 digits stay below long.MaxValue; sectors of that size are refused later anyway.
        if (word.Length == 0 || word.Length > 18)
        {
            throw Corrupt(path, fileOffset, $"the {what} of the extent on line {lineNumber} is missing or too long");
        }

        foreach (var c in word)
        {
            if (c < '0' || c > '9')
            {
                throw Corrupt(path, fileOffset, $"the {what} '{word}' of the extent on line {lineNumber} is not a decimal number");
            }
        }

        return long.Parse(word, NumberStyles.None, CultureInfo.InvariantCulture);
    }

    private static string NextWord(string line, ref int position)
    {
        SkipBlanks(line, ref position);
        var start = position;
        while (position < line.Length && line[position] != ' ' && line[position] != '\t' && line[position] != '"')
        {
            position++;
        }

        return line.Substring(start, position - start);
    }

    private static void SkipBlanks(string line, ref int position)
    {
        while (position < line.Length && (line[position] == ' ' || line[position] == '\t'))
        {
            position++;
        }
    }

    private static CorruptImageException Corrupt(string path, long offset, string detail, string errorId = "VmdkDescriptorInvalid")
        => new(path, Format, offset, "descriptor", detail, errorId);

    private readonly struct Entry
    {
        public Entry(string value, int line)
        {
            Value = value;
            Line = line;
        }

        public string Value { get; }

        public int Line { get; }
    }
}
