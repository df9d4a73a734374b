using System;
using System.IO;
using System.Linq;
using System.Text;
using ImageOps.Formats.Disks;
using ImageOps.Tests;
using static ImageOps.Formats.Tests.Disks.Vmdk.VmdkTestSupport;

namespace ImageOps.Formats.Tests.Disks.Vmdk;

/// <summary>Descriptor files (monolithicFlat, twoGbMaxExtent*, vmfs): extents are opened only by the parent-reference rules.</summary>
public sealed class VmdkDescriptorFileTests : IDisposable
{
    private readonly TempFolder _dir = new("vmdk-desc");

    public VmdkDescriptorFileTests()
    {
        Directory.CreateDirectory(_dir.Combine("images"));
    }

    public void Dispose() => _dir.Dispose();

    private string Images(string name) => _dir.Combine("images", name);

    /// <summary>A 1 MiB flat extent "data-flat.vmdk" with a pattern, and a descriptor over it.</summary>
    private string Descriptor(string extents, string createType = "monolithicFlat", string extra = "")
    {
        if (!File.Exists(Images("data-flat.vmdk")))
        {
            File.WriteAllBytes(Images("data-flat.vmdk"), Pattern(1 << 20, 7));
        }

        var path = Images("disk.vmdk");
        File.WriteAllText(path, $"# Disk DescriptorFile\nversion=1\nCID=12345678\nparentCID=ffffffff\ncreateType=\"{createType}\"\n{extra}\n# Extent description\n{extents}\n\n# The Disk Data Base\n#DDB\n\nddb.adapterType = \"ide\"\n");
        return path;
    }

    [Fact]
    public void Flat_extents_at_offsets_read_as_one_disk()
    {
        var path = Descriptor("RW 1024 FLAT \"data-flat.vmdk\" 1024\nRDONLY 512 ZERO\nRW 1024 FLAT \"data-flat.vmdk\" 0");
        using var disk = DiskFormats.Open(path);
        Assert.Equal(DiskVariant.Fixed, disk.Variant);
        Assert.Equal("monolithicFlat", disk.Subformat);
        Assert.Equal((1024 + 512 + 1024) * 512L, disk.Capacity);
        Assert.Equal("12345678", disk.Identity);
        var data = File.ReadAllBytes(Images("data-flat.vmdk"));
        var all = ReadAll(disk);
        Assert.Equal(data.Skip(512 * 1024), all.Take(512 * 1024));
        Assert.All(all.Skip(512 * 1024).Take(512 * 512), b => Assert.Equal(0, b));
        Assert.Equal(data.Take(512 * 1024), all.Skip(1536 * 512));
        Assert.Contains(disk.GetAllocation(0, disk.Capacity), r => r.Kind == AllocationKind.Zero && r.Offset == 512 * 1024);
        Assert.Equal(2 * (1 << 20) + new FileInfo(path).Length, disk.FileSize);
    }

    [Fact]
    public void An_esxi_vmfs_descriptor_reads_its_flat_extent()
    {
        var path = Descriptor("RW 2048 VMFS \"data-flat.vmdk\"", "vmfs", "isNativeSnapshot=\"no\"\nencoding=\"UTF-8\"");
        using var disk = DiskFormats.Open(path);
        Assert.Equal("vmfs", disk.Subformat);
        Assert.Equal(File.ReadAllBytes(Images("data-flat.vmdk")), ReadAll(disk));
    }

    [Theory]
    [InlineData("vmfsSparse")]
    [InlineData("seSparse")]
    [InlineData("vmfsRawDeviceMap")]
    [InlineData("vmfsPassthroughRawDeviceMap")]
    [InlineData("fullDevice")]
    [InlineData("partitionedDevice")]
    [InlineData("streamOptimized")]
    [InlineData("somethingNew")]
    public void Create_types_not_read_are_refused_by_name(string createType)
    {
        var error = Assert.Throws<UnsupportedFeatureException>(() => DiskFormats.Open(Descriptor("RW 2048 FLAT \"data-flat.vmdk\" 0", createType)));
        Assert.Equal("VmdkCreateTypeNotSupported", error.ErrorId);
        Assert.Contains(createType, error.Message);
    }

