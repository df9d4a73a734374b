using System;
using System.Collections.Generic;
using System.Linq;
using ImageOps.Engine.Inventory;

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
    /// driver store, no device uses it), Quarantined, Missing; others: Present, or StoreOnly (in the
    /// driver store, which no DriverDatabase entry names).
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

/// <summary>
/// The drivers of an offline image: in-box and installed ones as the inventory reads them
/// (<see cref="WindowsInventoryReader"/>), and the packages ImageOps staged, from its manifest and the
/// first-boot log.
/// </summary>
internal static class ImageDriverReader
{
    public static IReadOnlyList<ImageDriverInfo> Read(OfflineWindows windows, string imagePath, OperationContext context)
    {
        var list = new List<ImageDriverInfo>();
        foreach (var driver in windows.Scan.Installation.Drivers)
        {
            context.ThrowIfCancelled();

            // ImageOps' own boot stubs are listed with the staged package they belong to.
            if (driver.OriginalName.StartsWith("imageops_", StringComparison.OrdinalIgnoreCase) || driver.PublishedName.StartsWith("imageops_", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var inbox = driver.Origin == DriverOrigin.Inbox;
            list.Add(new ImageDriverInfo
            {
                Kind = inbox ? ImageDriverKind.InBox : ImageDriverKind.Installed,
                Name = driver.OriginalName,
                PublishedName = inbox ? null : driver.PublishedName,
                Provider = driver.Provider,
                Class = driver.ClassName ?? driver.ClassGuid?.ToString("B").ToUpperInvariant(),
                Version = driver.Version,
                Date = driver.Date,
                Package = driver.DriverStoreFolder,
                Status = driver.Source == DriverSource.DriverStore ? "StoreOnly" : "Present",
                ImagePath = imagePath,
            });
        }

        var manifest = InjectionManifest.Parse(windows.TryRead(InjectionLayout.ManifestPath), imagePath);
        var log = FirstBootLog.Parse(windows.TryRead(InjectionLayout.LogPath));
        foreach (var package in manifest.Packages.Where(p => !p.Folder.StartsWith("dism_", StringComparison.Ordinal)))
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
