using System;
using System.IO;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Chains;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Tests;
using static ImageOps.Formats.Tests.Disks.Vmdk.VmdkTestSupport;

namespace ImageOps.Formats.Tests.Disks.Vmdk;

/// <summary>Delta (differencing) disks: parentCID / parentFileNameHint, the CID check, and qemu's VMDK-only parents.</summary>
public sealed class VmdkDeltaTests : IDisposable
{
    private readonly TempFolder _dir = new("vmdk-delta");

    public void Dispose() => _dir.Dispose();

    private string Base(long size = 4L << 20)
    {
        var path = _dir.Combine("base.vmdk");
        QemuImg.Create("vmdk", path, size);
        QemuIo(path, "write -P 0x11 0 1M", "write -P 0x12 3M 64k");
        return path;
    }

    private string QemuChild(string name = "child.vmdk")
    {
        var path = _dir.Combine(name);
        QemuImg.Run("create", "-q", "-f", "vmdk", "-b", "base.vmdk", "-F", "vmdk", path).EnsureSuccess("qemu-img create child");
        return path;
    }

    [SkippableFact]
    public void A_qemu_made_child_reads_through_its_parent_and_exposes_the_cid_link()
    {
        var basePath = Base();
        var child = QemuChild();
        QemuIo(child, "write -P 0x21 100k 3k", "write -P 0x22 2M 64k");
        using var disk = DiskFormats.Open(child);
        Assert.Equal(DiskVariant.Differencing, disk.Variant);
        Assert.NotNull(disk.Parent);
        Assert.Equal("base.vmdk", disk.ParentLink!.Reference);
        Assert.Equal(disk.Parent!.Identity, disk.ParentLink.ExpectedIdentity);
        Assert.True(disk.ParentLink.IdentityMatches);
        Assert.Equal(Path.GetFullPath(basePath), disk.ParentLink.ResolvedPath);
        Assert.Equal(QemuRead(child, _dir), ReadAll(disk));

        // The child's own layer: the two grains written (COW copies the rest of each grain from the parent).
        var data = disk.GetAllocation(0, disk.Capacity).Where(r => r.Kind == AllocationKind.Data).ToList();
        Assert.Equal(new[] { new AllocationRange(64 * 1024, 64 * 1024, AllocationKind.Data), new AllocationRange(2L << 20, 64 * 1024, AllocationKind.Data) }, data);
        var flat = ChainAllocation.Coalesce(ChainAllocation.Flatten(disk, 0, disk.Capacity)).ToList();
        Assert.Equal(new AllocationRange(0, 1L << 20, AllocationKind.Data), flat[0]);
    }

    [SkippableFact]
    public void A_parent_changed_by_qemu_after_the_child_was_made_is_detected_by_its_cid()
    {
        var basePath = Base();
        var child = QemuChild();
        QemuIo(basePath, "write -P 0x99 0 512");
        var error = Assert.Throws<ImageOpsException>(() => DiskFormats.Open(child));
        Assert.Equal("ParentIdentityMismatch", error.ErrorId);

        // qemu refuses to read through it as well (vmdk_is_cid_valid).
        var qemu = QemuImg.Io("vmdk", child, "read 0 512");
        Assert.True(qemu.ExitCode != 0 || qemu.Out.Contains("failed") || qemu.Err.Contains("failed") || qemu.Err.Contains("Invalid"), qemu.Out + qemu.Err);

        using var anyway = DiskFormats.Open(child, new DiskOpenOptions { VerifyParentIdentity = false });
        Assert.False(anyway.ParentLink!.IdentityMatches);
    }

    [SkippableFact]
    public void A_parent_changed_by_imageops_gets_a_new_cid_so_the_child_notices()
    {
        var basePath = Base();
        var child = QemuChild();
        using (var parent = DiskFormats.Open(basePath, new DiskOpenOptions { Writable = true }))
        {
            parent.Write(4096, new byte[] { 1, 2, 3 });
        }

        Assert.Equal("ParentIdentityMismatch", Assert.Throws<ImageOpsException>(() => DiskFormats.Open(child)).ErrorId);
    }

