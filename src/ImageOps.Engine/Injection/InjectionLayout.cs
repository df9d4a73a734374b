using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using ImageOps.Engine.Storage;
using Newtonsoft.Json;

namespace ImageOps.Engine.Injection;

/// <summary>
/// Where ImageOps puts things inside a Windows image. Everything lives under <c>%SystemRoot%\ImageOps</c>:
/// <list type="bullet">
/// <item>It is on the Windows volume whatever drive letter Windows gives it, and can be named as
/// <c>%SystemRoot%\ImageOps\Drivers</c> in DevicePath (REG_EXPAND_SZ) and the service command line.</item>
/// <item>Under the Windows folder, whose ACL lets only administrators and SYSTEM write: a folder in
/// DevicePath that users could write, such as <c>C:\Drivers</c> at the root, would let any user plant a
/// driver PnP then installs. (Files written through libntfs-3g get the security descriptor libntfs-3g
/// assigns, not an inherited one; that they end up no more writable than their folder is not verified.)</item>
/// <item>It is neither the driver store (owned by PnP, where only pnputil/DISM may add packages) nor
/// <c>Windows\INF</c>; and it is not virt-v2v's <c>Windows\Drivers\VirtIO</c>, so both tools' files can
/// be told apart.</item>
/// </list>
/// </summary>
public static class InjectionLayout
{
    /// <summary>The root of what ImageOps writes.</summary>
    public const string Root = @"Windows\ImageOps";

    /// <summary>Staged packages, one folder each (<c>&lt;inf name&gt;_&lt;package id&gt;</c>).</summary>
    public const string DriversFolder = @"Windows\ImageOps\Drivers";

    /// <summary>DevicePath entry for the staging folder (PnP searches its subfolders).</summary>
    public const string DevicePathEntry = @"%SystemRoot%\ImageOps\Drivers";

    /// <summary>The first-boot installer's folder.</summary>
    public const string FirstBootFolder = @"Windows\ImageOps\FirstBoot";

    /// <summary>The first-boot script.</summary>
    public const string ScriptPath = @"Windows\ImageOps\FirstBoot\Install-ImageOpsDrivers.ps1";

    /// <summary>The first-boot result log (JSON lines, see <see cref="FirstBootLog"/>).</summary>
    public const string LogPath = @"Windows\ImageOps\FirstBoot\log.jsonl";

    /// <summary>Where the installer moves packages that keep failing.</summary>
    public const string QuarantineFolder = @"Windows\ImageOps\Quarantine";

    /// <summary>The record of what ImageOps staged (see <see cref="InjectionManifest"/>).</summary>
    public const string ManifestPath = @"Windows\ImageOps\manifest.json";

    /// <summary>The INF name of a boot stub in DriverDatabase: never a real INF's name, so it cannot clobber one.</summary>
    public static string StubInfName(string service) => "imageops_" + service.ToLowerInvariant() + ".inf";

    /// <summary>
    /// The stub's package label: <c>&lt;inf&gt;_&lt;arch&gt;_0000000000000000</c>, the well-formed shape
    /// (injection-facts.md §4.2: the ill-formed <c>guestor.inf_tmp</c> broke pnputil /enum-drivers).
    /// </summary>
    public static string StubLabel(string service, string storeArchitecture) => StubInfName(service) + "_" + storeArchitecture + "_0000000000000000";

    /// <summary>The stub's configuration name.</summary>
    public static string StubConfiguration(string service) => "imageops_" + service.ToLowerInvariant() + "_conf";

    /// <summary>A staging folder name: the INF name without extension and the id, safe characters only.</summary>
    public static string PackageFolderName(string infName, string id)
    {
        var stem = infName.EndsWith(".inf", StringComparison.OrdinalIgnoreCase) ? infName.Substring(0, infName.Length - 4) : infName;
        var safe = new StringBuilder();
        foreach (var c in stem)
        {
            safe.Append(char.IsLetterOrDigit(c) && c < 128 || c == '-' || c == '_' ? c : '_');
        }

        var name = safe.Length == 0 ? "driver" : safe.ToString();
        return (name.Length > 48 ? name.Substring(0, 48) : name).ToLowerInvariant() + "_" + id;
    }
}

/// <summary>
/// The record ImageOps keeps inside the image (<see cref="InjectionLayout.ManifestPath"/>) of the
/// packages it staged, their boot stubs and the files it copied outside the staging folder. Get-ImageDriver
/// reads it; Remove-ImageDriver and later injections rewrite it; the first-boot script is generated from it.
/// </summary>
public sealed class InjectionManifest
{
    /// <summary>Schema version.</summary>
    public int Schema { get; set; } = 1;

