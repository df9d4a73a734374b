using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;

namespace ImageOps.Tests;

/// <summary>
/// Writes cabinets for tests ([MS-CAB] layout: CFHEADER, CFFOLDER table, CFFILE list, CFDATA blocks),
/// stored or MSZIP ("CK" + a deflate stream per block, each block compressed on its own). Hostile tests
/// patch the bytes it returns, or hand it raw blocks. cabextract checks what it writes in the interop tests.
/// </summary>
public sealed class TestCabinet
{
    public sealed class Folder
    {
        public bool MsZip { get; set; }

        /// <summary>typeCompress to write instead of 0/1 (for Quantum/LZX refusals).</summary>
        public ushort? CompressionValue { get; set; }

        /// <summary>Blocks to write as given instead of blocks made from the files (data, declared uncompressed size).</summary>
        public List<(byte[] Data, int Uncompressed)>? RawBlocks { get; set; }
    }

    public List<Folder> Folders { get; } = new() { new Folder() };

    public List<(string Name, byte[] Data, int Folder, ushort Attributes)> Files { get; } = new();

    public int BlockSize { get; set; } = 32768;

    public bool Checksums { get; set; } = true;

    public ushort ExtraFlags { get; set; }

    public int HeaderReserve { get; set; } = -1;

    public byte FolderReserve { get; set; }

    public byte DataReserve { get; set; }

    public TestCabinet Add(string name, byte[] data, int folder = 0, ushort attributes = 0x20)
    {
        Files.Add((name, data, folder, attributes));
        return this;
    }

    public TestCabinet Add(string name, string text, int folder = 0) => Add(name, Encoding.UTF8.GetBytes(text), folder);

    public static TestCabinet MsZipOf(params (string Name, byte[] Data)[] files)
    {
        var cab = new TestCabinet();
        cab.Folders[0].MsZip = true;
        foreach (var (name, data) in files)
        {
            cab.Add(name, data);
        }

        return cab;
    }

    public byte[] Build()
    {
        var reserve = HeaderReserve >= 0 || FolderReserve > 0 || DataReserve > 0;
        var headerSize = 36 + (reserve ? 4 + Math.Max(0, HeaderReserve) : 0);
        var folderEntrySize = 8 + FolderReserve;
        var names = Files.Select(f => NameBytes(f.Name, f.Attributes)).ToList();
        var filesOffset = headerSize + (Folders.Count * folderEntrySize);
        var filesSize = names.Sum(n => 16 + n.Length + 1);
        var dataOffset = filesOffset + filesSize;

        // Each folder's blocks, and each file's offset within its folder.
        var folderBlocks = new List<List<(byte[] Data, int Uncompressed)>>();
        var fileOffsets = new uint[Files.Count];
        for (var f = 0; f < Folders.Count; f++)
        {
            using var content = new MemoryStream();
            for (var i = 0; i < Files.Count; i++)
            {
                if (Files[i].Folder == f)
                {
                    fileOffsets[i] = (uint)content.Length;
                    content.Write(Files[i].Data);
                }
            }

            folderBlocks.Add(Folders[f].RawBlocks ?? MakeBlocks(content.ToArray(), Folders[f].MsZip));
        }

        using var output = new MemoryStream();
        var w = new BinaryWriter(output);
        w.Write(Encoding.ASCII.GetBytes("MSCF"));
        w.Write(0u);
        w.Write(0u); // cbCabinet, patched below
        w.Write(0u);
        w.Write((uint)filesOffset);
        w.Write(0u);
        w.Write((byte)3);
        w.Write((byte)1);
        w.Write((ushort)Folders.Count);
        w.Write((ushort)Files.Count);
        w.Write((ushort)((reserve ? 0x0004 : 0) | ExtraFlags));
        w.Write((ushort)0x1234);
        w.Write((ushort)0);
        if (reserve)
        {
            w.Write((ushort)Math.Max(0, HeaderReserve));
            w.Write(FolderReserve);
            w.Write(DataReserve);
            w.Write(new byte[Math.Max(0, HeaderReserve)]);
        }

        var blockOffset = dataOffset;
        for (var f = 0; f < Folders.Count; f++)
        {
            w.Write((uint)blockOffset);
            w.Write((ushort)folderBlocks[f].Count);
            w.Write(Folders[f].CompressionValue ?? (ushort)(Folders[f].MsZip ? 1 : 0));
            w.Write(new byte[FolderReserve]);
            blockOffset += folderBlocks[f].Sum(b => 8 + DataReserve + b.Data.Length);
        }

        for (var i = 0; i < Files.Count; i++)
        {
            w.Write((uint)Files[i].Data.Length);
            w.Write(fileOffsets[i]);
            w.Write((ushort)Files[i].Folder);
            w.Write((ushort)((45 << 9) | (6 << 5) | 15)); // 2025-06-15
            w.Write((ushort)((12 << 11) | (30 << 5)));
            w.Write(Files[i].Attributes);
            w.Write(names[i]);
            w.Write((byte)0);
        }

        foreach (var blocks in folderBlocks)
        {
            foreach (var (data, uncompressed) in blocks)
            {
                var header = new byte[4 + DataReserve];
                BitConverter.GetBytes((ushort)data.Length).CopyTo(header, 0);
                BitConverter.GetBytes((ushort)uncompressed).CopyTo(header, 2);
                var csum = Checksums ? Checksum(header, 0, header.Length, Checksum(data, 0, data.Length, 0)) : 0u;
                w.Write(csum);
                w.Write(header);
                w.Write(data);
            }
        }

        w.Flush();
        var bytes = output.ToArray();
        BitConverter.GetBytes((uint)bytes.Length).CopyTo(bytes, 8);
        return bytes;
    }

    public static byte[] NameBytes(string name, ushort attributes)
        => (attributes & 0x80) != 0 ? Encoding.UTF8.GetBytes(name) : Encoding.Latin1.GetBytes(name);

    private List<(byte[] Data, int Uncompressed)> MakeBlocks(byte[] content, bool msZip)
    {
        var blocks = new List<(byte[], int)>();
        for (var offset = 0; offset < content.Length; offset += BlockSize)
        {
            var count = Math.Min(BlockSize, content.Length - offset);
            if (!msZip)
            {
                blocks.Add((content.AsSpan(offset, count).ToArray(), count));
                continue;
            }

            using var compressed = new MemoryStream();
            compressed.WriteByte((byte)'C');
            compressed.WriteByte((byte)'K');
            using (var deflate = new DeflateStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                deflate.Write(content, offset, count);
            }

            blocks.Add((compressed.ToArray(), count));
        }

        return blocks;
    }

    /// <summary>[MS-CAB] 2.4 CSUMCompute, transcribed independently of the reader's copy.</summary>
    public static uint Checksum(byte[] data, int offset, int count, uint seed)
    {
        var csum = seed;
        var p = offset;
        for (var i = 0; i < count / 4; i++, p += 4)
        {
            csum ^= BitConverter.ToUInt32(data, p);
        }

        uint ul = 0;
        var rest = count % 4;
        if (rest == 3)
        {
            ul = ((uint)data[p] << 16) | ((uint)data[p + 1] << 8) | data[p + 2];
        }
        else if (rest == 2)
        {
            ul = ((uint)data[p] << 8) | data[p + 1];
        }
        else if (rest == 1)
        {
            ul = data[p];
        }

        return csum ^ ul;
    }
}
