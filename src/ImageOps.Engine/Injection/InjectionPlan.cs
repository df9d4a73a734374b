using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Registry;
using Newtonsoft.Json;

namespace ImageOps.Engine.Injection;

/// <summary>What a plan adds to or removes from an image.</summary>
public enum InjectionOperation
{
    /// <summary>Add-ImageDriver.</summary>
    Add,

    /// <summary>Remove-ImageDriver.</summary>
    Remove,
}

/// <summary>How serious a pre-flight finding is.</summary>
public enum InjectionSeverity
{
    /// <summary>Worth knowing; nothing to do.</summary>
    Info,

    /// <summary>The plan goes ahead, but look at this.</summary>
    Warning,

    /// <summary>The plan cannot be applied as it stands (the message says what would allow it).</summary>
    Blocking,
}

/// <summary>A pre-flight finding.</summary>
public sealed class InjectionFinding
{
    /// <summary>Creates a finding.</summary>
    public InjectionFinding(string id, InjectionSeverity severity, string message, string? target = null)
    {
        Id = id;
        Severity = severity;
        Message = message;
        Target = target;
    }

    /// <summary>A stable id (also the error id when it blocks), for example <c>HiveDirty</c>.</summary>
    public string Id { get; }

    /// <summary>How serious it is.</summary>
    public InjectionSeverity Severity { get; }

    /// <summary>What was found and what follows.</summary>
    public string Message { get; }

    /// <summary>The package, hive or file concerned, if any.</summary>
    public string? Target { get; }

    /// <summary>For example <c>Warning DriverPackageUnsigned: ...</c>.</summary>
    public override string ToString() => Severity + " " + Id + ": " + Message;
}

/// <summary>What is known of the Windows inside the image (read from its hives).</summary>
public sealed class WindowsImageFacts
{
    /// <summary>ProductName.</summary>
    public string ProductName { get; set; } = string.Empty;

    /// <summary>Major.minor.build.UBR.</summary>
    [JsonConverter(typeof(Newtonsoft.Json.Converters.VersionConverter))]
    public Version Version { get; set; } = new(0, 0);

    /// <summary>AMD64, x86 or ARM64 (PROCESSOR_ARCHITECTURE).</summary>
    public string Architecture { get; set; } = string.Empty;

    /// <summary>Client or Server.</summary>
    public string InstallationType { get; set; } = string.Empty;

    /// <summary>The control set Select\Current names, for example ControlSet001.</summary>
    public string ControlSet { get; set; } = string.Empty;

    /// <summary>True if the SYSTEM hive has DriverDatabase (Windows 8 and later).</summary>
    public bool HasDriverDatabase { get; set; }

    /// <summary>The partition holding Windows (1-based, as the partition table numbers it).</summary>
    public int PartitionNumber { get; set; }

    /// <summary>The PowerShell execution policy that applies to the first-boot installer, and from which scope.</summary>
    public string ExecutionPolicy { get; set; } = "Undefined";

    /// <summary>The DevicePath value before injection, or null.</summary>
    public string? DevicePath { get; set; }

    /// <summary>For example <c>Windows 11 Pro 10.0.26100.2314 AMD64</c>.</summary>
    public override string ToString() => ProductName + " " + Version + " " + Architecture;
}

/// <summary>The boot registration of a boot-critical storage driver.</summary>
public sealed class BootStubPlan
{
    /// <summary>The service (key name under Services).</summary>
    public string Service { get; set; } = string.Empty;

    /// <summary>The driver binary's file name, copied to System32\drivers.</summary>
    public string Binary { get; set; } = string.Empty;

    /// <summary>The load order group.</summary>
    public string Group { get; set; } = string.Empty;

    /// <summary>The hardware ids the package's INF declares for this platform, registered for the service.</summary>
    public string[] HardwareIds { get; set; } = Array.Empty<string>();

    /// <summary>DriverDatabase (Windows 8 and later) or CriticalDeviceDatabase.</summary>
    public string Database { get; set; } = string.Empty;

    /// <summary>The stub INF name in DriverDatabase (imageops_&lt;service&gt;.inf), or null before Windows 8.</summary>
    public string? StubInf { get; set; }

    /// <summary>The stub package label (&lt;stub inf&gt;_&lt;arch&gt;_0000000000000000), or null before Windows 8.</summary>
    public string? PackageLabel { get; set; }

    /// <summary>The device setup class GUID registered with it.</summary>
    public string ClassGuid { get; set; } = string.Empty;
}

/// <summary>A driver package in a plan.</summary>
public sealed class PlannedPackage
{
    /// <summary>The INF file name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The package id (the library's, or one derived from the files' content for a host folder).</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>Its folder inside the image, for example <c>Windows\ImageOps\Drivers\viostor_0123456789abcdef</c>.</summary>
    public string Folder { get; set; } = string.Empty;

