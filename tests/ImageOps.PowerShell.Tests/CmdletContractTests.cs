using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ImageOps.Build.Help;
using ImageOps.Build.Metadata;
using ImageOps.Build.Packaging;
using ImageOps.Tests;

namespace ImageOps.PowerShell.Tests;

/// <summary>
/// The rules every cmdlet obeys (STYLE.md points 6-13, 23-25), checked on the built assembly.
/// </summary>
[Collection(CmdletCollection.Name)]
public class CmdletContractTests
{
    /// <summary>Get-Verb's approved verbs (PowerShell 7.4).</summary>
    private static readonly HashSet<string> ApprovedVerbs = new(StringComparer.Ordinal)
    {
        "Add", "Clear", "Close", "Copy", "Enter", "Exit", "Find", "Format", "Get", "Hide", "Join", "Lock", "Move", "New", "Open", "Optimize", "Pop", "Push", "Redo", "Remove", "Rename", "Reset", "Resize", "Search", "Select", "Set", "Show", "Skip", "Split", "Step", "Switch", "Undo", "Unlock", "Watch",
        "Connect", "Disconnect", "Read", "Receive", "Send", "Write",
        "Backup", "Checkpoint", "Compare", "Compress", "Convert", "ConvertFrom", "ConvertTo", "Dismount", "Edit", "Expand", "Export", "Group", "Import", "Initialize", "Limit", "Merge", "Mount", "Out", "Publish", "Restore", "Save", "Sync", "Unpublish", "Update",
        "Debug", "Measure", "Ping", "Repair", "Resolve", "Test", "Trace",
        "Approve", "Assert", "Build", "Complete", "Confirm", "Deny", "Deploy", "Disable", "Enable", "Install", "Invoke", "Register", "Request", "Restart", "Resume", "Start", "Stop", "Submit", "Suspend", "Uninstall", "Unregister", "Wait",
        "Block", "Grant", "Protect", "Revoke", "Unblock", "Unprotect",
        "Use",
    };

    /// <summary>Verbs that only read; every other verb changes state and must support ShouldProcess.</summary>
    private static readonly HashSet<string> ReadOnlyVerbs = new(StringComparer.Ordinal)
    {
        "Get", "Test", "Compare", "Measure", "Find", "Search", "Resolve", "Show", "Select", "Watch", "Read", "Trace", "Format", "Out", "Wait", "ConvertFrom", "ConvertTo", "Group", "Limit", "Debug", "Ping",
    };

    /// <summary>
    /// Nouns of in-box Windows modules (Storage, Hyper-V, DISM, and others an admin has loaded): an
    /// ImageOps cmdlet with one of these would shadow or be shadowed by the in-box cmdlet.
    /// </summary>
    private static readonly HashSet<string> InBoxNouns = new(StringComparer.OrdinalIgnoreCase)
    {
        // Storage
        "Disk", "DiskImage", "VirtualDisk", "Partition", "Volume", "StoragePool", "PhysicalDisk", "StorageSubSystem", "StorageTier", "FileShare", "PartitionSupportedSize", "VirtualDiskSupportedSize", "DiskStorageNodeView",
        // Hyper-V
        "VHD", "VHDSet", "VHDSnapshot", "VM", "VMHardDiskDrive", "VMSnapshot", "VMCheckpoint", "VMDvdDrive", "VMFirmware", "VMNetworkAdapter", "VMProcessor", "VMMemory", "VMSwitch", "VMHost", "VMIntegrationService", "VMKeyProtector", "VMTPM",
        // DISM
        "WindowsImage", "WindowsDriver", "WindowsPackage", "WindowsEdition", "WindowsCapability", "WindowsOptionalFeature", "WindowsImageContent", "AppxProvisionedPackage", "WindowsProductKey", "WindowsUnattend", "WindowsReservedStorageState",
        // Others commonly present
        "PnpDevice", "PnpDeviceProperty", "Item", "ChildItem", "Content", "Service", "Process", "Module",
    };

    private readonly CmdletFixture _fixture;

    public CmdletContractTests(CmdletFixture fixture)
    {
        _fixture = fixture;
    }

    private IReadOnlyList<CmdletModel> Cmdlets => _fixture.Cmdlets;

    [Fact]
    public void The_assembly_has_cmdlets()
        => Assert.Contains(Cmdlets, c => c.Name == "Get-ImagePool");

    [Fact]
    public void Every_verb_is_approved()
        => Assert.Empty(Cmdlets.Where(c => !ApprovedVerbs.Contains(c.Verb)).Select(c => c.Name));

    [Fact]
    public void No_noun_collides_with_an_in_box_windows_module()
        => Assert.Empty(Cmdlets.Where(c => InBoxNouns.Contains(c.Noun)).Select(c => c.Name));

