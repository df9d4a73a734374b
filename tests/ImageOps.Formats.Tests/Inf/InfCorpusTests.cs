using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using ImageOps.Formats.Inf;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Inf;

/// <summary>
/// The shared INF corpus (corpus/inf, 227 files from 8 repositories; see its README.md and manifest.json):
/// every file is read and evaluated for every architecture, corrupted copies of every file are read, and
/// specific files are checked for the values they really hold.
/// </summary>
public class InfCorpusTests
{
    private const string Wds = "microsoft__Windows-driver-samples/";
    private const string ReactOs = "snykiotcubedev__reactos-0.4.13-release/";

    /// <summary>
    /// Corpus files Windows could not use as written. They are read (nothing in the corpus is unreadable,
    /// so no file is expected to throw); each has exactly these Error diagnostics at document level:
    /// </summary>
    private static readonly Dictionary<string, string> FilesWithErrors = new(StringComparer.Ordinal)
    {
        // Not a driver INF: the toaster sample's CD autorun.inf has [AutoRun] sections and no [Version].
        [Wds + "general__toaster__toastpkg__inf__autorun.inf"] = "MissingVersionSection@0",

        // hdaudbus.sys is on disk 3426 but the INF has no SourceDisksNames (ReactOS supplies it from its layout).
        [ReactOs + "media__inf__hdaudbus.inf"] = "SourceDiskNotDefined@10",

        // [HID_Inst.NT] copies [HID_CopyFiles.NT], a section the file does not have.
        [ReactOs + "media__inf__msmouse.inf"] = "CopyFilesSectionMissing@115",

        // [WDMAUDIO.CopyFilesOnly] copies [FX.CopyList], a section the file does not have.
        [ReactOs + "media__inf__wdmaudio.inf"] = "CopyFilesSectionMissing@34",
    };

    /// <summary>Translations in ReactOS INFs that lose their closing quote (Windows reads them to the end of the line).</summary>
    private static readonly Dictionary<string, (int Line, int Column)> UnterminatedQuotes = new(StringComparer.Ordinal)
    {
        [ReactOs + "media__inf__ks.inf"] = (860, 22),
        [ReactOs + "media__inf__msmouse.inf"] = (311, 43),
        [ReactOs + "media__inf__nete1000.inf"] = (163, 30),
    };

    /// <summary>Files expected to be unreadable (thrown <see cref="InfMalformedException"/>): none in this corpus.</summary>
    private static readonly Dictionary<string, (InfDiagnosticCode Code, int Line, int Column)> Unreadable = new(StringComparer.Ordinal);

    private static readonly InfTargetPlatform[] Platforms =
    {
        InfTargetPlatform.Windows10(InfArchitecture.X86, 19045),
        InfTargetPlatform.Windows10(InfArchitecture.Amd64, 26100),
        InfTargetPlatform.Windows10(InfArchitecture.Arm64, 22621),
    };

    private static string Folder() => Path.Combine(External.Corpus(), "inf");

