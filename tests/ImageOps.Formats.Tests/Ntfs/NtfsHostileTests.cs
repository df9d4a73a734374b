using System;
using System.Linq;
using ImageOps.Formats.Ntfs;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Ntfs;

/// <summary>
/// HOSTILE.md for NTFS: each case patches the valid mkntfs/ntfscp volume, then opening, listing and
/// reading everything must end in success or a typed error, in bounded time and memory.
/// </summary>
[Collection(MkntfsVolumeCollection.Name)]
public class NtfsHostileTests
{
    private readonly MkntfsVolumeFixture _fixture;

    public NtfsHostileTests(MkntfsVolumeFixture fixture)
    {
        _fixture = fixture;
    }

    /// <summary>Opens the image and reads every file and stream of every directory.</summary>
    internal static void ReadEverything(NtfsTestImage image)
    {
        using var volume = image.Open();
        Walk(volume, volume.Root, 0);
        volume.GetClusterBitmap();
    }

    internal static void Walk(NtfsVolume volume, NtfsEntry directory, int depth)
    {
        foreach (var entry in volume.ListDirectory(directory))
        {
            if (entry.IsDirectory)
            {
                if (depth < 40 && entry.RecordNumber != 5)
                {
                    Walk(volume, entry, depth + 1);
                }

                continue;
            }

            foreach (var stream in entry.Streams)
            {
                using var s = volume.OpenRead(entry, stream.Name);
                var buffer = new byte[1 << 16];
                while (s.Read(buffer, 0, buffer.Length) > 0)
                {
                }
            }
        }
    }

    private NtfsTestImage Image() => new(_fixture.Bytes());

    private static CorruptImageException RefusedCorrupt(NtfsTestImage image, string? errorId = null)
    {
        image.Commit();
        var error = Hostile.Refused(() => ReadEverything(image));
        var corrupt = Assert.IsType<CorruptImageException>(error, exactMatch: false);
        Assert.Equal("NTFS", corrupt.Format);
        if (errorId is not null)
        {
            Assert.Equal(errorId, corrupt.ErrorId);
        }

        return corrupt;
    }

    [SkippableFact]
    public void The_valid_volume_reads_completely()
    {
        var image = Image();
        Assert.Null(Hostile.Survives(() => ReadEverything(image)));
    }

    [SkippableTheory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(512)]
    [InlineData(4096)]
    public void Truncated_volumes_are_refused(int length)
    {
        var bytes = _fixture.Bytes().AsSpan(0, length).ToArray();
        var image = new NtfsTestImage(bytes);
        Hostile.Refused(() => ReadEverything(image));
    }

    [SkippableFact]
    public void Bad_fixup_in_an_mft_record_names_the_record_and_offset()
    {
        var image = Image();
        var root = image.Record(5);
        image.Bytes[root + 1022] ^= 0xFF;
        var error = RefusedCorrupt(image, "NtfsFixupInvalid");
        Assert.Equal(root + 1022, error.Offset);
        Assert.Contains("MFT record 5", error.Structure);
    }

    [SkippableFact]
    public void Bad_fixup_in_an_index_record_is_refused()
    {
        var image = Image();
        var allocation = image.Attribute(5, NtfsAttributeType.IndexAllocation, "$I30");
        var lcn = NtfsRunListLcn(image, allocation);
        image.Bytes[(lcn * image.ClusterSize) + 510] ^= 0x55;
        RefusedCorrupt(image, "NtfsFixupInvalid");
    }

    [SkippableFact]
    public void Mft_run_past_the_volume_is_refused()
    {
        var image = Image();
        var runs = image.RunList(image.Attribute(0, NtfsAttributeType.Data));

        // Rewrite the first run as 0x31 <len:1> <lcn:3> with an LCN far past the volume.
        var header = image.Bytes[runs];
        var lengthSize = header & 0x0F;
        var offsetSize = header >> 4;
        for (var i = 0; i < offsetSize; i++)
        {
            image.Bytes[runs + 1 + lengthSize + i] = (byte)(i == offsetSize - 1 ? 0x70 : 0xFF);
        }

        RefusedCorrupt(image);
    }

    [SkippableFact]
    public void File_run_overlapping_the_mft_is_refused()
    {
        var image = Image();
        var entry = LocateRecord(image, "Big File.bin");
        var data = image.Attribute(entry, NtfsAttributeType.Data);
        var runs = image.RunList(data);
        var header = image.Bytes[runs];
        var lengthSize = header & 0x0F;
        var offsetSize = header >> 4;
        var mftCluster = image.MftOffset / image.ClusterSize;
        for (var i = 0; i < offsetSize; i++)
        {
            image.Bytes[runs + 1 + lengthSize + i] = (byte)(mftCluster >> (8 * i));
        }

        var error = RefusedCorrupt(image, "NtfsRunListInvalid");
        Assert.Contains("MFT", error.Detail);
    }

