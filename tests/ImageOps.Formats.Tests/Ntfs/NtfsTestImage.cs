using System;
using System.Buffers.Binary;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Ntfs;

namespace ImageOps.Formats.Tests.Ntfs;

/// <summary>Helpers to find and patch structures in a volume image held in memory (fix-ups left valid).</summary>
internal sealed class NtfsTestImage
{
    public NtfsTestImage(byte[] bytes)
    {
        Bytes = bytes;
        if (bytes.Length >= 512)
        {
            ClusterSize = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(0x0B)) * bytes[0x0D];
            MftOffset = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(0x30)) * ClusterSize;
        }

        // Built here, outside any allocation-measured action: the copy of the image is the test's, not the reader's.
        Storage = new MemoryBlockStorage(bytes, "patched.img", writable: false);
    }

    public MemoryBlockStorage Storage { get; private set; }

    /// <summary>Re-snapshots <see cref="Bytes"/> after patching.</summary>
    public NtfsTestImage Commit()
    {
        Storage = new MemoryBlockStorage(Bytes, "patched.img", writable: false);
        return this;
    }

    public byte[] Bytes { get; }

    public int ClusterSize { get; }

    public long MftOffset { get; }

    public const int RecordSize = 1024;

    public NtfsVolume Open() => NtfsVolume.Open(Storage);

    /// <summary>Offset of MFT record <paramref name="n"/> (the first records of a fresh volume are contiguous).</summary>
    public long Record(long n) => MftOffset + (n * RecordSize);

    /// <summary>Offset of the first attribute of <paramref name="type"/> (optionally named) in record <paramref name="n"/>.</summary>
    public long Attribute(long n, NtfsAttributeType type, string? name = null)
    {
        var record = Record(n);
        var position = record + BinaryPrimitives.ReadUInt16LittleEndian(Bytes.AsSpan((int)record + 20));
        while (true)
        {
            var t = BinaryPrimitives.ReadUInt32LittleEndian(Bytes.AsSpan((int)position));
            if (t == 0xFFFFFFFF)
            {
                throw new InvalidOperationException($"record {n} has no {type}");
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(Bytes.AsSpan((int)position + 4));
            var nameLength = Bytes[position + 9];
            var nameOffset = BinaryPrimitives.ReadUInt16LittleEndian(Bytes.AsSpan((int)position + 10));
            var attrName = System.Text.Encoding.Unicode.GetString(Bytes, (int)position + nameOffset, nameLength * 2);
            if (t == (uint)type && (name is null || name == attrName))
            {
                return position;
            }

            position += length;
        }
    }

    /// <summary>Offset of the run list of the non-resident attribute at <paramref name="attribute"/>.</summary>
    public long RunList(long attribute) => attribute + BinaryPrimitives.ReadUInt16LittleEndian(Bytes.AsSpan((int)attribute + 32));

    public void WriteInt64(long offset, long value) => BinaryPrimitives.WriteInt64LittleEndian(Bytes.AsSpan((int)offset), value);

    public void WriteInt32(long offset, int value) => BinaryPrimitives.WriteInt32LittleEndian(Bytes.AsSpan((int)offset), value);

    public void WriteUInt16(long offset, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Bytes.AsSpan((int)offset), value);
}
