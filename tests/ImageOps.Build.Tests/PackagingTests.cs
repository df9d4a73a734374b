using System;
using System.IO;
using System.Linq;
using ImageOps.Build.Packaging;
using ImageOps.Tests;

namespace ImageOps.Build.Tests;

public class PackagingTests
{
    [Fact]
    public void The_version_is_stamped_and_the_exports_are_read()
    {
        var text = File.ReadAllText(RepoPaths.Combine("module", "ImageOps.psd1"));
        Assert.Equal("0.0.0", ModuleManifest.ModuleVersionOf(text));
        var stamped = ModuleManifest.StampVersion(text, "1.2.3");
        Assert.Equal("1.2.3", ModuleManifest.ModuleVersionOf(stamped));
        Assert.Equal(ModuleManifest.CmdletsToExport(text), ModuleManifest.CmdletsToExport(stamped));
        Assert.Contains("Get-ImagePool", ModuleManifest.CmdletsToExport(text));
    }

    [Fact]
    public void Package_lays_out_an_importable_module_whose_version_comes_from_the_build()
    {
        using var dir = new TempFolder("package");
        var folder = ModulePackager.Package(RepoPaths.CmdletBin, RepoPaths.Combine("module"), dir.Path);

        var expectedVersion = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(RepoPaths.Combine("Directory.Build.props")), "<Version>([^<]+)</Version>").Groups[1].Value;
        Assert.Equal(Path.Combine(dir.Path, "ImageOps", expectedVersion), folder);
        var manifest = File.ReadAllText(Path.Combine(folder, "ImageOps.psd1"));
        Assert.Equal(expectedVersion, ModuleManifest.ModuleVersionOf(manifest));

        foreach (var file in new[] { "ImageOps.PowerShell.dll", "ImageOps.Engine.dll", "ImageOps.Formats.dll", "Newtonsoft.Json.dll", "ImageOps.format.ps1xml", Path.Combine("en-US", "ImageOps.PowerShell.dll-Help.xml"), Path.Combine("en-US", "about_ImageOps.help.txt") })
        {
            Assert.True(File.Exists(Path.Combine(folder, file)), file + " missing from the package");
        }

        Assert.False(File.Exists(Path.Combine(folder, "System.Management.Automation.dll")));
        Assert.DoesNotContain(Directory.GetDirectories(Path.Combine(dir.Path, "ImageOps")), d => Path.GetFileName(d).StartsWith(".", StringComparison.Ordinal));

        // Packaging again replaces the folder rather than mixing old and new files.
        File.WriteAllText(Path.Combine(folder, "stale.txt"), "old");
        ModulePackager.Package(RepoPaths.CmdletBin, RepoPaths.Combine("module"), dir.Path);
        Assert.False(File.Exists(Path.Combine(folder, "stale.txt")));
    }

    [Fact]
    public void Package_refuses_a_manifest_whose_exports_differ_from_the_assembly()
    {
        using var dir = new TempFolder("package");
        var module = dir.Combine("module");
        Directory.CreateDirectory(module);
        var text = File.ReadAllText(RepoPaths.Combine("module", "ImageOps.psd1")).Replace("'Set-ImagePool'", "'Set-Nothing'");
        File.WriteAllText(Path.Combine(module, "ImageOps.psd1"), text);
        var ex = Assert.Throws<InvalidOperationException>(() => ModulePackager.Package(RepoPaths.CmdletBin, module, dir.Combine("out")));
        Assert.Contains("Set-ImagePool", ex.Message);
        Assert.Contains("Set-Nothing", ex.Message);
        Assert.False(Directory.Exists(dir.Combine("out", "ImageOps", "0.1.0")));
    }
}
