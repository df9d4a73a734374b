using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using ImageOps.Engine.Disks;
using ImageOps.Formats.Disks;

namespace ImageOps.Cli.Commands.Disk;

/// <summary>Options the disk verbs share (created per verb: an option has one parent).</summary>
internal static class DiskOptions
{
    public static Option<DiskFormat?> Format(string description = "Format of the file, when detection from content should be skipped (raw, vhd, vhdx, qcow2, vmdk).")
        => new("--format", "-f") { Description = description };

    public static Option<string[]> ParentSearchPath() => new("--parent-search-path")
    {
        Description = "More folders parent (backing) images may be opened from; by default only the image's own folder.",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<int?> BlockSize() => new("--block-size-bytes")
    {
        Description = "Allocation unit in bytes (block, cluster or grain size); the format's default when omitted.",
    };

    public static Option<string?> Subformat() => new("--subformat")
    {
        Description = "Format-specific layout: monolithicSparse or streamOptimized (VMDK), v2 or v3 (QCOW2).",
    };

    public static DiskFileService Service(CliSession session, Option<string[]> roots)
        => new(CliPaths.All(session.Parse.GetValue(roots)));
}
