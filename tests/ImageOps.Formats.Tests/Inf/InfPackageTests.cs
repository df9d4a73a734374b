using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using ImageOps.Formats.Inf;
using ImageOps.Tests;
using static ImageOps.Formats.Tests.Inf.InfTestDocuments;

namespace ImageOps.Formats.Tests.Inf;

public class InfPackageTests
{
    /// <summary>An in-memory package that records every path the reader asks for.</summary>
    private sealed class MemorySource : IInfFileSource
    {
        private readonly Dictionary<string, byte[]> _files = new(StringComparer.OrdinalIgnoreCase);

        public List<string> Requests { get; } = new();

        public string Name => "memory";

        public MemorySource Add(string path, string text)
        {
            _files[path] = Encoding.UTF8.GetBytes(text);
            return this;
        }

        public bool FileExists(string relativePath)
        {
            Check(relativePath);
            return _files.ContainsKey(relativePath);
        }

        public Stream? OpenRead(string relativePath)
        {
            Check(relativePath);
            return _files.TryGetValue(relativePath, out var bytes) ? new MemoryStream(bytes) : null;
        }

        private void Check(string path)
        {
            Requests.Add(path);
            Assert.DoesNotContain("..", path);
            Assert.DoesNotContain(":", path);
            Assert.DoesNotContain("\\", path);
            Assert.False(path.StartsWith("/", StringComparison.Ordinal));
        }
    }

    private const string Header = "[Version]\nSignature=\"$Windows NT$\"\nClass=Media\nClassGuid={4d36e96c-e325-11ce-bfc1-08002be10318}\nProvider=p\nDriverVer=01/01/2024,1.0.0.0\nCatalogFile=main.cat\n";

    private static string MainInf(string include, string needs) => Header + @"
[SourceDisksNames]
1 = d,,,bin
[SourceDisksFiles]
main.sys = 1
[DestinationDirs]
DefaultDestDir = 12
[Manufacturer]
%M% = M, NTamd64
[M.NTamd64]
%M% = Main_Inst, HW\MAIN
[Main_Inst]
Include = " + include + @"
Needs = " + needs + @"
CopyFiles = Main_Files
[Main_Inst.Services]
Include = " + include + @"
Needs = " + needs + @".Services
[Main_Files]
main.sys
[Strings]
M=m
";

    private const string HelperInf = Header + @"
[SourceDisksNames]
7 = d,,,helper
[SourceDisksFiles]
helper.sys = 7
[DestinationDirs]
Helper_Files = 11
[Helper.Install]
CopyFiles = Helper_Files
Needs = Something.Else
[Helper.Install.Services]
AddService = helper, , Helper_Service
[Helper_Service]
ServiceType = 1
StartType = 0
ErrorControl = 1
ServiceBinary = %12%\helper.sys
LoadOrderGroup = ""Boot Bus Extender""
[Helper_Files]
helper.sys
";

    [Fact]
    public void Needs_are_followed_into_an_included_inf_of_the_package()
    {
        var source = new MemorySource()
            .Add("drivers/main.inf", MainInf("helper.inf", "Helper.Install"))
            .Add("drivers/helper.inf", HelperInf)
            .Add("drivers/bin/main.sys", "x")
            .Add("drivers/helper/helper.sys", "x")
            .Add("drivers/main.cat", "x");
        var package = InfPackage.Open(source, @"drivers\main.inf");
        Assert.Equal("drivers/main.inf", package.InfPath);
        Assert.Equal("drivers", package.Folder);
        Assert.Equal("drivers/helper.inf", Assert.Single(package.IncludedDocuments).SourceName);
        Assert.Empty(package.ExternalIncludes);

        var r = package.Resolve(Amd64);
        Assert.Equal("helper", Assert.Single(r.Services).Name);
        Assert.True(r.Boot.IsBootCritical);
        Assert.Equal(new[] { "bin/main.sys", "helper/helper.sys" }, r.Files.Select(f => f.SourcePath));
        var helperCopy = r.Files[1].Copies.Single();
        Assert.Equal("drivers/helper.inf", helperCopy.DefinedIn);
        Assert.Equal(11, helperCopy.Destination!.DirectoryId);
        Assert.True(r.Has(InfDiagnosticCode.NestedNeedsIgnored));
        Assert.Empty(r.MissingFiles);
    }

    [Fact]
    public void A_file_the_main_inf_copies_but_does_not_list_is_found_in_an_included_inf()
    {
        var main = Header + "[DestinationDirs]\nDefaultDestDir=12\n[Manufacturer]\n%M%=M,NTamd64\n[M.NTamd64]\n%M%=I,HW\n[I]\nInclude=helper.inf\nCopyFiles=@helper.sys\n[Strings]\nM=m\n";
        var source = new MemorySource().Add("main.inf", main).Add("helper.inf", HelperInf).Add("helper/helper.sys", "x").Add("main.cat", "x");
        var r = InfPackage.Open(source, "main.inf").Resolve(Amd64);
        var file = Assert.Single(r.Files);
        Assert.Equal("helper/helper.sys", file.SourcePath);
        Assert.Equal("helper.inf", file.DefinedIn);
        Assert.False(r.Has(InfDiagnosticCode.FileNotInSourceDisksFiles));
        Assert.Empty(r.MissingFiles);
    }

