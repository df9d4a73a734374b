using System;
using System.Collections.Generic;
using ImageOps.Formats.Inf;

namespace ImageOps.Engine.Drivers;

/// <summary>What to import.</summary>
public sealed class DriverImportRequest
{
    /// <summary>A folder (searched recursively, one package per INF), an INF file, a .zip or a .cab.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>Groups to put the imported packages in (profiles refer to groups).</summary>
    public IReadOnlyList<string> Groups { get; set; } = Array.Empty<string>();

    /// <summary>
    /// Architectures to import. Empty means every architecture the INF declares, all of which must then
    /// be complete; name some to import an INF whose other architectures' files the pack does not ship.
    /// </summary>
    public IReadOnlyList<InfArchitecture> Architectures { get; set; } = Array.Empty<InfArchitecture>();

    /// <summary>Bounds for archives.</summary>
    public DriverArchiveLimits ArchiveLimits { get; set; } = DriverArchiveLimits.Default;
}

/// <summary>What happened to one INF of an import.</summary>
public enum DriverImportStatus
{
    /// <summary>Stored as a new package.</summary>
    Added,

    /// <summary>The library already held this exact package; new groups, if any, were added to it.</summary>
    AlreadyPresent,

    /// <summary>Not imported; <see cref="DriverImportItem.Error"/> says why.</summary>
    Refused,
}

/// <summary>One INF of an import and its outcome.</summary>
public sealed class DriverImportItem
{
    /// <summary>The INF's path inside the imported folder or archive.</summary>
    public string InfPath { get; set; } = string.Empty;

    /// <summary>The outcome.</summary>
    public DriverImportStatus Status { get; set; }

    /// <summary>The package (added or already present).</summary>
    public DriverPackageInfo? Package { get; set; }

    /// <summary>Why it was refused.</summary>
    [Newtonsoft.Json.JsonIgnore]
    public ImageOpsException? Error { get; set; }

    /// <summary>The stable id of the refusal, if refused.</summary>
    public string? ErrorId => Error?.ErrorId;

    /// <summary>The refusal's message, if refused.</summary>
    public string? ErrorMessage => Error?.Message;

    /// <summary>The INF path and outcome.</summary>
    public override string ToString() => InfPath + ": " + Status;
}

/// <summary>What an import did.</summary>
public sealed class DriverImportResult
{
    /// <summary>The imported folder, INF or archive.</summary>
    public string Source { get; set; } = string.Empty;

    /// <summary>One item per INF found.</summary>
    public IReadOnlyList<DriverImportItem> Items { get; set; } = Array.Empty<DriverImportItem>();

    /// <summary>Files written to the store (content it did not hold yet).</summary>
    public int ObjectsStored { get; set; }

    /// <summary>Bytes written to the store.</summary>
    public long BytesStored { get; set; }
}

/// <summary>Filters for finding packages; every filter given must match (wildcards allowed in text filters).</summary>
public sealed class DriverPackageQuery
{
    /// <summary>Package ids (wildcards; a plain id may be a unique prefix of at least 4 digits). Plain ids that match nothing are errors.</summary>
    public IReadOnlyList<string>? Ids { get; set; }

    /// <summary>INF file names.</summary>
    public IReadOnlyList<string>? Names { get; set; }

    /// <summary>Device setup class.</summary>
    public string? Class { get; set; }

    /// <summary>Provider.</summary>
    public string? Provider { get; set; }

    /// <summary>A hardware or compatible id some model of the package lists.</summary>
    public string? HardwareId { get; set; }

    /// <summary>A group the package belongs to.</summary>
    public string? Group { get; set; }

    /// <summary>Only packages imported for this architecture.</summary>
    public InfArchitecture? Architecture { get; set; }

    /// <summary>Only packages with models for this Windows version (on <see cref="Architecture"/>, default amd64).</summary>
    public Version? OSVersion { get; set; }
}

/// <summary>Packages a query found, and per-item errors (ids not found, unreadable records).</summary>
public sealed class DriverPackageQueryResult
{
    /// <summary>Creates the result.</summary>
    public DriverPackageQueryResult(IReadOnlyList<DriverPackageInfo> packages, IReadOnlyList<ImageOpsException> errors)
    {
        Packages = packages;
        Errors = errors;
    }

    /// <summary>The packages, by name then id.</summary>
    public IReadOnlyList<DriverPackageInfo> Packages { get; }

    /// <summary>Per-item errors.</summary>
    public IReadOnlyList<ImageOpsException> Errors { get; }
}

/// <summary>What removing a package did.</summary>
public sealed class DriverPackageRemovalResult
{
    /// <summary>The package as it was.</summary>
    public DriverPackageInfo Package { get; set; } = null!;

    /// <summary>Profiles that used it (it was removed anyway, with -Force).</summary>
    public string[] UsedByProfiles { get; set; } = Array.Empty<string>();

    /// <summary>Stored files no package needs any more, deleted.</summary>
    public int ObjectsDeleted { get; set; }

    /// <summary>Bytes freed.</summary>
    public long BytesFreed { get; set; }
}

/// <summary>What exporting a package wrote.</summary>
public sealed class DriverPackageExportResult
{
    /// <summary>The package id.</summary>
    public string PackageId { get; set; } = string.Empty;

    /// <summary>The INF name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The folder that holds the package's files in their original layout.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>The INF's full path.</summary>
    public string InfPath { get; set; } = string.Empty;

    /// <summary>Files written.</summary>
    public int FileCount { get; set; }

    /// <summary>Bytes written.</summary>
    public long SizeBytes { get; set; }
}

/// <summary>An INF refused by an import, with what is wrong.</summary>
public class DriverPackageRefusedException : ImageOpsException
{
    /// <summary>Creates the error.</summary>
    public DriverPackageRefusedException(string errorId, ErrorKind kind, string message, string infPath, IReadOnlyList<string> details)
        : base(errorId, kind, message, infPath)
    {
        InfPath = infPath;
        Details = details;
    }

    /// <summary>The INF.</summary>
    public string InfPath { get; }

    /// <summary>The missing files, refused references or INF errors.</summary>
    public IReadOnlyList<string> Details { get; }
}
