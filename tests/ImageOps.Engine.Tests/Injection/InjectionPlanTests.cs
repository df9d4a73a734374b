using System;
using System.IO;
using System.Linq;
using System.Text;
using ImageOps.Engine.Injection;
using ImageOps.Engine.OfflineVolumes;
using ImageOps.Engine.Storage;
using ImageOps.Engine.WindowsImages;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Registry;

namespace ImageOps.Engine.Tests.Injection;

/// <summary>The plan and its pre-flight findings; removal; reading an image's drivers and the first-boot log.</summary>
[Collection(InjectionCollection.Name)]
public sealed class InjectionPlanTests
{
    private readonly InjectionFixture _fixture;

    public InjectionPlanTests(InjectionFixture fixture) => _fixture = fixture;

    [SkippableFact]
    public void Planning_writes_nothing_and_the_plan_serialises_to_json_and_text()
    {
        var folder = _fixture.NewFolder("whatif");
        var image = _fixture.CopyImage(_fixture.Images[DiskFormat.Raw], folder);
        var plan = new DriverInjectionService().PlanAdd(Request(image, Path.Combine(folder, "r.qcow2"), _fixture.StorageInf, _fixture.NicInf));

        Assert.Equal(new[] { "win11.img" }, Directory.GetFiles(folder).Select(Path.GetFileName));
        Assert.True(plan.CanApply);
        Assert.Equal(DiskFormat.Qcow2, plan.ResultFormat);
        Assert.Contains("no differencing form", plan.ResultNote);
        Assert.Equal(new Version(10, 0, 26100, 2314), plan.Windows.Version);
        Assert.Equal("AMD64", plan.Windows.Architecture);
        var json = JsonConventions.Serialize(plan);
        Assert.Contains("\"registryEdits\"", json);
        Assert.Contains("imageops_viostor.inf_amd64_0000000000000000", json);
        var text = plan.ToString();
        Assert.Contains(@"DriverDatabase\DeviceIds\PCI\VEN_1AF4&DEV_1001&REV_00 [imageops_viostor.inf] = REG_BINARY 01 ff 00 00", text);
        Assert.Contains("never restarts Windows", text);
    }

    [SkippableFact]
    public void An_unsigned_boot_storage_driver_is_refused_on_x64_unless_forced()
    {
        var folder = _fixture.NewFolder("unsigned");
        var image = _fixture.CopyImage(_fixture.Images[DiskFormat.Qcow2], folder);
        var service = new DriverInjectionService();
        var plan = service.PlanAdd(Request(image, Path.Combine(folder, "r.qcow2"), _fixture.UnsignedStorageInf));
        Assert.False(plan.CanApply);
        Assert.Equal("BootDriverUnsigned", Assert.Single(plan.Findings, f => f.Severity == InjectionSeverity.Blocking).Id);
        var refused = Assert.Throws<InvalidStateException>(() => service.Apply(plan));
        Assert.Equal("BootDriverUnsigned", refused.ErrorId);
        Assert.False(File.Exists(Path.Combine(folder, "r.qcow2")));

        var forced = Request(image, Path.Combine(folder, "r.qcow2"), _fixture.UnsignedStorageInf);
        forced.ForceUnsigned = true;
        plan = service.PlanAdd(forced);
        Assert.True(plan.CanApply);
        Assert.Contains(plan.Findings, f => f.Id == "DriverPackageUnsigned" && f.Severity == InjectionSeverity.Warning);
        Assert.NotNull(plan.Packages.Single().BootStub);
    }

    [SkippableFact]
    public void An_architecture_mismatch_is_refused_when_named_and_skipped_when_found_in_a_folder()
    {
        var folder = _fixture.NewFolder("arch");
        var image = _fixture.CopyImage(_fixture.Images[DiskFormat.Qcow2], folder);
        var plan = new DriverInjectionService().PlanAdd(Request(image, Path.Combine(folder, "r.qcow2"), _fixture.X86Inf));
        Assert.Contains(plan.Findings, f => f.Id == "DriverArchitectureMismatch" && f.Severity == InjectionSeverity.Blocking);

        plan = new DriverInjectionService().PlanAdd(Request(image, Path.Combine(folder, "r.qcow2"), Path.GetDirectoryName(_fixture.X86Inf)!, _fixture.NicInf));
        Assert.True(plan.CanApply);
        Assert.Contains(plan.Findings, f => f.Id == "DriverArchitectureMismatch" && f.Severity == InjectionSeverity.Info);
        Assert.Equal(new[] { "vionet.inf" }, plan.Packages.Select(p => p.Name));
    }

