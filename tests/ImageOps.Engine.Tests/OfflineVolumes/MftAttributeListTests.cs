using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ImageOps.Engine.OfflineVolumes;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Ntfs;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.OfflineVolumes;

/// <summary>
/// A $MFT so fragmented that its run list continues in an extension record named by an attribute list
/// in record 0 (what Windows does on old, busy volumes). libntfs-3g is not easily driven that far, so the
/// test fragments the MFT through the writer, then moves the tail of record 0's run list into an
/// extension record by hand, exactly as NTFS lays it out. The reader must bootstrap through it, and
/// refuse the variants that would make it loop or read unmapped records.
/// </summary>
[Collection(OfflineVolumeCollection.Name)]
public class MftAttributeListTests
{
    private const long Size = 40L << 20;
    private const int RecordSize = 1024;
    private const long Extension = 15; // reserved record inside the MFT's first run

    private static (byte[] Volume, Dictionary<string, byte[]> Files) FragmentedVolume()
    {
        using var disk = Ntfs3gVolumeTests.FormattedMemoryDisk();
        var files = new Dictionary<string, byte[]>();
        var random = new Random(99);
        using (var volume = Ntfs3gVolume.Open(disk, 0, Size))
        {
            volume.WriteAllBytes("filler.bin", new byte[33 << 20]);
            for (var round = 0; round < 40; round++)
            {
                for (var i = 0; i < 48; i++)
                {
                    var small = new byte[random.Next(1, 300)];
                    random.NextBytes(small);
                    files[$"r{round:D2}/f{i:D2}.txt"] = small;
                    volume.WriteAllBytes($"r{round:D2}/f{i:D2}.txt", small);
                }

                var data = new byte[48 << 10];
                random.NextBytes(data);
                files[$"r{round:D2}/data.bin"] = data;
                volume.WriteAllBytes($"r{round:D2}/data.bin", data);
            }
        }

        var bytes = new byte[Size];
        disk.Read(0, bytes);
        return (bytes, files);
    }

    private static byte[] Decode(byte[] volume, long offset)
    {
        var raw = volume.AsSpan((int)offset, RecordSize).ToArray();
        int usa = BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(4));
        for (var i = 0; i < RecordSize / 512; i++)
        {
            raw[(i * 512) + 510] = raw[usa + 2 + (2 * i)];
            raw[(i * 512) + 511] = raw[usa + 3 + (2 * i)];
        }

