using System;
using System.IO;
using ImageOps.Formats.Compression;

namespace ImageOps.Formats.Cab;

/// <summary>
/// MSZIP ([MS-MCI] 2.1, "MSZIP Compression"): each CFDATA block is the two bytes "CK" and a deflate
/// stream ending in a final block, expanding to at most 32 KiB; back-references may reach into the
/// previous block's output of the same folder (as libmspack's mszipd keeps its 32 KiB window across
/// frames). One decoder serves one folder; use a new one for the next folder.
/// </summary>
internal sealed class MsZipDecoder
{
    private const int Window = Inflater.WindowSize;

    // History (the previous block's output, up to 32 KiB) followed by room for one block.
    private readonly byte[] _buffer = new byte[Window + CabDataBlock.MaxUncompressed];
    private int _history;

    /// <summary>Decodes one block; the result stays valid until the next call.</summary>
    /// <exception cref="InvalidDataException">No "CK" signature, a malformed stream, or a size other than <paramref name="expected"/>.</exception>
    public ArraySegment<byte> DecodeBlock(byte[] data, int offset, int count, int expected)
    {
        if (count < 2 || data[offset] != (byte)'C' || data[offset + 1] != (byte)'K')
        {
            throw new InvalidDataException("the block does not start with the MSZIP signature 'CK'");
        }

        if (expected < 1 || expected > CabDataBlock.MaxUncompressed)
        {
            throw new InvalidDataException("the block declares " + expected + " bytes; MSZIP blocks hold 1 to 32768");
        }

        var position = _history;
        new Inflater(data, offset + 2, count - 2).InflateToEnd(_buffer, ref position, _history + expected);
        if (position != _history + expected)
        {
            throw new InvalidDataException("the block expands to " + (position - _history) + " bytes, not the declared " + expected);
        }

        var start = _history;

        // Keep the last 32 KiB as the next block's history: move it to the front of the buffer. The
        // returned segment is copied out by the caller before the next call, so it is shifted with it.
        var keep = Math.Min(Window, position);
        if (position - keep > 0)
        {
            Buffer.BlockCopy(_buffer, position - keep, _buffer, 0, keep);
            start -= position - keep;
        }

        _history = keep;
        return new ArraySegment<byte>(_buffer, start, expected);
    }
}
