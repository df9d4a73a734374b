using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using ImageOps.Engine.Drivers;
using ImageOps.Engine.Library;
using ImageOps.Formats.Cab;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Drivers;

/// <summary>HOSTILE.md, "Archives" and "Compressed data", for driver packs delivered as .zip and .cab.</summary>
public sealed class DriverArchiveImportTests : IDisposable
{
    private readonly TempFolder _dir = new("archives");
    private readonly ImageLibrary _library;

    public DriverArchiveImportTests()
    {
        _library = ImageLibrary.Open(_dir.Combine("library"));
    }

    public void Dispose() => _dir.Dispose();

    private DriverPackageCatalog Packages => _library.Drivers.Packages;

    /// <summary>The files of a two-INF pack, by archive path.</summary>
    private Dictionary<string, byte[]> PackFiles()
    {
        var folder = _dir.Combine("src-" + Guid.NewGuid().ToString("N").Substring(0, 6));
        var nic = DriverPackageCatalogTests.Nic();
        nic.Files.Clear();
        nic.Files.Add("x64/drv.sys");
        nic.WriteTo(Path.Combine(folder, "Network"));
        var stor = new TestInf { Name = "stor.inf", Class = "SCSIAdapter", ClassGuid = TestInf.ScsiClassGuid, StartType = 0, CatalogFile = "stor.cat" }.Model("NTamd64", "PCI\\VEN_1AF4&DEV_1042");
        stor.WriteTo(Path.Combine(folder, "Storage"));
        return Directory.GetFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(folder, f).Replace('\\', '/'), File.ReadAllBytes);
    }

    private string Zip(IEnumerable<(string Name, byte[] Data)> entries, string? name = null)
    {
        var path = _dir.Combine(name ?? "pack-" + Guid.NewGuid().ToString("N").Substring(0, 8) + ".zip");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            foreach (var (entryName, data) in entries)
            {
                using var stream = zip.CreateEntry(entryName).Open();
                stream.Write(data);
            }
        }

        return path;
    }

    private string Zip(Dictionary<string, byte[]> files) => Zip(files.Select(f => (f.Key, f.Value)));

    /// <summary>Offsets of the central directory headers, in order.</summary>
    private static List<int> CentralHeaders(byte[] zip)
    {
        var result = new List<int>();
        for (var i = 0; i + 4 <= zip.Length; i++)
        {
            if (BitConverter.ToUInt32(zip, i) == 0x02014b50)
            {
                result.Add(i);
            }
        }

        return result;
    }

    private string Patch(string path, Action<byte[], List<int>> patch)
    {
        var bytes = File.ReadAllBytes(path);
        patch(bytes, CentralHeaders(bytes));
        var patched = path + ".patched.zip";
        File.WriteAllBytes(patched, bytes);
        return patched;
    }

    private ImageOpsException Refused(string archive, DriverArchiveLimits? limits = null)
    {
        var error = Hostile.Refused(() => Packages.Add(new DriverImportRequest { Path = archive, ArchiveLimits = limits ?? DriverArchiveLimits.Default }));
        Assert.Empty(Packages.Find().Packages);
        Assert.Empty(Directory.Exists(Path.Combine(_library.Drivers.RootPath, ".staging")) ? Directory.GetDirectories(Path.Combine(_library.Drivers.RootPath, ".staging")) : Array.Empty<string>());
        return error;
    }

    [Fact]
    public void A_zip_pack_is_imported_like_its_folder_and_exports_identically()
    {
        var files = PackFiles();
        var zip = Zip(files);
        var result = Packages.Add(new DriverImportRequest { Path = zip, Groups = new[] { "Pack-A05" } });
        Assert.Equal(new[] { "Network/nic.inf", "Storage/stor.inf" }, result.Items.Select(i => i.InfPath));
        Assert.All(result.Items, i => Assert.Equal(DriverImportStatus.Added, i.Status));
        var nic = result.Items[0].Package!;
        Assert.Equal(zip, nic.Source);
        Assert.Equal("Network/nic.inf", nic.SourceInfPath);

        var export = Packages.Export(nic.Id, _dir.Combine("out"), false);
        Assert.Equal(files["Network/x64/drv.sys"], File.ReadAllBytes(Path.Combine(export.Path, "x64", "drv.sys")));
        Assert.Equal(files["Network/nic.inf"], File.ReadAllBytes(export.InfPath));
        Assert.Empty(Directory.GetDirectories(Path.Combine(_library.Drivers.RootPath, ".staging")));
    }

    [Fact]
    public void A_cab_pack_with_folders_is_imported()
    {
        var cab = new TestCabinet();
        cab.Folders[0].MsZip = true;
        foreach (var (name, data) in PackFiles())
        {
            cab.Add(name.Replace('/', '\\'), data);
        }

        var path = _dir.Combine("pack.cab");
        File.WriteAllBytes(path, cab.Build());
        var result = Packages.Add(new DriverImportRequest { Path = path });
        Assert.Equal(2, result.Items.Count(i => i.Status == DriverImportStatus.Added));
        Assert.Contains("x64/drv.sys", result.Items[0].Package!.Files.Select(f => f.Path));
    }

    [Fact]
    public void An_lzx_cab_is_refused_by_name()
    {
        var cab = new TestCabinet();
        cab.Folders[0].CompressionValue = 0x1503;
        cab.Folders[0].RawBlocks = new() { (new byte[16], 16) };
        cab.Add("nic.inf", new byte[16]);
        var path = _dir.Combine("lzx.cab");
        File.WriteAllBytes(path, cab.Build());
        var error = Refused(path);
        Assert.Equal(CabArchive.CompressionUnsupportedErrorId, error.ErrorId);
        Assert.Contains("Lzx compression", error.Message);
    }

    [Theory]
    [InlineData("../evil.inf", "'..'")]
    [InlineData("Network/../../evil.inf", "'..'")]
    [InlineData("..\\evil.inf", "'..'")]
    [InlineData("/etc/evil.inf", "absolute")]
    [InlineData("\\Windows\\evil.inf", "absolute")]
    [InlineData("C:/Windows/evil.inf", "drive")]
    [InlineData("x64/drv.sys:stream", "stream")]
    [InlineData("Network/CON.inf", "device name")]
    [InlineData("Network/trailing. ", "trims")]
    public void Unsafe_entry_names_refuse_the_whole_archive(string name, string why)
    {
        var entries = PackFiles().Select(f => (f.Key, f.Value)).Append((name, Encoding.ASCII.GetBytes("[Version]"))).ToList();
        var error = Refused(Zip(entries));
        Assert.Equal(ErrorIds.DriverArchiveEntryRefused, error.ErrorId);
        Assert.Contains(why, error.Message);
        Assert.False(File.Exists(_dir.Combine("evil.inf")));
    }

    [Theory]
    [InlineData("Network/nic.inf", "twice")]
    [InlineData("NETWORK/NIC.INF", "only in case")]
    [InlineData("Network/nic.inf/x", "is a file")]
    public void Duplicate_and_case_duplicate_names_are_refused(string name, string why)
    {
        var entries = PackFiles().Select(f => (f.Key, f.Value)).Append((name, Encoding.ASCII.GetBytes("dup"))).ToList();
        var error = Refused(Zip(entries));
        Assert.Equal(ErrorIds.DriverArchiveEntryRefused, error.ErrorId);
        Assert.Contains(why, error.Message);
    }

    [Theory]
    [InlineData(0xA000, "symbolic link")]
    [InlineData(0x2000, "special file")]
    [InlineData(0x6000, "special file")]
    [InlineData(0x1000, "special file")]
    public void Links_and_devices_are_refused(int unixType, string why)
    {
        var zip = Patch(Zip(PackFiles()), (bytes, headers) =>
        {
            var h = headers[0];
            bytes[h + 5] = 3; // made by Unix
            BitConverter.GetBytes((uint)((unixType | 0x1FF) << 16)).CopyTo(bytes, h + 38);
        });
        var error = Refused(zip);
        Assert.Equal(ErrorIds.DriverArchiveEntryRefused, error.ErrorId);
        Assert.Contains(why, error.Message);
    }

    [Fact]
    public void Encrypted_entries_and_unknown_methods_are_refused_clearly()
    {
        var encrypted = Patch(Zip(PackFiles()), (bytes, headers) => bytes[headers[1] + 8] |= 1);
        Assert.Equal(ErrorIds.DriverArchiveUnsupported, Refused(encrypted).ErrorId);
        var bzip2 = Patch(Zip(PackFiles()), (bytes, headers) => bytes[headers[1] + 10] = 12);
        var error = Refused(bzip2);
        Assert.Equal(ErrorIds.DriverArchiveUnsupported, error.ErrorId);
        Assert.Contains("method 12", error.Message);
    }

    [Fact]
    public void An_entry_that_expands_past_its_declared_size_stops_at_the_first_excess_byte()
    {
        var files = PackFiles();
        files["Network/x64/drv.sys"] = new byte[4 << 20];
        var zip = Patch(Zip(files), (bytes, headers) =>
        {
            foreach (var h in headers)
            {
                if (Encoding.ASCII.GetString(bytes, h + 46, BitConverter.ToUInt16(bytes, h + 28)) == "Network/x64/drv.sys")
                {
                    BitConverter.GetBytes(1000u).CopyTo(bytes, h + 24);
                }
            }
        });
        var error = Refused(zip);
        Assert.Contains(error.ErrorId, new[] { ErrorIds.DriverArchiveTooLarge, ErrorIds.DriverArchiveCorrupt });
    }

    [Fact]
    public void Bombs_are_refused_by_ratio_and_by_total_before_extraction()
    {
        var files = PackFiles();
        files["Network/zeros.bin"] = new byte[8 << 20];
        var zip = Zip(files);
        var ratio = Refused(zip, new DriverArchiveLimits { RatioThresholdBytes = 1 << 20, MaxCompressionRatio = 100 });
        Assert.Equal(ErrorIds.DriverArchiveTooLarge, ratio.ErrorId);
        Assert.Contains("decompression bomb", ratio.Message);
        var total = Refused(zip, new DriverArchiveLimits { MaxTotalBytes = 1 << 20 });
        Assert.Equal(ErrorIds.DriverArchiveTooLarge, total.ErrorId);
        var count = Refused(zip, new DriverArchiveLimits { MaxEntries = 3 });
        Assert.Equal(ErrorIds.DriverArchiveTooLarge, count.ErrorId);
    }

    [Fact]
    public void A_crc_mismatch_is_corrupt()
    {
        var zip = Patch(Zip(PackFiles()), (bytes, headers) => bytes[headers[0] + 16] ^= 0xFF);
        Assert.Equal(ErrorIds.DriverArchiveCorrupt, Refused(zip).ErrorId);
    }

    [Fact]
    public void Truncated_and_damaged_archives_fail_with_typed_errors()
    {
        var zip = File.ReadAllBytes(Zip(PackFiles()));
        for (var length = 0; length < zip.Length; length += Math.Max(1, zip.Length / 60))
        {
            var path = _dir.Combine("cut.zip");
            File.WriteAllBytes(path, zip.Take(length).ToArray());
            Hostile.Survives(() => Packages.Add(new DriverImportRequest { Path = path }));
        }

        var random = new Random(3);
        for (var round = 0; round < 150; round++)
        {
            var bytes = (byte[])zip.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            var path = _dir.Combine("fuzz.zip");
            File.WriteAllBytes(path, bytes);
            Hostile.Survives(() => Packages.Add(new DriverImportRequest { Path = path }));
        }

        var staging = Path.Combine(_library.Drivers.RootPath, ".staging");
        Assert.True(!Directory.Exists(staging) || Directory.GetDirectories(staging).Length == 0);
    }
}
