using System;
using System.Collections.Generic;

namespace ImageOps.Engine.Samples;

/// <summary>A driver package present in a synthetic Windows image (in-box, or third-party as oemN.inf).</summary>
public sealed class SampleDriver
{
    /// <summary>The INF's original name, for example <c>netkvm.inf</c>.</summary>
    public string InfName { get; set; } = string.Empty;

    /// <summary>The name Windows gives a third-party INF in %SystemRoot%\INF (<c>oem0.inf</c>), or null for an in-box driver.</summary>
    public string? PublishedName { get; set; }

    /// <summary>The provider.</summary>
    public string Provider { get; set; } = string.Empty;

    /// <summary>The device setup class name, for example <c>Net</c>.</summary>
    public string ClassName { get; set; } = string.Empty;

    /// <summary>The device setup class GUID.</summary>
    public Guid ClassGuid { get; set; }

    /// <summary>DriverVer date.</summary>
    public DateTime Date { get; set; } = new(2024, 1, 1);

    /// <summary>DriverVer version.</summary>
    public Version Version { get; set; } = new(1, 0, 0, 0);

    /// <summary>The service (and .sys) name.</summary>
    public string Service { get; set; } = string.Empty;

    /// <summary>Service start type: 0 boot, 3 demand.</summary>
    public int StartType { get; set; } = 3;

    /// <summary>The models-section decorations its INF has (the architectures it supports).</summary>
    public string[] Decorations { get; set; } = { "NTamd64", "NTarm64", "NTx86" };

    /// <summary>Hardware IDs the INF matches.</summary>
    public List<string> HardwareIds { get; } = new();

    /// <summary>True for an in-box driver (no published oemN.inf name).</summary>
    public bool IsInbox => PublishedName is null;

    /// <summary>The folder name in the driver store: <c>&lt;inf&gt;_&lt;arch&gt;_&lt;16 hex&gt;</c>.</summary>
    public string StoreFolder(string architecture)
        => $"{InfName.ToLowerInvariant()}_{architecture}_{Hash(InfName + Version):x16}";

    private static ulong Hash(string text)
    {
        // FNV-1a: stable across runs so fixtures are reproducible.
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
