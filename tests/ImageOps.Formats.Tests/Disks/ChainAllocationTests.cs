using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Tests.Disks;
using ImageOps.Formats.Disks.Chains;

namespace ImageOps.Formats.Tests.Disks;

public class ChainAllocationTests
{
    private const int C = TestLayerDisk.Cluster;

    [Fact]
    public void A_layer_reports_its_own_ranges_merged()
    {
        using var disk = new TestLayerDisk(8 * C).Data(1, 1).Data(2, 2).Zero(3);
        Assert.Equal(
            new[] { "Unallocated [0, 4096)", "Data [4096, 12288)", "Zero [12288, 16384)", "Unallocated [16384, 32768)" },
            disk.GetAllocation(0, 8 * C).Select(r => r.ToString()));
        Assert.Equal(new[] { "Data [5000, 6000)" }, disk.GetAllocation(5000, 1000).Select(r => r.ToString()));
    }

    [Fact]
    public void Flattening_takes_unallocated_ranges_from_the_parent_and_zero_hides_it()
    {
        var parent = new TestLayerDisk(8 * C).Data(0, 7).Data(3, 7).Data(5, 7);
        using var child = new TestLayerDisk(8 * C, parent).Data(1, 1).Zero(3);
        var flat = ChainAllocation.Coalesce(ChainAllocation.Flatten(child, 0, 8 * C)).Select(r => r.ToString()).ToList();
        Assert.Equal(new[] { "Data [0, 8192)", "Zero [8192, 20480)", "Data [20480, 24576)", "Zero [24576, 32768)" }, flat);

        var bytes = new byte[8 * C];
        child.Read(0, bytes);
        Assert.Equal(7, bytes[0]);
        Assert.Equal(1, bytes[C]);
        Assert.Equal(0, bytes[3 * C]);
        Assert.Equal(7, bytes[5 * C]);
    }

    [Fact]
    public void A_child_larger_than_its_parent_reads_zeros_past_the_parent()
    {
        var parent = new TestLayerDisk(2 * C).Data(0, 5).Data(1, 5);
        using var child = new TestLayerDisk(4 * C, parent);
        Assert.Equal(new[] { "Data [0, 8192)", "Zero [8192, 16384)" }, ChainAllocation.Coalesce(ChainAllocation.Flatten(child, 0, 4 * C)).Select(r => r.ToString()));
        var bytes = new byte[4 * C];
        child.Read(0, bytes);
        Assert.Equal(5, bytes[C + 5]);
        Assert.Equal(0, bytes[3 * C]);
    }

    [Fact]
    public void Reads_and_maps_outside_the_disk_are_refused()
    {
        using var disk = new TestLayerDisk(2 * C);
        Assert.Throws<System.ArgumentOutOfRangeException>(() => disk.Read(2 * C - 1, new byte[2]));
        Assert.Throws<System.ArgumentOutOfRangeException>(() => disk.GetAllocation(-1, 1).ToList());
        Assert.Throws<System.ArgumentOutOfRangeException>(() => disk.Read(long.MaxValue, new byte[1]));
    }

    [Fact]
    public void The_stream_view_reads_the_whole_disk()
    {
        var parent = new TestLayerDisk(2 * C).Data(0, 3);
        using var child = new TestLayerDisk(2 * C, parent).Data(1, 4);
        using var stream = new VirtualDiskStream(child);
        var all = new byte[3 * C];
        var total = 0;
        int n;
        while ((n = stream.Read(all, total, all.Length - total)) > 0)
        {
            total += n;
        }

        Assert.Equal(2 * C, total);
        Assert.Equal(3, all[10]);
        Assert.Equal(4, all[C + 10]);
        stream.Seek(-1, System.IO.SeekOrigin.End);
        Assert.Equal(4, stream.ReadByte());
    }
}
