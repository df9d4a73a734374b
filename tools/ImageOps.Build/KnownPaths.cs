using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace ImageOps.Build;

/// <summary>Paths fixed at build time.</summary>
internal static class KnownPaths
{
    /// <summary>System.Management.Automation from PowerShellStandard.Library, for MetadataLoadContext to resolve cmdlet attributes.</summary>
    public static string PowerShellReferenceAssembly
    {
        get
        {
            var value = typeof(KnownPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "PowerShellReferenceAssembly")?.Value;
            if (string.IsNullOrEmpty(value) || !File.Exists(value))
            {
                throw new InvalidOperationException($"The PowerShell reference assembly was not found at '{value}'; restore the solution first.");
            }

            return value;
        }
    }
}