    /// <summary>The INF's path relative to that folder.</summary>
    public string InfPath { get; set; } = string.Empty;

    /// <summary>Where it comes from (host folder or library).</summary>
    public string Source { get; set; } = string.Empty;

    /// <summary>Provider.</summary>
    public string? Provider { get; set; }

    /// <summary>Device setup class.</summary>
    public string? Class { get; set; }

    /// <summary>DriverVer version.</summary>
    public string? Version { get; set; }

    /// <summary>True if the package's catalog file is present (the signature itself is checked by Windows).</summary>
    public bool CatalogPresent { get; set; }

    /// <summary>True if it adds a boot-start service on the image's platform.</summary>
    public bool IsBootCritical { get; set; }

    /// <summary>True if it is a boot-start storage controller driver.</summary>
    public bool IsBootStorageController { get; set; }

    /// <summary>Its boot registration, when it gets one.</summary>
    public BootStubPlan? BootStub { get; set; }

    /// <summary>Why it is in the plan (the driver set's reason, or "given").</summary>
    public string Reason { get; set; } = string.Empty;

    /// <summary>Number of files staged.</summary>
    public int FileCount { get; set; }

    /// <summary>The package's files on this host (relative path, host path): what DISM imports.</summary>
    [JsonIgnore]
    internal List<(string Relative, string Host)> HostFiles { get; } = new();

    /// <summary>Bytes staged.</summary>
    public long SizeBytes { get; set; }

    /// <summary>The name and folder.</summary>
    public override string ToString() => Name + " -> " + Folder;
}

/// <summary>What a planned file operation does.</summary>
public enum PlannedFileAction
{
    /// <summary>Create or replace the file.</summary>
    Write,

    /// <summary>Delete the file.</summary>
    Delete,

    /// <summary>Delete an empty directory.</summary>
    DeleteDirectory,
}

/// <summary>A file written into or deleted from the image.</summary>
public sealed class PlannedFile
{
    /// <summary>The action.</summary>
    public PlannedFileAction Action { get; set; }

    /// <summary>Path inside the Windows volume.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>Where the content comes from (host path, or what generates it).</summary>
    public string Source { get; set; } = string.Empty;

    /// <summary>Size in bytes (writes).</summary>
    public long SizeBytes { get; set; }

    /// <summary>SHA-256 of the content (writes), lowercase hex.</summary>
    public string? Sha256 { get; set; }

    [JsonIgnore]
    internal Func<System.IO.Stream>? Content { get; set; }

    /// <summary>For example <c>Write Windows\System32\drivers\viostor.sys (12345 bytes)</c>.</summary>
    public override string ToString() => Action == PlannedFileAction.Write
        ? string.Format(CultureInfo.InvariantCulture, "Write {0} ({1} bytes)", Path, SizeBytes)
        : Action + " " + Path;
}

/// <summary>One registry change, as the plan shows it.</summary>
public sealed class PlannedRegistryEdit
{
    /// <summary>SYSTEM or SOFTWARE.</summary>
    public string Hive { get; set; } = string.Empty;

    /// <summary>SetValue, DeleteValue, CreateKey or DeleteKey.</summary>
    public string Action { get; set; } = string.Empty;

    /// <summary>The key, from the hive root.</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary>The value name ("" for the default value), or null for key edits.</summary>
    public string? Value { get; set; }

    /// <summary>REG_SZ, REG_DWORD... for SetValue.</summary>
    public string? Type { get; set; }

    /// <summary>The data as text (strings, numbers in hex, binary as hex bytes).</summary>
    public string? Data { get; set; }

    /// <summary>Why.</summary>
    public string Purpose { get; set; } = string.Empty;

    /// <summary>What applying it did (in a result), or null in a plan.</summary>
    public string? Outcome { get; set; }

    /// <summary>One line.</summary>
    public override string ToString()
        => Action switch
        {
            "SetValue" => $"{Hive}\\{Key} [{(Value?.Length == 0 ? "(Default)" : Value)}] = {Type} {Data}",
            "DeleteValue" => $"Delete {Hive}\\{Key} [{Value}]",
            _ => $"{Action} {Hive}\\{Key}",
        };
}

/// <summary>The first-boot installer.</summary>
public sealed class FirstBootPlan
{
    /// <summary>How Windows starts it.</summary>
    public string Mechanism { get; set; } = "Service";

    /// <summary>The service name.</summary>
    public string ServiceName { get; set; } = FirstBootScript.ServiceName;