    [Fact]
    public void Every_state_changing_cmdlet_supports_ShouldProcess()
        => Assert.Empty(Cmdlets.Where(c => !ReadOnlyVerbs.Contains(c.Verb) && !c.SupportsShouldProcess).Select(c => c.Name));

    [Fact]
    public void Every_Remove_cmdlet_asks_for_confirmation_by_default()
        => Assert.Empty(Cmdlets.Where(c => c.Verb == "Remove" && c.ConfirmImpact != "High").Select(c => c.Name));

    [Fact]
    public void Every_cmdlet_declares_its_output_type()
        => Assert.Empty(Cmdlets.Where(c => c.OutputTypes.Count == 0).Select(c => c.Name));

    [Fact]
    public void Output_types_are_imageops_types_not_loose_objects()
        => Assert.Empty(Cmdlets.SelectMany(c => c.OutputTypes.Where(t => t == "System.Object" || t == "System.Management.Automation.PSObject").Select(t => c.Name + " -> " + t)));

    [Fact]
    public void Every_cmdlet_has_named_parameter_sets_with_a_default()
    {
        foreach (var cmdlet in Cmdlets)
        {
            Assert.False(string.IsNullOrEmpty(cmdlet.DefaultParameterSetName), cmdlet.Name + " has no DefaultParameterSetName");
            Assert.True(cmdlet.ParameterSetNames.Contains(cmdlet.DefaultParameterSetName!), $"{cmdlet.Name}'s default set '{cmdlet.DefaultParameterSetName}' is not one of its sets ({string.Join(", ", cmdlet.ParameterSetNames)})");
        }
    }

    [Fact]
    public void Every_cmdlet_has_the_LibraryPath_parameter()
        => Assert.Empty(Cmdlets.Where(c => !c.Parameters.Any(p => p.Name == "LibraryPath")).Select(c => c.Name));

    [Fact]
    public void InputObject_parameters_take_pipeline_input_by_value()
    {
        foreach (var cmdlet in Cmdlets)
        {
            var input = cmdlet.Parameters.FirstOrDefault(p => p.Name == "InputObject");
            if (input is not null)
            {
                Assert.True(input.Sets.All(s => s.ValueFromPipeline), cmdlet.Name + " -InputObject must bind ByValue");
                Assert.True(input.Sets.All(s => s.Mandatory), cmdlet.Name + " -InputObject must be mandatory in its set");
            }
        }
    }

    [Fact]
    public void Name_parameters_of_cmdlets_that_take_objects_bind_by_property_name()
    {
        foreach (var cmdlet in Cmdlets.Where(c => c.Parameters.Any(p => p.Name == "InputObject")))
        {
            var name = cmdlet.Parameters.FirstOrDefault(p => p.Name == "Name");
            Assert.True(name is null || name.Sets.All(s => s.ValueFromPipelineByPropertyName), cmdlet.Name + " -Name must bind ByPropertyName");
        }
    }

    [Fact]
    public void Wildcard_Path_parameters_come_with_a_LiteralPath_that_binds_PSPath()
    {
        foreach (var cmdlet in Cmdlets)
        {
            var path = cmdlet.Parameters.FirstOrDefault(p => p.Name == "Path" && p.SupportsWildcards);
            if (path is null)
            {
                continue;
            }

            var literal = cmdlet.Parameters.FirstOrDefault(p => p.Name == "LiteralPath");
            Assert.True(literal is not null, cmdlet.Name + " has a wildcard -Path but no -LiteralPath");
            Assert.Contains("PSPath", literal!.Aliases);
            Assert.True(literal.Sets.All(s => s.ValueFromPipelineByPropertyName), cmdlet.Name + " -LiteralPath must bind ByPropertyName");
            Assert.False(literal.SupportsWildcards);
        }
    }

    /// <summary>PowerShell refuses to load a cmdlet whose alias repeats a parameter name or another alias (without regard to case).</summary>
    [Fact]
    public void Parameter_names_and_aliases_are_unique_without_regard_to_case()
    {
        foreach (var cmdlet in Cmdlets)
        {
            var names = cmdlet.Parameters.SelectMany(p => new[] { p.Name }.Concat(p.Aliases)).ToList();
            var duplicates = names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(duplicates.Count == 0, cmdlet.Name + " repeats " + string.Join(", ", duplicates));
        }
    }

    /// <summary>PowerShell refuses two parameters with the same position in one parameter set.</summary>
    [Fact]
    public void Positions_are_unique_within_each_parameter_set()
    {
        foreach (var cmdlet in Cmdlets)
        {
            foreach (var set in cmdlet.ParameterSetNames)
            {
                var positions = cmdlet.Parameters.Select(p => p.In(set)?.Position).Where(p => p is not null).ToList();
                Assert.True(positions.Count == positions.Distinct().Count(), cmdlet.Name + " has two parameters at one position in set " + set);
            }
        }
    }