    [SkippableFact]
    public void Index_cycle_is_refused_not_followed()
    {
        var image = Image();

        // The root's index root has one (last) entry pointing at VCN 0; make VCN 0's own last entry
        // point back at VCN 0. Its last entry is 16 bytes; the sub-node flag needs 8 more, and the
        // record has room after the used part.
        var allocation = image.Attribute(5, NtfsAttributeType.IndexAllocation, "$I30");
        var record = NtfsRunListLcn(image, allocation) * image.ClusterSize;
        var node = record + 24;
        var entriesOffset = BitConverter.ToInt32(image.Bytes, (int)node);
        var indexLength = BitConverter.ToInt32(image.Bytes, (int)node + 4);
        var position = node + entriesOffset;
        while ((BitConverter.ToUInt16(image.Bytes, (int)position + 12) & 2) == 0)
        {
            position += BitConverter.ToUInt16(image.Bytes, (int)position + 8);
        }

        image.WriteUInt16(position + 8, 24);
        image.WriteUInt16(position + 12, 3);
        image.WriteInt64(position + 16, 0);
        image.WriteInt32(node + 4, indexLength + 8);
        image.Bytes[node + 12] = 1;
        RefusedCorrupt(image, "NtfsIndexCycle");
    }

    [SkippableTheory]
    [InlineData(24, 0x7FFFFFFF)] // MFT record used size
    [InlineData(20, 0)] // first attribute offset 0
    [InlineData(20, 1020)] // first attribute past the used size
    public void Absurd_mft_record_fields_are_refused(int field, int value)
    {
        var image = Image();
        var record = image.Record(5);
        if (field == 20)
        {
            image.WriteUInt16(record + field, (ushort)value);
        }
        else
        {
            image.WriteInt32(record + field, value);
        }

        RefusedCorrupt(image);
    }

    [SkippableTheory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(long.MaxValue)]
    [InlineData(1L << 40)]
    public void Absurd_data_sizes_are_refused_without_allocating(long size)
    {
        var image = Image();
        var entry = LocateRecord(image, "Big File.bin");
        var data = image.Attribute(entry, NtfsAttributeType.Data);
        image.WriteInt64(data + 40, size); // allocated size
        image.WriteInt64(data + 48, size); // data size
        if (size == 0)
        {
            RefusedCorrupt(image, "NtfsSizeInvalid");
        }
        else
        {
            RefusedCorrupt(image);
        }
    }

    [SkippableFact]
    public void A_petabyte_volume_claim_allocates_nothing_large()
    {
        // The boot sector claims a petabyte and the (sparse, in-memory) partition is that large: the
        // cluster bitmap is then far too short, and nothing may be allocated in proportion to the claim.
        var bytes = _fixture.Bytes();
        const long Petabyte = 1L << 50;
        new NtfsTestImage(bytes).WriteInt64(0x28, Petabyte / 512);
        var storage = new ImageOps.Formats.Disks.Storage.MemoryBlockStorage(bytes, "petabyte.img");
        storage.SetLength(Petabyte);
        var error = Hostile.Refused(() =>
        {
            using var volume = NtfsVolume.Open(storage);
            volume.GetClusterBitmap().GetAllocatedRanges().Count();
        });
        Assert.Equal("NtfsMetadataInvalid", error.ErrorId);
    }

    [SkippableFact]
    public void Zero_attribute_length_cannot_loop()
    {
        var image = Image();
        var standard = image.Attribute(5, NtfsAttributeType.StandardInformation);
        image.WriteInt32(standard + 4, 0);
        RefusedCorrupt(image, "NtfsAttributeInvalid");
    }

    [SkippableFact]
    public void Mft_too_small_for_its_metadata_is_refused()
    {
        var image = Image();
        var data = image.Attribute(0, NtfsAttributeType.Data);
        image.WriteInt64(data + 48, 4096);
        image.WriteInt64(data + 56, 4096);
        RefusedCorrupt(image);
    }

    [SkippableFact]
    public void Random_damage_in_metadata_never_escapes_the_contract()
    {
        var clean = _fixture.Bytes();
        var mft = new NtfsTestImage(clean).MftOffset;
        var random = new Random(20261121);
        for (var round = 0; round < 150; round++)
        {
            var bytes = (byte[])clean.Clone();
            for (var flips = 0; flips < 8; flips++)
            {
                var offset = round % 3 == 0 ? random.Next(0, 512) : (int)mft + random.Next(0, 64 * 1024);
                bytes[offset] = (byte)random.Next(256);
            }

            var image = new NtfsTestImage(bytes);
            Hostile.Survives(() => ReadEverything(image), timeoutSeconds: 30);
        }
    }

    /// <summary>The first LCN of a non-resident attribute's first run.</summary>
    internal static long NtfsRunListLcn(NtfsTestImage image, long attribute)
    {
        var runs = image.RunList(attribute);
        var header = image.Bytes[runs];
        var lengthSize = header & 0x0F;
        var offsetSize = header >> 4;
        return NtfsRunList.ReadSigned(image.Bytes.AsSpan((int)runs + 1 + lengthSize, offsetSize));
    }

    private static long LocateRecord(NtfsTestImage image, string name)
    {
        using var volume = image.Open();
        return volume.GetEntry(name).RecordNumber;
    }
}
