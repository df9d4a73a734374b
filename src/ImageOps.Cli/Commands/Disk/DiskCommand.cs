using System.CommandLine;

namespace ImageOps.Cli.Commands.Disk;

/// <summary><c>imageops disk</c>: the virtual disk verbs, mirroring the *-DiskFile cmdlets.</summary>
internal static class DiskCommand
{
    public static Command Create()
    {
        var disk = new Command("disk", "Inspect, create, convert, capture, check, compare, measure, resize, compact and merge virtual disks (raw, VHD, VHDX, QCOW2, VMDK).");
        disk.Subcommands.Add(DiskInfoVerb.Create());
        disk.Subcommands.Add(DiskCreateVerb.Create());
        disk.Subcommands.Add(DiskConvertVerb.Create());
        disk.Subcommands.Add(DiskCaptureVerb.Create());
        disk.Subcommands.Add(DiskCheckVerb.Create());
        disk.Subcommands.Add(DiskCompareVerb.Create());
        disk.Subcommands.Add(DiskMeasureVerb.Create());
        disk.Subcommands.Add(DiskResizeVerb.Create());
        disk.Subcommands.Add(DiskOptimizeVerb.Create());
        disk.Subcommands.Add(DiskMergeVerb.Create());
        return disk;
    }
}
