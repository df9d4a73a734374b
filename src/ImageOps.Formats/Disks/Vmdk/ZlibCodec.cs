using System;
using System.Buffers;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace ImageOps.Formats.Disks.Vmdk;

/// <summary>
/// The zlib container (RFC 1950: a two-byte header, raw deflate, a big-endian Adler-32 of the
/// uncompressed data) around .NET's raw <see cref="DeflateStream"/>, which is all netstandard2.0
/// offers. VMDK compressed grains are zlib streams: qemu writes them with zlib's <c>compress()</c> and
/// reads them with <c>uncompress()</c>, which checks the header and the Adler-32.
/// </summary>
internal static class ZlibCodec
{
    /// <summary>CMF: deflate with a 32 KiB window.</summary>
    private const byte Cmf = 0x78;

    /// <summary>FLG for "default compression" (FLEVEL 2) with FCHECK making CMF*256+FLG a multiple of 31.</summary>
    private const byte FlgDefault = 0x9C;

    private const int HeaderSize = 2;
    private const int TrailerSize = 4;
    private const uint AdlerModulus = 65521;

    /// <summary>Largest run Adler-32 can sum before the 32-bit accumulators must be reduced (zlib's NMAX).</summary>
    private const int AdlerBlock = 5552;

    /// <summary>An upper bound of the compressed size of <paramref name="length"/> bytes (deflate stored blocks, header, trailer).</summary>
    public static int MaxCompressedLength(int length) => length + (length / 16000 + 1) * 5 + 64 + HeaderSize + TrailerSize;

    /// <summary>
    /// Compresses <paramref name="input"/> into <paramref name="output"/> and returns the zlib stream's
    /// length, or -1 if it does not fit. Thread-safe (all state is per call).
    /// </summary>
    public static int Compress(ReadOnlySpan<byte> input, Span<byte> output, CompressionLevel level)
    {
        var inArray = ArrayPool<byte>.Shared.Rent(Math.Max(1, input.Length));
        var outArray = ArrayPool<byte>.Shared.Rent(MaxCompressedLength(input.Length));
        try
        {
            input.CopyTo(inArray);
            var sink = new BoundedArrayStream(outArray, HeaderSize, outArray.Length - HeaderSize - TrailerSize);
            using (var deflate = new DeflateStream(sink, level, leaveOpen: true))
            {
                deflate.Write(inArray, 0, input.Length);
            }

            if (sink.Overflowed)
            {
                return -1;
            }

            var total = HeaderSize + sink.Written + TrailerSize;
            if (total > output.Length)
            {
                return -1;
            }

            outArray[0] = Cmf;
            outArray[1] = FlgDefault;
            BinaryPrimitives.WriteUInt32BigEndian(outArray.AsSpan(HeaderSize + sink.Written), Adler32(input));
            outArray.AsSpan(0, total).CopyTo(output);
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(inArray);
            ArrayPool<byte>.Shared.Return(outArray);
        }
    }

    /// <summary>
    /// Decompresses the zlib stream in <paramref name="input"/> into <paramref name="output"/> and returns
    /// the number of bytes produced. Throws <see cref="InvalidDataException"/> for a malformed stream,
    /// a checksum mismatch, or output larger than <paramref name="output"/> (a decompression bomb).
    /// With <paramref name="exactLength"/> the Adler-32 must be the last four bytes of the input.
    /// </summary>
    public static int Decompress(byte[] input, int offset, int count, Span<byte> output, bool exactLength)
    {
        if (count < HeaderSize + TrailerSize)
        {
            throw new InvalidDataException($"a zlib stream needs at least {HeaderSize + TrailerSize} bytes, this one has {count}");
        }

        var cmf = input[offset];
        var flg = input[offset + 1];
        if ((cmf & 0x0F) != 8 || (cmf >> 4) > 7 || ((cmf << 8) | flg) % 31 != 0)
        {
            throw new InvalidDataException($"the zlib header 0x{cmf:X2}{flg:X2} is not a deflate header");
        }

        if ((flg & 0x20) != 0)
        {
            throw new InvalidDataException("the zlib stream asks for a preset dictionary, which VMDK never uses");
        }

        var outArray = ArrayPool<byte>.Shared.Rent(output.Length + 1);
        try
        {
            var produced = 0;
            using (var source = new MemoryStream(input, offset + HeaderSize, count - HeaderSize, writable: false))
            using (var inflate = new DeflateStream(source, CompressionMode.Decompress))
            {
                // Read one byte more than the grain can hold: if it arrives, the stream is a bomb.
                int n;
                while (produced <= output.Length && (n = inflate.Read(outArray, produced, output.Length + 1 - produced)) > 0)
                {
                    produced += n;
                }
            }

            if (produced > output.Length)
            {
                throw new InvalidDataException($"the data expands beyond {output.Length} bytes");
            }

            if (exactLength)
            {
                var expected = BinaryPrimitives.ReadUInt32BigEndian(input.AsSpan(offset + count - TrailerSize));
                var actual = Adler32(outArray.AsSpan(0, produced));
                if (expected != actual)
                {
                    throw new InvalidDataException($"the Adler-32 of the data is 0x{actual:X8}, the stream records 0x{expected:X8}");
                }
            }

            outArray.AsSpan(0, produced).CopyTo(output);
            return produced;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(outArray);
        }
    }

    /// <summary>Adler-32 (RFC 1950 section 8.2).</summary>
    public static uint Adler32(ReadOnlySpan<byte> data)
    {
        uint a = 1, b = 0;
        while (data.Length > 0)
        {
            var n = Math.Min(AdlerBlock, data.Length);
            for (var i = 0; i < n; i++)
            {
                a += data[i];
                b += a;
            }

            a %= AdlerModulus;
            b %= AdlerModulus;
            data = data.Slice(n);
        }

        return (b << 16) | a;
    }

    /// <summary>A write-only stream into a fixed window of an array that records, instead of throwing, when it overflows.</summary>
    private sealed class BoundedArrayStream : Stream
    {
        private readonly byte[] _buffer;
        private readonly int _start;
        private readonly int _capacity;

        public BoundedArrayStream(byte[] buffer, int start, int capacity)
        {
            _buffer = buffer;
            _start = start;
            _capacity = capacity;
        }

        public int Written { get; private set; }

        public bool Overflowed { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Written;

        public override long Position
        {
            get => Written;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Overflowed || count > _capacity - Written)
            {
                Overflowed = true;
                return;
            }

            Buffer.BlockCopy(buffer, offset, _buffer, _start + Written, count);
            Written += count;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
