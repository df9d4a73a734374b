using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ImageOps.Engine.Drivers;
using ImageOps.Engine.Library;
using ImageOps.Formats.Inf;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Drivers;

/// <summary>Inspection and import of real INFs from the shared corpus (corpus/inf; it holds INFs only, no binaries).</summary>
public sealed class DriverCorpusTests : IDisposable
{
    private const string ReactOs = "snykiotcubedev__reactos-0.4.13-release/";
    private readonly TempFolder _dir = new("corpus-drivers");

    public void Dispose() => _dir.Dispose();

    private static string Corpus(string relative) => Path.Combine(External.Corpus(), "inf", relative);

    [SkippableFact]
    public void Every_corpus_inf_is_inspected_or_refused_with_a_typed_error()
    {
        var folder = Path.Combine(External.Corpus(), "inf");
        var files = Directory.GetFiles(folder, "*.in?", SearchOption.AllDirectories).Where(f => f.EndsWith(".inf", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".inx", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Equal(227, files.Count);
        var inspected = 0;
        var withModels = 0;
        foreach (var file in files)
        {
            var error = Hostile.Survives(() =>
            {
                var report = DriverInfInspector.Inspect(file);
                inspected++;
                withModels += report.Models.Length > 0 ? 1 : 0;

                // The corpus holds no binaries: only INFs that copy nothing could be imported as they are.
                Assert.Equal(report.MissingFiles.Length == 0 && report.RefusedReferences.Length == 0 && report.ImportProblems.Length == 0 && report.Architectures.Length > 0, report.CanImport);
            });
            Assert.Null(error);
        }

        Assert.Equal(227, inspected);
        Assert.True(withModels > 150, withModels + " INFs with models");
    }

    [SkippableFact]
    public void Reactos_storahci_inspects_as_an_x86_storage_driver_whose_start_type_english_windows_cannot_read()
    {
        var report = DriverInfInspector.Inspect(Corpus(ReactOs + "drivers__storage__storahci__storahci.inf"));
        Assert.Equal("hdc", report.Class);
        Assert.Equal("ReactOS", report.Provider);
        Assert.Equal(new[] { InfArchitecture.X86 }, report.Architectures);
        var x86 = Assert.Single(report.Platforms);

        // The file defines SERVICE_BOOT_START only under [Strings.041f]: read in English, the storage
        // driver has no start type, so it is not boot-critical, which coverage reports as a failure.
        Assert.False(x86.IsBootStorageController);
        Assert.Equal("storahci", Assert.Single(x86.Services).Name);
        Assert.Null(x86.Services[0].StartType);
        Assert.Contains(report.Diagnostics, d => d.Code == InfDiagnosticCode.UnknownStringKey && d.Message.Contains("SERVICE_BOOT_START"));
        Assert.Equal(new[] { "storahci.sys" }, x86.Files.Select(f => f.Path));
        Assert.Contains("storahci.sys", report.MissingFiles);
        Assert.False(report.CanImport);
        var model = Assert.Single(report.Models);
        Assert.Equal("PCI\\CC_010601", model.HardwareId);
        Assert.Equal("Standard SATA AHCI Controller", model.Description);
    }

    [SkippableFact]
    public void Reactos_storahci_imported_with_its_binary_matches_an_ahci_controller_as_windows_would()
    {
        var folder = _dir.Combine("storahci");
        Directory.CreateDirectory(folder);
        File.Copy(Corpus(ReactOs + "drivers__storage__storahci__storahci.inf"), Path.Combine(folder, "storahci.inf"));
        File.WriteAllText(Path.Combine(folder, "storahci.sys"), "stand-in binary");
        var library = ImageLibrary.Open(_dir.Combine("library"));
        var package = Assert.Single(library.Drivers.Packages.Add(new DriverImportRequest { Path = folder, Groups = new[] { "ReactOS" } }).Items).Package!;
        Assert.False(package.IsBootStorageController);
        Assert.False(package.CatalogPresent);

        // An Intel AHCI controller: its class code is a compatible id. No catalog and an undecorated install section: 0xC0.
        var device = new DeviceIdentity(new[] { "PCI\\VEN_8086&DEV_A352&SUBSYS_0C6F1028&REV_10", "PCI\\VEN_8086&DEV_A352" }, new[] { "PCI\\VEN_8086&CC_010601", "PCI\\VEN_8086&CC_0106", "PCI\\CC_010601", "PCI\\CC_0106" });
        var x86 = new DriverPlatform(InfArchitecture.X86, new Version(10, 0, 19045));
        var match = library.Drivers.Match(device, x86);
        Assert.Equal("0xC0FF2002", match.Chosen!.RankHex);
        Assert.False(match.Chosen.IsBootStart);
        Assert.Contains("device compatible id #3 PCI\\CC_010601 = the INF's hardware id", match.Summary);
        Assert.Null(library.Drivers.Match(device).Chosen);
    }

    [SkippableFact]
    public void Corpus_infs_with_stand_in_files_import_and_export_byte_identically()
    {
        // Every corpus INF in its own folder, with a stand-in for each file it names.
        var root = _dir.Combine("staged");
        var folder = Path.Combine(External.Corpus(), "inf");
        var staged = 0;
        foreach (var file in Directory.GetFiles(folder, "*.inf", SearchOption.AllDirectories).Take(60))
        {
            var target = Path.Combine(root, "i" + staged++);
            Directory.CreateDirectory(target);
            var inf = Path.Combine(target, Path.GetFileName(file).Split("__").Last());
            File.Copy(file, inf);
            foreach (var missing in DriverInfInspector.Inspect(inf).MissingFiles)
            {
                var path = Path.Combine(target, missing.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, "stand-in for " + missing);
            }
        }

        var library = ImageLibrary.Open(_dir.Combine("library"));
        var result = library.Drivers.Packages.Add(new DriverImportRequest { Path = root });
        var added = result.Items.Where(i => i.Status == DriverImportStatus.Added).ToList();
        Assert.True(added.Count > 40, string.Join("\n", result.Items.Where(i => i.Error is not null).Select(i => i.InfPath + ": " + i.Error!.Message)));
        Assert.All(result.Items.Where(i => i.Status == DriverImportStatus.Refused), i => Assert.Contains(i.Error!.ErrorId, new[] { ErrorIds.DriverInfInvalid, ErrorIds.DriverPackageReferenceRefused }));

        foreach (var item in added)
        {
            var export = library.Drivers.Packages.Export(item.Package!.Id, _dir.Combine("out"), force: false);
            var source = Path.GetDirectoryName(Path.Combine(root, item.InfPath))!;
            foreach (var file in item.Package.Files)
            {
                Assert.Equal(File.ReadAllBytes(Path.Combine(source, file.Path)), File.ReadAllBytes(Path.Combine(export.Path, file.Path)));
            }
        }
    }
}
