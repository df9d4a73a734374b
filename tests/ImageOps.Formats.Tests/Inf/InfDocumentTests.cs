using System;
using System.Linq;
using ImageOps.Formats.Inf;
using static ImageOps.Formats.Tests.Inf.InfTestDocuments;

namespace ImageOps.Formats.Tests.Inf;

public class InfDocumentTests
{
    // A small but complete storage miniport INF for x64, ARM64 and x86 (through the undecorated section).
    private const string Miniport = @"
[SourceDisksNames]
1 = %Disk%,,,
[SourceDisksNames.amd64]
1 = %Disk%,,,\x64
[SourceDisksNames.arm64]
1 = %Disk%,,,\arm64
[SourceDisksFiles]
mini.sys = 1
mini.dll = 1,common
[SourceDisksFiles.amd64]
mini.sys = 1
extra64.sys = 1
[DestinationDirs]
DefaultDestDir = 12
Mini_Dll_Files = 11, vendor\tools
[Manufacturer]
%Mfg% = Contoso, NTamd64, NTarm64.10.0...22000
[Contoso]
%Dev% = Mini_Inst, PCI\VEN_1234&DEV_0001
[Contoso.NTamd64]
%Dev% = Mini_Inst, PCI\VEN_1234&DEV_0001&SUBSYS_00011234, PCI\VEN_1234&DEV_0001, PCI\CC_010400
[Contoso.NTarm64.10.0...22000]
%Dev% = Mini_Inst, PCI\VEN_1234&DEV_0001
[Mini_Inst]
CopyFiles = Mini_Sys_Files
[Mini_Inst.NTamd64]
CopyFiles = Mini_Sys_Files, Mini_Dll_Files
DriverVer = 07/01/2024,10.1.0.0
[Mini_Inst.NT]
CopyFiles = @mini.sys
[Mini_Inst.NTamd64.Services]
AddService = mini, 0x00000002, Mini_Service, Mini_EventLog
[Mini_Inst.NT.Services]
AddService = mini, 2, Mini_Service
[Mini_Inst.Services]
AddService = mini, 2, Mini_Service
[Mini_Service]
DisplayName    = %SvcName%
ServiceType    = %SERVICE_KERNEL_DRIVER%
StartType      = %SERVICE_BOOT_START%
ErrorControl   = 1
ServiceBinary  = %12%\mini.sys
LoadOrderGroup = SCSI Miniport
Dependencies   = +Base, other
[Mini_EventLog]
AddReg = x
[Mini_Sys_Files]
mini.sys,,,0x4000
[Mini_Dll_Files]
minitool.dll, mini.dll
[Strings]
Mfg = ""Contoso""
Dev = ""Contoso Storage Controller""
Disk = ""Contoso driver disk""
SvcName = ""Contoso Miniport""
SERVICE_KERNEL_DRIVER = 1
SERVICE_BOOT_START = 0
";

    [Fact]
    public void Version_values_are_read_and_substituted()
    {
        var doc = ParseWithVersion(Miniport);
        var v = doc.Version;
        Assert.True(v.Exists);
        Assert.True(v.IsSignatureValid);
        Assert.Equal("SCSIAdapter", v.Class);
        Assert.Equal(InfBootClassification.ScsiAdapterClassGuid, v.ClassGuid);
        Assert.Equal("Contoso", v.Provider);
        Assert.Equal(new DateTime(2023, 6, 21), v.DriverVersion!.Date);
        Assert.Equal(new Version(10, 0, 1, 2), v.DriverVersion.Version);
        Assert.Equal("drv.cat", v.CatalogFile);
        Assert.Equal(1, v.PnpLockdown);
        Assert.False(doc.HasErrors, string.Join("\n", doc.Diagnostics));
    }