    [SkippableFact]
    public void A_dirty_hive_without_logs_is_never_edited()
    {
        var folder = _fixture.NewFolder("dirty");
        var image = _fixture.CopyImage(_fixture.Win11Raw, folder);
        InjectionFixture.EditRaw(image, volume =>
        {
            var bytes = volume.ReadAllBytes(WindowsPaths.SystemHive);
            bytes[4]++; // primary sequence number ahead of the secondary: a write that never finished
            var checksum = 0u;
            for (var i = 0; i < 508; i += 4)
            {
                checksum ^= BitConverter.ToUInt32(bytes, i);
            }

            BitConverter.GetBytes(checksum).CopyTo(bytes, 508);
            volume.WriteAllBytes(WindowsPaths.SystemHive, bytes);
        });

        var plan = new DriverInjectionService().PlanAdd(Request(image, Path.Combine(folder, "r.qcow2"), _fixture.NicInf));
        Assert.Contains(plan.Findings, f => f.Id == "HiveDirty" && f.Severity == InjectionSeverity.Blocking);
        Assert.Equal("HiveDirty", Assert.Throws<InvalidStateException>(() => new DriverInjectionService().Apply(plan)).ErrorId);
    }

    [SkippableFact]
    public void Pending_reboots_warn_and_group_policy_allsigned_needs_force()
    {
        var folder = _fixture.NewFolder("policy");
        var image = _fixture.CopyImage(_fixture.Win11Raw, folder);
        InjectionFixture.EditHive(image, WindowsPaths.SoftwareHive, new RegistryEditPlan()
            .CreateKey(@"Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired")
            .SetDWord(@"Policies\Microsoft\Windows\PowerShell", "EnableScripts", 1)
            .SetString(@"Policies\Microsoft\Windows\PowerShell", "ExecutionPolicy", "AllSigned"));

        var plan = new DriverInjectionService().PlanAdd(Request(image, Path.Combine(folder, "r.qcow2"), _fixture.NicInf));
        Assert.Equal("AllSigned (Group Policy)", plan.Windows.ExecutionPolicy);
        Assert.Contains(plan.Findings, f => f.Id == "PendingReboot" && f.Severity == InjectionSeverity.Warning);
        Assert.Contains(plan.Findings, f => f.Id == "ExecutionPolicyAllSigned" && f.Severity == InjectionSeverity.Blocking);

        var forced = Request(image, Path.Combine(folder, "r.qcow2"), _fixture.NicInf);
        forced.Force = true;
        var result = new DriverInjectionService().Add(forced);
        Assert.Contains("-EncodedCommand ", result.Plan.FirstBoot!.CommandLine);
        var encoded = result.Plan.FirstBoot.CommandLine.Substring(result.Plan.FirstBoot.CommandLine.IndexOf("-EncodedCommand ", StringComparison.Ordinal) + 16);
        Assert.Contains("ScriptBlock]::Create", Encoding.Unicode.GetString(Convert.FromBase64String(encoded)));
    }

    [SkippableFact]
    public void An_existing_destination_needs_overwrite()
    {
        var folder = _fixture.NewFolder("exists");
        var image = _fixture.CopyImage(_fixture.Images[DiskFormat.Vhd], folder);
        File.WriteAllText(Path.Combine(folder, "r.vhd"), "old");
        var plan = new DriverInjectionService().PlanAdd(Request(image, Path.Combine(folder, "r.vhd"), _fixture.NicInf));
        Assert.Contains(plan.Findings, f => f.Id == "DiskFileExists" && f.Severity == InjectionSeverity.Blocking);
        var request = Request(image, Path.Combine(folder, "r.vhd"), _fixture.NicInf);
        request.Overwrite = true;
        new DriverInjectionService().Add(request);
        Assert.True(new FileInfo(Path.Combine(folder, "r.vhd")).Length > 3);
    }

