using System;
using System.IO;
using System.Linq;
using ImageOps.Tests;
using Newtonsoft.Json.Linq;

namespace ImageOps.Cli.Tests;

/// <summary>Two sample images made by <c>image create-sample</c> itself, once for the image verb tests.</summary>
public sealed class SampleImages : IDisposable
{
    public SampleImages()
    {
        External.Tool("mkntfs");
        Folder = new TempFolder("cli-image");
        Current = Folder.Combine("win11.vhdx");
        Next = Folder.Combine("win11-next.qcow2");
        Created = Cli.Run("image", "create-sample", Current, "--json");
        Skip.If(Created.ExitCode != 0 && Created.ErrorId == "Ntfs3gNotAvailable" && !External.UnderCi, Created.Err);
        var next = Cli.Run("image", "create-sample", Next, "--format", "qcow2", "--ubr", "2605", "--edition", "Enterprise", "--json");
        if (Created.ExitCode != 0 || next.ExitCode != 0)
        {
            throw new InvalidOperationException("create-sample failed: " + Created.Err + next.Err);
        }
    }

    public TempFolder Folder { get; }

    public string Current { get; }

    public string Next { get; }

    public CliResult Created { get; }

    public void Dispose() => Folder.Dispose();
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SampleImagesCollection : ICollectionFixture<SampleImages>
{
    public const string Name = "sample images (serial)";
}

/// <summary>The image verbs' contract: JSON shapes, exit codes (diff mirrors disk compare: 0/1/2) and error ids.</summary>
[Collection(SampleImagesCollection.Name)]
public sealed class ImageVerbTests
{
    private readonly SampleImages _images;

    public ImageVerbTests(SampleImages images)
    {
        _images = images;
    }

    [SkippableFact]
    public void Create_sample_writes_an_image_and_describes_it()
    {
        Assert.Equal("Vhdx", _images.Created.Json["format"]!.ToString());
        Assert.Equal(512L << 20, (long)_images.Created.Json["capacityBytes"]!);
        Assert.True(File.Exists(_images.Current));
    }

    [SkippableFact]
    public void Inventory_as_json_has_the_disk_the_boot_mode_windows_and_drivers()
    {
        var result = Cli.Run("image", "inventory", _images.Current, "--json");
        Assert.True(result.ExitCode == 0, result.Err);
        var json = result.Json;
        Assert.Equal(_images.Current, json["path"]!.ToString());
        Assert.Equal("Uefi", json["bootMode"]!.ToString());
        Assert.Equal("Gpt", json["disk"]!["partitionScheme"]!.ToString());
        Assert.Equal(3, ((JArray)json["disk"]!["partitions"]!).Count);
        var windows = json["installations"]![0]!;
        Assert.Equal("Windows 11 Pro", windows["operatingSystem"]!.ToString());
        Assert.Equal("26100.2314", windows["build"]!.ToString());
        Assert.Equal("Amd64", windows["architecture"]!.ToString());
        var netkvm = ((JArray)windows["drivers"]!).Single(d => d["publishedName"]!.ToString() == "oem0.inf");
        Assert.Equal("netkvm.inf", netkvm["originalName"]!.ToString());
        Assert.Equal("2024-08-12T00:00:00Z", netkvm["date"]!.ToString(Newtonsoft.Json.Formatting.None).Trim('"'));
        Assert.Empty((JArray)json["problems"]!);
    }

    [SkippableFact]
    public void Inventory_for_a_person_shows_the_os_the_build_and_the_third_party_drivers()
    {
        var result = Cli.Run("image", "inventory", _images.Current);
        Assert.True(result.ExitCode == 0, result.Err);
        Assert.Contains("Windows 11 Pro (stored as 'Windows 10 Pro')", result.Out);
        Assert.Contains("build 26100.2314", result.Out);
        Assert.Contains("oem1.inf", result.Out);
        Assert.Contains("e1d68x64.inf", result.Out);
        Assert.DoesNotContain("storahci.inf", result.Out);
    }

    [SkippableFact]
    public void Diff_of_different_images_exits_1_with_the_changes()
    {
        var result = Cli.Run("image", "diff", _images.Current, _images.Next, "--json");
        Assert.True(result.ExitCode == 1, result.Err);
        var json = result.Json;
        Assert.False((bool)json["identical"]!);
        Assert.Null(json["reference"]);
        var changes = (JArray)json["changes"]!;
        Assert.Contains(changes, c => c["subject"]!.ToString() == "Build" && c["change"]!.ToString() == "Updated" && c["differenceValue"]!.ToString() == "26100.2605");
        Assert.Contains(changes, c => c["subject"]!.ToString() == "EditionId" && c["differenceValue"]!.ToString() == "Enterprise");
        Assert.Contains(changes, c => c["category"]!.ToString() == "Disk" && c["property"]!.ToString() == "Format");

        var human = Cli.Run("image", "diff", _images.Current, _images.Next);
        Assert.Equal(1, human.ExitCode);
        Assert.Contains("Build 26100.2314 -> 26100.2605", human.Out);
    }

    [SkippableFact]
    public void Diff_of_an_image_with_itself_exits_0()
    {
        var result = Cli.Run("image", "diff", _images.Current, _images.Current);
        Assert.True(result.ExitCode == 0, result.Err);
        Assert.Contains("No changes.", result.Out);
    }

    [SkippableFact]
    public void Diff_errors_exit_2_and_inventory_errors_exit_1_with_the_error_id()
    {
        var missing = _images.Folder.Combine("none.vhdx");
        var diff = Cli.Run("image", "diff", _images.Current, missing, "--json");
        Assert.Equal(2, diff.ExitCode);
        Assert.Equal("DiskFileNotFound", diff.ErrorId);

        var inventory = Cli.Run("image", "inventory", missing, "--json");
        Assert.Equal(1, inventory.ExitCode);
        Assert.Equal("DiskFileNotFound", inventory.ErrorId);
    }

    [SkippableFact]
    public void Inventory_of_a_disk_without_windows_succeeds_and_says_so()
    {
        var blank = _images.Folder.Combine("blank.img");
        using (var file = File.Create(blank))
        {
            file.SetLength(4L << 20);
        }

        var result = Cli.Run("image", "inventory", blank, "--json");
        Assert.True(result.ExitCode == 0, result.Err);
        Assert.Empty((JArray)result.Json["installations"]!);
        Assert.Equal("WindowsNotFound", result.Json["problems"]![0]!["id"]!.ToString());
    }

    [SkippableFact]
    public void Create_sample_refuses_an_existing_file_a_bad_size_and_does_nothing_with_what_if()
    {
        Assert.Equal("DiskFileExists", Cli.Run("image", "create-sample", _images.Current, "--json").ErrorId);
        var small = _images.Folder.Combine("small.vhdx");
        var tooSmall = Cli.Run("image", "create-sample", small, "--size-bytes", "1000", "--json");
        Assert.Equal((1, "InvalidArgument"), (tooSmall.ExitCode, tooSmall.ErrorId));
        var whatIf = Cli.Run("image", "create-sample", small, "--what-if", "--json");
        Assert.Equal(0, whatIf.ExitCode);
        Assert.True((bool)whatIf.Json["whatIf"]!);
        Assert.False(File.Exists(small));
    }
}
