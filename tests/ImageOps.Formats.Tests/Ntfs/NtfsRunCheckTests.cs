using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using ImageOps.Formats.Ntfs;

namespace ImageOps.Formats.Tests.Ntfs;

/// <summary>
/// Run lists that loop or overlap (HOSTILE.md), built as attribute records by hand: runs mapping two
/// VCNs to one cluster, extents that restart or go backwards, runs past the volume or over the MFT.
/// </summary>
public class NtfsRunCheckTests
{
    private const int Cluster = 4096;
    private static readonly NtfsSource Source = new("runs.img", 0, 1000L * Cluster, (_, _) => { });

    private static NtfsAttributeRecord Attribute(long firstVcn, long lastVcn, long dataSize, params byte[] runs)
    {
        var bytes = new byte[64 + ((runs.Length + 8) & ~7)];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)NtfsAttributeType.Data);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), bytes.Length);
        bytes[8] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(10), 64);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(16), firstVcn);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(24), lastVcn);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(32), 64);
        var allocated = firstVcn == 0 ? dataSize == 0 ? 0 : ((dataSize + Cluster - 1) / Cluster) * Cluster : 0;
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(40), allocated);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(48), firstVcn == 0 ? dataSize : 0);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(56), firstVcn == 0 ? dataSize : 0);
        runs.CopyTo(bytes, 64);
        return NtfsAttributeRecord.Parse(bytes, new NtfsFileRecord(), 0, Source);
    }

    private static CorruptImageException Refused(List<NtfsAttributeRecord> extents, IReadOnlyList<NtfsDataRun>? forbidden = null)
        => Assert.Throws<CorruptImageException>(() => NtfsAttributeData.Create(Source, Cluster, 1000, extents, "test stream", forbidden));

    [Fact]
    public void Valid_extents_merge_in_vcn_order()
    {
        // Stored out of order on purpose: extents are sorted by first VCN before they are chained.
        var second = Attribute(4, 7, 0, 0x11, 0x04, 0x40, 0x00);
        var first = Attribute(0, 3, 8 * Cluster, 0x11, 0x04, 0x20, 0x00);
        var data = NtfsAttributeData.Create(Source, Cluster, 1000, new List<NtfsAttributeRecord> { second, first }, "test stream", null);
        Assert.Equal(2, data.Runs.Count);
        Assert.Equal(0x40, data.Runs[1].Lcn);
        Assert.Equal(0x20L * Cluster, data.VolumeOffsetOf(0));
    }

    [Fact]
    public void Two_vcns_on_one_cluster_are_refused()
    {
        // Run 1: 4 clusters at 16; run 2: 4 clusters at 16 + 0.
        var error = Refused(new List<NtfsAttributeRecord> { Attribute(0, 7, 8 * Cluster, 0x11, 0x04, 0x10, 0x11, 0x04, 0x00, 0x00) });
        Assert.Equal("NtfsRunListInvalid", error.ErrorId);
        Assert.Contains("overlap", error.Detail);
    }

    [Fact]
    public void Extents_that_restart_or_leave_gaps_are_refused()
    {
        var looping = Refused(new List<NtfsAttributeRecord> { Attribute(0, 3, 8 * Cluster, 0x11, 0x04, 0x20, 0x00), Attribute(0, 3, 0, 0x11, 0x04, 0x40, 0x00) });
        Assert.Equal("NtfsRunListInvalid", looping.ErrorId);
        var gap = Refused(new List<NtfsAttributeRecord> { Attribute(0, 3, 12 * Cluster, 0x11, 0x04, 0x20, 0x00), Attribute(8, 11, 0, 0x11, 0x04, 0x40, 0x00) });
        Assert.Equal("NtfsRunListInvalid", gap.ErrorId);
    }

    [Fact]
    public void Runs_past_the_volume_or_over_metadata_are_refused()
    {
        Assert.Contains("leaves the volume", Refused(new List<NtfsAttributeRecord> { Attribute(0, 3, 4 * Cluster, 0x21, 0x04, 0xE6, 0x03, 0x00) }).Detail);
        var mft = new[] { new NtfsDataRun(0, 16, 0x20) };
        Assert.Contains("MFT", Refused(new List<NtfsAttributeRecord> { Attribute(0, 3, 4 * Cluster, 0x11, 0x04, 0x22, 0x00) }, mft).Detail);
        Assert.Contains("boot sector", Refused(new List<NtfsAttributeRecord> { Attribute(0, 3, 4 * Cluster, 0x11, 0x04, 0x00, 0x00) }, mft).Detail);
    }

    [Fact]
    public void Sizes_beyond_the_mapped_clusters_are_refused()
    {
        var error = Refused(new List<NtfsAttributeRecord> { Attribute(0, 3, 5 * Cluster, 0x11, 0x04, 0x20, 0x00) });
        Assert.Equal("NtfsSizeInvalid", error.ErrorId);
    }

    [Fact]
    public void A_sparse_file_larger_than_the_volume_is_fine_and_reads_zeros()
    {
        // 2^40 clusters of hole, then one real cluster: legal for a sparse file.
        var data = NtfsAttributeData.Create(Source, Cluster, 1000, new List<NtfsAttributeRecord> { Attribute(0, (1L << 40), ((1L << 40) + 1) * Cluster, 0x06, 0, 0, 0, 0, 0, 0x01, 0x11, 0x01, 0x20, 0x00) }, "sparse", null);
        var buffer = new byte[100];
        buffer.AsSpan().Fill(0xAA);
        Assert.Equal(100, data.Read(1L << 45, buffer));
        Assert.All(buffer, b => Assert.Equal(0, b));
    }
}