    [Theory]
    [InlineData("RW 2048 VMFSSPARSE \"data-flat.vmdk\"")]
    [InlineData("RW 2048 SESPARSE \"data-flat.vmdk\"")]
    [InlineData("RW 2048 VMFSRDM \"data-flat.vmdk\"")]
    [InlineData("RW 2048 VMFSRAW \"data-flat.vmdk\"")]
    [InlineData("NOACCESS 2048 FLAT \"data-flat.vmdk\" 0")]
    public void Extent_kinds_not_read_are_refused_by_name(string extent)
    {
        Assert.Equal("VmdkExtentNotSupported", Assert.Throws<UnsupportedFeatureException>(() => DiskFormats.Open(Descriptor(extent))).ErrorId);
    }

    [Theory]
    [InlineData("../outside-flat.vmdk", "ParentReferenceRefused")]
    [InlineData("/etc/passwd", "ParentReferenceRefused")]
    [InlineData("https://example.com/disk-flat.vmdk", "ParentReferenceRefused")]
    [InlineData("file:///etc/passwd", "ParentReferenceRefused")]
    [InlineData(@"\\server\share\disk-flat.vmdk", "ParentReferenceRefused")]
    [InlineData("//server/share/disk-flat.vmdk", "ParentReferenceRefused")]
    [InlineData("CON", "ParentReferenceRefused")]
    [InlineData("LPT1.vmdk", "ParentReferenceRefused")]
    [InlineData("data-flat.vmdk:stream", "ParentReferenceRefused")]
    [InlineData("missing-flat.vmdk", "ParentNotFound")]
    [InlineData("disk.vmdk", "VmdkExtentInvalid")]
    public void Hostile_extent_references_are_refused(string reference, string errorId)
    {
        File.WriteAllBytes(_dir.Combine("outside-flat.vmdk"), new byte[1 << 20]);
        var path = Descriptor($"RW 8 FLAT \"{reference}\" 0");
        Assert.Equal(errorId, Hostile.Refused(() => DiskFormats.Open(path).Dispose()).ErrorId);
    }

    [Fact]
    public void Extent_files_must_be_as_large_as_the_descriptor_says()
    {
        Assert.Equal("VmdkExtentTooSmall", Hostile.Refused(() => DiskFormats.Open(Descriptor("RW 2049 FLAT \"data-flat.vmdk\" 0")).Dispose()).ErrorId);
        Assert.Equal("VmdkExtentTooSmall", Hostile.Refused(() => DiskFormats.Open(Descriptor("RW 2048 FLAT \"data-flat.vmdk\" 1")).Dispose()).ErrorId);
        Assert.Equal("VmdkExtentInvalid", Hostile.Refused(() => DiskFormats.Open(Descriptor("RW 1 FLAT \"data-flat.vmdk\" 999999999999999999")).Dispose()).ErrorId);
        Assert.Equal("VmdkCapacityTooLarge", Hostile.Refused(() => DiskFormats.Open(Descriptor("RW 999999999999999999 ZERO\nRW 999999999999999999 ZERO")).Dispose()).ErrorId);
    }

    [SkippableFact]
    public void A_sparse_extent_must_hold_the_sectors_the_descriptor_gives_it()
    {
        QemuImg.Run("create", "-q", "-f", "vmdk", "-o", "subformat=twoGbMaxExtentSparse", Images("split.vmdk"), "1M").EnsureSuccess("qemu-img create");
        var text = File.ReadAllText(Images("split.vmdk")).TrimEnd('\0');
        File.WriteAllText(Images("split.vmdk"), text.Replace("RW 2048 SPARSE", "RW 4096 SPARSE"));
        Assert.Equal("VmdkExtentSizeMismatch", Hostile.Refused(() => DiskFormats.Open(Images("split.vmdk")).Dispose()).ErrorId);
    }