    [Fact]
    public void Decorated_catalog_files_are_chosen_per_architecture()
    {
        var doc = Parse("[Version]\nSignature=\"$Chicago$\"\nCatalogFile=all.cat\nCatalogFile.NTamd64=x64.cat\nCatalogFile.NT=nt.cat\n");
        Assert.True(doc.Version.IsSignatureValid);
        Assert.Equal("x64.cat", doc.Version.GetCatalogFile(InfArchitecture.Amd64));
        Assert.Equal("nt.cat", doc.Version.GetCatalogFile(InfArchitecture.Arm64));
        Assert.Equal("x64.cat", doc.Version.DecoratedCatalogFiles["ntAMD64"]);
    }

    [Fact]
    public void A_missing_version_section_or_bad_signature_is_an_error()
    {
        Assert.Equal(InfDiagnosticSeverity.Error, Parse("[Strings]\nA=1\n").Single(InfDiagnosticCode.MissingVersionSection).Severity);
        var bad = Parse("[Version]\nSignature=\"$Windows 98$\"\n");
        Assert.False(bad.Version.IsSignatureValid);
        Assert.Equal((2, 1), (bad.Single(InfDiagnosticCode.InvalidSignature).Line, bad.Single(InfDiagnosticCode.InvalidSignature).Column));
    }

    [Fact]
    public void A_bad_class_guid_and_driver_ver_are_reported()
    {
        var doc = Parse("[Version]\nSignature=\"$Windows NT$\"\nClassGuid=4D36E97B-E325\nDriverVer=31/31/2020,1.0\n");
        Assert.Null(doc.Version.ClassGuid);
        Assert.True(doc.Has(InfDiagnosticCode.InvalidClassGuid));
        Assert.Equal(InfDiagnosticSeverity.Warning, doc.Single(InfDiagnosticCode.InvalidDriverVer).Severity);
    }

    [Fact]
    public void Manufacturer_decorations_and_models_are_read()
    {
        var doc = ParseWithVersion(Miniport);
        var m = Assert.Single(doc.Manufacturers);
        Assert.Equal("Contoso", m.Name);
        Assert.Equal("Contoso", m.ModelsSectionName);
        Assert.Equal(new[] { "NTamd64", "NTarm64.10.0...22000" }, m.TargetOsVersions.Select(t => t.Text));
        Assert.Equal(new[] { InfArchitecture.Amd64, InfArchitecture.Arm64 }, doc.Architectures);

        var model = Assert.Single(doc.GetModels("Contoso.NTamd64"));
        Assert.Equal("Contoso Storage Controller", model.Description);
        Assert.Equal("Mini_Inst", model.InstallSectionName);
        Assert.Equal(@"PCI\VEN_1234&DEV_0001&SUBSYS_00011234", model.HardwareId);
        Assert.Equal(new[] { @"PCI\VEN_1234&DEV_0001", @"PCI\CC_010400" }, model.CompatibleIds);
    }

    [Fact]
    public void The_install_section_is_picked_like_SetupDiGetActualSectionToInstall()
    {
        var doc = ParseWithVersion(Miniport);
        Assert.Equal("Mini_Inst.NTamd64", doc.GetInstallSection("Mini_Inst", InfArchitecture.Amd64).Name);
        Assert.Equal("Mini_Inst.NT", doc.GetInstallSection("Mini_Inst", InfArchitecture.Arm64).Name);
        Assert.Equal(".NT", doc.GetInstallSection("mini_inst", InfArchitecture.X86).Decoration);
        var missing = doc.GetInstallSection("Nope", InfArchitecture.Amd64);
        Assert.False(missing.Exists);
        Assert.Equal("Nope", missing.Name);
    }

