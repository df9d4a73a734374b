using System;
using System.Collections.Generic;
using ImageOps.Formats.Disks;

namespace ImageOps.Engine.Tests.Disks;

/// <summary>A DiskWriter that records what the pipeline hands it and checks the contract as it goes.</summary>
internal sealed class RecordingWriter : DiskWriter
{
    private readonly int _chunk;
    private readonly bool _transform;
    private long _lastOffset = -1;

    public RecordingWriter(long capacity, int chunk, bool transform = false)
    {
        Content = new byte[capacity];
        _chunk = chunk;
        _transform = transform;
    }

    public byte[] Content { get; }

    public List<(long Offset, int Length)> Writes { get; } = new();

    public List<(long Offset, long Length)> Zeros { get; } = new();

    /// <summary>The piece masks the pipeline passed with untransformed chunks, by chunk offset.</summary>
    public Dictionary<long, ChunkPieces> Pieces { get; } = new();

    public int Transforms;

    public Action<long>? OnWrite { get; set; }

    public bool Completed { get; private set; }

    public override int ChunkSize => _chunk;

    public override bool TransformsChunks => _transform;

    public override int MaxTransformedSize => _chunk + 8;

    // "Compression" that is easy to undo: an 8-byte length prefix, then the bytes reversed.
    public override int Transform(long offset, ReadOnlySpan<byte> chunk, Span<byte> output)
    {
        System.Threading.Interlocked.Increment(ref Transforms);
        BitConverter.TryWriteBytes(output, (long)chunk.Length);
        for (var i = 0; i < chunk.Length; i++)
        {
            output[8 + i] = chunk[chunk.Length - 1 - i];
        }

        return chunk.Length + 8;
    }

    public override void Write(long offset, ReadOnlySpan<byte> payload, bool transformed)
    {
        Check(offset);
        if (transformed)
        {
            var length = (int)BitConverter.ToInt64(payload);
            for (var i = 0; i < length; i++)
            {
                Content[offset + i] = payload[8 + length - 1 - i];
            }

            Writes.Add((offset, length));
        }
        else
        {
            payload.CopyTo(Content.AsSpan((int)offset));
            Writes.Add((offset, payload.Length));
        }

        OnWrite?.Invoke(offset);
    }

    public override void Write(long offset, ReadOnlySpan<byte> payload, ChunkPieces pieces)
    {
        // The mask must tell the truth about every piece, or writers would drop data.
        Assert.Equal(ChunkPieces.Scan(payload).Mask, pieces.Mask);
        Pieces[offset] = pieces;
        Write(offset, payload, transformed: false);
    }

    public override void WriteZeros(long offset, long length)
    {
        Check(offset);
        Content.AsSpan((int)offset, (int)length).Clear();
        Zeros.Add((offset, length));
    }

    public override void Complete() => Completed = true;

    private void Check(long offset)
    {
        if (offset <= _lastOffset || offset % _chunk != 0)
        {
            throw new InvalidOperationException($"Chunk at {offset} after {_lastOffset}: not ascending or not chunk-aligned.");
        }

        _lastOffset = offset;
    }
}