    /// <summary>The script, inside the image.</summary>
    public string ScriptPath { get; set; } = string.Empty;

    /// <summary>The JSON-lines result log, inside the image.</summary>
    public string LogPath { get; set; } = string.Empty;

    /// <summary>The service's command line.</summary>
    public string CommandLine { get; set; } = string.Empty;

    /// <summary>pnputil runs per INF before the INF is quarantined.</summary>
    public int MaxAttempts { get; set; } = FirstBootScript.MaxAttempts;

    /// <summary>The pnputil command used per INF.</summary>
    public string PnputilCommand { get; set; } = string.Empty;

    /// <summary>True when the installer is removed (no ImageOps packages remain).</summary>
    public bool Removed { get; set; }
}

/// <summary>
/// The plan of an injection or removal, built first from the image as it is (read-only), shown by
/// -WhatIf / --what-if, then applied by the engine to a new layer. Everything it writes is listed:
/// files with sizes and hashes, every registry edit per hive, the first-boot installer, and the
/// pre-flight findings; a plan with a <see cref="InjectionSeverity.Blocking"/> finding is not applied.
/// </summary>
public sealed class InjectionPlan
{
    /// <summary>Add or Remove.</summary>
    public InjectionOperation Operation { get; set; }

    /// <summary>The image (top of the chain), never written.</summary>
    public string ImagePath { get; set; } = string.Empty;

    /// <summary>The image's format.</summary>
    public DiskFormat ImageFormat { get; set; }

    /// <summary>The image's chain, top first.</summary>
    public string[] ImageChain { get; set; } = Array.Empty<string>();

    /// <summary>The Windows inside.</summary>
    public WindowsImageFacts Windows { get; set; } = new();

    /// <summary>Layer or flat copy.</summary>
    public InjectionOutput Output { get; set; }

    /// <summary>Where the result goes.</summary>
    public string DestinationPath { get; set; } = string.Empty;

    /// <summary>The result's format.</summary>
    public DiskFormat ResultFormat { get; set; }

    /// <summary>Why the result has that format, when it is not the image's (a raw image gets a QCOW2 layer).</summary>
    public string? ResultNote { get; set; }

    /// <summary>The method that applies the plan.</summary>
    public InjectionMethod Method { get; set; }

    /// <summary>The staging folder inside the image.</summary>
    public string StagingFolder { get; set; } = InjectionLayout.DriversFolder;

    /// <summary>The packages added (or removed).</summary>
    public PlannedPackage[] Packages { get; set; } = Array.Empty<PlannedPackage>();

    /// <summary>Every file operation, in order.</summary>
    public PlannedFile[] Files { get; set; } = Array.Empty<PlannedFile>();

    /// <summary>Every registry edit, per hive in order.</summary>
    public PlannedRegistryEdit[] RegistryEdits { get; set; } = Array.Empty<PlannedRegistryEdit>();

    /// <summary>The first-boot installer, or null when the method needs none.</summary>
    public FirstBootPlan? FirstBoot { get; set; }

    /// <summary>Pre-flight findings.</summary>
    public InjectionFinding[] Findings { get; set; } = Array.Empty<InjectionFinding>();

    /// <summary>True if no finding blocks the plan.</summary>
    public bool CanApply => Findings.All(f => f.Severity != InjectionSeverity.Blocking);

    /// <summary>Total bytes written into the image.</summary>
    public long BytesToWrite => Files.Where(f => f.Action == PlannedFileAction.Write).Sum(f => f.SizeBytes);