    /// <summary>The packages staged, in order.</summary>
    public List<ManifestPackage> Packages { get; set; } = new();

    /// <summary>Reads the manifest, or an empty one for null.</summary>
    public static InjectionManifest Parse(byte[]? content, string description)
    {
        if (content is null)
        {
            return new InjectionManifest();
        }

        try
        {
            var manifest = JsonConvert.DeserializeObject<InjectionManifest>(Encoding.UTF8.GetString(content), JsonConventions.CreateSettings()) ?? new InjectionManifest();
            if (manifest.Schema != 1)
            {
                throw new ImageOpsException(InjectionErrorIds.InjectionManifestInvalid, ErrorKind.InvalidData, $"The ImageOps manifest in {description} has schema {manifest.Schema}; this ImageOps reads schema 1.", description);
            }

            manifest.Packages ??= new List<ManifestPackage>();
            foreach (var package in manifest.Packages)
            {
                // Folder names come from the image: they must stay simple names under the staging folder.
                if (string.IsNullOrEmpty(package.Folder) || package.Folder.Any(c => !(char.IsLetterOrDigit(c) && c < 128) && c != '_' && c != '-') || package.Folder.Length > 80)
                {
                    throw new ImageOpsException(InjectionErrorIds.InjectionManifestInvalid, ErrorKind.InvalidData, $"The ImageOps manifest in {description} names the package folder '{package.Folder}', which ImageOps never writes.", description);
                }
            }

            return manifest;
        }
        catch (JsonException ex)
        {
            throw new ImageOpsException(InjectionErrorIds.InjectionManifestInvalid, ErrorKind.InvalidData, $"The ImageOps manifest in {description} cannot be read: {ex.Message}", description, ex);
        }
    }

    /// <summary>The manifest as UTF-8 JSON.</summary>
    public byte[] ToBytes() => new UTF8Encoding(false).GetBytes(JsonConventions.Serialize(this) + "\n");
}

/// <summary>A package in the manifest.</summary>
public sealed class ManifestPackage
{
    /// <summary>The INF name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The package id.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>The folder name under the staging folder.</summary>
    public string Folder { get; set; } = string.Empty;

    /// <summary>The INF's path relative to the folder ('\' separators).</summary>
    public string InfPath { get; set; } = string.Empty;

    /// <summary>Provider.</summary>
    public string? Provider { get; set; }

    /// <summary>Class.</summary>
    public string? Class { get; set; }

    /// <summary>Version.</summary>
    public string? Version { get; set; }

    /// <summary>Where it came from.</summary>
    public string Source { get; set; } = string.Empty;

    /// <summary>When it was staged.</summary>
    public DateTimeOffset StagedUtc { get; set; }

    /// <summary>The staged files (relative to the folder) with their SHA-256.</summary>
    public List<ManifestFile> Files { get; set; } = new();

    /// <summary>The boot stub, if one was registered.</summary>
    public BootStubPlan? BootStub { get; set; }

    /// <summary>The driver binary copied to System32\drivers for the boot stub, with its SHA-256, if any.</summary>
    public ManifestFile? BootBinary { get; set; }
}

/// <summary>A file in the manifest.</summary>
public sealed class ManifestFile
{
    /// <summary>Path (relative to the package folder, or to the volume for the boot binary).</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>SHA-256, lowercase hex.</summary>
    public string Sha256 { get; set; } = string.Empty;

    /// <summary>Size.</summary>
    public long SizeBytes { get; set; }
}

/// <summary>Error ids of injection.</summary>
public static class InjectionErrorIds
{
    /// <summary>The plan has blocking findings; the message lists them.</summary>
    public const string InjectionBlocked = "InjectionBlocked";

    /// <summary>No partition of the image holds a Windows installation (Windows\System32\config\SYSTEM).</summary>
    public const string WindowsVolumeNotFound = "WindowsVolumeNotFound";

    /// <summary>The ImageOps manifest inside the image cannot be read.</summary>
    public const string InjectionManifestInvalid = "InjectionManifestInvalid";

    /// <summary>No driver package was given or resolved.</summary>
    public const string NoDriverPackages = "NoDriverPackages";

    /// <summary>A package to remove was not staged by ImageOps in this image.</summary>
    public const string ImageDriverNotFound = "ImageDriverNotFound";

    /// <summary>The image changed between planning and applying.</summary>
    public const string ImageChangedSincePlan = "ImageChangedSincePlan";

    /// <summary>The method asked for is not available on this host or for this format.</summary>
    public const string InjectionMethodUnavailable = "InjectionMethodUnavailable";
}