    [SkippableFact]
    public void The_result_cannot_overwrite_the_image()
    {
        var image = _fixture.CopyImage(_fixture.Images[DiskFormat.Vhdx], _fixture.NewFolder("self"));
        var request = Request(image, image, _fixture.NicInf);
        request.Overwrite = true;
        Assert.Equal("DestinationInSourceChain", Assert.Throws<InvalidRequestException>(() => new DriverInjectionService().PlanAdd(request)).ErrorId);
    }

    [SkippableFact]
    public void Drivers_are_listed_staged_then_removed_into_new_layers()
    {
        var folder = _fixture.NewFolder("remove");
        var image = _fixture.CopyImage(_fixture.Images[DiskFormat.Qcow2], folder);
        var service = new DriverInjectionService();
        var injected = service.Add(Request(image, Path.Combine(folder, "a.qcow2"), _fixture.StorageInf, _fixture.NicInf));
        var drivers = service.GetDrivers(injected.DestinationPath);
        Assert.Equal(3, drivers.Count(d => d.Kind == ImageDriverKind.InBox));
        Assert.Equal(new[] { "oem0.inf", "oem1.inf" }, drivers.Where(d => d.Kind == ImageDriverKind.Installed).Select(d => d.PublishedName).OrderBy(n => n));
        Assert.Contains(drivers, d => d.Kind == ImageDriverKind.Installed && d.Name == "netkvm.inf");
        var staged = drivers.Where(d => d.Kind == ImageDriverKind.Staged).ToList();
        Assert.Equal(new[] { "viostor.inf", "vionet.inf" }, staged.Select(d => d.Name));
        Assert.All(staged, d => Assert.Equal("Pending", d.Status));
        Assert.True(staged[0].BootStart);

        var removed = service.Remove(new DriverRemovalRequest { ImagePath = injected.DestinationPath, DestinationPath = Path.Combine(folder, "b.qcow2"), Packages = new[] { "viostor*" } });
        Assert.Equal(new[] { "viostor.inf" }, removed.Packages.Select(p => p.Name));
        var b = removed.DestinationPath;
        Assert.Null(InjectionFixture.ReadFile(b, staged[0].Folder + @"\viostor.inf"));
        Assert.Null(InjectionFixture.ReadFile(b, @"Windows\System32\drivers\viostor.sys"));
        var system = RegistryHive.Open(InjectionFixture.ReadFile(b, WindowsPaths.SystemHive)!);
        Assert.Null(system.GetKey(@"DriverDatabase\DriverInfFiles\imageops_viostor.inf"));
        Assert.Null(system.GetKey(@"DriverDatabase\DriverPackages\imageops_viostor.inf_amd64_0000000000000000"));
        Assert.Null(system.GetKey(@"DriverDatabase\DeviceIds\PCI\VEN_1AF4&DEV_1001&REV_00"));
        Assert.Null(system.GetKey(@"ControlSet001\Services\viostor"));
        Assert.NotNull(system.GetKey(@"ControlSet001\Services\ImageOpsFirstBoot"));
        var script = Encoding.ASCII.GetString(InjectionFixture.ReadFile(b, InjectionLayout.ScriptPath)!);
        Assert.DoesNotContain("viostor", script);
        Assert.Contains("vionet", script);
        Assert.Equal(0, ImageOps.Tests.QemuImg.Check(b, "qcow2").ExitCode);

        var last = service.Remove(new DriverRemovalRequest { ImagePath = b, DestinationPath = Path.Combine(folder, "c.qcow2"), Packages = new[] { "vionet.inf" } });
        var c = last.DestinationPath;
        system = RegistryHive.Open(InjectionFixture.ReadFile(c, WindowsPaths.SystemHive)!);
        Assert.Null(system.GetKey(@"ControlSet001\Services\ImageOpsFirstBoot"));
        Assert.Null(InjectionFixture.ReadFile(c, InjectionLayout.ScriptPath));
        var software = RegistryHive.Open(InjectionFixture.ReadFile(c, WindowsPaths.SoftwareHive)!);
        Assert.Equal(@"%SystemRoot%\inf", software.OpenKey(WindowsPaths.CurrentVersion).GetValue("DevicePath")!.GetString());
        Assert.DoesNotContain(service.GetDrivers(c), d => d.Kind == ImageDriverKind.Staged);

        var unknown = service.PlanRemove(new DriverRemovalRequest { ImagePath = c, DestinationPath = Path.Combine(folder, "d.qcow2"), Packages = new[] { "netkvm.inf" } });
        Assert.Contains(unknown.Findings, f => f.Id == InjectionErrorIds.ImageDriverNotFound);
    }

