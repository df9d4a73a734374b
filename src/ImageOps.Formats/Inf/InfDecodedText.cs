namespace ImageOps.Formats.Inf;

/// <summary>The text of an INF after decoding, with what is needed to map a character back to its byte.</summary>
internal sealed class InfDecodedText
{
    private readonly byte[] _bytes;
    private readonly int _length;

    public InfDecodedText(string text, InfTextEncoding encoding, bool hasByteOrderMark, int preambleBytes, byte[] bytes, int length)
    {
        Text = text;
        Encoding = encoding;
        HasByteOrderMark = hasByteOrderMark;
        PreambleBytes = preambleBytes;
        _bytes = bytes;
        _length = length;
    }

    public string Text { get; }

    public InfTextEncoding Encoding { get; }

    public bool HasByteOrderMark { get; }

    public int PreambleBytes { get; }

    /// <summary>
    /// The byte offset of the character at <paramref name="charIndex"/> in the decoded text. Exact for
    /// UTF-16, ANSI and valid UTF-8; for invalid UTF-8 each bad byte counts as one character, which is
    /// how the decoder replaced them.
    /// </summary>
    public long ByteOffsetOf(int charIndex)
    {
        if (charIndex < 0)
        {
            return -1;
        }

        switch (Encoding)
        {
            case InfTextEncoding.Utf16LittleEndian:
            case InfTextEncoding.Utf16BigEndian:
                return PreambleBytes + (2L * charIndex);
            case InfTextEncoding.Ascii:
            case InfTextEncoding.Windows1252:
                return PreambleBytes + (long)charIndex;
            default:
                return Utf8ByteOffset(charIndex);
        }
    }

    private long Utf8ByteOffset(int charIndex)
    {
        var i = PreambleBytes;
        var chars = 0;
        while (i < _length && chars < charIndex)
        {
            var length = Utf8Validator.SequenceLength(_bytes, i, _length);
            if (length <= 0)
            {
                i++;
                chars++;
                continue;
            }

            chars += length == 4 ? 2 : 1;
            i += length;
        }

        return i;
    }
}
