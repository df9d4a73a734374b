using System.Globalization;
using System.Text;

namespace ImageOps.Formats.Inf;

/// <summary>
/// Turns the bytes of an INF into text the way SetupAPI does, plus the cases it does not handle but a
/// reader of real packages meets: a byte order mark selects UTF-16LE or UTF-8; without one, text whose
/// bytes alternate with NULs is UTF-16LE (SetupAPI asks <c>IsTextUnicode</c> the same question),
/// valid UTF-8 is UTF-8 (Windows would read it in the ANSI code page; ReactOS keeps its INFs so), and
/// anything else is Windows-1252. NULs become spaces and Ctrl-Z ends the text, as in SetupAPI's parser
/// (mirrored by Wine's dlls/setupapi/parser.c, which treats 0x1A as end of file and NUL as a space).
/// </summary>
internal static class InfTextDecoder
{
    // How many leading bytes the UTF-16 heuristic looks at: enough for many lines of an INF header.
    private const int ProbeBytes = 16 * 1024;

    public static InfDecodedText Decode(byte[] bytes, int length, InfDiagnosticBag bag)
    {
        if (length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE)
        {
            return Finish(DecodeUtf16(bytes, length, 2, bigEndian: false, bag), InfTextEncoding.Utf16LittleEndian, true, 2, bytes, length, bag);
        }

        if (length >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF)
        {
            bag.Error(InfDiagnosticCode.Utf16BigEndian, 0, 0, "The file is big-endian UTF-16; SetupAPI reads only little-endian Unicode INFs, so Windows would not read it.");
            return Finish(DecodeUtf16(bytes, length, 2, bigEndian: true, bag), InfTextEncoding.Utf16BigEndian, true, 2, bytes, length, bag);
        }

        if (length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
        {
            if (!Utf8Validator.IsValid(bytes, 3, length))
            {
                bag.Warning(InfDiagnosticCode.InvalidUtf8, 0, 0, "The file has a UTF-8 byte order mark but contains invalid UTF-8; the bad bytes were replaced by U+FFFD.");
            }

            return Finish(Encoding.UTF8.GetString(bytes, 3, length - 3), InfTextEncoding.Utf8, true, 3, bytes, length, bag);
        }

        var probe = UnicodeProbe(bytes, length);
        if (probe != 0)
        {
            var bigEndian = probe < 0;
            if (bigEndian)
            {
                bag.Error(InfDiagnosticCode.Utf16BigEndian, 0, 0, "The file looks like big-endian UTF-16 without a byte order mark; Windows would not read it.");
            }
            else
            {
                bag.Info(InfDiagnosticCode.Utf16WithoutByteOrderMark, 0, 0, "The file is UTF-16LE without a byte order mark (recognised by its NUL bytes).");
            }

            return Finish(DecodeUtf16(bytes, length, 0, bigEndian, bag), bigEndian ? InfTextEncoding.Utf16BigEndian : InfTextEncoding.Utf16LittleEndian, false, 0, bytes, length, bag);
        }

        var ascii = true;
        for (var i = 0; i < length; i++)
        {
            if (bytes[i] >= 0x80)
            {
                ascii = false;
                break;
            }
        }

        if (ascii)
        {
            return Finish(Encoding.ASCII.GetString(bytes, 0, length), InfTextEncoding.Ascii, false, 0, bytes, length, bag);
        }

        if (Utf8Validator.IsValid(bytes, 0, length))
        {
            bag.Info(InfDiagnosticCode.Utf8WithoutByteOrderMark, 0, 0, "The file is UTF-8 without a byte order mark; Windows reads such a file in the ANSI code page, so non-ASCII strings would differ.");
            return Finish(Encoding.UTF8.GetString(bytes, 0, length), InfTextEncoding.Utf8, false, 0, bytes, length, bag);
        }

        bag.Info(InfDiagnosticCode.AnsiCodePageAssumed, 0, 0, "The file is 8-bit text that is not UTF-8; it was decoded as Windows-1252 (Windows uses the system's ANSI code page).");
        return Finish(Windows1252.GetString(bytes, 0, length), InfTextEncoding.Windows1252, false, 0, bytes, length, bag);
    }

    /// <summary>+1 for UTF-16LE, -1 for UTF-16BE, 0 for 8-bit text.</summary>
    private static int UnicodeProbe(byte[] bytes, int length)
    {
        var n = length < ProbeBytes ? length : ProbeBytes;
        n &= ~1;
        var pairs = n / 2;
        if (pairs < 2)
        {
            return 0;
        }

        int lowZero = 0, highZero = 0;
        for (var i = 0; i < n; i += 2)
        {
            var lo = bytes[i];
            var hi = bytes[i + 1];
            if (hi == 0 && lo != 0)
            {
                highZero++;
            }
            else if (lo == 0 && hi != 0)
            {
                lowZero++;
            }
        }

        // 8-bit INF text has no NULs at all, while UTF-16 INF text is mostly ASCII, whose high byte is
        // zero; demand a clear majority one way and almost none the other way.
        if (highZero * 2 >= pairs && lowZero * 10 < pairs)
        {
            return 1;
        }

        if (lowZero * 2 >= pairs && highZero * 10 < pairs)
        {
            return -1;
        }

        return 0;
    }

    private static string DecodeUtf16(byte[] bytes, int length, int offset, bool bigEndian, InfDiagnosticBag bag)
    {
        var count = length - offset;
        if ((count & 1) != 0)
        {
            bag.Warning(InfDiagnosticCode.OddUtf16Length, 0, 0, "The UTF-16 text has an odd number of bytes; the last byte was ignored.");
            count--;
        }

        return (bigEndian ? Encoding.BigEndianUnicode : Encoding.Unicode).GetString(bytes, offset, count);
    }

    private static InfDecodedText Finish(string text, InfTextEncoding encoding, bool bom, int preamble, byte[] bytes, int length, InfDiagnosticBag bag)
    {
        var eof = text.IndexOf('\u001A');
        if (eof >= 0)
        {
            var (line, column) = Position(text, eof);
            bag.Info(InfDiagnosticCode.EndOfFileMarker, line, column, "A Ctrl-Z character ends the text here, as in SetupAPI; anything after it is ignored.");
            text = text.Substring(0, eof);
        }

        var nul = text.IndexOf('\0');
        if (nul >= 0)
        {
            var count = 0;
            var chars = text.ToCharArray();
            for (var i = nul; i < chars.Length; i++)
            {
                if (chars[i] == '\0')
                {
                    chars[i] = ' ';
                    count++;
                }
            }

            var (line, column) = Position(text, nul);
            bag.Warning(InfDiagnosticCode.NulCharacter, line, column, string.Format(CultureInfo.InvariantCulture, "{0} NUL character(s) in the text were read as spaces.", count));
            text = new string(chars);
        }

        return new InfDecodedText(text, encoding, bom, preamble, bytes, length);
    }

    internal static (int Line, int Column) Position(string text, int index)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < index && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, index - lineStart + 1);
    }
}