    [SkippableFact]
    public void The_first_boot_log_is_read_offline()
    {
        var folder = _fixture.NewFolder("log");
        var image = _fixture.CopyImage(_fixture.Images[DiskFormat.Qcow2], folder);
        var flat = Path.Combine(folder, "booted.img");
        var result = new DriverInjectionService().Add(new DriverInjectionRequest { ImagePath = image, DestinationPath = flat, Output = InjectionOutput.Flat, FlatFormat = DiskFormat.Raw, DriverPaths = new[] { _fixture.StorageInf, _fixture.NicInf, _fixture.UnsignedStorageInf }, ForceUnsigned = true });
        var folders = result.Packages.Select(p => p.Folder.Substring(p.Folder.LastIndexOf('\\') + 1)).ToArray();
        var log = string.Join("\n", new[]
        {
            "{\"time\":\"2026-01-05T08:00:00Z\",\"boot\":\"b1\",\"event\":\"start\",\"package\":\"\",\"inf\":\"\",\"attempt\":0,\"exitCode\":null,\"message\":\"Windows 10.0.26100.0, 3 package(s)\"}",
            $"{{\"time\":\"2026-01-05T08:00:05Z\",\"boot\":\"b1\",\"event\":\"installed\",\"package\":\"{folders[0]}\",\"inf\":\"viostor.inf\",\"attempt\":1,\"exitCode\":0,\"message\":\"Driver package added successfully.\"}}",
            $"{{\"time\":\"2026-01-05T08:00:06Z\",\"boot\":\"b1\",\"event\":\"noDevice\",\"package\":\"{folders[1]}\",\"inf\":\"vionet.inf\",\"attempt\":1,\"exitCode\":259,\"message\":\"no device\"}}",
            $"{{\"time\":\"2026-01-05T08:00:07Z\",\"boot\":\"b1\",\"event\":\"failed\",\"package\":\"{folders[2]}\",\"inf\":\"rawstor.inf\",\"attempt\":1,\"exitCode\":1,\"message\":\"signature\"}}",
            $"{{\"time\":\"2026-01-05T08:10:07Z\",\"boot\":\"b3\",\"event\":\"quarantined\",\"package\":\"{folders[2]}\",\"inf\":\"rawstor.inf\",\"attempt\":3,\"exitCode\":1,\"message\":\"The hash for the file is not present in the specified catalog file.\"}}",
            "{\"time\":\"2026-01-05T08:10:0", // a line torn by a power cut
        });
        InjectionFixture.EditRaw(flat, volume => volume.WriteAllBytes(InjectionLayout.LogPath, Encoding.UTF8.GetBytes(log)));

        var staged = new DriverInjectionService().GetDrivers(flat).Where(d => d.Kind == ImageDriverKind.Staged).ToList();
        Assert.Equal(new[] { "Installed", "NoDevice", "Quarantined" }, staged.Select(d => d.Status));
        Assert.Equal(3, staged[2].Attempts);
        Assert.Contains("catalog", staged[2].LastMessage);
    }

    private static DriverInjectionRequest Request(string image, string destination, params string[] drivers)
        => new() { ImagePath = image, DestinationPath = destination, DriverPaths = drivers };
}
