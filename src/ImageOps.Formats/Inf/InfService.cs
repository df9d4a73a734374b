using System;
using System.Collections.Generic;

namespace ImageOps.Formats.Inf;

/// <summary>
/// A service an INF installs: an AddService directive with the values of its service-install section.
/// <c>AddService=ServiceName,[flags],service-install-section[,event-log-install-section[,[EventLogType][,EventName]]]</c>.
/// Source: "INF AddService Directive" (learn.microsoft.com).
/// </summary>
public sealed class InfService
{
    /// <summary>SPSVCINST_ASSOCSERVICE: the service is the device's function driver.</summary>
    public const uint AssociatedServiceFlag = 0x2;

    internal InfService(string name, string declaredIn, int line, int column)
    {
        Name = name;
        DeclaredIn = declaredIn;
        Line = line;
        Column = column;
    }

    /// <summary>The service name; empty for the NULL driver (<c>AddService = ,2</c>).</summary>
    public string Name { get; }

    /// <summary>The section that holds the AddService directive (a <c>DDInstall.Services</c> section).</summary>
    public string DeclaredIn { get; }

    /// <summary>1-based line of the AddService directive.</summary>
    public int Line { get; }

    /// <summary>1-based column of the AddService directive.</summary>
    public int Column { get; }

    /// <summary>The SPSVCINST_* flags.</summary>
    public uint Flags { get; internal set; }

    /// <summary>True if the flags mark the service as the device's function driver.</summary>
    public bool IsAssociatedService => (Flags & AssociatedServiceFlag) != 0;

    /// <summary>True for <c>AddService = ,2</c>: the device needs no function driver.</summary>
    public bool IsNullDriver => Name.Length == 0;

    /// <summary>The service-install section name, or null.</summary>
    public string? InstallSectionName { get; internal set; }

    /// <summary>True if the service-install section exists.</summary>
    public bool InstallSectionExists { get; internal set; }

    /// <summary>The event-log-install section name, or null.</summary>
    public string? EventLogSectionName { get; internal set; }

    /// <summary>DisplayName (after substitution).</summary>
    public string? DisplayName { get; internal set; }

    /// <summary>Description (after substitution).</summary>
    public string? Description { get; internal set; }

    /// <summary>ServiceType (1 kernel driver, 2 file system driver, 0x10/0x20 Win32 service), or null.</summary>
    public uint? ServiceType { get; internal set; }

    /// <summary>StartType as a number, or null if absent or not a number.</summary>
    public uint? StartTypeValue { get; internal set; }

    /// <summary>StartType, or null if absent or not one of the five defined values.</summary>
    public InfServiceStartType? StartType => StartTypeValue is uint v && v <= 4 ? (InfServiceStartType)v : null;

    /// <summary>ErrorControl (0 ignore, 1 normal, 2 severe, 3 critical), or null.</summary>
    public uint? ErrorControl { get; internal set; }

    /// <summary>ServiceBinary as written after substitution, for example <c>%12%\disk.sys</c>.</summary>
    public string? ServiceBinary { get; internal set; }

    /// <summary>The dirid ServiceBinary starts with (12 for %12%, the drivers folder), or null.</summary>
    public int? ServiceBinaryDirectoryId { get; internal set; }

    /// <summary>The path after the dirid (or the whole ServiceBinary if it has none).</summary>
    public string? ServiceBinaryPath { get; internal set; }

    /// <summary>StartName, or null.</summary>
    public string? StartName { get; internal set; }

    /// <summary>LoadOrderGroup, or null.</summary>
    public string? LoadOrderGroup { get; internal set; }

    /// <summary>Dependencies (service names, or group names prefixed with '+').</summary>
    public IReadOnlyList<string> Dependencies { get; internal set; } = Array.Empty<string>();

    /// <summary>BootFlags (CM_SERVICE_*_BOOT_LOAD: promote to boot start in given boot scenarios), or null.</summary>
    public uint? BootFlags { get; internal set; }

    /// <summary>The service and its start type.</summary>
    public override string ToString() => (IsNullDriver ? "(null driver)" : Name) + (StartType is { } s ? " start=" + s : string.Empty);
}