    [SkippableTheory]
    [InlineData(null)]
    [InlineData(1)]
    public void A_child_created_by_imageops_reads_right_in_qemu(int? version)
    {
        var basePath = Base();
        var childPath = _dir.Combine("ours.vmdk");
        var expected = QemuRead(basePath, _dir);
        using (var parent = DiskFormats.Open(basePath))
        using (var child = Format.Create(FileBlockStorage.Create(childPath), new DiskCreateOptions { Capacity = parent.Capacity, Variant = DiskVariant.Differencing, Parent = parent, VmdkVersion = version }))
        {
            Assert.Equal(DiskVariant.Differencing, child.Variant);
            Assert.Equal(parent.Identity, child.ParentLink!.ExpectedIdentity);
            child.Write(1000, Enumerable.Repeat((byte)0x31, 100).ToArray());
            Enumerable.Repeat((byte)0x31, 100).ToArray().CopyTo(expected, 1000);
            child.WriteZeros(3L << 20, 64 * 1024);
            Array.Clear(expected, 3 << 20, 64 * 1024);
            child.Write((2L << 20) - 10, Enumerable.Repeat((byte)0x32, 20).ToArray());
            Enumerable.Repeat((byte)0x32, 20).ToArray().CopyTo(expected, (2 << 20) - 10);
            Assert.Equal(expected, ReadAll(child));
        }

        var check = QemuImg.Check(childPath, "vmdk");
        Assert.True(check.ExitCode == 0, check.Out + check.Err);
        var info = QemuImg.Info(childPath, "vmdk");
        Assert.Equal("base.vmdk", info.GetProperty("backing-filename").GetString());
        Assert.Equal(expected, QemuRead(childPath, _dir));
        using var reopened = DiskFormats.Open(childPath);
        Assert.Equal(expected, ReadAll(reopened));
        Assert.True(reopened.ParentLink!.IdentityMatches);
    }

    [SkippableTheory]
    [InlineData(null)]
    [InlineData(1)]
    public void The_sequential_writer_makes_a_delta_whose_zeros_hide_the_parent(int? version)
    {
        var basePath = Base();
        var desired = File.ReadAllBytes(QemuReadToFile(basePath));
        Array.Clear(desired, 0, 64 * 1024);                                            // a zero grain inside a written chunk
        Enumerable.Repeat((byte)0x41, 64 * 1024).ToArray().CopyTo(desired, 64 * 1024);
        Array.Clear(desired, 3 << 20, 1 << 20);                                       // a whole zero chunk over parent data
        var desiredPath = _dir.Combine("desired.raw");
        File.WriteAllBytes(desiredPath, desired);

        var childPath = _dir.Combine("delta.vmdk");
        using (var parent = DiskFormats.Open(basePath))
        using (var writer = Format.CreateWriter(FileBlockStorage.Create(childPath), new DiskCreateOptions { Capacity = parent.Capacity, Variant = DiskVariant.Differencing, Parent = parent, VmdkVersion = version }))
        {
            writer.Write(0, desired.AsSpan(0, 1 << 20), transformed: false);
            writer.WriteZeros(3L << 20, 1L << 20);
            writer.Complete();
        }

        var check = QemuImg.Check(childPath, "vmdk");
        Assert.True(check.ExitCode == 0, check.Out + check.Err);
        Assert.Equal(0, QemuImg.Compare(desiredPath, "raw", childPath, "vmdk").ExitCode);
        using var child = DiskFormats.Open(childPath);
        Assert.Equal(desired, ReadAll(child));
    }