    [Fact]
    public void Descriptor_disks_are_read_only()
    {
        var error = Assert.Throws<UnsupportedFeatureException>(() => DiskFormats.Open(Descriptor("RW 2048 FLAT \"data-flat.vmdk\" 0"), new DiskOpenOptions { Writable = true }));
        Assert.Equal("VmdkDescriptorDiskReadOnly", error.ErrorId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("RW 2048 FLAT \"data-flat.vmdk\" 0\nthis is not a descriptor line")]
    [InlineData("RW 2048 FLAT data-flat.vmdk 0")]
    [InlineData("RW 2048 FLAT \"\" 0")]
    [InlineData("RW 2048 ZERO \"data-flat.vmdk\"")]
    [InlineData("RW 2048 VMFS \"data-flat.vmdk\" 0")]
    [InlineData("RW 2048 FLAT \"data-flat.vmdk\" 0 extra")]
    [InlineData("RW 0 FLAT \"data-flat.vmdk\" 0")]
    [InlineData("RW 12x FLAT \"data-flat.vmdk\" 0")]
    public void Malformed_extent_lines_are_refused(string extents)
    {
        Assert.Equal("VmdkDescriptorInvalid", Hostile.Refused(() => DiskFormats.Open(Descriptor(extents)).Dispose()).ErrorId);
    }

    [Fact]
    public void Descriptor_files_are_capped_and_must_be_text()
    {
        var big = Images("big.vmdk");
        using (var stream = File.Create(big))
        {
            var head = Encoding.ASCII.GetBytes("# Disk DescriptorFile\nversion=1\n");
            stream.Write(head);
            stream.SetLength(ImageOps.Formats.Disks.Vmdk.VmdkDescriptor.MaxSize + 1);
        }

        Assert.Equal("VmdkDescriptorTooLarge", Hostile.Refused(() => DiskFormats.Open(big).Dispose(), maxAllocatedBytes: 4 << 20).ErrorId);

        var binary = Images("binary.vmdk");
        File.WriteAllBytes(binary, Encoding.ASCII.GetBytes("version=1\nCID=1\n").Concat(new byte[] { 0, 1, 2, 0xff, 0x80 }).ToArray());
        Assert.Equal("VmdkDescriptorInvalid", Hostile.Refused(() => DiskFormats.Open(binary).Dispose()).ErrorId);

        var padded = Descriptor("RW 2048 FLAT \"data-flat.vmdk\" 0");
        File.AppendAllText(padded, new string('\0', 300));
        using (DiskFormats.Open(padded))
        {
        }

        var noType = Images("notype.vmdk");
        File.WriteAllText(noType, "version=1\nCID=1\nRW 2048 FLAT \"data-flat.vmdk\" 0\n");
        Assert.Equal("VmdkDescriptorInvalid", Hostile.Refused(() => DiskFormats.Open(noType).Dispose()).ErrorId);
    }

    [Fact]
    public void A_descriptor_is_probed_by_content_not_by_name()
    {
        var path = Descriptor("RW 2048 FLAT \"data-flat.vmdk\" 0");
        var renamed = Images("disk.txt");
        File.Copy(path, renamed);
        using var disk = DiskFormats.Open(renamed);
        Assert.Equal(DiskFormat.Vmdk, disk.Format);
        var bom = Images("bom.vmdk");
        File.WriteAllBytes(bom, new byte[] { 0xEF, 0xBB, 0xBF }.Concat(File.ReadAllBytes(path)).ToArray());
        using (var withBom = DiskFormats.Open(bom))
        {
            Assert.Equal(DiskFormat.Vmdk, withBom.Format);
        }

        var notVmdk = Images("readme.vmdk");
        File.WriteAllText(notVmdk, "# just a comment\nhello=1\n");
        using var raw = DiskFormats.Open(notVmdk);
        Assert.Equal(DiskFormat.Raw, raw.Format);
    }
}