    [Fact]
    public void An_install_section_carries_its_copies_services_and_driver_ver()
    {
        var doc = ParseWithVersion(Miniport);
        var section = doc.GetInstallSection("Mini_Inst", InfArchitecture.Amd64);
        Assert.Equal(new[] { "Mini_Sys_Files", "Mini_Dll_Files" }, section.CopyFilesSections);
        Assert.Equal(new Version(10, 1, 0, 0), section.DriverVersion!.Version);
        var service = Assert.Single(section.Services);
        Assert.Equal("mini", service.Name);
        Assert.True(service.IsAssociatedService);
        Assert.Equal("Mini_Service", service.InstallSectionName);
        Assert.Equal("Mini_EventLog", service.EventLogSectionName);
        Assert.Equal("Contoso Miniport", service.DisplayName);
        Assert.Equal(1u, service.ServiceType);
        Assert.Equal(InfServiceStartType.Boot, service.StartType);
        Assert.Equal(1u, service.ErrorControl);
        Assert.Equal(@"%12%\mini.sys", service.ServiceBinary);
        Assert.Equal(12, service.ServiceBinaryDirectoryId);
        Assert.Equal("mini.sys", service.ServiceBinaryPath);
        Assert.Equal("SCSI Miniport", service.LoadOrderGroup);
        Assert.Equal(new[] { "+Base", "other" }, service.Dependencies);
        Assert.Equal(new[] { "mini.sys" }, doc.GetInstallSection("Mini_Inst", InfArchitecture.Arm64).CopyFilesSingleFiles);
    }

    [Fact]
    public void Amd64_resolution_lists_devices_services_files_and_destinations()
    {
        var r = ParseWithVersion(Miniport).Resolve(Amd64);
        Assert.Equal(new[] { "Contoso.NTamd64" }, r.ModelsSections);
        var device = Assert.Single(r.Devices);
        Assert.Equal("Mini_Inst.NTamd64", device.InstallSection.Name);
        Assert.Equal("drv.cat", r.CatalogFile);

        // mini.sys and extra64.sys come from [SourceDisksFiles.amd64] and disk 1 of [SourceDisksNames.amd64];
        // mini.dll is only in the generic section and keeps its subdirectory.
        Assert.Equal(new[] { "x64/mini.sys", "x64/common/mini.dll", "x64/extra64.sys" }, r.Files.Select(f => f.SourcePath));
        var sys = r.Files[0];
        Assert.Equal(InfArchitecture.Amd64, sys.Source.Architecture);
        var sysCopy = Assert.Single(sys.Copies);
        Assert.Equal(12, sysCopy.Destination!.DirectoryId);
        Assert.Equal(0x4000u, sysCopy.Flags);
        var dllCopy = Assert.Single(r.Files[1].Copies);
        Assert.Equal("minitool.dll", dllCopy.DestinationFileName);
        Assert.Equal(11, dllCopy.Destination!.DirectoryId);
        Assert.Equal("vendor/tools", dllCopy.Destination.Subdirectory);
        Assert.False(r.Files[2].IsCopied);
        Assert.Equal(2, r.FileCopies.Count);
    }

    [Fact]
    public void Arm64_resolution_respects_the_build_decoration()
    {
        var doc = ParseWithVersion(Miniport);
        var r = doc.Resolve(Arm64);
        Assert.Equal("Mini_Inst.NT", Assert.Single(r.Devices).InstallSection.Name);
        var file = Assert.Single(r.Files, f => f.IsCopied);
        Assert.Equal("arm64/mini.sys", file.SourcePath);
        Assert.Null(Assert.Single(file.Copies).FileListSection);

        var older = doc.Resolve(InfTargetPlatform.Windows10(InfArchitecture.Arm64, 19041));
        Assert.Empty(older.Devices);
        Assert.True(older.Has(InfDiagnosticCode.NoModelsForPlatform));
    }

    [Fact]
    public void X86_uses_the_undecorated_models_section()
    {
        var r = ParseWithVersion(Miniport).Resolve(X86);
        Assert.Equal(new[] { "Contoso" }, r.ModelsSections);
        Assert.Equal(@"PCI\VEN_1234&DEV_0001", Assert.Single(r.Devices).Model.HardwareId);
        Assert.Contains(r.Files, f => f.SourcePath == "mini.sys" && f.IsCopied);
    }

    [Fact]
    public void A_boot_start_storage_miniport_is_boot_critical()
    {
        var boot = ParseWithVersion(Miniport).Resolve(Amd64).Boot;
        Assert.True(boot.IsBootCritical);
        Assert.True(boot.IsBootStorageController);
        Assert.False(boot.IsConditionallyBootCritical);
        Assert.Contains(boot.Reasons, r => r.Kind == InfBootReasonKind.BootStartService && r.ServiceName == "mini");
        Assert.Contains(boot.Reasons, r => r.Kind == InfBootReasonKind.StorageControllerClass);
    }