    [JsonIgnore]
    internal Dictionary<string, RegistryEditPlan> HiveEdits { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>SHA-256 of each hive file the edits were planned from: applying refuses a hive that differs.</summary>
    [JsonIgnore]
    internal Dictionary<string, string> HiveSources { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Hive log files that the plan deletes because their entries were replayed into the written hive.</summary>
    [JsonIgnore]
    internal Dictionary<string, Dictionary<string, byte[]>> ReplayedHives { get; } = new(StringComparer.OrdinalIgnoreCase);

    [JsonIgnore]
    internal DriverInjectionRequest? AddRequest { get; set; }

    [JsonIgnore]
    internal DriverRemovalRequest? RemoveRequest { get; set; }

    [JsonIgnore]
    internal IReadOnlyList<string> ParentSearchPaths { get; set; } = Array.Empty<string>();

    /// <summary>One line: what, where, how much.</summary>
    public string Summary => string.Format(
        CultureInfo.InvariantCulture,
        "{0} {1} package(s) {2} {3} ({4}) as a {5} {6} '{7}': {8} file operation(s), {9} registry edit(s){10}",
        Operation == InjectionOperation.Add ? "Inject" : "Remove",
        Packages.Length,
        Operation == InjectionOperation.Add ? "into" : "from",
        System.IO.Path.GetFileName(ImagePath),
        Windows,
        ResultFormat,
        Output == InjectionOutput.Layer ? "layer" : "flat copy",
        DestinationPath,
        Files.Length,
        RegistryEdits.Length,
        CanApply ? string.Empty : "; BLOCKED: " + string.Join(", ", Findings.Where(f => f.Severity == InjectionSeverity.Blocking).Select(f => f.Id)));

    /// <summary>The whole plan as text, as -WhatIf and <c>--what-if</c> show it.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine(Summary);
        text.AppendLine($"  Image:   {ImagePath} ({ImageFormat}; chain of {ImageChain.Length}) — never written");
        text.AppendLine($"  Windows: {Windows} ({Windows.ControlSet}, {(Windows.HasDriverDatabase ? "DriverDatabase" : "CriticalDeviceDatabase")}, partition {Windows.PartitionNumber}, execution policy {Windows.ExecutionPolicy})");
        text.AppendLine($"  Result:  {DestinationPath} ({ResultFormat} {(Output == InjectionOutput.Layer ? "differencing layer over the image" : "flat copy")}; method {Method}){(ResultNote is null ? string.Empty : " — " + ResultNote)}");
        foreach (var finding in Findings)
        {
            text.AppendLine($"  {finding.Severity.ToString().ToUpperInvariant()} {finding.Id}: {finding.Message}");
        }

        text.AppendLine($"  Packages ({Packages.Length}):");
        foreach (var package in Packages)
        {
            text.AppendLine($"    {package.Name} [{package.Id}] {package.Class} {package.Version} -> {package.Folder}{(package.BootStub is null ? string.Empty : $" (boot start: service {package.BootStub.Service}, {package.BootStub.HardwareIds.Length} hardware id(s) in {package.BootStub.Database})")}");
        }

        text.AppendLine($"  Files ({Files.Length}, {BytesToWrite} bytes written):");
        foreach (var file in Files)
        {
            text.AppendLine("    " + file);
        }

        text.AppendLine($"  Registry ({RegistryEdits.Length} edit(s)):");
        foreach (var edit in RegistryEdits)
        {
            text.AppendLine("    " + edit);
        }

        if (FirstBoot is not null)
        {
            text.AppendLine(FirstBoot.Removed
                ? $"  First boot: the {FirstBoot.ServiceName} service and its script are removed (no ImageOps package remains)"
                : $"  First boot: service {FirstBoot.ServiceName} runs {FirstBoot.ScriptPath} ({FirstBoot.PnputilCommand}; at most {FirstBoot.MaxAttempts} attempt(s) per INF, then quarantine; never restarts Windows); log {FirstBoot.LogPath}");
        }

        return text.ToString();
    }
}

/// <summary>What applying a plan did.</summary>
public sealed class InjectionResult
{
    /// <summary>The plan that was applied (registry edits carry their outcome).</summary>
    public InjectionPlan Plan { get; set; } = new();

    /// <summary>The result file.</summary>
    public string DestinationPath { get; set; } = string.Empty;

    /// <summary>Its format.</summary>
    public DiskFormat Format { get; set; }

    /// <summary>Layer or flat copy.</summary>
    public InjectionOutput Output { get; set; }

    /// <summary>The result's chain, top first (one entry for a flat copy).</summary>
    public string[] Chain { get; set; } = Array.Empty<string>();

    /// <summary>The packages added or removed.</summary>
    public PlannedPackage[] Packages { get; set; } = Array.Empty<PlannedPackage>();

    /// <summary>Files written.</summary>
    public int FilesWritten { get; set; }

    /// <summary>Files and directories deleted.</summary>
    public int FilesDeleted { get; set; }

    /// <summary>Bytes of file content written into the image.</summary>
    public long BytesWritten { get; set; }

    /// <summary>Registry edits that changed something.</summary>
    public int RegistryChanges { get; set; }

    /// <summary>The result file's size.</summary>
    public long FileSizeBytes { get; set; }

    /// <summary>The method used.</summary>
    public InjectionMethod Method { get; set; }

    /// <summary>How long it took.</summary>
    public TimeSpan Duration { get; set; }

    /// <summary>Warnings from the plan.</summary>
    public string[] Warnings { get; set; } = Array.Empty<string>();

    /// <summary>One line.</summary>
    public override string ToString()
        => string.Format(CultureInfo.InvariantCulture, "{0} package(s) -> {1} ({2} {3}, {4} file(s), {5} registry change(s))", Packages.Length, DestinationPath, Format, Output, FilesWritten + FilesDeleted, RegistryChanges);
}