    [SkippableFact]
    public void A_parent_of_another_format_is_refused_as_qemu_does()
    {
        Base();
        var child = QemuChild();
        File.Move(_dir.Combine("base.vmdk"), _dir.Combine("base.vmdk.old"));
        QemuImg.Create("qcow2", _dir.Combine("base.vmdk"), 4L << 20);
        var error = Assert.Throws<UnsupportedFeatureException>(() => DiskFormats.Open(child));
        Assert.Equal("VmdkParentNotVmdk", error.ErrorId);

        File.WriteAllBytes(_dir.Combine("raw.img"), new byte[1 << 20]);
        using var raw = DiskFormats.Open(_dir.Combine("raw.img"));
        var create = Assert.Throws<UnsupportedFeatureException>(() => Format.Create(new MemoryBlockStorage(), new DiskCreateOptions { Capacity = 1 << 20, Variant = DiskVariant.Differencing, Parent = raw }));
        Assert.Equal("VmdkParentNotVmdk", create.ErrorId);
        using var rawWriter = new MemoryBlockStorage();
        Assert.Equal("VmdkParentNotVmdk", Assert.Throws<UnsupportedFeatureException>(() => Format.CreateWriter(rawWriter, new DiskCreateOptions { Capacity = 1 << 20, Variant = DiskVariant.Differencing, Parent = raw })).ErrorId);
    }

    [SkippableTheory]
    [InlineData("../outside.vmdk")]
    [InlineData("/etc/passwd")]
    [InlineData("http://example.com/base.vmdk")]
    [InlineData("json:{file.filename:/etc/passwd}")]
    [InlineData(@"\\server\share\base.vmdk")]
    [InlineData("NUL")]
    [InlineData("COM1.vmdk")]
    [InlineData("")]
    public void Hostile_parent_references_are_refused(string hint)
    {
        Base();
        var child = QemuChild();

        // The allowed root is the child's folder; "../outside.vmdk" exists, one level up.
        var outside = Path.Combine(Path.GetDirectoryName(_dir.Path)!, "outside.vmdk");
        File.WriteAllText(outside, "x");
        try
        {
            PatchDescriptor(child, text => text.Replace("parentFileNameHint=\"base.vmdk\"", $"parentFileNameHint=\"{hint}\""));
            var error = Hostile.Refused(() => DiskFormats.Open(child).Dispose());
            Assert.Equal("ParentReferenceRefused", error.ErrorId);
        }
        finally
        {
            File.Delete(outside);
        }
    }

    [SkippableFact]
    public void A_child_that_names_itself_or_a_cycle_is_refused()
    {
        Base();
        var child = QemuChild();
        PatchDescriptor(child, text => text.Replace("parentFileNameHint=\"base.vmdk\"", "parentFileNameHint=\"child.vmdk\""));
        Assert.Equal("ChainCycle", Hostile.Refused(() => DiskFormats.Open(child).Dispose()).ErrorId);

        var a = QemuChild("a.vmdk");
        var b = QemuChild("b.vmdk");
        PatchDescriptor(a, text => text.Replace("parentFileNameHint=\"base.vmdk\"", "parentFileNameHint=\"b.vmdk\""));
        PatchDescriptor(b, text => text.Replace("parentFileNameHint=\"base.vmdk\"", "parentFileNameHint=\"a.vmdk\""));
        var cycle = Hostile.Refused(() => DiskFormats.Open(a, new DiskOpenOptions { VerifyParentIdentity = false }).Dispose());
        Assert.Equal("ChainCycle", cycle.ErrorId);
    }

    [SkippableFact]
    public void A_missing_parent_is_a_typed_error_and_skip_parents_opens_the_layer_alone()
    {
        Base();
        var child = QemuChild();
        File.Delete(_dir.Combine("base.vmdk"));
        Assert.Equal("ParentNotFound", Assert.Throws<ImageOpsException>(() => DiskFormats.Open(child)).ErrorId);
        using var layer = DiskFormats.Open(child, new DiskOpenOptions { SkipParents = true });
        Assert.Null(layer.Parent);
        Assert.Equal(DiskVariant.Differencing, layer.Variant);
        Assert.Equal("base.vmdk", layer.ParentLink!.Reference);
        Assert.Equal("VmdkParentRequired", Assert.Throws<UnsupportedFeatureException>(() => DiskFormats.Open(child, new DiskOpenOptions { SkipParents = true, Writable = true })).ErrorId);
    }

    private string QemuReadToFile(string path)
    {
        var raw = _dir.Combine(Path.GetFileName(path) + ".raw");
        QemuImg.Convert(path, "vmdk", raw, "raw");
        return raw;
    }
}