    [Fact]
    public void Sizes_are_integers_with_the_unit_in_the_name_never_strings()
    {
        foreach (var parameter in Cmdlets.SelectMany(c => c.Parameters.Select(p => (c, p))))
        {
            if (parameter.p.Name.EndsWith("Bytes", StringComparison.Ordinal))
            {
                Assert.Contains(parameter.p.TypeName, new[] { "UInt64", "Int64", "UInt32", "Int32" });
            }

            Assert.False(parameter.p.Name is "Size" or "BlockSize", $"{parameter.c.Name} -{parameter.p.Name}: name the unit (-SizeBytes)");
        }
    }

    [Fact]
    public void Every_cmdlet_and_parameter_is_documented()
    {
        var docs = HelpBuilder.Build(_fixture.AssemblyPath);
        Assert.Equal(Cmdlets.Count, docs.Count);
        Assert.Empty(HelpLint.Problems(docs));
    }

    [Fact]
    public void CmdletsToExport_equals_the_cmdlets_in_the_assembly()
    {
        var manifest = File.ReadAllText(RepoPaths.Combine("module", "ImageOps.psd1"));
        var exported = ModuleManifest.CmdletsToExport(manifest).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(Cmdlets.Select(c => c.Name).OrderBy(n => n, StringComparer.Ordinal), exported);
    }

    [Fact]
    public void The_manifest_exports_nothing_by_wildcard()
    {
        var manifest = File.ReadAllText(RepoPaths.Combine("module", "ImageOps.psd1"));
        Assert.DoesNotContain("'*'", manifest);
        Assert.Matches(@"FunctionsToExport\s*=\s*@\(\)", manifest);
        Assert.Matches(@"AliasesToExport\s*=\s*@\(\)", manifest);
        Assert.Matches(@"VariablesToExport\s*=\s*@\(\)", manifest);
        Assert.Contains("RootModule           = 'ImageOps.PowerShell.dll'", manifest);
    }

    [Fact]
    public void Every_error_kind_maps_to_a_PowerShell_error_category_of_the_same_name()
    {
        var categories = _fixture.Assembly.PowerShellEnumNames("System.Management.Automation.ErrorCategory");
        using var formats = CmdletAssembly.Open(Path.Combine(RepoPaths.CmdletBin, "ImageOps.Formats.dll"));
        var kinds = formats.Assembly.GetType("ImageOps.ErrorKind")!.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static).Select(f => f.Name).ToList();
        Assert.NotEmpty(kinds);
        Assert.Equal(Array.Empty<string>(), kinds.Where(k => !categories.Contains(k)).ToArray());
    }

    [Fact]
    public void Formats_and_Engine_never_reference_PowerShell()
    {
        foreach (var assembly in new[] { "ImageOps.Formats.dll", "ImageOps.Engine.dll" })
        {
            var path = Path.Combine(RepoPaths.CmdletBin, assembly);
            Assert.False(CmdletAssembly.References(path, "System.Management.Automation"), assembly + " references PowerShell");
        }

        Assert.False(CmdletAssembly.References(Path.Combine(RepoPaths.CmdletBin, "ImageOps.Formats.dll"), "ImageOps.Engine"), "Formats must not depend on Engine");
    }

    [Fact]
    public void The_cmdlet_payload_does_not_ship_PowerShell_itself()
        => Assert.False(File.Exists(Path.Combine(RepoPaths.CmdletBin, "System.Management.Automation.dll")));

    [Fact]
    public void Format_views_select_types_that_exist()
    {
        var xml = System.Xml.Linq.XDocument.Load(RepoPaths.Combine("module", "ImageOps.format.ps1xml"));
        var typeNames = xml.Descendants("TypeName").Select(t => t.Value.Trim()).Distinct().ToList();
        Assert.NotEmpty(typeNames);
        using var engine = CmdletAssembly.Open(Path.Combine(RepoPaths.CmdletBin, "ImageOps.Engine.dll"));
        foreach (var name in typeNames)
        {
            Assert.True(engine.Assembly.GetType(name) is not null, $"format.ps1xml names '{name}', which is not an engine type");
        }
    }

    [Fact]
    public void Every_output_type_has_a_format_view()
    {
        var xml = System.Xml.Linq.XDocument.Load(RepoPaths.Combine("module", "ImageOps.format.ps1xml"));
        var viewed = xml.Descendants("TypeName").Select(t => t.Value.Trim()).ToHashSet();
        Assert.Equal(Array.Empty<string>(), Cmdlets.SelectMany(c => c.OutputTypes).Distinct().Where(t => t.StartsWith("ImageOps.", StringComparison.Ordinal) && !viewed.Contains(t)).ToArray());
    }
}