    [Fact]
    public void A_demand_start_driver_in_a_boot_group_is_not_boot_critical_but_noted()
    {
        var r = ParseWithVersion(Miniport.Replace("SERVICE_BOOT_START = 0", "SERVICE_BOOT_START = 3")).Resolve(Amd64);
        Assert.False(r.Boot.IsBootCritical);
        Assert.False(r.Boot.IsBootStorageController);
        Assert.Contains(r.Boot.Reasons, b => b.Kind == InfBootReasonKind.BootGroupWithoutBootStart);
        Assert.True(r.Has(InfDiagnosticCode.BootGroupWithoutBootStart));
    }

    [Fact]
    public void A_boot_start_driver_of_another_class_is_boot_critical_but_not_storage()
    {
        var r = ParseWithVersion(Miniport.Replace("[Mini_Service]", "[Mini_Service]\nBootFlags = 0x2"))
            .Resolve(Amd64);
        Assert.True(r.Boot.IsBootCritical);
        Assert.True(r.Boot.IsConditionallyBootCritical);
        Assert.Contains(r.Boot.Reasons, b => b.Kind == InfBootReasonKind.BootFlagsPromotion && b.Detail.Contains("VHD"));

        var system = Parse(InfTestDocuments.VersionSection.Replace("Class=SCSIAdapter", "Class=System").Replace("ClassGuid={4D36E97B-E325-11CE-BFC1-08002BE10318}", "ClassGuid={4D36E97D-E325-11CE-BFC1-08002BE10318}") + Miniport + "\n[Strings]\nProv=x\n");
        var sys = system.Resolve(Amd64).Boot;
        Assert.True(sys.IsBootCritical);
        Assert.False(sys.IsBootStorageController);
    }