        return raw;
    }

    private static void Encode(byte[] raw, byte[] volume, long offset)
    {
        int usa = BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(4));
        var usn = BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(usa));
        for (var i = 0; i < RecordSize / 512; i++)
        {
            raw[usa + 2 + (2 * i)] = raw[(i * 512) + 510];
            raw[usa + 3 + (2 * i)] = raw[(i * 512) + 511];
            BinaryPrimitives.WriteUInt16LittleEndian(raw.AsSpan((i * 512) + 510), usn);
        }

        raw.CopyTo(volume, offset);
    }

    /// <summary>Encodes runs as NTFS does: minimal little-endian signed fields, LCN deltas from 0.</summary>
    private static byte[] EncodeRuns(IEnumerable<NtfsDataRun> runs)
    {
        var output = new List<byte>();
        var previous = 0L;
        foreach (var run in runs)
        {
            var length = Signed(run.Length);
            var delta = Signed(run.Lcn - previous);
            output.Add((byte)((delta.Length << 4) | length.Length));
            output.AddRange(length);
            output.AddRange(delta);
            previous = run.Lcn;
        }

        output.Add(0);
        return output.ToArray();
    }

    private static byte[] Signed(long value)
    {
        var bytes = new List<byte>();
        do
        {
            bytes.Add((byte)value);
            value >>= 8;
        }
        while (!((value == 0 && (bytes[bytes.Count - 1] & 0x80) == 0) || (value == -1 && (bytes[bytes.Count - 1] & 0x80) != 0)));
        return bytes.ToArray();
    }

    private static byte[] Pad8(byte[] bytes) => bytes.Concat(new byte[(8 - (bytes.Length % 8)) % 8]).ToArray();

    /// <summary>A non-resident unnamed $DATA attribute record holding <paramref name="runs"/>.</summary>
    private static byte[] DataAttribute(byte[] template, long firstVcn, long lastVcn, byte[] runs, bool sizes)
    {
        var header = template.AsSpan(0, 64).ToArray();
        var record = Pad8(header.Concat(runs).ToArray());
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(4), record.Length);
        record[9] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(10), 64);
        BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(16), firstVcn);
        BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(24), lastVcn);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(32), 64);
        if (!sizes)
        {
            record.AsSpan(40, 24).Clear();
        }

        return record;
    }

    /// <summary>An attribute list entry (libfsntfs, "The attribute list entry header"), name copied from <paramref name="attribute"/>.</summary>
    private static byte[] ListEntry(byte[] attribute, long vcn, ulong reference)
    {
        int nameLength = attribute[9];
        int nameOffset = BinaryPrimitives.ReadUInt16LittleEndian(attribute.AsSpan(10));
        var entry = new byte[(26 + (2 * nameLength) + 7) & ~7];
        BinaryPrimitives.WriteUInt32LittleEndian(entry, BinaryPrimitives.ReadUInt32LittleEndian(attribute));
        BinaryPrimitives.WriteUInt16LittleEndian(entry.AsSpan(4), (ushort)entry.Length);
        entry[6] = (byte)nameLength;
        entry[7] = 26;
        BinaryPrimitives.WriteInt64LittleEndian(entry.AsSpan(8), vcn);
        BinaryPrimitives.WriteUInt64LittleEndian(entry.AsSpan(16), reference);
        entry[24] = attribute[14];
        entry[25] = attribute[15];
        attribute.AsSpan(nameOffset, 2 * nameLength).CopyTo(entry.AsSpan(26));
        return entry;
    }

    /// <summary>
    /// Moves $MFT's runs from index <paramref name="split"/> on into record 15 and lists both extents in
    /// a new $ATTRIBUTE_LIST of record 0. <paramref name="listReference"/> and <paramref name="baseReference"/>
    /// let hostile variants point the list or the extension elsewhere.
    /// </summary>
    private static void SpillMft(byte[] volume, int split, ulong? listReference = null, ulong? baseReference = null, long? extensionFirstVcn = null)
    {
        using var reader = NtfsVolume.Open(new MemoryBlockStorage(volume, writable: false));
        var mft = reader.GetEntry("$MFT").File;
        var runs = mft.Data(NtfsAttributeType.Data, string.Empty, reader)!.Runs;
        var mftOffset = reader.BootSector.MftCluster * reader.ClusterSize;
        var record0 = Decode(volume, mftOffset);
        var sequence0 = BinaryPrimitives.ReadUInt16LittleEndian(record0.AsSpan(16));
        int first = BinaryPrimitives.ReadUInt16LittleEndian(record0.AsSpan(20));

        var attributes = new List<byte[]>();
        byte[]? dataTemplate = null;
        for (var at = first; BinaryPrimitives.ReadUInt32LittleEndian(record0.AsSpan(at)) != 0xFFFFFFFF;)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(record0.AsSpan(at + 4));
            var attribute = record0.AsSpan(at, length).ToArray();
            if (BinaryPrimitives.ReadUInt32LittleEndian(attribute) == (uint)NtfsAttributeType.Data && attribute[9] == 0)
            {
                dataTemplate = attribute;
            }
            else
            {
                attributes.Add(attribute);
            }

            at += length;
        }

        var splitVcn = runs[split].Vcn;
        var lastVcn = runs[runs.Count - 1].EndVcn - 1;
        var head = DataAttribute(dataTemplate!, 0, splitVcn - 1, EncodeRuns(runs.Take(split)), sizes: true);
        var tail = DataAttribute(dataTemplate!, extensionFirstVcn ?? splitVcn, lastVcn, EncodeRuns(runs.Skip(split)), sizes: false);

        // The list names every attribute of the file (ntfs-3g looks each one up through it), in type order.
        var extensionReference = listReference ?? ((ulong)1 << 48 | (ulong)Extension);
        var self = (ulong)sequence0 << 48;
        var entries = attributes.Select(a => (Type: BinaryPrimitives.ReadUInt32LittleEndian(a), Vcn: 0L, Entry: ListEntry(a, 0, self))).ToList();
        entries.Add((0x80, 0, ListEntry(head, 0, self)));
        entries.Add((0x80, splitVcn, ListEntry(tail, splitVcn, extensionReference)));
        var listValue = entries.OrderBy(e => e.Type).ThenBy(e => e.Vcn).SelectMany(e => e.Entry).ToArray();
        var list = new byte[24 + listValue.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(list, (uint)NtfsAttributeType.AttributeList);
        BinaryPrimitives.WriteInt32LittleEndian(list.AsSpan(4), list.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(list.AsSpan(10), 24);
        BinaryPrimitives.WriteUInt16LittleEndian(list.AsSpan(14), 0x7F);
        BinaryPrimitives.WriteInt32LittleEndian(list.AsSpan(16), listValue.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(list.AsSpan(20), 24);
        listValue.CopyTo(list, 24);

        // Attributes stay in type order: $STANDARD_INFORMATION, then the list, then the rest with $DATA.
        var ordered = new List<byte[]>(attributes.Where(a => BinaryPrimitives.ReadUInt32LittleEndian(a) < 0x20)) { list };
        ordered.AddRange(attributes.Where(a => BinaryPrimitives.ReadUInt32LittleEndian(a) > 0x20 && BinaryPrimitives.ReadUInt32LittleEndian(a) < 0x80));
        ordered.Add(head);
        ordered.AddRange(attributes.Where(a => BinaryPrimitives.ReadUInt32LittleEndian(a) > 0x80));
        var body = ordered.SelectMany(a => a).Concat(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0 }).ToArray();
        Assert.True(first + body.Length <= RecordSize, "record 0 overflows");
        record0.AsSpan(first).Clear();
        body.CopyTo(record0, first);
        BinaryPrimitives.WriteInt32LittleEndian(record0.AsSpan(24), first + body.Length);
        Encode(record0, volume, mftOffset);

        // $MFTMirr keeps a copy of the first records; ntfs-3g compares them at mount.
        Array.Copy(volume, mftOffset, volume, reader.BootSector.MftMirrorCluster * reader.ClusterSize, RecordSize);

        // Record 15: a fresh extension record of $MFT carrying the tail extent.
        var extension = new byte[RecordSize];
        "FILE"u8.CopyTo(extension);
        BinaryPrimitives.WriteUInt16LittleEndian(extension.AsSpan(4), 48);
        BinaryPrimitives.WriteUInt16LittleEndian(extension.AsSpan(6), 3);
        BinaryPrimitives.WriteUInt16LittleEndian(extension.AsSpan(16), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(extension.AsSpan(20), 56);
        BinaryPrimitives.WriteUInt16LittleEndian(extension.AsSpan(22), 1);
        BinaryPrimitives.WriteInt32LittleEndian(extension.AsSpan(28), RecordSize);
        BinaryPrimitives.WriteUInt64LittleEndian(extension.AsSpan(32), baseReference ?? ((ulong)sequence0 << 48));
        BinaryPrimitives.WriteUInt32LittleEndian(extension.AsSpan(44), (uint)Extension);
        BinaryPrimitives.WriteUInt16LittleEndian(extension.AsSpan(48), 0x0001);
        var extensionBody = tail.Concat(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0 }).ToArray();
        extensionBody.CopyTo(extension, 56);
        BinaryPrimitives.WriteInt32LittleEndian(extension.AsSpan(24), 56 + extensionBody.Length);
        Encode(extension, volume, mftOffset + (Extension * RecordSize));
    }

    private static void ReadAll(MemoryBlockStorage storage, Dictionary<string, byte[]> files)
    {
        using var volume = NtfsVolume.Open(storage);
        foreach (var file in files)
        {
            Assert.Equal(file.Value, volume.ReadAllBytes(file.Key));
        }
    }

    [SkippableFact]
    public void The_reader_bootstraps_an_mft_continued_in_an_extension_record()
    {
        var (volume, files) = FragmentedVolume();
        SpillMft(volume, split: 20);
        using var reader = NtfsVolume.Open(new MemoryBlockStorage(volume, writable: false));
        var mft = reader.GetEntry("$MFT");
        Assert.Contains(mft.File.Attributes, a => a.Type == NtfsAttributeType.AttributeList);
        Assert.Contains(mft.File.Attributes, a => a.Type == NtfsAttributeType.Data && a.RecordNumber == Extension);
        Assert.True(mft.Streams.Single().FragmentCount > 20);
        foreach (var file in files)
        {
            Assert.Equal(file.Value, reader.ReadAllBytes(file.Key));
        }

        // ntfs-3g reads the hand-made layout too: it is NTFS, not just what this reader expects.
        using var temp = new TempFolder("mft-list");
        var image = temp.Combine("volume.img");
        File.WriteAllBytes(image, volume);
        foreach (var name in new[] { "r39/f47.txt", "r39/data.bin", "r20/f00.txt" })
        {
            var info = new System.Diagnostics.ProcessStartInfo(External.Tool("ntfscat")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(image);
            info.ArgumentList.Add("/" + name);
            using var process = System.Diagnostics.Process.Start(info)!;
            using var output = new MemoryStream();
            var errors = process.StandardError.ReadToEndAsync();
            process.StandardOutput.BaseStream.CopyTo(output);
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"ntfscat {name}: {errors.Result}");
            Assert.Equal(files[name], output.ToArray());
        }
    }

    [SkippableFact]
    public void An_extension_that_does_not_belong_to_the_mft_is_refused()
    {
        var (volume, files) = FragmentedVolume();
        SpillMft(volume, split: 20, baseReference: 5);
        var storage = new MemoryBlockStorage(volume, writable: false);
        Assert.Equal("NtfsAttributeListInvalid", Hostile.Refused(() => ReadAll(storage, files)).ErrorId);
    }

    [SkippableFact]
    public void A_list_that_points_the_tail_back_at_record_0_is_refused_not_followed()
    {
        var (volume, files) = FragmentedVolume();
        SpillMft(volume, split: 20, listReference: 0);
        var storage = new MemoryBlockStorage(volume, writable: false);
        Assert.Equal("NtfsSizeInvalid", Hostile.Refused(() => ReadAll(storage, files)).ErrorId);
    }

    [SkippableFact]
    public void An_extent_that_overlaps_the_first_is_refused()
    {
        var (volume, files) = FragmentedVolume();
        SpillMft(volume, split: 20, extensionFirstVcn: 3);
        var storage = new MemoryBlockStorage(volume, writable: false);
        Assert.Equal("NtfsRunListInvalid", Hostile.Refused(() => ReadAll(storage, files)).ErrorId);
    }
}
