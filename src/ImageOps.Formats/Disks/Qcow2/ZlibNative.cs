using System;
using System.Runtime.InteropServices;

namespace ImageOps.Formats.Disks.Qcow2;

/// <summary>
/// The zlib (zlib-ng since .NET 9) that every .NET 6+ runtime ships as System.IO.Compression.Native,
/// reached through the exports System.IO.Compression itself uses. Unlike DeflateStream it lets the
/// caller choose windowBits, which qcow2 needs: qemu inflates clusters with a 4 KiB window
/// (windowBits -12) and rejects back-references farther than that. Absent on .NET Framework
/// (Windows PowerShell 5.1), where <see cref="ManagedDeflater"/> takes over.
/// </summary>
internal static unsafe class ZlibNative
{
    public const int ZOk = 0;
    public const int ZStreamEnd = 1;
    public const int ZBufError = -5;
    public const int ZNoFlush = 0;
    public const int ZFinish = 4;
    public const int ZDeflated = 8;
    public const int ZDefaultStrategy = 0;
    private const string Library = "System.IO.Compression.Native";

    private static readonly Lazy<bool> Probe = new(() =>
    {
        try
        {
            var input = new byte[64];
            var output = new byte[256];
            return Deflate(input, output, 1, -12) > 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException || ex is BadImageFormatException)
        {
            return false;
        }
    });

    /// <summary>True when the runtime's native zlib can be called.</summary>
    public static bool Available => Probe.Value;

    /// <summary>
    /// Compresses <paramref name="input"/> as one raw deflate stream with the given window; returns
    /// the length, or -1 when it does not fit in <paramref name="output"/>.
    /// </summary>
    public static int Deflate(ReadOnlySpan<byte> input, Span<byte> output, int level, int windowBits)
    {
        var stream = default(PalZStream);
        var rc = DeflateInit2(&stream, level, ZDeflated, windowBits, 8, ZDefaultStrategy);
        if (rc != ZOk)
        {
            throw new NativeOperationException("CompressionNative_DeflateInit2_", rc, "zlib could not start a deflate stream.");
        }

        try
        {
            fixed (byte* inPtr = input)
            fixed (byte* outPtr = output)
            {
                stream.NextIn = inPtr;
                stream.AvailIn = (uint)input.Length;
                stream.NextOut = outPtr;
                stream.AvailOut = (uint)output.Length;
                rc = DeflateCall(&stream, ZFinish);
                if (rc == ZStreamEnd)
                {
                    return output.Length - (int)stream.AvailOut;
                }

                // Z_OK or Z_BUF_ERROR with Z_FINISH: the output buffer was too small.
                if (rc == ZOk || rc == ZBufError)
                {
                    return -1;
                }

                throw new NativeOperationException("CompressionNative_Deflate", rc, "zlib failed to compress a cluster.");
            }
        }
        finally
        {
            DeflateEnd(&stream);
        }
    }

    /// <summary>
    /// Inflates a raw deflate stream into <paramref name="output"/> until it is full; returns the
    /// bytes produced (fewer than its length when the stream ended early), or -1 for malformed data.
    /// </summary>
    public static int Inflate(ReadOnlySpan<byte> input, Span<byte> output, int windowBits)
    {
        var stream = default(PalZStream);
        var rc = InflateInit2(&stream, windowBits);
        if (rc != ZOk)
        {
            throw new NativeOperationException("CompressionNative_InflateInit2_", rc, "zlib could not start an inflate stream.");
        }

        try
        {
            fixed (byte* inPtr = input)
            fixed (byte* outPtr = output)
            {
                stream.NextIn = inPtr;
                stream.AvailIn = (uint)input.Length;
                stream.NextOut = outPtr;
                stream.AvailOut = (uint)output.Length;
                rc = InflateCall(&stream, ZFinish);

                // qemu accepts Z_BUF_ERROR too: the input is known only to the sector, so the stream
                // may be cut after the cluster is complete (qcow2_zlib_decompress).
                if (rc == ZStreamEnd || rc == ZBufError || rc == ZOk)
                {
                    return output.Length - (int)stream.AvailOut;
                }

                return -1;
            }
        }
        finally
        {
            InflateEnd(&stream);
        }
    }

    [DllImport(Library, EntryPoint = "CompressionNative_DeflateInit2_")]
    private static extern int DeflateInit2(PalZStream* stream, int level, int method, int windowBits, int memLevel, int strategy);

    [DllImport(Library, EntryPoint = "CompressionNative_Deflate")]
    private static extern int DeflateCall(PalZStream* stream, int flush);

    [DllImport(Library, EntryPoint = "CompressionNative_DeflateEnd")]
    private static extern int DeflateEnd(PalZStream* stream);

    [DllImport(Library, EntryPoint = "CompressionNative_InflateInit2_")]
    private static extern int InflateInit2(PalZStream* stream, int windowBits);

    [DllImport(Library, EntryPoint = "CompressionNative_Inflate")]
    private static extern int InflateCall(PalZStream* stream, int flush);

    [DllImport(Library, EntryPoint = "CompressionNative_InflateEnd")]
    private static extern int InflateEnd(PalZStream* stream);

    /// <summary>dotnet/runtime src/native/libs/System.IO.Compression.Native/pal_zlib.h PAL_ZStream.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct PalZStream
    {
        public byte* NextIn;
        public byte* NextOut;
        public IntPtr Msg;
        public IntPtr InternalState;
        public uint AvailIn;
        public uint AvailOut;
    }
}
