using System;
using System.IO;

namespace ImageOps.Formats.Compression;

/// <summary>
/// A DEFLATE decoder (RFC 1951) that writes into a caller's buffer whose first bytes may already hold
/// history, so back-references can reach into it. .NET's DeflateStream cannot take a preset dictionary,
/// and MSZIP needs exactly that: each 32 KiB CAB block is a deflate stream that may refer to the
/// previous block's output ([MS-MCI] 2.1; libmspack mszipd.c keeps the previous frame in its window).
/// <para>
/// Hostile input: every code, length and distance is checked; output never goes past the limit the
/// caller gives; reading past the input is an error, not zeros; there is no recursion. Any problem is
/// an <see cref="InvalidDataException"/> with what was wrong, for the caller to wrap with its context.
/// </para>
/// </summary>
internal sealed class Inflater
{
    /// <summary>The largest back-reference distance RFC 1951 allows.</summary>
    public const int WindowSize = 32768;

    private const int MaxCodeLength = 15;

    // RFC 1951 3.2.5.
    private static readonly ushort[] LengthBase = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
    private static readonly byte[] LengthExtra = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
    private static readonly ushort[] DistanceBase = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577 };
    private static readonly byte[] DistanceExtra = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

    // RFC 1951 3.2.7: the order code length code lengths are stored in.
    private static readonly byte[] CodeLengthOrder = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };

    private static readonly HuffmanTable FixedLiterals = BuildFixedLiterals();
    private static readonly HuffmanTable FixedDistances = BuildFixedDistances();

    private readonly byte[] _input;
    private readonly int _end;
    private int _position;
    private ulong _bits;
    private int _bitCount;

    /// <summary>Decodes <paramref name="count"/> bytes of <paramref name="input"/> from <paramref name="offset"/>.</summary>
    public Inflater(byte[] input, int offset, int count)
    {
        _input = input ?? throw new ArgumentNullException(nameof(input));
        if (offset < 0 || count < 0 || offset + count > input.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _position = offset;
        _end = offset + count;
    }

    /// <summary>Bytes of input not yet consumed (whole bytes after the last bit used).</summary>
    public int RemainingInputBytes => _end - _position + (_bitCount / 8);

    /// <summary>
    /// Decodes blocks until the one marked final, appending to <paramref name="output"/> at
    /// <paramref name="position"/>. Back-references may reach down to index 0 of the buffer (the history)
    /// but not before it; output may not pass <paramref name="limit"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The stream is malformed, refers before the history, or expands past the limit.</exception>
    public void InflateToEnd(byte[] output, ref int position, int limit)
    {
        if (limit > output.Length || position < 0 || position > limit)
        {
            throw new ArgumentOutOfRangeException(nameof(limit));
        }

        bool last;
        do
        {
            last = Bits(1) == 1;
            var type = Bits(2);
            switch (type)
            {
                case 0:
                    Stored(output, ref position, limit);
                    break;
                case 1:
                    Codes(output, ref position, limit, FixedLiterals, FixedDistances);
                    break;
                case 2:
                    var (literals, distances) = ReadDynamicTables();
                    Codes(output, ref position, limit, literals, distances);
                    break;
                default:
                    throw new InvalidDataException("deflate block type 3 is reserved");
            }
        }
        while (!last);
    }

    private void Stored(byte[] output, ref int position, int limit)
    {
        // Drop the rest of the current byte; the length fields are byte-aligned.
        _bits >>= _bitCount & 7;
        _bitCount -= _bitCount & 7;
        var length = Bits(16);
        var complement = Bits(16);
        if ((length ^ 0xFFFF) != complement)
        {
            throw new InvalidDataException("a stored block's length and its complement disagree");
        }

        if (position + length > limit)
        {
            throw new InvalidDataException("a stored block expands past the declared size");
        }

        // Whole bytes still in the bit buffer come first.
        while (length > 0 && _bitCount >= 8)
        {
            output[position++] = (byte)Bits(8);
            length--;
        }

        if (_end - _position < length)
        {
            throw new InvalidDataException("a stored block runs past the end of the input");
        }

        Buffer.BlockCopy(_input, _position, output, position, length);
        _position += length;
        position += length;
    }

    private void Codes(byte[] output, ref int position, int limit, HuffmanTable literals, HuffmanTable distances)
    {
        while (true)
        {
            var symbol = Decode(literals);
            if (symbol < 256)
            {
                if (position >= limit)
                {
                    throw new InvalidDataException("the data expands past the declared size");
                }

                output[position++] = (byte)symbol;
                continue;
            }

            if (symbol == 256)
            {
                return;
            }

            symbol -= 257;
            if (symbol >= 29)
            {
                throw new InvalidDataException("invalid length code " + (symbol + 257));
            }

            var length = LengthBase[symbol] + Bits(LengthExtra[symbol]);
            var distanceSymbol = Decode(distances);
            if (distanceSymbol >= 30)
            {
                throw new InvalidDataException("invalid distance code " + distanceSymbol);
            }

            var distance = DistanceBase[distanceSymbol] + Bits(DistanceExtra[distanceSymbol]);
            if (distance > position)
            {
                throw new InvalidDataException("a back-reference reaches before the start of the history");
            }

            if (position + length > limit)
            {
                throw new InvalidDataException("the data expands past the declared size");
            }

            // Byte by byte: source and destination overlap when distance < length (a run).
            var from = position - distance;
            for (var i = 0; i < length; i++)
            {
                output[position++] = output[from++];
            }
        }
    }

    private (HuffmanTable Literals, HuffmanTable Distances) ReadDynamicTables()
    {
        var literalCount = Bits(5) + 257;
        var distanceCount = Bits(5) + 1;
        var codeLengthCount = Bits(4) + 4;
        if (literalCount > 286 || distanceCount > 30)
        {
            throw new InvalidDataException("a dynamic block declares too many codes");
        }

        var codeLengthLengths = new byte[19];
        for (var i = 0; i < codeLengthCount; i++)
        {
            codeLengthLengths[CodeLengthOrder[i]] = (byte)Bits(3);
        }

        var codeLengths = HuffmanTable.Build(codeLengthLengths, 0, 19, "code length");
        var lengths = new byte[literalCount + distanceCount];
        var index = 0;
        while (index < lengths.Length)
        {
            var symbol = Decode(codeLengths);
            if (symbol < 16)
            {
                lengths[index++] = (byte)symbol;
                continue;
            }

            int repeat;
            byte value = 0;
            if (symbol == 16)
            {
                if (index == 0)
                {
                    throw new InvalidDataException("a code length repeat has nothing to repeat");
                }

                value = lengths[index - 1];
                repeat = 3 + Bits(2);
            }
            else if (symbol == 17)
            {
                repeat = 3 + Bits(3);
            }
            else
            {
                repeat = 11 + Bits(7);
            }

            if (index + repeat > lengths.Length)
            {
                throw new InvalidDataException("code length repeats run past the declared counts");
            }

            for (var i = 0; i < repeat; i++)
            {
                lengths[index++] = value;
            }
        }

        if (lengths[256] == 0)
        {
            throw new InvalidDataException("the literal/length code has no end-of-block code");
        }

        return (HuffmanTable.Build(lengths, 0, literalCount, "literal/length"), HuffmanTable.Build(lengths, literalCount, distanceCount, "distance"));
    }

    private int Decode(HuffmanTable table)
    {
        Fill(MaxCodeLength);
        var entry = table.Lookup[(int)(_bits & (uint)table.Mask)];
        var length = entry & 0xF;
        if (entry == 0 || length > _bitCount)
        {
            throw new InvalidDataException(entry == 0 ? "a " + table.Name + " code is not in the table" : "the input ends inside a code");
        }

        _bits >>= length;
        _bitCount -= length;
        return entry >> 4;
    }

    private int Bits(int count)
    {
        if (count == 0)
        {
            return 0;
        }

        Fill(count);
        if (_bitCount < count)
        {
            throw new InvalidDataException("the input ends inside a block");
        }

        var value = (int)(_bits & ((1UL << count) - 1));
        _bits >>= count;
        _bitCount -= count;
        return value;
    }

    private void Fill(int needed)
    {
        while (_bitCount < needed && _position < _end)
        {
            _bits |= (ulong)_input[_position++] << _bitCount;
            _bitCount += 8;
        }
    }

    private static HuffmanTable BuildFixedLiterals()
    {
        // RFC 1951 3.2.6.
        var lengths = new byte[288];
        for (var i = 0; i < 144; i++)
        {
            lengths[i] = 8;
        }

        for (var i = 144; i < 256; i++)
        {
            lengths[i] = 9;
        }

        for (var i = 256; i < 280; i++)
        {
            lengths[i] = 7;
        }

        for (var i = 280; i < 288; i++)
        {
            lengths[i] = 8;
        }

        return HuffmanTable.Build(lengths, 0, 288, "fixed literal/length");
    }

    private static HuffmanTable BuildFixedDistances()
    {
        var lengths = new byte[30];
        for (var i = 0; i < lengths.Length; i++)
        {
            lengths[i] = 5;
        }

        return HuffmanTable.Build(lengths, 0, 30, "fixed distance");
    }

    /// <summary>
    /// A canonical Huffman code as a direct lookup table indexed by the next <c>MaxCodeLength</c> input
    /// bits (least significant first, as deflate packs them): entry = symbol &lt;&lt; 4 | length, 0 if unused.
    /// </summary>
    private sealed class HuffmanTable
    {
        private HuffmanTable(string name, ushort[] lookup, int mask)
        {
            Name = name;
            Lookup = lookup;
            Mask = mask;
        }

        public string Name { get; }

        public ushort[] Lookup { get; }

        public int Mask { get; }

        public static HuffmanTable Build(byte[] lengths, int offset, int count, string name)
        {
            var counts = new int[MaxCodeLength + 1];
            var maxLength = 0;
            for (var i = 0; i < count; i++)
            {
                var length = lengths[offset + i];
                counts[length]++;
                maxLength = Math.Max(maxLength, length);
            }

            counts[0] = 0;

            // Over-subscribed codes are invalid; incomplete ones are allowed (a single distance code is
            // common) and reading an unused pattern is reported when it happens.
            var left = 1;
            for (var length = 1; length <= MaxCodeLength; length++)
            {
                left = (left << 1) - counts[length];
                if (left < 0)
                {
                    throw new InvalidDataException("the " + name + " code is over-subscribed");
                }
            }

            var next = new int[MaxCodeLength + 2];
            for (var length = 1; length <= MaxCodeLength; length++)
            {
                next[length + 1] = (next[length] + counts[length]) << 1;
            }

            var bits = Math.Max(maxLength, 1);
            var lookup = new ushort[1 << bits];
            for (var symbol = 0; symbol < count; symbol++)
            {
                var length = lengths[offset + symbol];
                if (length == 0)
                {
                    continue;
                }

                var code = next[length]++;
                var reversed = Reverse(code, length);
                var entry = (ushort)((symbol << 4) | length);
                for (var fill = reversed; fill < lookup.Length; fill += 1 << length)
                {
                    lookup[fill] = entry;
                }
            }

            return new HuffmanTable(name, lookup, lookup.Length - 1);
        }

        private static int Reverse(int code, int length)
        {
            var result = 0;
            for (var i = 0; i < length; i++)
            {
                result = (result << 1) | (code & 1);
                code >>= 1;
            }

            return result;
        }
    }
}
