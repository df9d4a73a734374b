using System;

namespace ImageOps.Formats.Disks.Qcow2;

/// <summary>
/// A small raw-deflate encoder (RFC 1951): greedy LZ77 over a 4 KiB window with hash chains, coded
/// as one block of fixed Huffman codes. It exists so compressed qcow2 output works where the
/// runtime has no native zlib (Windows PowerShell 5.1); its output is what qemu's inflateInit2(-12)
/// accepts because no back-reference reaches farther than 4096 bytes. It compresses less than zlib
/// (no dynamic trees), which the native path is preferred for.
/// </summary>
internal static class ManagedDeflater
{
    public const int WindowSize = 4096;
    private const int MinMatch = 3;
    private const int MaxMatch = 258;
    private const int HashBits = 14;
    private const int MaxChain = 32;

    private static readonly ushort[] LitCode = new ushort[288];
    private static readonly byte[] LitBits = new byte[288];
    private static readonly ushort[] LengthSymbol = new ushort[MaxMatch + 1];
    private static readonly byte[] LengthExtraBits = new byte[MaxMatch + 1];
    private static readonly ushort[] LengthBase = new ushort[MaxMatch + 1];
    private static readonly byte[] DistSymbol = new byte[WindowSize + 1];
    private static readonly byte[] DistExtraBits = new byte[WindowSize + 1];
    private static readonly ushort[] DistBase = new ushort[WindowSize + 1];
    private static readonly ushort[] DistCode = new ushort[30];

    [ThreadStatic]
    private static int[]? _head;

    [ThreadStatic]
    private static int[]? _prev;

    static ManagedDeflater()
    {
        for (var sym = 0; sym < 288; sym++)
        {
            int code, bits;
            if (sym < 144)
            {
                code = 0x30 + sym;
                bits = 8;
            }
            else if (sym < 256)
            {
                code = 0x190 + (sym - 144);
                bits = 9;
            }
            else if (sym < 280)
            {
                code = sym - 256;
                bits = 7;
            }
            else
            {
                code = 0xc0 + (sym - 280);
                bits = 8;
            }

            LitCode[sym] = (ushort)Reverse(code, bits);
            LitBits[sym] = (byte)bits;
        }

        int[] lengthBases = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
        int[] lengthExtra = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
        for (var i = 0; i < lengthBases.Length; i++)
        {
            var end = i + 1 < lengthBases.Length ? lengthBases[i + 1] : MaxMatch + 1;
            if (i == lengthBases.Length - 2)
            {
                end = MaxMatch; // 258 has its own symbol (285)
            }

            for (var len = lengthBases[i]; len < end && len <= MaxMatch; len++)
            {
                LengthSymbol[len] = (ushort)(257 + i);
                LengthExtraBits[len] = (byte)lengthExtra[i];
                LengthBase[len] = (ushort)lengthBases[i];
            }
        }

        int[] distBases = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073 };
        for (var i = 0; i < distBases.Length; i++)
        {
            var extra = i < 4 ? 0 : (i / 2) - 1;
            var end = i + 1 < distBases.Length ? distBases[i + 1] : WindowSize + 1;
            for (var d = distBases[i]; d < end; d++)
            {
                DistSymbol[d] = (byte)i;
                DistExtraBits[d] = (byte)extra;
                DistBase[d] = (ushort)distBases[i];
            }
        }

        for (var i = 0; i < 30; i++)
        {
            DistCode[i] = (ushort)Reverse(i, 5);
        }
    }

    /// <summary>Compresses <paramref name="input"/>; returns the length, or -1 if it does not fit in <paramref name="output"/>.</summary>
    public static int Compress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var head = _head ??= new int[1 << HashBits];
        var prev = _prev ??= new int[WindowSize];
        head.AsSpan().Fill(-1);
        var writer = new BitWriter(output);

        // BFINAL = 1, BTYPE = 01 (fixed Huffman codes).
        writer.Write(0b011, 3);
        var pos = 0;
        while (pos < input.Length)
        {
            var bestLength = 0;
            var bestDistance = 0;
            if (pos + MinMatch <= input.Length)
            {
                var hash = Hash(input, pos);
                var candidate = head[hash];
                var chain = MaxChain;
                var maxLength = Math.Min(MaxMatch, input.Length - pos);
                while (candidate >= 0 && pos - candidate <= WindowSize && chain-- > 0)
                {
                    if (input[candidate + bestLength] == input[pos + bestLength])
                    {
                        var length = 0;
                        while (length < maxLength && input[candidate + length] == input[pos + length])
                        {
                            length++;
                        }

                        if (length > bestLength)
                        {
                            bestLength = length;
                            bestDistance = pos - candidate;
                            if (length == maxLength)
                            {
                                break;
                            }
                        }
                    }

                    var next = prev[candidate % WindowSize];
                    if (next >= candidate)
                    {
                        break;
                    }

                    candidate = next;
                }
            }

            if (bestLength >= MinMatch)
            {
                var sym = LengthSymbol[bestLength];
                writer.Write(LitCode[sym], LitBits[sym]);
                writer.Write((uint)(bestLength - LengthBase[bestLength]), LengthExtraBits[bestLength]);
                writer.Write(DistCode[DistSymbol[bestDistance]], 5);
                writer.Write((uint)(bestDistance - DistBase[bestDistance]), DistExtraBits[bestDistance]);
                for (var i = 0; i < bestLength; i++)
                {
                    Insert(input, pos + i, head, prev);
                }

                pos += bestLength;
            }
            else
            {
                writer.Write(LitCode[input[pos]], LitBits[input[pos]]);
                Insert(input, pos, head, prev);
                pos++;
            }

            if (writer.Overflow)
            {
                return -1;
            }
        }

        writer.Write(LitCode[256], LitBits[256]);
        return writer.Finish();
    }

    private static void Insert(ReadOnlySpan<byte> input, int pos, int[] head, int[] prev)
    {
        if (pos + MinMatch > input.Length)
        {
            return;
        }

        var hash = Hash(input, pos);
        prev[pos % WindowSize] = head[hash];
        head[hash] = pos;
    }

    private static int Hash(ReadOnlySpan<byte> input, int pos)
        => (int)(((uint)(input[pos] | (input[pos + 1] << 8) | (input[pos + 2] << 16)) * 2654435761u) >> (32 - HashBits));

    private static int Reverse(int code, int bits)
    {
        var r = 0;
        for (var i = 0; i < bits; i++)
        {
            r = (r << 1) | ((code >> i) & 1);
        }

        return r;
    }

    private ref struct BitWriter
    {
        private readonly Span<byte> _output;
        private ulong _buffer;
        private int _count;
        private int _position;

        public BitWriter(Span<byte> output)
        {
            _output = output;
            _buffer = 0;
            _count = 0;
            _position = 0;
            Overflow = false;
        }

        public bool Overflow { get; private set; }

        public void Write(uint value, int bits)
        {
            _buffer |= (ulong)value << _count;
            _count += bits;
            while (_count >= 8)
            {
                Put((byte)_buffer);
                _buffer >>= 8;
                _count -= 8;
            }
        }

        public int Finish()
        {
            if (_count > 0)
            {
                Put((byte)_buffer);
                _count = 0;
            }

            return Overflow ? -1 : _position;
        }

        private void Put(byte b)
        {
            if (_position >= _output.Length)
            {
                Overflow = true;
                return;
            }

            _output[_position++] = b;
        }
    }
}
