using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using ImageOps.Build.Help;
using ImageOps.Build.Metadata;

namespace ImageOps.Build.Packaging;

/// <summary>
/// Lays out <c>artifacts/ImageOps/&lt;version&gt;/</c>, ready for Import-Module: the cmdlet assembly and
/// its dependencies, the manifest with the version stamped from the assembly (whose version comes from
/// Directory.Build.props), the format file, the MAML help and the about topic. Refuses to package a
/// manifest whose CmdletsToExport differs from the cmdlets in the assembly.
/// </summary>
internal static class ModulePackager
{
    public const string ModuleName = "ImageOps";
    public const string CmdletAssemblyName = "ImageOps.PowerShell.dll";

    /// <summary>Packages the module; returns the versioned folder.</summary>
    public static string Package(string binDirectory, string moduleSourceDirectory, string outputRoot, string? powerShellReference = null)
    {
        var assemblyPath = Path.Combine(binDirectory, CmdletAssemblyName);
        string version;
        IReadOnlyList<string> cmdlets;
        using (var assembly = CmdletAssembly.Open(assemblyPath, powerShellReference))
        {
            version = ModuleVersionOf(assembly.Assembly);
            cmdlets = assembly.Cmdlets().Select(c => c.Name).ToList();
        }

        var manifestText = File.ReadAllText(Path.Combine(moduleSourceDirectory, ModuleName + ".psd1"));
        var exported = ModuleManifest.CmdletsToExport(manifestText);
        var missing = cmdlets.Except(exported, StringComparer.OrdinalIgnoreCase).ToList();
        var extra = exported.Except(cmdlets, StringComparer.OrdinalIgnoreCase).ToList();
        if (missing.Count > 0 || extra.Count > 0)
        {
            throw new InvalidOperationException($"CmdletsToExport in ImageOps.psd1 does not match the assembly. Not exported: {string.Join(", ", missing)}. Exported but not in the assembly: {string.Join(", ", extra)}.");
        }

        var root = Path.Combine(Path.GetFullPath(outputRoot), ModuleName);
        var destination = Path.Combine(root, version);
        var staging = Path.Combine(root, $".{version}.staging-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            foreach (var dll in Directory.GetFiles(binDirectory, "*.dll"))
            {
                // The host provides PowerShell; shipping its reference assembly would break the module.
                if (!Path.GetFileName(dll).Equals("System.Management.Automation.dll", StringComparison.OrdinalIgnoreCase))
                {
                    File.Copy(dll, Path.Combine(staging, Path.GetFileName(dll)));
                }
            }

            File.WriteAllText(Path.Combine(staging, ModuleName + ".psd1"), ModuleManifest.StampVersion(manifestText, version), new UTF8Encoding(true));
            foreach (var file in Directory.GetFiles(moduleSourceDirectory, "*.ps1xml"))
            {
                File.Copy(file, Path.Combine(staging, Path.GetFileName(file)));
            }

            var culture = Path.Combine(staging, "en-US");
            Directory.CreateDirectory(culture);
            var sourceCulture = Path.Combine(moduleSourceDirectory, "en-US");
            if (Directory.Exists(sourceCulture))
            {
                foreach (var file in Directory.GetFiles(sourceCulture, "about_*.help.txt"))
                {
                    File.Copy(file, Path.Combine(culture, Path.GetFileName(file)));
                }
            }

            var help = HelpBuilder.Build(assemblyPath, powerShellReference);
            MamlWriter.Write(help).Save(Path.Combine(culture, CmdletAssemblyName + "-Help.xml"));

            if (Directory.Exists(destination))
            {
                Directory.Delete(destination, recursive: true);
            }

            Directory.Move(staging, destination);
            return destination;
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>The module version: the assembly's informational version without build metadata or prerelease label.</summary>
    internal static string ModuleVersionOf(Assembly assembly)
    {
        var informational = assembly.GetCustomAttributesData()
            .FirstOrDefault(a => a.AttributeType.FullName == typeof(AssemblyInformationalVersionAttribute).FullName)?
            .ConstructorArguments[0].Value as string;
        var text = informational ?? assembly.GetName().Version?.ToString(3) ?? throw new InvalidOperationException("The cmdlet assembly has no version.");
        var end = text.IndexOfAny(new[] { '+', '-' });
        return end < 0 ? text : text.Substring(0, end);
    }
}
