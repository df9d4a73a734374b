using System;
using System.Globalization;

namespace ImageOps;

/// <summary>
/// A file's structure is malformed: it names the file, the format, the structure and the byte
/// offset where the problem is, as HOSTILE.md requires of every parser.
/// </summary>
public class CorruptImageException : ImageOpsException
{
    /// <summary>Creates the error.</summary>
    /// <param name="path">The file (or a description of the stream) that is corrupt.</param>
    /// <param name="format">The format being parsed, for example <c>VHDX</c>.</param>
    /// <param name="offset">Byte offset of the bad structure within the file, or -1 if unknown.</param>
    /// <param name="structure">The on-disk structure, for example <c>region table</c>.</param>
    /// <param name="detail">What is wrong with it.</param>
    /// <param name="errorId">Stable id; defaults to <c>ImageCorrupt</c>.</param>
    /// <param name="innerException">The underlying exception.</param>
    public CorruptImageException(string path, string format, long offset, string structure, string detail, string errorId = "ImageCorrupt", Exception? innerException = null)
        : base(errorId, ErrorKind.InvalidData, Compose(path, format, offset, structure, detail), path, innerException)
    {
        Path = path;
        Format = format;
        Offset = offset;
        Structure = structure;
        Detail = detail;
    }

    /// <summary>The file that is corrupt.</summary>
    public string Path { get; }

    /// <summary>The format being parsed.</summary>
    public string Format { get; }

    /// <summary>Byte offset of the bad structure, or -1 if unknown.</summary>
    public long Offset { get; }

    /// <summary>Name of the bad structure.</summary>
    public string Structure { get; }

    /// <summary>What is wrong.</summary>
    public string Detail { get; }

    private static string Compose(string path, string format, long offset, string structure, string detail)
    {
        var at = offset >= 0 ? string.Format(CultureInfo.InvariantCulture, " at offset {0} (0x{0:X})", offset) : string.Empty;
        return $"{format} {structure}{at} in '{path}' is not valid: {detail}";
    }
}
