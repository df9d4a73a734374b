using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using ImageOps.Engine.Disks;
using ImageOps.Engine.Samples;
using ImageOps.Formats.Disks;
using ImageOps.Tests;

namespace ImageOps.Cli.Tests;

/// <summary><c>imageops image add-driver | drivers | remove-driver</c>, and a real process killed mid-injection.</summary>
[Collection(ImageDriverVerbCollection.Name)]
public sealed class ImageDriverVerbTests : IClassFixture<ImageDriverVerbTests.Images>
{
    private readonly Images _images;

    public ImageDriverVerbTests(Images images) => _images = images;

    [SkippableFact]
    public void What_if_prints_the_plan_as_json_and_writes_nothing()
    {
        var folder = _images.NewFolder();
        var image = _images.Copy(folder);
        var result = Cli.Run("image", "add-driver", image, "--driver", _images.StorageFolder, "--output", Path.Combine(folder, "r.qcow2"), "--what-if", "--json");
        Assert.Equal(0, result.ExitCode);
        Assert.True((bool)result.Json["canApply"]!);
        Assert.Equal("Qcow2", (string)result.Json["resultFormat"]!);
        Assert.Contains(result.Json["registryEdits"]!, e => (string?)e["key"] == @"DriverDatabase\DriverInfFiles\imageops_viostor.inf");
        Assert.Single(Directory.GetFiles(folder));

        var text = Cli.Run("image", "add-driver", image, "--driver", _images.StorageFolder, "--output", Path.Combine(folder, "r.qcow2"), "--what-if");
        Assert.StartsWith("What if: Inject 1 package(s)", text.Out);
    }

    [SkippableFact]
    public void Add_list_and_remove_through_the_cli()
    {
        var folder = _images.NewFolder();
        var image = _images.Copy(folder);
        var before = Sha256(image);
        var added = Cli.Run("image", "add-driver", image, "-d", _images.StorageFolder, "-d", _images.NicFolder, "-o", Path.Combine(folder, "a.qcow2"), "--json");
        Assert.True(added.ExitCode == 0, added.Err);
        Assert.Equal(2, added.Json["packages"]!.Count());
        Assert.Equal(before, Sha256(image));

        var listed = Cli.Run("image", "drivers", Path.Combine(folder, "a.qcow2"), "--kind", "staged", "--json");
        Assert.Equal(new[] { "viostor.inf", "vionet.inf" }, listed.Json.Select(d => (string)d["name"]!));
        Assert.All(listed.Json, d => Assert.Equal("Pending", (string)d["status"]!));

        var human = Cli.Run("image", "drivers", Path.Combine(folder, "a.qcow2"));
        Assert.Contains("netkvm.inf", human.Out);

        var removed = Cli.Run("image", "remove-driver", Path.Combine(folder, "a.qcow2"), "vionet*", "-o", Path.Combine(folder, "b.qcow2"), "--json");
        Assert.True(removed.ExitCode == 0, removed.Err);
        var left = Cli.Run("image", "drivers", Path.Combine(folder, "b.qcow2"), "--kind", "staged", "--json");
        Assert.Equal(new[] { "viostor.inf" }, left.Json.Select(d => (string)d["name"]!));
    }

    [SkippableFact]
    public void A_blocked_plan_fails_with_the_findings_id()
    {
        var folder = _images.NewFolder();
        var image = _images.Copy(folder);
        var result = Cli.Run("image", "add-driver", image, "-d", _images.UnsignedFolder, "-o", Path.Combine(folder, "r.qcow2"), "--json");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("BootDriverUnsigned", result.ErrorId);
        Assert.False(File.Exists(Path.Combine(folder, "r.qcow2")));
    }

    [SkippableFact]
    public void A_process_killed_mid_injection_leaves_the_image_intact_and_the_next_run_sweeps_its_temp_file()
    {
        var folder = _images.NewFolder();
        var image = _images.Copy(folder);
        var before = Sha256(image);
        var destination = Path.Combine(folder, "r.qcow2");
        var killedWhileRunning = 0;
        foreach (var delay in new[] { 400, 700, 1000, 1300, 1600, 2000, 2500 })
        {
            var process = Cli.Start("image", "add-driver", image, "-d", _images.BigFolder, "-o", destination, "--force");
            Thread.Sleep(delay);
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                killedWhileRunning++;
            }

            process.WaitForExit();
            Assert.Equal(before, Sha256(image));
            if (File.Exists(destination))
            {
                // Finished before the kill: then it is complete.
                Assert.Equal(0, QemuImg.Check(destination, "qcow2").ExitCode);
                File.Delete(destination);
            }
        }

        Assert.True(killedWhileRunning > 0, "no run was killed while it ran");
        var finished = Cli.Finish(Cli.Start("image", "add-driver", image, "-d", _images.BigFolder, "-o", destination, "--json"));
        Assert.True(finished.ExitCode == 0, finished.Err);
        Assert.Empty(Directory.GetFiles(folder, ".*.tmp"));
        Assert.Equal(0, QemuImg.Check(destination, "qcow2").ExitCode);
        Assert.Equal(before, Sha256(image));
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        using var sha = SHA256.Create();
        return Convert.ToHexString(sha.ComputeHash(stream));
    }

    public sealed class Images : IDisposable
    {
        public Images()
        {
            External.Tool("mkntfs");
            Folder = new TempFolder("image-verbs");
            var raw = Folder.Combine("win11.img");
            SyntheticWindowsImage.Create(raw, new WindowsImageSpec { Format = DiskFormat.Raw, SizeBytes = 256L << 20 });
            Image = Folder.Combine("win11.qcow2");
            new DiskFileService().Convert(new ConversionRequest { SourcePath = raw, DestinationPath = Image, Format = DiskFormat.Qcow2 });
            File.Delete(raw);
            StorageFolder = Folder.Combine("viostor");
            SampleInjectionDrivers.Write(StorageFolder, SampleInjectionDrivers.VirtioStorage());
            NicFolder = Folder.Combine("vionet");
            SampleInjectionDrivers.Write(NicFolder, SampleInjectionDrivers.Network());
            UnsignedFolder = Folder.Combine("unsigned");
            SampleInjectionDrivers.Write(UnsignedFolder, SampleInjectionDrivers.VirtioStorage(), catalog: false);
            BigFolder = Folder.Combine("big");
            foreach (var driver in SampleInjectionDrivers.Set(4))
            {
                SampleInjectionDrivers.Write(Path.Combine(BigFolder, driver.Service), driver, binaryBytes: 12 << 20);
            }
        }

        public TempFolder Folder { get; }

        public string Image { get; }

        public string StorageFolder { get; }

        public string NicFolder { get; }

        public string UnsignedFolder { get; }

        public string BigFolder { get; }

        public string NewFolder()
        {
            var path = Folder.Combine("t-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(path);
            return path;
        }

        public string Copy(string folder)
        {
            var copy = Path.Combine(folder, "win11.qcow2");
            File.Copy(Image, copy);
            return copy;
        }

        public void Dispose() => Folder.Dispose();
    }
}

/// <summary>The image verbs write whole images: they run on their own.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ImageDriverVerbCollection
{
    public const string Name = "image driver verbs (serial)";
}
