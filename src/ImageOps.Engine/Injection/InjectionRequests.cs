using System;
using System.Collections.Generic;
using ImageOps.Engine.Drivers;
using ImageOps.Formats.Disks;

namespace ImageOps.Engine.Injection;

/// <summary>What injection produces: a differencing layer over the image, or a flat copy.</summary>
public enum InjectionOutput
{
    /// <summary>
    /// A new differencing layer above the image, in the image's format (VHD, VHDX, QCOW2, VMDK); a raw
    /// image, which has no differencing form, gets a QCOW2 layer. The image itself is never written.
    /// </summary>
    Layer,

    /// <summary>A converted copy of the whole chain with the drivers in it (no parent).</summary>
    Flat,
}

/// <summary>How the drivers get into the image.</summary>
public enum InjectionMethod
{
    /// <summary>The best method available on this host for the result's format.</summary>
    Auto,

    /// <summary>
    /// Any host, any format: files written through libntfs-3g into the result layer, boot-critical
    /// storage drivers registered offline (service, CriticalDeviceDatabase or DriverDatabase stubs),
    /// DevicePath, and a first-boot installer that runs pnputil.
    /// </summary>
    OfflineRegistry,

    /// <summary>
    /// Windows hosts, VHD and VHDX: the result layer attached natively and the packages imported into
    /// the driver store by the DISM API. Not yet exercised on Windows.
    /// </summary>
    Dism,
}

/// <summary>What to inject, into which image, producing what.</summary>
public sealed class DriverInjectionRequest
{
    /// <summary>The image (the top of its chain); never written.</summary>
    public string ImagePath { get; set; } = string.Empty;

    /// <summary>The image's format, when detection from content should be skipped.</summary>
    public DiskFormat? ImageFormat { get; set; }

    /// <summary>Where the result goes (the new layer, or the flat copy).</summary>
    public string DestinationPath { get; set; } = string.Empty;

    /// <summary>A layer (default) or a flat copy.</summary>
    public InjectionOutput Output { get; set; } = InjectionOutput.Layer;

    /// <summary>Format of a flat copy (default: the image's, QCOW2 for a raw image stays raw).</summary>
    public DiskFormat? FlatFormat { get; set; }

    /// <summary>Driver packages on the host: INF files, or folders searched for INFs.</summary>
    public IReadOnlyList<string> DriverPaths { get; set; } = Array.Empty<string>();

    /// <summary>Packages of the driver library, by id (or unique id prefix).</summary>
    public IReadOnlyList<string> PackageIds { get; set; } = Array.Empty<string>();

    /// <summary>
    /// A driver profile: the packages are the driver set of the model the profile's selector names, as
    /// Resolve-DriverSet resolves it for the image's Windows version and architecture.
    /// </summary>
    public string? Profile { get; set; }

    /// <summary>A hardware model whose driver set (Resolve-DriverSet) is injected.</summary>
    public HardwareModel? Model { get; set; }

    /// <summary>Register boot-critical drivers without a catalog on 64-bit Windows (test-signed or policy-exempt images).</summary>
    public bool ForceUnsigned { get; set; }

    /// <summary>
    /// Go on where Group Policy in the image sets the PowerShell execution policy to AllSigned or
    /// Restricted: the first-boot installer is then started from a script block, which that policy
    /// does not govern.
    /// </summary>
    public bool Force { get; set; }

    /// <summary>Replace an existing destination once the new one is complete.</summary>
    public bool Overwrite { get; set; }

    /// <summary>More folders the image's parents may be opened from.</summary>
    public IReadOnlyList<string> ParentSearchPaths { get; set; } = Array.Empty<string>();

    /// <summary>The method; <see cref="InjectionMethod.Auto"/> chooses per host and format.</summary>
    public InjectionMethod Method { get; set; } = InjectionMethod.Auto;
}

/// <summary>Which packages ImageOps staged in an image to take out again, into a new layer.</summary>
public sealed class DriverRemovalRequest
{
    /// <summary>The image (the top of its chain); never written.</summary>
    public string ImagePath { get; set; } = string.Empty;

    /// <summary>The image's format, when detection from content should be skipped.</summary>
    public DiskFormat? ImageFormat { get; set; }

    /// <summary>Where the result goes.</summary>
    public string DestinationPath { get; set; } = string.Empty;

    /// <summary>A layer (default) or a flat copy.</summary>
    public InjectionOutput Output { get; set; } = InjectionOutput.Layer;

    /// <summary>Format of a flat copy.</summary>
    public DiskFormat? FlatFormat { get; set; }

    /// <summary>
    /// The staged packages to remove: their staging folder name, package id (or prefix) or INF name;
    /// wildcards allowed.
    /// </summary>
    public IReadOnlyList<string> Packages { get; set; } = Array.Empty<string>();

    /// <summary>Replace an existing destination once the new one is complete.</summary>
    public bool Overwrite { get; set; }

    /// <summary>More folders the image's parents may be opened from.</summary>
    public IReadOnlyList<string> ParentSearchPaths { get; set; } = Array.Empty<string>();
}
