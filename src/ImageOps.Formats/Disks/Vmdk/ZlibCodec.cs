using System;
using System.Buffers;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Reflection;

namespace ImageOps.Formats.Disks.Vmdk;

/// <summary>
/// The zlib container (RFC 1950: a two-byte header, raw deflate, a big-endian Adler-32 of the
/// uncompressed data). VMDK compressed grains are zlib streams: qemu writes them with zlib's
/// <c>compress()</c> and reads them with <c>uncompress()</c>, which checks the header and the Adler-32.
/// On .NET 6 and later (PowerShell 7, the CLI) .NET's own <c>ZLibStream</c> does the work, bound at run
/// time because this assembly targets netstandard2.0; on Windows PowerShell 5.1 the container is built
/// here around the raw <see cref="DeflateStream"/>.
/// </summary>
internal static class ZlibCodec
{
    private static readonly Type? ZLibStreamType = Type.GetType("System.IO.Compression.ZLibStream, System.IO.Compression", throwOnError: false);
    private static readonly ConstructorInfo? NativeCompressor = ZLibStreamType?.GetConstructor(new[] { typeof(Stream), typeof(CompressionLevel), typeof(bool) });
    private static readonly ConstructorInfo? NativeDecompressor = ZLibStreamType?.GetConstructor(new[] { typeof(Stream), CompressionMode.Decompress.GetType(), typeof(bool) });

    /// <summary>True to use .NET's ZLibStream where the runtime has it; tests switch it off to cover the fallback.</summary>
    internal static bool UseNative { get; set; } = NativeCompressor is not null && NativeDecompressor is not null;

    /// <summary>CMF: deflate with a 32 KiB window.</summary>
    private const byte Cmf = 0x78;

    /// <summary>FLG for "default compression" (FLEVEL 2) with FCHECK making CMF*256+FLG a multiple of 31.</summary>
    private const byte FlgDefault = 0x9C;

    private const int HeaderSize = 2;
    private const int TrailerSize = 4;
    private const uint AdlerModulus = 65521;

    /// <summary>Largest run Adler-32 can sum before the 32-bit accumulators must be reduced (zlib's NMAX).</summary>
    private const int AdlerBlock = 5552;

    /// <summary>
    /// An upper bound of the compressed size of <paramref name="length"/> bytes. zlib falls back to stored
    /// blocks (a few bytes per 16 KiB), but the fastest levels of zlib-ng, which .NET uses, emit fixed
    /// Huffman codes for incompressible data: up to 9 bits per byte, so one eighth more.
    /// </summary>
    public static int MaxCompressedLength(int length) => length + length / 8 + 64 + HeaderSize + TrailerSize;

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
            int total;
            if (UseNative)
            {
                var sink = new BoundedArrayStream(outArray, 0, outArray.Length);
                using (var zlib = (Stream)NativeCompressor!.Invoke(new object[] { sink, level, true }))
                {
                    zlib.Write(inArray, 0, input.Length);
                }

                if (sink.Overflowed)
                {
                    return -1;
                }

                total = sink.Written;
            }
            else
            {
                var sink = new BoundedArrayStream(outArray, HeaderSize, outArray.Length - HeaderSize - TrailerSize);
                using (var deflate = new DeflateStream(sink, level, leaveOpen: true))
                {
                    deflate.Write(inArray, 0, input.Length);
                }

                if (sink.Overflowed)
                {
                    return -1;
                }

                outArray[0] = Cmf;
                outArray[1] = FlgDefault;
                BinaryPrimitives.WriteUInt32BigEndian(outArray.AsSpan(HeaderSize + sink.Written), Adler32(input));
                total = HeaderSize + sink.Written + TrailerSize;
            }

            if (total > output.Length)
            {
                return -1;
            }

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
            var native = UseNative;
            using (var source = native ? new MemoryStream(input, offset, count, writable: false) : new MemoryStream(input, offset + HeaderSize, count - HeaderSize, writable: false))
            using (var inflate = native ? (Stream)NativeDecompressor!.Invoke(new object[] { source, CompressionMode.Decompress, false }) : new DeflateStream(source, CompressionMode.Decompress))
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

            // ZLibStream has checked the Adler-32 itself (a mismatch is an InvalidDataException).
            if (exactLength && !native)
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
    public static unsafe uint Adler32(ReadOnlySpan<byte> data)
    {
        uint a = 1, b = 0;
        fixed (byte* start = data)
        {
            var p = start;
            var remaining = data.Length;
            while (remaining > 0)
            {
                var n = Math.Min(AdlerBlock, remaining);
                remaining -= n;

                // Sixteen bytes per step: b gains 16a plus the bytes weighted 16..1, and the weighted sums
                // are independent additions the processor overlaps (the plain loop is one long dependency chain).
                for (; n >= 16; n -= 16, p += 16)
                {
                    uint s = 0, w = 0;
                    for (var i = 0; i < 16; i++)
                    {
                        s += p[i];
                        w += (uint)(16 - i) * p[i];
                    }

                    b += (a * 16) + w;
                    a += s;
                }

                for (; n > 0; n--, p++)
                {
                    a += *p;
                    b += a;
                }

                a %= AdlerModulus;
                b %= AdlerModulus;
            }
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
