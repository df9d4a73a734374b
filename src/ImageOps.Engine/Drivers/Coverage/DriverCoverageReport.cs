using System;
using System.Collections.Generic;
using System.Linq;

namespace ImageOps.Engine.Drivers;

/// <summary>Pass, warning or failure, from best to worst.</summary>
public enum CoverageStatus
{
    /// <summary>Nothing to do.</summary>
    Pass = 0,

    /// <summary>Look at it: a device without a driver, a curated driver Windows may not pick.</summary>
    Warning = 1,

    /// <summary>Deployment would break: no profile, or a boot-critical storage or network device without a usable driver.</summary>
    Fail = 2,
}

/// <summary>What a coverage problem is.</summary>
public enum CoverageProblemKind
{
    /// <summary>No profile applies to the model.</summary>
    NoProfile,

    /// <summary>A device has no driver in the model's set.</summary>
    NoDriver,

    /// <summary>A storage controller or network adapter has no driver in the model's set (and does not use an inbox one).</summary>
    BootCriticalMissing,

    /// <summary>A storage controller's chosen driver is not boot-start, so the OS loader would not load it (0x7B).</summary>
    StorageDriverNotBootStart,

    /// <summary>A curated package matches, but Windows would pick another package of the set.</summary>
    DiffersFromCurated,

    /// <summary>A warning from resolution (an unknown group, a package the profile names that is not in the library).</summary>
    ResolutionWarning,
}

/// <summary>One problem found for a model.</summary>
public sealed class CoverageProblem
{
    /// <summary>How bad.</summary>
    public CoverageStatus Severity { get; internal set; }

    /// <summary>What.</summary>
    public CoverageProblemKind Kind { get; internal set; }

    /// <summary>The device, if it concerns one.</summary>
    public string? Device { get; internal set; }

    /// <summary>The device's class.</summary>
    public string? Class { get; internal set; }

    /// <summary>The device's first hardware id.</summary>
    public string? HardwareId { get; internal set; }

    /// <summary>A sentence for a person.</summary>
    public string Message { get; internal set; } = string.Empty;

    /// <summary>The severity, kind and message.</summary>
    public override string ToString() => Severity + " " + Kind + ": " + Message;
}

/// <summary>A model's devices of one class: one cell of the report's matrix.</summary>
public sealed class ClassCoverage
{
    /// <summary>The device setup class.</summary>
    public string Class { get; internal set; } = string.Empty;

    /// <summary>Devices of the class.</summary>
    public int Devices { get; internal set; }

    /// <summary>Devices a package of the set drives.</summary>
    public int Covered { get; internal set; }

    /// <summary>Devices that use an inbox driver.</summary>
    public int Inbox { get; internal set; }

    /// <summary>Devices without a driver.</summary>
    public int Missing { get; internal set; }

    /// <summary>Devices where Windows would not pick the curated driver.</summary>
    public int DifferentFromCurated { get; internal set; }

    /// <summary>Storage controllers whose chosen driver is not boot-start.</summary>
    public int NotBootStart { get; internal set; }

    /// <summary>Devices of a model a profile gives no drivers.</summary>
    public int NotRequested { get; internal set; }

    /// <summary>The worst status of its devices.</summary>
    public CoverageStatus Status { get; internal set; }

    /// <summary>For example <c>Net 2/3</c>.</summary>
    public override string ToString() => Class + " " + (Covered + Inbox) + "/" + Devices;
}

/// <summary>Coverage of one hardware model.</summary>
public sealed class ModelCoverage
{
    /// <summary>The model.</summary>
    public HardwareModel Model { get; internal set; } = null!;

    /// <summary>How many computers of the inventory are this model.</summary>
    public int Computers { get; internal set; }

    /// <summary>The worst status of its problems.</summary>
    public CoverageStatus Status { get; internal set; }

    /// <summary>Distinct devices.</summary>
    public int Devices { get; internal set; }

    /// <summary>Devices a package of the set drives.</summary>
    public int Covered { get; internal set; }

    /// <summary>Devices that use an inbox driver.</summary>
    public int Inbox { get; internal set; }

    /// <summary>Devices without a driver.</summary>
    public int Missing { get; internal set; }

    /// <summary>Devices where Windows would not pick the curated driver.</summary>
    public int DifferentFromCurated { get; internal set; }

    /// <summary>Boot-critical failures (storage or network).</summary>
    public int BootCriticalFailures { get; internal set; }

    /// <summary>The profiles that applied.</summary>
    public string[] Profiles { get; internal set; } = Array.Empty<string>();

    /// <summary>Packages the model would get.</summary>
    public int Packages { get; internal set; }

    /// <summary>Per device class.</summary>
    public ClassCoverage[] Classes { get; internal set; } = Array.Empty<ClassCoverage>();

    /// <summary>What is wrong.</summary>
    public CoverageProblem[] Problems { get; internal set; } = Array.Empty<CoverageProblem>();

    /// <summary>The resolution behind the numbers.</summary>
    public DriverSet DriverSet { get; internal set; } = null!;

    /// <summary>The model and status.</summary>
    public override string ToString() => Model + ": " + Status;
}

/// <summary>Driver coverage of a fleet before deployment: per model, devices without drivers, curated drivers Windows would not pick, and boot-critical failures.</summary>
public sealed class DriverCoverageReport
{
    /// <summary>The inventory file.</summary>
    public string InventoryPath { get; internal set; } = string.Empty;

    /// <summary>The library.</summary>
    public string LibraryPath { get; internal set; } = string.Empty;

    /// <summary>The platform.</summary>
    public DriverPlatform Platform { get; internal set; } = null!;

    /// <summary>When the report was made.</summary>
    public DateTimeOffset GeneratedUtc { get; internal set; }

    /// <summary>The worst model status.</summary>
    public CoverageStatus Status { get; internal set; }

    /// <summary>Per model, worst first.</summary>
    public ModelCoverage[] Models { get; internal set; } = Array.Empty<ModelCoverage>();

    /// <summary>Every device class seen, storage and network first.</summary>
    public string[] Classes { get; internal set; } = Array.Empty<string>();

    /// <summary>Inventory rows skipped (not present, no ids).</summary>
    public int SkippedRows { get; internal set; }

    /// <summary>Models that fail.</summary>
    public int Failed => Models.Count(m => m.Status == CoverageStatus.Fail);

    /// <summary>Models with warnings.</summary>
    public int Warned => Models.Count(m => m.Status == CoverageStatus.Warning);

    /// <summary>Models that pass.</summary>
    public int Passed => Models.Count(m => m.Status == CoverageStatus.Pass);

    /// <summary>The HTML file written, if any.</summary>
    public string? HtmlPath { get; internal set; }

    /// <summary>For example <c>Fail: 12 models, 2 fail, 3 warn</c>.</summary>
    public override string ToString() => Status + ": " + Models.Length + " models, " + Failed + " fail, " + Warned + " warn, " + Passed + " pass";
}