    [Fact]
    public void Files_the_platform_needs_but_the_package_lacks_are_listed()
    {
        var source = new MemorySource()
            .Add("drivers/main.inf", MainInf("helper.inf", "Helper.Install"))
            .Add("drivers/helper.inf", HelperInf)
            .Add("drivers/bin/main.sys", "x");
        var r = InfPackage.Open(source, "drivers/main.inf").Resolve(Amd64);
        Assert.Equal(new[] { "drivers/helper/helper.sys", "drivers/main.cat" }, r.MissingFiles);
        Assert.All(r.Diagnostics.Where(d => d.Code == InfDiagnosticCode.ReferencedFileMissing), d => Assert.Equal(InfDiagnosticSeverity.Error, d.Severity));
    }

    [Fact]
    public void An_include_the_package_does_not_hold_is_a_system_inf()
    {
        var source = new MemorySource().Add("main.inf", MainInf("ks.inf, wdmaudio.inf", "KS.Registration"));
        var package = InfPackage.Open(source, "main.inf");
        Assert.Equal(new[] { "ks.inf", "wdmaudio.inf" }, package.ExternalIncludes);
        Assert.Contains(package.Diagnostics, d => d.Code == InfDiagnosticCode.IncludedInfNotInPackage);
        var r = package.Resolve(Amd64);
        Assert.Contains("KS.Registration", r.ExternalNeeds);
        Assert.Equal(new[] { "bin/main.sys", "main.cat" }, r.MissingFiles);
    }

    [Fact]
    public void Include_cycles_end()
    {
        var source = new MemorySource()
            .Add("a.inf", Header + "[X]\nInclude=b.inf\n")
            .Add("b.inf", Header + "[X]\nInclude=c.inf\n")
            .Add("c.inf", Header + "[X]\nInclude=a.inf, b.inf, c.inf\n");
        var package = InfPackage.Open(source, "a.inf");
        Assert.Equal(new[] { "b.inf", "c.inf" }, package.IncludedDocuments.Select(d => d.SourceName));
        Assert.Equal(3, package.Diagnostics.Count(d => d.Code == InfDiagnosticCode.IncludeCycle));
        Assert.True(source.Requests.Count < 10);
    }

    [Fact]
    public void Include_chains_stop_at_the_depth_limit()
    {
        var source = new MemorySource();
        for (var i = 0; i < 10; i++)
        {
            source.Add("i" + i + ".inf", Header + "[X]\nInclude=i" + (i + 1) + ".inf\n");
        }

        var package = InfPackage.Open(source, "i0.inf", new InfParseOptions { Limits = new InfParseLimits { MaxIncludeDepth = 3 } });
        Assert.Equal(new[] { "i1.inf", "i2.inf", "i3.inf" }, package.IncludedDocuments.Select(d => d.SourceName));
        Assert.Contains(package.Diagnostics, d => d.Code == InfDiagnosticCode.IncludeDepthExceeded);
    }

    [Theory]
    [InlineData(@"..\..\Windows\inf\ks.inf")]
    [InlineData(@"C:\Windows\inf\ks.inf")]
    [InlineData(@"\\server\share\x.inf")]
    [InlineData("sub/x.inf")]
    [InlineData("x.inf:ads")]
    [InlineData("CON.inf")]
    public void Includes_that_escape_are_refused_and_never_requested(string include)
    {
        var source = new MemorySource().Add("main.inf", Header + "[X]\nInclude=" + include + "\n");
        var package = InfPackage.Open(source, "main.inf");
        Assert.Contains(package.Diagnostics, d => d.Code == InfDiagnosticCode.UnsafeFileReference && d.Severity == InfDiagnosticSeverity.Error);
        Assert.Equal(new[] { "main.inf" }, source.Requests);
    }

    [Fact]
    public void An_unreadable_included_inf_is_a_diagnostic()
    {
        var source = new MemorySource()
            .Add("main.inf", Header + "[X]\nInclude=broken.inf\n")
            .Add("broken.inf", "[Version\n");
        var package = InfPackage.Open(source, "main.inf");
        Assert.Empty(package.IncludedDocuments);
        Assert.Contains(package.Diagnostics, d => d.Code == InfDiagnosticCode.UnterminatedSectionHeader && d.Severity == InfDiagnosticSeverity.Error);
    }

    [Fact]
    public void The_inf_path_itself_is_checked_and_a_missing_inf_is_a_typed_error()
    {
        var source = new MemorySource();
        Assert.Throws<InfFileReferenceException>(() => InfPackage.Open(source, "../main.inf"));
        Assert.Equal("DriverInfNotFound", Assert.Throws<ImageOpsException>(() => InfPackage.Open(source, "main.inf")).ErrorId);
    }

    [Fact]
    public void A_folder_package_resolves_and_reports_missing_files_by_package_path()
    {
        using var temp = new TempFolder("inf");
        Directory.CreateDirectory(temp.Combine("Drv", "BIN"));
        File.WriteAllText(temp.Combine("Drv", "Main.INF"), MainInf("ks.inf", "KS.Registration"));
        File.WriteAllText(temp.Combine("Drv", "BIN", "MAIN.SYS"), "x");
        var r = InfPackage.Open(new InfFolderSource(temp.Path), "drv/main.inf").Resolve(Amd64);
        Assert.Equal(new[] { "drv/main.cat" }, r.MissingFiles);
        Assert.Equal("bin/main.sys", Assert.Single(r.Files).SourcePath);
    }
}
