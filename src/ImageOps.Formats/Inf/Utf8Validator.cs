namespace ImageOps.Formats.Inf;

/// <summary>
/// Strict UTF-8 checks (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), used to
/// tell UTF-8 without a byte order mark from 8-bit ANSI text.
/// </summary>
internal static class Utf8Validator
{
    /// <summary>True if all bytes in the range form valid UTF-8.</summary>
    public static bool IsValid(byte[] bytes, int offset, int end)
    {
        var i = offset;
        while (i < end)
        {
            if (bytes[i] < 0x80)
            {
                i++;
                continue;
            }

            var length = SequenceLength(bytes, i, end);
            if (length <= 0)
            {
                return false;
            }

            i += length;
        }

        return true;
    }

    /// <summary>The length of the valid sequence starting at <paramref name="i"/>, or 0 if it is not valid.</summary>
    public static int SequenceLength(byte[] bytes, int i, int end)
    {
        var b0 = bytes[i];
        if (b0 < 0x80)
        {
            return 1;
        }

        int length;
        int min;
        int cp;
        if ((b0 & 0xE0) == 0xC0)
        {
            length = 2;
            min = 0x80;
            cp = b0 & 0x1F;
        }
        else if ((b0 & 0xF0) == 0xE0)
        {
            length = 3;
            min = 0x800;
            cp = b0 & 0x0F;
        }
        else if ((b0 & 0xF8) == 0xF0)
        {
            length = 4;
            min = 0x10000;
            cp = b0 & 0x07;
        }
        else
        {
            return 0;
        }

        if (i + length > end)
        {
            return 0;
        }

        for (var k = 1; k < length; k++)
        {
            var b = bytes[i + k];
            if ((b & 0xC0) != 0x80)
            {
                return 0;
            }

            cp = (cp << 6) | (b & 0x3F);
        }

        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        {
            return 0;
        }

        return length;
    }
}
