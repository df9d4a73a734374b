using System.IO;
using System.Linq;
using System.Text.Json;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Qcow2;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Disks.Qcow2;

/// <summary>Measure agrees with qemu-img measure, and the writer's output fits what it predicts.</summary>
public class Qcow2MeasureTests
{
    [SkippableTheory]
    [InlineData(null, 65536, "")]
    [InlineData("v2", 4096, "compat=0.10,cluster_size=4096")]
    [InlineData(null, 512, "cluster_size=512")]
    [InlineData(null, 2 << 20, "cluster_size=2M")]
    public void Agrees_with_qemu_img_measure(string? subformat, int clusterSize, string qemuOptions)
    {
        using var dir = new TempFolder("qcow2-measure");
        var source = dir.Combine("s.raw");
        using (var f = File.Create(source))
        {
            f.SetLength(40L << 20);
            f.Position = 5L << 20;
            f.Write(Qcow2TestSupport.Pattern(300 << 10, 1));
            f.Position = (30L << 20) + 777;
            f.Write(Qcow2TestSupport.Pattern(9000, 2));
        }

        var args = new System.Collections.Generic.List<string> { "measure", "--output=json", "-f", "raw", "-O", "qcow2" };
        if (qemuOptions.Length > 0)
        {
            args.Add("-o");
            args.Add(qemuOptions);
        }

        args.Add(source);
        using var doc = JsonDocument.Parse(QemuImg.Run(args.ToArray()).EnsureSuccess("qemu-img measure").Out);
        var qemuRequired = doc.RootElement.GetProperty("required").GetInt64();
        var qemuFull = doc.RootElement.GetProperty("fully-allocated").GetInt64();

        using var disk = DiskFormats.Open(source);
        var options = new DiskCreateOptions { Capacity = disk.Capacity, ClusterSize = clusterSize, Subformat = subformat };
        var ours = Qcow2TestSupport.Format.Measure(options, disk.GetAllocation(0, disk.Capacity).ToList());
        Assert.Equal(qemuFull, ours.FullyAllocatedBytes);
        Assert.InRange(ours.RequiredBytes, qemuRequired - (2L * clusterSize), qemuRequired + (2L * clusterSize));

        // Size only (no data), as qemu-img measure --size.
        var empty = Qcow2TestSupport.Format.Measure(new DiskCreateOptions { Capacity = 1L << 30, ClusterSize = clusterSize, Subformat = subformat }, new AllocationRange[0]);
        var sizeArgs = new System.Collections.Generic.List<string> { "measure", "--output=json", "--size", "1G", "-O", "qcow2" };
        if (qemuOptions.Length > 0)
        {
            sizeArgs.Add("-o");
            sizeArgs.Add(qemuOptions);
        }

        using var sizeDoc = JsonDocument.Parse(QemuImg.Run(sizeArgs.ToArray()).EnsureSuccess("qemu-img measure").Out);
        Assert.Equal(sizeDoc.RootElement.GetProperty("required").GetInt64(), empty.RequiredBytes);
        Assert.Equal(sizeDoc.RootElement.GetProperty("fully-allocated").GetInt64(), empty.FullyAllocatedBytes);

        // What the writer produces stays within the measured requirement.
        var target = dir.Combine("o.qcow2");
        using (var writer = Qcow2TestSupport.Format.CreateWriter(FileBlockStorage.Create(target), options))
        {
            Qcow2TestSupport.Pump(disk, writer);
        }

        Assert.True(new FileInfo(target).Length <= ours.RequiredBytes, $"{new FileInfo(target).Length} > {ours.RequiredBytes}");
    }
}
