using System.IO;
using ImageOps.Tests;

namespace ImageOps.Cli.Tests;

public class DemoTests
{
    [Fact]
    public void The_demo_runs_every_step_and_can_run_again()
    {
        using var dir = new TempFolder("demo");
        var path = dir.Combine("demo");
        var first = Cli.Run("demo", "--path", path);
        Assert.True(first.ExitCode == 0, first.Err);
        Assert.Contains("[1/", first.Out);
        Assert.Contains("Refused a pool inside 'Gold' as expected: ImagePoolPathOverlap", first.Out);
        Assert.Contains("Done.", first.Out);
        Assert.Contains("Driver library: packages, matching, profiles and coverage", first.Out);
        Assert.Contains("leave out iaStorVD.inf: excluded by profile 'Latitude 7440': class SCSIAdapter is excluded", first.Out);
        Assert.Contains("byte-identical to the original: True", first.Out);
        Assert.True(File.Exists(Path.Combine(path, "drivers", "coverage.html")));
        if (External.Find("mkntfs") is not null)
        {
            Assert.Contains("Injected into a new layer: win11-virtio.qcow2 -> win11-gold.qcow2", first.Out);
            Assert.Contains("viostor.inf Pending (boot start)", first.Out);
        }

        Assert.True(File.Exists(Path.Combine(path, "library", "pools", "gold.json")));
        if (External.Find("mkntfs") is not null)
        {
            // The inventory chapter: one inventory and the diff of two monthly images.
            Assert.Contains("Windows 11 Pro (stored as 'Windows 10 Pro')", first.Out);
            Assert.Contains("Build 26100.2314 -> 26100.2605; drivers: 1 added, 1 removed, 1 changed.", first.Out);
        }

        var second = Cli.Run("demo", "--path", path);
        Assert.True(second.ExitCode == 0, second.Err);
    }

    [Fact]
    public void The_demo_refuses_a_folder_it_did_not_make()
    {
        using var dir = new TempFolder("demo");
        File.WriteAllText(dir.Combine("precious.txt"), "keep");
        var result = Cli.Run("demo", "--path", dir.Path, "--json");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("DemoFolderNotEmpty", result.ErrorId);
        Assert.True(File.Exists(dir.Combine("precious.txt")));
    }
}
