using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using ImageOps.Engine.Injection.Stopgap;
using ImageOps.Engine.WindowsImages;
using ImageOps.Formats.Inf;
using ImageOps.Formats.Registry;

namespace ImageOps.Engine.Injection;

/// <summary>Where a driver of an image comes from.</summary>
public enum ImageDriverKind
{
    /// <summary>Ships with Windows.</summary>
    InBox,

    /// <summary>A third-party package in the driver store (published as oemN.inf).</summary>
    Installed,

    /// <summary>Staged by ImageOps, for the first-boot installer.</summary>
    Staged,
}

/// <summary>A driver package of an offline image, as Get-ImageDriver and <c>imageops image drivers</c> show it.</summary>
public sealed class ImageDriverInfo
{
    /// <summary>In-box, installed or staged.</summary>
    public ImageDriverKind Kind { get; set; }

    /// <summary>The INF's original name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The name Windows published it as (oemN.inf), for installed packages.</summary>
    public string? PublishedName { get; set; }

    /// <summary>Provider.</summary>
    public string? Provider { get; set; }

    /// <summary>Device setup class (name, or GUID when only that is recorded).</summary>
    public string? Class { get; set; }

    /// <summary>DriverVer version.</summary>
    public string? Version { get; set; }

    /// <summary>DriverVer date.</summary>
    public DateTime? Date { get; set; }

    /// <summary>The driver store package (DriverDatabase label), when recorded.</summary>
    public string? Package { get; set; }

    /// <summary>ImageOps' package id (staged packages).</summary>
    public string? Id { get; set; }

    /// <summary>The staging folder inside the image (staged packages).</summary>
    public string? Folder { get; set; }

    /// <summary>True if ImageOps registered it to start at boot (staged boot-critical storage drivers).</summary>
    public bool BootStart { get; set; }

    /// <summary>
    /// Staged packages: Pending (not run yet), Failed (will be retried), Installed, NoDevice (in the
    /// driver store, no device uses it), Quarantined, Missing; others: Present.
    /// </summary>
    public string Status { get; set; } = "Present";

    /// <summary>pnputil attempts so far (staged packages).</summary>
    public int Attempts { get; set; }

    /// <summary>The last first-boot log message about it.</summary>
    public string? LastMessage { get; set; }

    /// <summary>The image it was read from.</summary>
    public string ImagePath { get; set; } = string.Empty;

    /// <summary>The name, kind and status.</summary>
    public override string ToString() => $"{Name} ({Kind}, {Status})";
}

/// <summary>Reads the drivers of an offline image.</summary>
internal static class ImageDriverReader
{
    private static readonly Regex OemInf = new("^oem[0-9]+\\.inf$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    public static IReadOnlyList<ImageDriverInfo> Read(OfflineWindows windows, string imagePath, OperationContext context)
    {
        var list = new List<ImageDriverInfo>();
        var system = windows.System.Hive ?? RegistryHive.Open(windows.System.Bytes);
        if (windows.Facts.HasDriverDatabase)
        {
            var files = system.GetKey(WindowsPaths.DriverDatabase + @"\DriverInfFiles");
            foreach (var inf in files?.GetSubkeys() ?? Array.Empty<RegistryKey>())
            {
                context.ThrowIfCancelled();
                if (inf.Name.StartsWith("imageops_", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var label = OfflineWindowsReader.Text(inf, "Active");
                var package = label is null ? null : system.GetKey(WindowsPaths.DriverDatabase + @"\DriverPackages\" + label);
                var version = package?.GetValue("Version") is { } v ? DriverDatabaseVersion.TryDecode(v.GetData()) : null;
                var oem = OemInf.IsMatch(inf.Name);
                var original = label is not null && label.IndexOf(".inf", StringComparison.OrdinalIgnoreCase) is var at and > 0 ? label.Substring(0, at + 4) : inf.Name;
                list.Add(new ImageDriverInfo
                {
                    Kind = oem ? ImageDriverKind.Installed : ImageDriverKind.InBox,
                    Name = oem ? original : inf.Name,
                    PublishedName = oem ? inf.Name : null,
                    Provider = OfflineWindowsReader.Text(package, "Provider"),
                    Class = version?.ClassGuid.ToString("B").ToUpperInvariant(),
                    Version = version?.Version?.ToString(),
                    Date = version?.Date,
                    Package = label,
                    ImagePath = imagePath,
                });
            }
        }
        else if (windows.IsDirectory(WindowsPaths.InfFolder))
        {
            foreach (var entry in windows.Volume.ListDirectory(WindowsPaths.InfFolder).Where(e => !e.IsDirectory && e.Name.EndsWith(".inf", StringComparison.OrdinalIgnoreCase)))
            {
                context.ThrowIfCancelled();
                var info = new ImageDriverInfo { Kind = OemInf.IsMatch(entry.Name) ? ImageDriverKind.Installed : ImageDriverKind.InBox, Name = entry.Name, ImagePath = imagePath };
                if (info.Kind == ImageDriverKind.Installed)
                {
                    info.PublishedName = entry.Name;
                    try
                    {
                        var document = InfParser.Parse(windows.Volume.ReadAllBytes(entry), entry.Name);
                        info.Provider = document.Version.Provider;
                        info.Class = document.Version.Class;
                        info.Version = document.Version.DriverVersion?.Version?.ToString();
                        info.Date = document.Version.DriverVersion?.Date;
                    }
                    catch (ImageOpsException)
                    {
                        // Listed by name; the INF itself is unreadable.
                    }
                }

                list.Add(info);
            }
        }

        var manifest = InjectionManifest.Parse(windows.TryRead(InjectionLayout.ManifestPath), imagePath);
        var log = FirstBootLog.Parse(windows.TryRead(InjectionLayout.LogPath));
        foreach (var package in manifest.Packages)
        {
            var events = log.Where(e => string.Equals(e.Package, package.Folder, StringComparison.OrdinalIgnoreCase)).ToList();
            var last = events.LastOrDefault(e => e.Event is "installed" or "installedRebootRequired" or "noDevice" or "failed" or "quarantined" or "quarantineFailed" or "missing");
            list.Add(new ImageDriverInfo
            {
                Kind = ImageDriverKind.Staged,
                Name = package.Name,
                Provider = package.Provider,
                Class = package.Class,
                Version = package.Version,
                Id = package.Id,
                Folder = InjectionLayout.DriversFolder + "\\" + package.Folder,
                BootStart = package.BootStub is not null,
                Status = last?.Event switch
                {
                    null => "Pending",
                    "installed" or "installedRebootRequired" => "Installed",
                    "noDevice" => "NoDevice",
                    "failed" => "Failed",
                    "quarantined" or "quarantineFailed" => "Quarantined",
                    "missing" => "Missing",
                    _ => "Pending",
                },
                Attempts = events.Where(e => e.Attempt > 0).Select(e => e.Attempt).DefaultIfEmpty(0).Max(),
                LastMessage = last?.Message,
                ImagePath = imagePath,
            });
        }

        return list;
    }
}
