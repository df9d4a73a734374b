using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using ImageOps.Engine.OfflineVolumes;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Ntfs;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.OfflineVolumes;

/// <summary>
/// HOSTILE.md for attribute lists: a file whose attributes spill into extension records (written by
/// libntfs-3g: it needs the writer, so it lives here), patched so the list points at other files, past
/// the MFT, or at records that disown it. The reader must refuse with a typed error, in bounded time.
/// </summary>
[Collection(OfflineVolumeCollection.Name)]
public class NtfsAttributeListHostileTests
{
    private const long Size = 40L << 20;
    private const string Spilled = "/many-streams.bin";

    private static byte[] BuildVolume()
    {
        using var disk = Ntfs3gVolumeTests.FormattedMemoryDisk();
        using (var volume = Ntfs3gVolume.Open(disk, 0, Size))
        {
            volume.WriteAllBytes(Spilled, new byte[5000]);
            for (var i = 0; i < 80; i++)
            {
                volume.WriteNamedStream(Spilled, $"stream-{i:D3}", new MemoryStream(new byte[64]));
            }

            volume.WriteAllBytes("/other.txt", new byte[10]);
        }

        var bytes = new byte[Size];
        disk.Read(0, bytes);
        return bytes;
    }

    private static void ReadEverything(MemoryBlockStorage storage)
    {
        using var volume = NtfsVolume.Open(storage);
        foreach (var entry in volume.ListDirectory("\\"))
        {
            foreach (var stream in entry.Streams)
            {
                using var s = volume.OpenRead(entry, stream.Name);
                s.CopyTo(Stream.Null);
            }
        }
    }