    [Fact]
    public void Default_install_sections_of_non_pnp_inf_are_resolved_per_architecture()
    {
        var doc = Parse(@"[Version]
Signature=""$Windows NT$""
Class=ActivityMonitor
ClassGuid={b86dff51-a31e-4bac-b3cf-e8cfe75c9fc2}
Provider=x
DriverVer=01/01/2020,1.0.0.0
[DestinationDirs]
DefaultDestDir = 12
Filter.Files = 12
[DefaultInstall.NTamd64]
CopyFiles = Filter.Files
[DefaultInstall.NTamd64.Services]
AddService = flt,,Filter.Service
[Filter.Service]
ServiceType = 2
StartType = 0
ErrorControl = 1
ServiceBinary = %12%\flt.sys
LoadOrderGroup = ""FSFilter Activity Monitor""
[Filter.Files]
flt.sys
[SourceDisksNames]
1 = disk
[SourceDisksFiles]
flt.sys = 1
");
        Assert.True(doc.Has(InfDiagnosticCode.MissingCatalogFile));
        Assert.False(doc.Has(InfDiagnosticCode.NoInstallableSections));
        var r = doc.Resolve(Amd64);
        Assert.Equal("DefaultInstall.NTamd64", Assert.Single(r.InstallSections).Name);
        Assert.Equal("flt", Assert.Single(r.Services).Name);
        Assert.True(r.Boot.IsBootCritical);
        Assert.Equal("flt.sys", Assert.Single(r.Files).SourcePath);
        Assert.Empty(doc.Resolve(X86).InstallSections);
    }

    [Fact]
    public void Missing_models_install_copy_and_service_sections_are_errors_with_positions()
    {
        var doc = ParseWithVersion(@"
[Manufacturer]
%M% = Maker, NTamd64, NTx86
[Maker.NTamd64]
%D% = Missing_Inst, HWID1
%D% = Present_Inst, HWID2
[Present_Inst]
CopyFiles = No_Such_Files
[Present_Inst.Services]
AddService = svc, 2, No_Such_Service
AddService = svc2, 2
[DestinationDirs]
DefaultDestDir = 12
[Strings]
M=m
D=d
");
        // The [Version] section ParseWithVersion puts first takes 8 lines; the body's first line is empty.
        const int Body = 8;
        Assert.Equal(Body + 3, doc.Single(InfDiagnosticCode.ModelsSectionMissing).Line);
        Assert.Contains("Maker.NTx86", doc.Single(InfDiagnosticCode.ModelsSectionMissing).Message);
        Assert.Equal(Body + 5, doc.Single(InfDiagnosticCode.InstallSectionMissing).Line);
        Assert.Equal((Body + 8, 13), (doc.Single(InfDiagnosticCode.CopyFilesSectionMissing).Line, doc.Single(InfDiagnosticCode.CopyFilesSectionMissing).Column));
        Assert.Equal(2, doc.Diagnostics.Count(d => d.Code == InfDiagnosticCode.ServiceInstallSectionMissing));
        Assert.True(doc.HasErrors);
    }

    [Fact]
    public void A_service_install_section_without_required_entries_is_an_error()
    {
        var doc = ParseWithVersion(Miniport.Replace("ErrorControl   = 1\n", string.Empty).Replace("StartType      = %SERVICE_BOOT_START%\n", "StartType = boot\n"));
        Assert.Contains("ErrorControl", doc.Single(InfDiagnosticCode.ServiceMissingRequiredEntry).Message);
        Assert.True(doc.Has(InfDiagnosticCode.InvalidNumber));
        var service = doc.Resolve(Amd64).Services.Single();
        Assert.Null(service.StartType);
        Assert.False(doc.Resolve(Amd64).Boot.IsBootCritical);
    }

    [Fact]
    public void The_null_driver_needs_no_service_install_section()
    {
        var doc = ParseWithVersion("[Manufacturer]\n%M%=M,NTamd64\n[M.NTamd64]\n%M%=I,HW\n[I]\n[I.Services]\nAddService = ,2\n[Strings]\nM=m\n");
        var service = Assert.Single(doc.Resolve(Amd64).Services);
        Assert.True(service.IsNullDriver);
        Assert.False(doc.Has(InfDiagnosticCode.ServiceInstallSectionMissing));
    }

    [Fact]
    public void Copies_without_a_source_entry_or_destination_are_reported()
    {
        var doc = ParseWithVersion(@"
[Manufacturer]
%M% = M, NTamd64
[M.NTamd64]
%M% = I, HW
[I]
CopyFiles = Files
[Files]
a.sys
[SourceDisksNames]
1 = d
[SourceDisksFiles]
b.sys = 2
[Strings]
M=m
");
        Assert.True(doc.Has(InfDiagnosticCode.DestinationDirMissing));
        Assert.True(doc.Has(InfDiagnosticCode.SourceDiskNotDefined));
        var r = doc.Resolve(Amd64);
        var d = r.Diagnostics.Single(x => x.Code == InfDiagnosticCode.FileNotInSourceDisksFiles);
        Assert.Equal(InfDiagnosticSeverity.Error, d.Severity);
        Assert.Null(Assert.Single(r.FileCopies).Destination);
    }

    [Fact]
    public void Needs_into_the_same_inf_is_followed_and_nested_needs_are_not()
    {
        // storage\class\cdrom\src\cdrom.inf: [mitsumi_install.Services] Needs=cdrom_install.Services.
        var doc = ParseWithVersion(@"
[Manufacturer]
%M% = M, NTamd64
[M.NTamd64]
%M% = A, HW
[A]
[A.Services]
Needs = B.Services
[B.Services]
AddService = b, 2, B.Service
Needs = C.Services
[C.Services]
AddService = c, 2, B.Service
[B.Service]
ServiceType = 1
StartType = 3
ErrorControl = 1
ServiceBinary = %12%\b.sys
[Strings]
M=m
");
        var r = doc.Resolve(Amd64);
        Assert.Equal(new[] { "b" }, r.Services.Select(s => s.Name));
        Assert.True(r.Has(InfDiagnosticCode.NestedNeedsIgnored));
        Assert.False(r.Has(InfDiagnosticCode.NeedsWithoutInclude));
    }

    [Fact]
    public void Needs_in_a_system_inf_is_noted_as_external()
    {
        var doc = ParseWithVersion("[Manufacturer]\n%M%=M,NTamd64\n[M.NTamd64]\n%M%=A,HW\n[A]\nInclude=ks.inf, wdmaudio.inf\nNeeds=KS.Registration, WDMAUDIO.Registration\n[Strings]\nM=m\n");
        var section = doc.GetInstallSection("A", InfArchitecture.Amd64);
        Assert.Equal(new[] { "ks.inf", "wdmaudio.inf" }, section.Includes);
        Assert.Equal(new[] { "KS.Registration", "WDMAUDIO.Registration" }, section.Needs);
        var r = doc.Resolve(Amd64);
        Assert.Equal(new[] { "KS.Registration", "WDMAUDIO.Registration" }, r.ExternalNeeds);
        Assert.True(r.Has(InfDiagnosticCode.NeedsResolvedExternally));
        Assert.False(r.Has(InfDiagnosticCode.NeedsSectionNotFound));
    }

    [Fact]
    public void Needs_without_any_include_is_reported()
    {
        var r = ParseWithVersion("[Manufacturer]\n%M%=M,NTamd64\n[M.NTamd64]\n%M%=A,HW\n[A]\nNeeds=Elsewhere\n[Strings]\nM=m\n").Resolve(Amd64);
        Assert.True(r.Has(InfDiagnosticCode.NeedsWithoutInclude));
        Assert.True(r.Has(InfDiagnosticCode.NeedsSectionNotFound));
    }

    [Fact]
    public void A_template_is_flagged_and_its_arch_placeholder_resolves_for_every_architecture()
    {
        var doc = Parse(@"[Version]
Signature=""$WINDOWS NT$""
Class=Sample
ClassGuid={78A1C341-4539-11d3-B88D-00C04FAD5171}
Provider=%P%
CatalogFile=t.cat
DriverVer= ; stampinf fills this
[Manufacturer]
%P%=Std,NT$ARCH$.10.0...16299
[Std.NT$ARCH$.10.0...16299]
%D%=T_Inst, Root\Toaster
[T_Inst.NT]
CopyFiles=T_Files
[T_Inst.NT.Wdf]
KmdfService = toaster, T_wdf
[T_wdf]
KmdfLibraryVersion = $KMDFVERSION$
[T_Files]
t.sys
[DestinationDirs]
DefaultDestDir = 13
[SourceDisksNames]
1 = d
[SourceDisksFiles]
t.sys = 1
[Strings]
P=p
D=d
", name: "toaster.inx");
        Assert.True(doc.IsTemplate);
        Assert.Equal(new[] { "$ARCH$", "$KMDFVERSION$" }, doc.TemplatePlaceholders);
        Assert.True(doc.Has(InfDiagnosticCode.TemplatePlaceholder));
        Assert.Equal(InfDiagnosticSeverity.Info, doc.Single(InfDiagnosticCode.MissingDriverVer).Severity);
        Assert.Empty(doc.Architectures);
        foreach (var platform in new[] { Amd64, Arm64, X86 })
        {
            var r = doc.Resolve(platform);
            Assert.Equal("T_Inst.NT", Assert.Single(r.Devices).InstallSection.Name);
            Assert.Equal(13, Assert.Single(r.Files).Copies.Single().Destination!.DirectoryId);
        }

        Assert.Empty(doc.Resolve(InfTargetPlatform.Windows10(InfArchitecture.Amd64, 15063)).Devices);
    }

    [Fact]
    public void A_plain_inf_is_not_a_template_and_chicago_is_not_a_placeholder()
    {
        var doc = Parse("[Version]\nSignature=\"$CHICAGO$\"\n");
        Assert.False(doc.IsTemplate);
        Assert.Empty(doc.TemplatePlaceholders);
    }
}
