using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using ImageOps.Engine.Drivers;
using ImageOps.Engine.Library;
using ImageOps.Engine.Storage;
using ImageOps.Formats.Inf;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Drivers;

/// <summary>
/// HOSTILE.md, "INF and driver packages", through a whole import: every case ends in a typed refusal of
/// that INF (the others of the folder are still imported), never another exception, a hang, or a file
/// opened outside the package.
/// </summary>
public sealed class DriverHostilePackageTests : IDisposable
{
    private readonly TempFolder _dir = new("hostile-drivers");
    private readonly ImageLibrary _library;

    public DriverHostilePackageTests()
    {
        _library = ImageLibrary.Open(_dir.Combine("library"));
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>Imports a folder holding a good INF and the hostile one; returns the hostile INF's error.</summary>
    private ImageOpsException RefusedBeside(Action<string> writeHostile)
    {
        var root = _dir.Combine("pack-" + Guid.NewGuid().ToString("N").Substring(0, 6));
        DriverPackageCatalogTests.Nic("good.inf").WriteTo(Path.Combine(root, "good"));
        Directory.CreateDirectory(Path.Combine(root, "bad"));
        writeHostile(Path.Combine(root, "bad"));
        DriverImportResult? result = null;
        Assert.Null(Hostile.Survives(() => result = _library.Drivers.Packages.Add(new DriverImportRequest { Path = root })));
        Assert.Equal(DriverImportStatus.Added, result!.Items.Single(i => i.InfPath == "good/good.inf").Status);
        var bad = result.Items.Single(i => i.InfPath.StartsWith("bad/", StringComparison.Ordinal));
        Assert.Equal(DriverImportStatus.Refused, bad.Status);
        return bad.Error!;
    }

    private static string Inf(Func<string, string> edit) => edit(DriverPackageCatalogTests.Nic("bad.inf").Text());

    [Theory]
    [InlineData("drv.sys:evil", "stream")]
    [InlineData("CON.sys", "device name")]
    [InlineData("..\\..\\windows\\evil.sys", "folder part")]
    [InlineData("C:\\evil.sys", "folder part")]
    public void File_references_that_could_leave_the_package_are_refused(string name, string why)
    {
        var error = RefusedBeside(folder => File.WriteAllText(Path.Combine(folder, "bad.inf"), Inf(t => t.Replace("drv.sys = 1", name + " = 1").Replace("\r\ndrv.sys\r\n", "\r\n" + name + "\r\n"))));
        Assert.Equal(ErrorIds.DriverPackageReferenceRefused, error.ErrorId);
        Assert.Contains(why, error.Message);
    }

    [Fact]
    public void An_include_that_escapes_the_package_is_refused()
    {
        var error = RefusedBeside(folder => File.WriteAllText(Path.Combine(folder, "bad.inf"), Inf(t => t.Replace("CopyFiles = Inst_Files", "CopyFiles = Inst_Files\r\nInclude = ..\\other.inf\r\nNeeds = Other.Install"))));
        Assert.Equal(ErrorIds.DriverPackageReferenceRefused, error.ErrorId);
    }

    [Fact]
    public void An_include_cycle_ends_and_the_package_is_imported()
    {
        var root = _dir.Combine("cycle");
        var inf = DriverPackageCatalogTests.Nic("a.inf");
        inf.Extra.Add("[Inst.NT.HW]\r\nInclude = b.inf\r\nNeeds = B.Section");
        inf.WriteTo(root);
        File.WriteAllText(Path.Combine(root, "b.inf"), "[Version]\r\nSignature=\"$Windows NT$\"\r\n[B.Section]\r\nInclude = a.inf\r\nNeeds = Inst.NT\r\n");
        var result = Hostile.Survives(() => _library.Drivers.Packages.Add(new DriverImportRequest { Path = Path.Combine(root, "a.inf") }));
        Assert.Null(result);
        var package = _library.Drivers.Packages.Find(new DriverPackageQuery { Names = new[] { "a.inf" } }).Packages.Single();
        Assert.Contains("b.inf", package.Files.Select(f => f.Path));
    }

    [Fact]
    public void A_symbolic_link_in_the_package_is_refused_and_not_followed()
    {
        var outside = _dir.Combine("outside.sys");
        File.WriteAllText(outside, "host file");
        var error = RefusedBeside(folder =>
        {
            var inf = DriverPackageCatalogTests.Nic("bad.inf");
            inf.WriteTo(folder);
            File.Delete(Path.Combine(folder, "drv.sys"));
            File.CreateSymbolicLink(Path.Combine(folder, "drv.sys"), outside);
        });
        Assert.Equal(ErrorIds.DriverPackageReferenceRefused, error.ErrorId);
        Assert.Contains("link", error.Message);
        Assert.DoesNotContain(_library.Drivers.Packages.Find().Packages.SelectMany(p => p.Files), f => f.SizeBytes == new FileInfo(outside).Length);
    }

    [Fact]
    public void Names_differing_only_in_case_make_a_reference_ambiguous()
    {
        if (OperatingSystem.IsWindows() || OperatingSystem.IsMacOS())
        {
            return; // These file systems cannot hold both names.
        }

        var error = RefusedBeside(folder =>
        {
            DriverPackageCatalogTests.Nic("bad.inf").WriteTo(folder);
            File.WriteAllText(Path.Combine(folder, "DRV.SYS"), "twin");
        });
        Assert.Equal(ErrorIds.DriverPackageReferenceRefused, error.ErrorId);
        Assert.Contains("differ only in case", error.Message);
    }

    [Theory]
    [InlineData("unterminated-section")]
    [InlineData("too-large")]
    [InlineData("nuls")]
    [InlineData("utf16-no-bom")]
    [InlineData("substitution-loop")]
    [InlineData("missing-version")]
    [InlineData("empty")]
    public void Malformed_infs_are_refused_with_typed_errors(string what)
    {
        var error = RefusedBeside(folder =>
        {
            var path = Path.Combine(folder, "bad.inf");
            var text = DriverPackageCatalogTests.Nic("bad.inf").Text();
            switch (what)
            {
                case "unterminated-section":
                    File.WriteAllText(path, "[Version]\r\nSignature=\"$Windows NT$\"\r\n[Manufacturer\r\n");
                    break;
                case "too-large":
                    File.WriteAllText(path, text + new string(';', (int)InfParseLimits.Default.MaxFileSizeBytes));
                    break;
                case "nuls":
                    File.WriteAllBytes(path, Encoding.ASCII.GetBytes(text.Replace("Provider=%Prov%", "Provider=%Pr\0ov%").Replace("[Version]", "[Ver\0sion]")));
                    break;
                case "utf16-no-bom":
                    File.WriteAllBytes(path, Encoding.Unicode.GetBytes(text.Replace("drv.sys", "missing16.sys")));
                    break;
                case "substitution-loop":
                    File.WriteAllText(path, text.Replace("Prov = \"Contoso\"", "Prov = \"%Loop%\"\r\nLoop = \"%Prov%%Prov%\"").Replace("drv.sys", "loop.sys"));
                    break;
                case "missing-version":
                    File.WriteAllText(path, text.Replace("[Version]", "[NotVersion]"));
                    break;
                default:
                    File.WriteAllText(path, string.Empty);
                    break;
            }
        });
        Assert.Contains(error.ErrorId, new[] { ErrorIds.DriverInfInvalid, ErrorIds.DriverPackageFilesMissing, InfMalformedException.MalformedErrorId, InfMalformedException.TooLargeErrorId });
    }

    [Fact]
    public void Cancelling_an_import_commits_nothing_and_leaves_no_temp_files()
    {
        var root = _dir.Combine("many");
        for (var i = 0; i < 40; i++)
        {
            DriverPackageCatalogTests.Nic("n" + i + ".inf").WriteTo(Path.Combine(root, "d" + i));
        }

        using var cancel = new CancellationTokenSource();
        var reports = 0;
        var progress = new SyncProgress(p =>
        {
            if (Interlocked.Increment(ref reports) == 10)
            {
                cancel.Cancel();
            }
        });
        Assert.ThrowsAny<OperationCanceledException>(() => _library.Drivers.Packages.Add(new DriverImportRequest { Path = root }, new OperationContext(progress, null, cancel.Token)));
        Assert.Empty(_library.Drivers.Packages.Find().Packages);
        var objects = Path.Combine(_library.Drivers.RootPath, "objects");
        Assert.Empty(Directory.Exists(objects) ? Directory.GetFiles(objects, "*.tmp", SearchOption.AllDirectories) : Array.Empty<string>());

        // The next import completes; the objects the cancelled one stored are simply reused.
        Assert.Equal(40, _library.Drivers.Packages.Add(new DriverImportRequest { Path = root }).Items.Count(i => i.Status == DriverImportStatus.Added));
    }

    [Fact]
    public void Orphans_of_a_killed_import_are_collected_by_the_next_removal()
    {
        var package = Assert.Single(_library.Drivers.Packages.Add(new DriverImportRequest { Path = DriverPackageCatalogTests.Nic().WriteTo(_dir.Combine("a")) }).Items).Package!;
        var objects = Path.Combine(_library.Drivers.RootPath, "objects");
        var orphan = Path.Combine(objects, "ab", "ab" + new string('0', 62));
        Directory.CreateDirectory(Path.GetDirectoryName(orphan)!);
        File.WriteAllText(orphan, "stored by an import that was killed before it committed");
        var temp = Path.Combine(objects, "ab", "." + Path.GetFileName(orphan) + "." + ProcessIdentity.Host + "-999999-0123abcd.tmp");
        File.WriteAllText(temp, "half written");

        _library.Drivers.Packages.Remove(package.Id, force: false);
        Assert.False(File.Exists(orphan));
        Assert.False(File.Exists(temp));
    }

    private sealed class SyncProgress : IProgress<OperationProgress>
    {
        private readonly Action<OperationProgress> _report;

        public SyncProgress(Action<OperationProgress> report)
        {
            _report = report;
        }

        public void Report(OperationProgress value) => _report(value);
    }
}