    private static IReadOnlyList<string> ManifestFiles()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Folder(), "manifest.json")));
        return manifest.RootElement.EnumerateArray().Select(e => e.GetProperty("file").GetString()!).ToArray();
    }

    private static InfDocument Read(string relative, InfParseOptions? options = null)
        => InfParser.Parse(File.ReadAllBytes(Path.Combine(Folder(), relative)), relative, options);

    [SkippableFact]
    public void The_manifest_lists_every_corpus_file()
    {
        var folder = Folder();
        var listed = ManifestFiles();
        Assert.Equal(227, listed.Count);
        Assert.All(listed, f => Assert.True(File.Exists(Path.Combine(folder, f)), f));
        var present = Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .Where(p => p.EndsWith(".inf", StringComparison.OrdinalIgnoreCase) || p.EndsWith(".inx", StringComparison.OrdinalIgnoreCase))
            .Select(p => Path.GetRelativePath(folder, p).Replace('\\', '/'));
        Assert.Empty(present.Except(listed, StringComparer.Ordinal));
    }

    [SkippableFact]
    public void Every_corpus_file_is_read_and_evaluated_for_every_architecture()
    {
        var failures = new List<string>();
        var withErrors = new Dictionary<string, string>(StringComparer.Ordinal);
        var templates = 0;
        foreach (var file in ManifestFiles())
        {
            InfDocument document;
            try
            {
                document = Read(file);
            }
            catch (InfMalformedException ex)
            {
                if (!Unreadable.TryGetValue(file, out var expected) || expected != (ex.Code, ex.Line, ex.Column))
                {
                    failures.Add(file + ": unexpected " + ex.Code + " at " + ex.Line + ":" + ex.Column + " " + ex.Message);
                }

                continue;
            }
            catch (Exception ex)
            {
                failures.Add(file + ": " + ex.GetType().Name + " escaped: " + ex.Message);
                continue;
            }

            if (Unreadable.ContainsKey(file))
            {
                failures.Add(file + ": expected to be unreadable but was read");
            }

            templates += document.IsTemplate ? 1 : 0;
            var errors = document.Diagnostics.Where(d => d.Severity == InfDiagnosticSeverity.Error).Select(d => d.Code + "@" + d.Line).ToArray();
            if (errors.Length > 0)
            {
                withErrors.Add(file, string.Join(",", errors));
            }

            var quotes = document.Diagnostics.Where(d => d.Code == InfDiagnosticCode.UnterminatedQuote).Select(d => (d.Line, d.Column)).ToArray();
            if (quotes.Length > 0 && (!UnterminatedQuotes.TryGetValue(file, out var where) || quotes.Length != 1 || quotes[0] != where))
            {
                failures.Add(file + ": unexpected unterminated quotes at " + string.Join(", ", quotes));
            }

            foreach (var platform in Platforms)
            {
                try
                {
                    var resolution = document.Resolve(platform);
                    Assert.NotNull(resolution.Boot);
                    Assert.All(resolution.Files, f => Assert.DoesNotContain("..", f.SourcePath));
                }
                catch (Exception ex)
                {
                    failures.Add(file + " on " + platform + ": " + ex.GetType().Name + " " + ex.Message);
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(FilesWithErrors.OrderBy(k => k.Key, StringComparer.Ordinal), withErrors.OrderBy(k => k.Key, StringComparer.Ordinal));
        Assert.Equal(UnterminatedQuotes.Count, ManifestFiles().Count(f => UnterminatedQuotes.ContainsKey(f)));

        // The README counts 79 .inx files; some stamped .inf files still hold placeholders too ($ARCH$ in lsi_u3.inf).
        Assert.True(templates >= 79, templates.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [SkippableFact]
    public void Truncated_and_corrupted_corpus_files_end_in_a_document_or_the_typed_error()
    {
        var random = new Random(227);
        foreach (var file in ManifestFiles())
        {
            var original = File.ReadAllBytes(Path.Combine(Folder(), file));
            var variants = new List<byte[]>
            {
                original.Take(original.Length / 2).ToArray(),
                original.Take(Math.Max(0, original.Length - 1)).ToArray(),
                original.Take(1).ToArray(),
            };
            for (var i = 0; i < 4; i++)
            {
                var copy = (byte[])original.Clone();
                for (var k = 0; k < 8 && copy.Length > 0; k++)
                {
                    copy[random.Next(copy.Length)] = (byte)"[]\";%\\\0\n,="[random.Next(10)];
                }

                variants.Add(copy);
            }

            foreach (var bytes in variants)
            {
                try
                {
                    var document = InfParser.Parse(bytes, file);
                    document.Resolve(Platforms[1]);
                }
                catch (InfMalformedException ex)
                {
                    Assert.Equal(file, ex.Path);
                    Assert.True(ex.Line > 0 && ex.Column > 0 && ex.Offset >= 0, file + ": " + ex.Message);
                }
            }
        }
    }

    [SkippableFact]
    public void Lsi_u3_is_a_boot_critical_scsi_miniport()
    {
        var doc = Read(Wds + "storage__miniports__lsi_u3__src__lsi_u3.inf");
        Assert.Equal("SCSIAdapter", doc.Version.Class);
        Assert.Equal(new Guid("4D36E97B-E325-11CE-BFC1-08002BE10318"), doc.Version.ClassGuid);
        Assert.Equal("LSI", doc.Version.Provider);
        Assert.Equal(new DateTime(2008, 6, 12), doc.Version.DriverVersion!.Date);
        Assert.Equal(new Version(5, 9, 10, 4), doc.Version.DriverVersion.Version);
        Assert.Equal("lsi_u3.cat", doc.Version.CatalogFile);
        Assert.True(doc.IsTemplate);
        Assert.Equal(new[] { "$ARCH$" }, doc.TemplatePlaceholders);

        var r = doc.Resolve(Platforms[1]);
        Assert.Equal(new[] { @"PCI\VEN_1000&DEV_0020", @"PCI\VEN_1000&DEV_0021" }, r.Devices.Select(d => d.Model.HardwareId));
        Assert.Equal("LSI Ultra3 PCI SCSI Adapter; 53C1010-33 (StorPort)", r.Devices[0].Model.Description);
        Assert.All(r.Devices, d => Assert.Equal("LSI_U3_Inst", d.InstallSection.Name));
        var service = Assert.Single(r.Services);
        Assert.Equal("LSI_U3", service.Name);
        Assert.Equal(InfServiceStartType.Boot, service.StartType);
        Assert.Equal(1u, service.ServiceType);
        Assert.Equal("SCSI Miniport", service.LoadOrderGroup);
        Assert.Equal(12, service.ServiceBinaryDirectoryId);
        var file = Assert.Single(r.Files);
        Assert.Equal("lsi_u3.sys", file.SourcePath);
        Assert.Equal(12, file.Copies.Single().Destination!.DirectoryId);
        Assert.Equal(1u, file.Copies.Single().Flags);
        Assert.True(r.Boot.IsBootCritical);
        Assert.True(r.Boot.IsBootStorageController);
    }

    [SkippableFact]
    public void Diskdev_has_amd64_models_and_an_amd64_source_folder()
    {
        var doc = Read(Wds + "storage__class__disk__src__diskdev.inf");
        Assert.Equal("DiskDrive", doc.Version.Class);
        Assert.Equal(new[] { InfArchitecture.Amd64 }, doc.Architectures);
        var r = doc.Resolve(Platforms[1]);
        Assert.Equal(new[] { "GenDisk", "GenOptical" }, r.Devices.Select(d => d.Model.HardwareId));
        Assert.All(r.Devices, d => Assert.Equal("disk.NT", d.InstallSection.Name));
        var service = Assert.Single(r.Services);
        Assert.Equal(("disk", InfServiceStartType.Boot, "SCSI Class"), (service.Name, service.StartType!.Value, service.LoadOrderGroup));
        Assert.Equal("amd64/disk.sys", Assert.Single(r.Files).SourcePath);
        Assert.True(r.Boot.IsBootCritical);
        Assert.False(r.Boot.IsBootStorageController);

        var x86 = doc.Resolve(Platforms[0]);
        Assert.Empty(x86.Devices);
        Assert.Empty(x86.Files);
    }

    [SkippableFact]
    public void Cdrom_is_a_utf16_template_with_needs_inside_the_same_inf()
    {
        var doc = Read(Wds + "storage__class__cdrom__src__cdrom.inf");
        Assert.Equal(InfTextEncoding.Utf16LittleEndian, doc.Encoding);
        Assert.True(doc.Syntax.HasByteOrderMark);
        Assert.Equal("CDROM", doc.Version.Class);
        Assert.Equal("Microsoft", doc.Version.Provider);
        Assert.True(doc.IsTemplate);
        Assert.False(doc.Version.DriverVersion!.IsValid); // "WILL_BE_FIXED_UP_BY_STAMPINF"
        Assert.Equal(InfDiagnosticSeverity.Info, doc.Diagnostics.Single(d => d.Code == InfDiagnosticCode.InvalidDriverVer).Severity);

        var r = doc.Resolve(Platforms[2]);
        Assert.Equal(new[] { "mitsumi_cdrom.NT$ARCH$", "cdrom_device.NT$ARCH$" }, r.ModelsSections);
        Assert.Equal(6, r.Devices.Count);
        Assert.Equal(@"IDE\CdRomMITSUMI_CD-ROM________!A________________", r.Devices[0].Model.HardwareId);
        Assert.Equal("mitsumi_install", r.Devices[0].InstallSection.Name);

        // [mitsumi_install.Services] has only "Needs=cdrom_install.Services": the service comes through Needs.
        var service = Assert.Single(r.Services);
        Assert.Equal(("cdrom", InfServiceStartType.System, "SCSI CDROM Class"), (service.Name, service.StartType!.Value, service.LoadOrderGroup));
        var file = Assert.Single(r.Files);
        Assert.Equal("cdrom.sys", file.SourcePath);
        Assert.Equal(0x100u, Assert.Single(file.Copies).Flags);
        Assert.False(r.Boot.IsBootCritical);
    }

    [SkippableFact]
    public void ReactOS_scsi_inf_is_utf8_undecorated_and_x86_only()
    {
        var doc = Read(ReactOs + "media__inf__scsi.inf");
        Assert.Equal(InfTextEncoding.Utf8, doc.Encoding);
        Assert.False(doc.Syntax.HasByteOrderMark);
        Assert.Equal(new[] { InfArchitecture.X86 }, doc.Architectures);
        Assert.Equal(new DateTime(2007, 11, 2), doc.Version.DriverVersion!.Date);

        var r = doc.Resolve(Platforms[0]);
        var device = Assert.Single(r.Devices);
        Assert.Equal(@"PCI\VEN_104B&CC_0100", device.Model.HardwareId);
        Assert.Equal("BusLogic SCSI Controller", device.Model.Description);
        Assert.Equal("BusLogic_Inst.NT", device.InstallSection.Name);
        Assert.Equal(new[] { "BusLogic", "Scsiport" }, r.Services.Select(s => s.Name));
        Assert.All(r.Services, s => Assert.Equal(InfServiceStartType.Boot, s.StartType));
        Assert.True(r.Boot.IsBootStorageController);

        Assert.Empty(doc.Resolve(Platforms[1]).Devices);
    }

    [SkippableFact]
    public void ReactOS_storahci_is_boot_critical_only_in_the_locale_that_defines_its_constants()
    {
        // The file puts SERVICE_BOOT_START = 0 and the other constants under [Strings.041f] (Turkish)
        // instead of [Strings], so only a Turkish reading resolves StartType.
        const string File = ReactOs + "drivers__storage__storahci__storahci.inf";
        var english = Read(File);
        Assert.Equal("Strings", english.Strings.SectionName);
        Assert.Contains(english.Diagnostics, d => d.Code == InfDiagnosticCode.UnknownStringKey && d.Message.Contains("SERVICE_BOOT_START"));
        var en = english.Resolve(Platforms[0]);
        Assert.Null(Assert.Single(en.Services).StartType);
        Assert.False(en.Boot.IsBootCritical);
        Assert.Equal("Standard SATA AHCI Controller", Assert.Single(en.Devices).Model.Description);

        var turkish = Read(File, new InfParseOptions { LanguageId = 0x041F });
        Assert.Equal("Strings.041f", turkish.Strings.SectionName);
        var tr = turkish.Resolve(Platforms[0]);
        Assert.Equal(InfServiceStartType.Boot, Assert.Single(tr.Services).StartType);
        Assert.True(tr.Boot.IsBootStorageController);
        Assert.Equal("Ölçünlü SATA AHCI Denetleyicisi", Assert.Single(tr.Devices).Model.Description);
    }

    [SkippableFact]
    public void ReactOS_usbport_has_localized_strings_and_a_merged_duplicate_section()
    {
        const string File = ReactOs + "media__inf__usbport.inf";
        var german = Read(File, new InfParseOptions { LanguageId = 0x0407 });
        Assert.Equal("Strings.0407", german.Strings.SectionName);
        Assert.Equal("(Generische USB-Geräte)", german.Manufacturers[0].Name);
        Assert.Equal("UHCI USB-Controller", german.GetModels("GenericMfg")[0].Description);
        Assert.Contains(0x041B, german.Strings.AvailableLanguageIds);
        Assert.Equal(2, german.Syntax.FindSection("Strings.041b")!.HeaderCount);

        var neutral = Read(File);
        Assert.Equal("(Generic USB devices)", neutral.Manufacturers[0].Name);
        Assert.Equal(@"PCI\CC_0C0300", neutral.GetModels("GenericMfg")[0].HardwareId);
        Assert.Equal("UHCI_Inst.NT", neutral.GetInstallSection("UHCI_Inst", InfArchitecture.X86).Name);
    }

    [SkippableFact]
    public void Sdhc_inx_applies_from_build_25398_and_is_boot_start_only_when_booting_from_sd()
    {
        var doc = Read(Wds + "sd__miniport__sdhc__sdhc.inx");
        Assert.True(doc.IsTemplate);
        Assert.Equal(new[] { "NT$ARCH$.10.0...25398" }, doc.Manufacturers.SelectMany(m => m.TargetOsVersions).Select(t => t.Text).Distinct());

        var r = doc.Resolve(InfTargetPlatform.Windows10(InfArchitecture.Arm64, 26100));
        Assert.Equal(7, r.Devices.Count);
        Assert.Contains(r.Devices, d => d.Model.HardwareId == @"ACPI\PNP0D40");
        var service = Assert.Single(r.Services);
        Assert.Equal(("sdhc", InfServiceStartType.Demand, "System Bus Extender", 0x8u), (service.Name, service.StartType!.Value, service.LoadOrderGroup, service.BootFlags!.Value));
        Assert.False(r.Boot.IsBootCritical);
        Assert.True(r.Boot.IsConditionallyBootCritical);
        Assert.Contains(r.Boot.Reasons, b => b.Kind == InfBootReasonKind.BootGroupWithoutBootStart);

        Assert.Empty(doc.Resolve(InfTargetPlatform.Windows10(InfArchitecture.Arm64, 22621)).Devices);
    }

    [SkippableFact]
    public void BthPS3_arm64_build_installs_only_on_arm64()
    {
        var doc = Read("nefarius__BthPS3/Setup__drivers__BthPS3_ARM64__BthPS3.inf");
        Assert.Equal(new[] { InfArchitecture.Arm64 }, doc.Architectures);
        Assert.Equal(new Version(2, 10, 470, 0), doc.Version.DriverVersion!.Version);
        var r = doc.Resolve(Platforms[2]);
        var device = Assert.Single(r.Devices);
        Assert.Equal(@"BTHENUM\{1cb831ea-79cd-4508-b0fc-85f7c85ae8e0}", device.Model.HardwareId);
        Assert.Equal("BthPS3_Device.NT", device.InstallSection.Name);
        var service = Assert.Single(r.Services);
        Assert.Equal(("BthPS3", InfServiceStartType.Demand, true), (service.Name, service.StartType!.Value, service.IsAssociatedService));
        Assert.Equal("BthPS3.sys", Assert.Single(r.Files).SourcePath);
        Assert.Equal("BthPS3.cat", r.CatalogFile);
        Assert.False(r.Boot.IsBootCritical);
        Assert.Empty(doc.Resolve(Platforms[1]).Devices);
    }

    [SkippableFact]
    public void A_corpus_package_folder_reports_the_files_it_lacks()
    {
        // The corpus holds INFs only, so every driver file of a real INF is missing from this "package".
        using var temp = new TempFolder("infcorpus");
        var bytes = File.ReadAllBytes(Path.Combine(Folder(), Wds + "storage__class__disk__src__diskdev.inf"));
        Directory.CreateDirectory(temp.Combine("pkg"));
        File.WriteAllBytes(temp.Combine("pkg", "diskdev.inf"), bytes);
        var r = InfPackage.Open(new InfFolderSource(temp.Combine("pkg")), "diskdev.inf").Resolve(Platforms[1]);
        Assert.Equal(new[] { "amd64/disk.sys", "diskdev.cat" }, r.MissingFiles);
    }
}
