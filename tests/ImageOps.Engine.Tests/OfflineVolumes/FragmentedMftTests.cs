using System;
using System.Linq;
using ImageOps.Engine.OfflineVolumes;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Ntfs;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.OfflineVolumes;

/// <summary>
/// A $MFT that had to grow in pieces: the volume is filled first, then records are added between data
/// files, so ntfs-3g extends the MFT wherever clusters are left. The reader must bootstrap the MFT's own
/// run list (and reach records in every fragment).
/// </summary>
[Collection(OfflineVolumeCollection.Name)]
public class FragmentedMftTests
{
    [SkippableFact]
    public void Files_in_a_fragmented_mft_read_back()
    {
        using var disk = Ntfs3gVolumeTests.FormattedMemoryDisk();
        var expected = new System.Collections.Generic.Dictionary<string, byte[]>();
        var random = new Random(99);
        using (var volume = Ntfs3gVolume.Open(disk, 0, 40L << 20))
        {
            var filler = new byte[33 << 20];
            random.NextBytes(filler);
            volume.WriteAllBytes("filler.bin", filler);
            for (var round = 0; round < 40; round++)
            {
                for (var i = 0; i < 48; i++)
                {
                    var small = new byte[random.Next(1, 300)];
                    random.NextBytes(small);
                    var name = $"r{round:D2}/f{i:D2}.txt";
                    volume.WriteAllBytes(name, small);
                    expected[name] = small;
                }

                var data = new byte[48 << 10];
                random.NextBytes(data);
                volume.WriteAllBytes($"r{round:D2}/data.bin", data);
                expected[$"r{round:D2}/data.bin"] = data;
            }
        }

        using var reader = NtfsVolume.Open(disk, 0, 40L << 20);
        var mft = reader.GetEntry("$MFT").Streams.Single();
        Assert.True(mft.FragmentCount > 1, $"$MFT has {mft.FragmentCount} fragment(s)");
        Assert.True(reader.MftRecordCount > 1900);
        foreach (var file in expected)
        {
            Assert.Equal(file.Value, reader.ReadAllBytes(file.Key));
        }
    }
}