    /// <summary>Patches a record's bytes as they read after fix-ups, then re-protects the record.</summary>
    private static void PatchRecord(byte[] volume, long record, int size, Action<byte[]> edit)
    {
        var raw = volume.AsSpan((int)record, size).ToArray();
        int usa = BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(4));
        var usn = BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(usa));
        for (var i = 0; i < size / 512; i++)
        {
            raw[(i * 512) + 510] = raw[usa + 2 + (2 * i)];
            raw[(i * 512) + 511] = raw[usa + 3 + (2 * i)];
        }

        edit(raw);
        for (var i = 0; i < size / 512; i++)
        {
            raw[usa + 2 + (2 * i)] = raw[(i * 512) + 510];
            raw[usa + 3 + (2 * i)] = raw[(i * 512) + 511];
            BinaryPrimitives.WriteUInt16LittleEndian(raw.AsSpan((i * 512) + 510), usn);
        }

        raw.CopyTo(volume, (int)record);
    }

    /// <summary>Where the spilled file's attribute list is, resident in its record or in clusters.</summary>
    private sealed class ListLayout
    {
        public long BaseRecordOffset { get; set; }

        public long BaseNumber { get; set; }

        public byte[] Value { get; set; } = Array.Empty<byte>();

        public int[] Entries { get; set; } = Array.Empty<int>();

        public long[] Extensions { get; set; } = Array.Empty<long>();

        public Func<int, long> VolumeOffsetOf { get; set; } = _ => -1;

        public bool Resident { get; set; }

        public int ResidentValueStart { get; set; }

        public ulong Reference(int entry) => BinaryPrimitives.ReadUInt64LittleEndian(Value.AsSpan(entry + 16));

        /// <summary>Overwrites bytes of the list at <paramref name="position"/>, keeping fix-ups valid.</summary>
        public void Patch(byte[] volume, int position, byte[] data)
        {
            if (Resident)
            {
                PatchRecord(volume, BaseRecordOffset, 1024, raw => data.CopyTo(raw, ResidentValueStart + position));
            }
            else
            {
                data.CopyTo(volume, VolumeOffsetOf(position));
            }
        }
    }

    private static ListLayout Locate(byte[] bytes)
    {
        using var volume = NtfsVolume.Open(new MemoryBlockStorage(bytes, writable: false));
        var file = volume.GetEntry(Spilled).File;
        var list = file.Attributes.Single(a => a.Type == NtfsAttributeType.AttributeList);
        var data = file.Data(NtfsAttributeType.AttributeList, string.Empty, volume)!;
        var value = new byte[data.DataSize];
        data.Read(0, value);
        var entries = new System.Collections.Generic.List<int>();
        for (var at = 0; at < value.Length;)
        {
            entries.Add(at);
            at += BinaryPrimitives.ReadUInt16LittleEndian(value.AsSpan(at + 4));
        }

        var recordStart = list.VolumeOffset - (list.VolumeOffset % volume.MftRecordSize);
        var layout = new ListLayout
        {
            BaseRecordOffset = recordStart,
            BaseNumber = file.RecordNumber,
            Value = value,
            Entries = entries.ToArray(),
            Extensions = file.Attributes.Select(a => a.RecordNumber).Where(r => r != file.RecordNumber).Distinct().ToArray(),
            Resident = !list.NonResident,
            ResidentValueStart = list.NonResident ? 0 : (int)(list.VolumeOffset - recordStart) + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan((int)list.VolumeOffset + 20)),
            VolumeOffsetOf = position => data.VolumeOffsetOf(position),
        };
        Assert.NotEmpty(layout.Extensions);
        return layout;
    }

    private static byte[] Le64(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes;
    }

    private static ImageOpsException Refused(byte[] bytes, string errorId)
    {
        var storage = new MemoryBlockStorage(bytes, writable: false);
        var error = Hostile.Refused(() => ReadEverything(storage));
        Assert.Equal(errorId, error.ErrorId);
        return error;
    }

    [SkippableFact]
    public void The_spilled_file_reads_completely()
    {
        var bytes = BuildVolume();
        using (var volume = NtfsVolume.Open(new MemoryBlockStorage(bytes, writable: false)))
        {
            Assert.Equal(81, volume.GetEntry(Spilled).Streams.Count);
        }

        var storage = new MemoryBlockStorage(bytes, writable: false);
        Assert.Null(Hostile.Survives(() => ReadEverything(storage)));
    }

    [SkippableFact]
    public void An_entry_naming_another_files_record_is_refused()
    {
        var bytes = BuildVolume();
        var layout = Locate(bytes);
        var target = layout.Entries.First(e => (long)(layout.Reference(e) & 0x0000FFFFFFFFFFFF) == layout.Extensions[0]);
        layout.Patch(bytes, target + 16, Le64(5));
        Refused(bytes, "NtfsAttributeListInvalid");
    }

    [SkippableFact]
    public void An_entry_naming_a_record_past_the_mft_is_refused()
    {
        var bytes = BuildVolume();
        var layout = Locate(bytes);
        layout.Patch(bytes, layout.Entries.Last() + 16, Le64(0x0000FFFFFFFFFFFF));
        Refused(bytes, "NtfsRecordInvalid");
    }

    [SkippableFact]
    public void An_extension_record_that_disowns_the_file_is_refused()
    {
        var bytes = BuildVolume();
        var layout = Locate(bytes);
        var extension = layout.BaseRecordOffset + ((layout.Extensions[0] - layout.BaseNumber) * 1024);
        PatchRecord(bytes, extension, 1024, raw => BinaryPrimitives.WriteUInt64LittleEndian(raw.AsSpan(32), 5));
        Refused(bytes, "NtfsAttributeListInvalid");
    }

    [SkippableFact]
    public void A_list_entry_longer_than_the_list_is_refused()
    {
        var bytes = BuildVolume();
        var layout = Locate(bytes);
        layout.Patch(bytes, layout.Entries.Last() + 4, new byte[] { 0xF0, 0x7F });
        Refused(bytes, "NtfsAttributeListInvalid");
    }

    [SkippableFact]
    public void An_entry_naming_its_own_base_record_is_harmless()
    {
        var bytes = BuildVolume();
        var layout = Locate(bytes);
        layout.Patch(bytes, layout.Entries[0] + 16, Le64((ulong)layout.BaseNumber));
        var storage = new MemoryBlockStorage(bytes, writable: false);
        Hostile.Survives(() => ReadEverything(storage));
    }
}
