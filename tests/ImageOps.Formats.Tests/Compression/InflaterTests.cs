using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using ImageOps.Formats.Compression;

namespace ImageOps.Formats.Tests.Compression;

public class InflaterTests
{
    private static byte[] Deflate(byte[] data, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, level, leaveOpen: true))
        {
            deflate.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] Inflate(byte[] compressed, int expected, byte[]? history = null)
    {
        history ??= Array.Empty<byte>();
        var buffer = new byte[history.Length + expected];
        history.CopyTo(buffer, 0);
        var position = history.Length;
        new Inflater(compressed, 0, compressed.Length).InflateToEnd(buffer, ref position, buffer.Length);
        Assert.Equal(buffer.Length, position);
        return buffer.Skip(history.Length).ToArray();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1000)]
    [InlineData(70_000)]
    [InlineData(300_000)]
    public void Decodes_what_zlib_deflate_writes(int size)
    {
        var random = new Random(size);
        var text = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, size / 10 + 1).Select(i => "line " + random.Next(100) + "\n")));
        var noise = new byte[size];
        random.NextBytes(noise);
        foreach (var data in new[] { text.Take(size).ToArray(), noise })
        {
            foreach (var level in new[] { CompressionLevel.Optimal, CompressionLevel.Fastest, CompressionLevel.NoCompression })
            {
                var compressed = Deflate(data, level);
                if (compressed.Length == 0)
                {
                    // zlib writes nothing at all for no input: not a deflate stream, and refused as one.
                    Assert.Throws<InvalidDataException>(() => Inflate(compressed, 0));
                    continue;
                }

                Assert.Equal(data, Inflate(compressed, data.Length));
            }
        }
    }

    [Fact]
    public void A_back_reference_may_reach_into_the_history()
    {
        var history = Encoding.ASCII.GetBytes("The previous block ended with HELLO");
        var bits = new BitWriter();
        bits.Write(1, 1); // final
        bits.Write(1, 2); // fixed Huffman
        bits.FixedMatch(length: 5, distance: 5); // copies "HELLO" from the history
        bits.FixedLiteral('!');
        bits.FixedEnd();
        Assert.Equal("HELLO!", Encoding.ASCII.GetString(Inflate(bits.ToArray(), 6, history)));
    }

    [Fact]
    public void A_back_reference_before_the_history_is_refused()
    {
        var bits = new BitWriter();
        bits.Write(1, 1);
        bits.Write(1, 2);
        bits.FixedLiteral('a');
        bits.FixedMatch(length: 3, distance: 2);
        bits.FixedEnd();
        var ex = Assert.Throws<InvalidDataException>(() => Inflate(bits.ToArray(), 4));
        Assert.Contains("before the start of the history", ex.Message);
    }

    [Fact]
    public void Output_never_passes_the_limit()
    {
        var data = new byte[100_000];
        var ex = Assert.Throws<InvalidDataException>(() => Inflate(Deflate(data), 1000));
        Assert.Contains("past the declared size", ex.Message);
    }

    [Fact]
    public void Truncated_input_is_an_error_not_zeros()
    {
        var compressed = Deflate(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("driver package ", 500))));
        for (var cut = 0; cut < compressed.Length; cut += Math.Max(1, compressed.Length / 40))
        {
            Assert.Throws<InvalidDataException>(() => Inflate(compressed.Take(cut).ToArray(), 7500));
        }
    }

    [Fact]
    public void Reserved_block_type_and_bad_stored_length_are_refused()
    {
        Assert.Contains("reserved", Assert.Throws<InvalidDataException>(() => Inflate(new byte[] { 0x07 }, 1)).Message);
        Assert.Contains("complement", Assert.Throws<InvalidDataException>(() => Inflate(new byte[] { 0x01, 0x05, 0x00, 0x00, 0x00 }, 5)).Message);
    }

    [Fact]
    public void An_over_subscribed_code_is_refused()
    {
        var bits = new BitWriter();
        bits.Write(1, 1);
        bits.Write(2, 2); // dynamic
        bits.Write(0, 5); // 257 literal codes
        bits.Write(0, 5); // 1 distance code
        bits.Write(15, 4); // 19 code length codes
        for (var i = 0; i < 19; i++)
        {
            bits.Write(1, 3); // nineteen codes of length 1: over-subscribed
        }

        Assert.Contains("over-subscribed", Assert.Throws<InvalidDataException>(() => Inflate(bits.ToArray(), 1)).Message);
    }

    [Fact]
    public void Random_garbage_fails_cleanly()
    {
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var garbage = new byte[random.Next(1, 200)];
            random.NextBytes(garbage);
            try
            {
                Inflate(garbage, 32768);
            }
            catch (InvalidDataException)
            {
            }
            catch (Xunit.Sdk.XunitException)
            {
                // Decoded fewer bytes than the buffer: fine for garbage.
            }
        }
    }

    /// <summary>Writes deflate bits (LSB first) and fixed-Huffman symbols (RFC 1951 3.2.6).</summary>
    internal sealed class BitWriter
    {
        private readonly MemoryStream _out = new();
        private int _buffer;
        private int _count;

        public void Write(int value, int count)
        {
            for (var i = 0; i < count; i++)
            {
                _buffer |= ((value >> i) & 1) << _count++;
                if (_count == 8)
                {
                    _out.WriteByte((byte)_buffer);
                    _buffer = 0;
                    _count = 0;
                }
            }
        }

        public void Code(int code, int length)
        {
            // Huffman codes are sent most significant bit first.
            for (var i = length - 1; i >= 0; i--)
            {
                Write((code >> i) & 1, 1);
            }
        }

        public void FixedLiteral(int value)
        {
            if (value < 144)
            {
                Code(0x30 + value, 8);
            }
            else
            {
                Code(0x190 + value - 144, 9);
            }
        }

        public void FixedEnd() => Code(0, 7);

        public void FixedMatch(int length, int distance)
        {
            // Lengths 3..10 are codes 257..264 without extra bits; distances 1..4 are codes 0..3, 5..6 code 4 with 1 extra bit.
            Assert.InRange(length, 3, 10);
            Code(length - 3 + 1, 7);
            if (distance <= 4)
            {
                Code(distance - 1, 5);
            }
            else
            {
                Assert.InRange(distance, 5, 6);
                Code(4, 5);
                Write(distance - 5, 1);
            }
        }

        public byte[] ToArray()
        {
            if (_count > 0)
            {
                _out.WriteByte((byte)_buffer);
                _buffer = 0;
                _count = 0;
            }

            return _out.ToArray();
        }
    }
}
